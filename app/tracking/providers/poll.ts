import { parseAftershipTrackings } from "./aftership";
import { parseEasyPostTrackers } from "./easypost";
import { ProviderPayloadError } from "./payload";
import { parseSeventeenTrackTrackInfo } from "./seventeen-track";
import type { ProviderPollResult, TrackingProvider } from "./types";

// "Get tracking" clients: what the poller asks a provider about a batch of tracking numbers, for shops whose
// provider does not push (or not reliably). One request per batch; each provider bills per number.
//   AfterShip  GET  {base}/tracking/2025-01/trackings?tracking_numbers=a,b   header as-api-key
//              https://www.aftership.com/docs/tracking/2025-01/api/get-trackings
//   17TRACK    POST {base}/track/v2.2/gettrackinfo [{ "number": "a" }]      header 17token
//              https://asset.17track.net/api/document/v2.2_en/index.html#get-tracking-details
//   EasyPost   GET  {base}/v2/trackers?tracking_codes[]=a&tracking_codes[]=b  HTTP Basic, the key as user
//              https://docs.easypost.com/docs/trackers#retrieve-a-list-of-trackers
// Every answer is validated (the adapters' parsers); every failure is a ProviderPollError saying what to do.

export const PROVIDER_NAMES: Record<TrackingProvider, string> = { aftership: "AfterShip", "17track": "17TRACK", easypost: "EasyPost" };

/** Numbers per request: 17TRACK takes at most 40; AfterShip and EasyPost page at 100, we stay well inside. */
export const POLL_BATCH_SIZE: Record<TrackingProvider, number> = { aftership: 50, "17track": 40, easypost: 50 };

export const POLL_TIMEOUT_MS = 20_000;

/**
 * - key_refused: 401/403; the key is wrong or revoked. Nothing works until the merchant pastes another.
 * - quota_exhausted: 429; the provider's own limit. Stop for the rest of the hour.
 * - unavailable: 5xx, a timeout, no connection. Try again later.
 * - bad_response: an answer we cannot read, or a 4xx we did not expect.
 */
export type PollFailure = "key_refused" | "quota_exhausted" | "unavailable" | "bad_response";

export class ProviderPollError extends Error {
  override name = "ProviderPollError";
  constructor(
    readonly failure: PollFailure,
    readonly provider: TrackingProvider,
    message: string,
    readonly httpStatus?: number,
  ) {
    super(message);
  }
}

export interface PollRequestOptions {
  apiKey: string;
  /** Scheme and host (and optional path prefix), no trailing slash: OMNISTOCK_<PROVIDER>_API_URL. */
  baseUrl: string;
  timeoutMs?: number;
}

function requestFor(provider: TrackingProvider, numbers: readonly string[], { apiKey, baseUrl }: PollRequestOptions): { url: string; init: RequestInit } {
  const accept = { Accept: "application/json" };
  switch (provider) {
    case "aftership":
      return {
        url: `${baseUrl}/tracking/2025-01/trackings?tracking_numbers=${encodeURIComponent(numbers.join(","))}`,
        init: { method: "GET", headers: { ...accept, "as-api-key": apiKey } },
      };
    case "17track":
      return {
        url: `${baseUrl}/track/v2.2/gettrackinfo`,
        init: {
          method: "POST",
          headers: { ...accept, "Content-Type": "application/json", "17token": apiKey },
          body: JSON.stringify(numbers.map((number) => ({ number }))),
        },
      };
    case "easypost": {
      const query = numbers.map((n) => `tracking_codes[]=${encodeURIComponent(n)}`).join("&");
      return {
        url: `${baseUrl}/v2/trackers?${query}&page_size=100`,
        init: { method: "GET", headers: { ...accept, Authorization: `Basic ${Buffer.from(`${apiKey}:`).toString("base64")}` } },
      };
    }
  }
}

const PARSERS: Record<TrackingProvider, (json: unknown) => ProviderPollResult> = {
  aftership: parseAftershipTrackings,
  "17track": parseSeventeenTrackTrackInfo,
  easypost: parseEasyPostTrackers,
};

