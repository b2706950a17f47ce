import type { Order, TrackingResponse } from "./types";

// Lookups through the app proxy. The proxy path comes from the block (Liquid), never from this file: merchants
// can rename Shopify's proxy prefix and subpath.

/**
 * What the shopper asked for. A logged-in customer's own orders need no parameters: the proxy adds
 * logged_in_customer_id, which only Shopify can sign.
 */
export type Lookup = { by: "order"; order: string; email: string } | { by: "number"; number: string } | { by: "customer" };

export function trackingUrl(proxy: string, lookup: Lookup): string {
  const params = new URLSearchParams();
  if (lookup.by == "order") {
    params.set("order", lookup.order);
    params.set("email", lookup.email);
  } else if (lookup.by == "number") params.set("number", lookup.number);
  const query = params.toString();
  return `${proxy.replace(/\/+$/, "")}/tracking${query ? `?${query}` : ""}`;
}

export type Outcome =
  | { kind: "found"; orders: Order[] }
  | { kind: "not_found" }
  | { kind: "rate_limited"; retryAfter: number }
  | { kind: "invalid" }
  /** No answer, or not the contract (a proxy error page, a 5xx): worth a retry. */
  | { kind: "failed" };

/** Seconds to wait: the answer's retryAfter, else the Retry-After header, else a minute. */
function waitSeconds(body: { retryAfter?: unknown } | null, header: string | null): number {
  const seconds = typeof body?.retryAfter == "number" ? body.retryAfter : Number(header);
  return isFinite(seconds) && seconds > 0 ? seconds : 60;
}

/** Never throws: every way a lookup can end is an Outcome the widget has words for. */
export async function fetchTracking(url: string, fetchImpl: typeof fetch = fetch): Promise<Outcome> {
  let response: Response;
  try {
    // no-store: the answer is personal (names, addresses) and changes as the parcel moves.
    response = await fetchImpl(url, { headers: { Accept: "application/json" }, credentials: "same-origin", cache: "no-store" });
  } catch {
    return { kind: "failed" };
  }
  const body: ({ retryAfter?: unknown } & Partial<TrackingResponse>) | null = await response.json().catch(() => null);
  const { status } = response;
  if (status == 404) return { kind: "not_found" };
  if (status == 429) return { kind: "rate_limited", retryAfter: waitSeconds(body, response.headers.get("Retry-After")) };
  if (status == 400) return { kind: "invalid" };
  return response.ok && body && Array.isArray(body.orders) ? { kind: "found", orders: body.orders } : { kind: "failed" };
}
