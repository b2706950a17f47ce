import type { AvailabilityResponse, Position } from "./types";

// Requests to the app proxy. The proxy path comes from the block (Liquid) and then from the server's
// answer, never from this file: merchants can rename Shopify's proxy prefix and subpath.

export interface AvailabilityQuery {
  variant: string;
  /** The block's settings in query form, exactly as Liquid signed them. */
  settings: string;
  sig: string;
  position?: Position | null;
}

export function availabilityUrl(proxy: string, query: AvailabilityQuery): string {
  const params = new URLSearchParams({ variant: query.variant, settings: query.settings, sig: query.sig });
  if (query.position) {
    params.set("lat", query.position[0].toFixed(2));
    params.set("lng", query.position[1].toFixed(2));
  }
  return `${proxy.replace(/\/+$/, "")}/availability?${params}`;
}

/** Takes the server's proxy path only if it is a same-origin path ("/apps/omnistock"), else keeps the current one. */
export function nextProxyPath(candidate: unknown, current: string): string {
  return typeof candidate == "string" && /^\/(?![/\\])[^?#\s\\]*$/.test(candidate) ? candidate : current;
}

export type FetchResult = { data: AvailabilityResponse; etag: string | null } | null;

/**
 * Fetches availability; resolves null on 304 Not Modified (the caller keeps what it shows).
 * `etag` is sent as If-None-Match; pass it only for the same URL it came from.
 */
export async function fetchAvailability(url: string, etag: string | null, fetchImpl: typeof fetch = fetch): Promise<FetchResult> {
  const headers: Record<string, string> = { Accept: "application/json" };
  if (etag) headers["If-None-Match"] = etag;
  const response = await fetchImpl(url, { headers, credentials: "same-origin" });
  if (response.status == 304) return null;
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  const data = (await response.json()) as AvailabilityResponse;
  if (!data || !Array.isArray(data.locations)) throw new Error("Unexpected answer");
  return { data, etag: response.headers.get("ETag") };
}