/** A short, single-line excerpt of an error body (providers explain a 400 there). */
function excerpt(body: string): string {
  const line = body.replace(/\s+/g, " ").trim();
  return line.length > 200 ? `${line.slice(0, 200)}...` : line;
}

/**
 * Why fetch failed, in words an operator can act on: fetch itself only says "fetch failed" and keeps the reason
 * (ENOTFOUND, ECONNREFUSED, a certificate problem, a redirect) in its cause.
 */
function networkReason(error: unknown): string {
  const cause = error instanceof Error ? (error.cause as { code?: unknown; message?: unknown } | undefined) : undefined;
  if (cause && typeof cause.code === "string" && cause.code) return cause.code;
  if (cause && typeof cause.message === "string" && cause.message) return cause.message;
  return error instanceof Error ? error.message : String(error);
}

/** How every error that only a new API key can fix ends. */
export const PASTE_KEY = "Paste a current key in Omnistock > Notifications > Tracking providers.";

/**
 * Whether a stored pollError waits for a new API key (refused, or unreadable): the poller skips the provider
 * until the merchant saves one, which clears pollError. Other errors pass with the next poll that works.
 */
export function needsNewKey(pollError: string | null | undefined): boolean {
  return !!pollError && pollError.endsWith(PASTE_KEY);
}

/** What an HTTP status means for polling, or null when the body should be read. */
export function failureOf(provider: TrackingProvider, status: number, body = ""): ProviderPollError | null {
  const name = PROVIDER_NAMES[provider];
  if (status === 401 || status === 403) {
    return new ProviderPollError(
      "key_refused",
      provider,
      `${name} refused the API key (HTTP ${status}). ${PASTE_KEY}`,
      status,
    );
  }
  if (status === 429) {
    return new ProviderPollError(
      "quota_exhausted",
      provider,
      `${name} says the API quota is used up (HTTP 429). Polling stops until the next hour; lower "polls per hour" to your plan's limit if this repeats.`,
      status,
    );
  }
  if (status >= 500) {
    return new ProviderPollError("unavailable", provider, `${name} is having trouble (HTTP ${status}). Polling tries again on its own.`, status);
  }
  if (status < 200 || status >= 300) {
    const detail = excerpt(body);
    return new ProviderPollError("bad_response", provider, `${name} refused the request (HTTP ${status})${detail ? `: ${detail}` : ""}`, status);
  }
  return null;
}

/**
 * Asks the provider about these numbers (at most POLL_BATCH_SIZE). Resolves with what it knows; rejects with a
 * ProviderPollError, never anything else. The key goes in a header only, never in a URL or a message.
 */
export async function fetchTrackings(provider: TrackingProvider, numbers: readonly string[], options: PollRequestOptions): Promise<ProviderPollResult> {
  if (numbers.length === 0) return { updates: [], rejected: [] };
  if (numbers.length > POLL_BATCH_SIZE[provider]) throw new RangeError(`At most ${POLL_BATCH_SIZE[provider]} numbers per ${PROVIDER_NAMES[provider]} request`);
  const name = PROVIDER_NAMES[provider];
  const timeoutMs = options.timeoutMs ?? POLL_TIMEOUT_MS;
  const { url, init } = requestFor(provider, numbers, options);

  let status: number;
  let body: string;
  try {
    const response = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs), redirect: "error" });
    status = response.status;
    body = await response.text();
  } catch (error) {
    const timedOut = error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError");
    const limit = timeoutMs >= 1000 ? `${Math.round(timeoutMs / 1000)} s` : `${timeoutMs} ms`;
    const why = timedOut ? `did not answer within ${limit}` : `could not be reached (${networkReason(error)})`;
    throw new ProviderPollError("unavailable", provider, `${name} ${why}. Polling tries again on its own.`);
  }

  const failure = failureOf(provider, status, body);
  if (failure) throw failure;
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new ProviderPollError("bad_response", provider, `${name} answered with something that is not JSON (HTTP ${status}): ${excerpt(body) || "an empty body"}`, status);
  }
  try {
    return PARSERS[provider](json);
  } catch (error) {
    if (error instanceof ProviderPayloadError) throw new ProviderPollError("bad_response", provider, error.message, status);
    throw error;
  }
}
