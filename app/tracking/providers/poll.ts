import { z } from "zod";
import { AFTERSHIP_TRACKING_EXISTS, parseAftershipTrackings } from "./aftership";
import { parseEasyPostTrackers } from "./easypost";
import { ProviderPayloadError } from "./payload";
import { parseSeventeenTrackRegister, parseSeventeenTrackTrackInfo, SEVENTEEN_TRACK_ERRORS } from "./seventeen-track";
import { PROVIDER_NAMES, type ProviderPollResult, type TrackingProvider } from "./types";

// "Get tracking" clients: what the poller asks a provider about a batch of tracking numbers, for shops whose
// provider does not push (or not reliably). One request per batch; each provider bills per number.
//   AfterShip  GET  {base}/tracking/2025-01/trackings?tracking_numbers=a,b   header as-api-key
//              https://www.aftership.com/docs/tracking/2025-01/api/get-trackings
//   17TRACK    POST {base}/track/v2.2/gettrackinfo [{ "number": "a" }]      header 17token
//              https://asset.17track.net/api/document/v2.2_en/index.html#get-tracking-details
//   EasyPost   GET  {base}/v2/trackers?tracking_codes[]=a&tracking_codes[]=b  HTTP Basic, the key as user
//              https://docs.easypost.com/docs/trackers#retrieve-a-list-of-trackers
// A provider only answers about numbers it was told to follow; the registration clients below tell it:
//   AfterShip  POST {base}/tracking/2025-01/trackings { tracking_number, slug? }        one per request
//   17TRACK    POST {base}/track/v2.2/register [{ number, carrier? }]                   up to 40 per request
//   EasyPost   POST {base}/v2/trackers { tracker: { tracking_code, carrier? } }        one per request
//              https://docs.easypost.com/docs/trackers#create-a-tracker (an existing one is answered again)
// Every answer is validated (the adapters' parsers); every failure is a ProviderPollError saying what to do.
//
// Rate limits are per second, not per hour, so a 429 means "slow down", not "the plan is used up":
//   AfterShip  per endpoint (GET trackings 6/s, POST trackings 20/s); 429 with X-RateLimit-Reset, the Unix time
//              the window resets. https://www.aftership.com/docs/tracking/2025-01/quickstart/rate-limit
//   17TRACK    a few requests per second per key; 429 when exceeded.
//              https://asset.17track.net/api/document/v2.2_en/index.html ("Request frequency")
//   EasyPost   5 requests per second on index endpoints, load-based elsewhere; 429 "Too Many Requests".
//              https://docs.easypost.com/guides/rate-limiting-guide
// Each may send Retry-After (seconds or an HTTP date); we wait for the later of what they say.

/** Numbers per request: 17TRACK takes at most 40; AfterShip and EasyPost page at 100, we stay well inside. */
export const POLL_BATCH_SIZE: Record<TrackingProvider, number> = { aftership: 50, "17track": 40, easypost: 50 };

export const POLL_TIMEOUT_MS = 20_000;

/**
 * - key_refused: 401/403; the key is wrong or revoked. Nothing works until the merchant pastes another.
 * - account_refused: 401/403 for a reason a new key does not fix (17TRACK: the server's IP address is not on
 *   the account's whitelist, the account is disabled). The merchant fixes it at the provider; polls go on.
 * - rate_limited: 429; too many requests in a short time (all three limit requests per second, not per hour).
 *   Wait until `retryAt`, then go on.
 * - unavailable: 5xx, a timeout, no connection. Try again later.
 * - bad_response: an answer we cannot read, or a 4xx we did not expect.
 */
export type PollFailure = "key_refused" | "account_refused" | "rate_limited" | "unavailable" | "bad_response";

export class ProviderPollError extends Error {
  override name = "ProviderPollError";
  constructor(
    readonly failure: PollFailure,
    readonly provider: TrackingProvider,
    message: string,
    readonly httpStatus?: number,
    /** rate_limited: when the provider takes requests again. */
    readonly retryAt?: Date,
  ) {
    super(message);
  }
}

export interface PollRequestOptions {
  apiKey: string;
  /** Scheme and host (and optional path prefix), no trailing slash: OMNISTOCK_<PROVIDER>_API_URL. */
  baseUrl: string;
  timeoutMs?: number;
  /** The time a Retry-After in seconds counts from (the poller's clock). */
  now?: Date;
}

const ACCEPT = { Accept: "application/json" };

function authHeaders(provider: TrackingProvider, apiKey: string): Record<string, string> {
  switch (provider) {
    case "aftership":
      return { "as-api-key": apiKey };
    case "17track":
      return { "17token": apiKey };
    case "easypost":
      return { Authorization: `Basic ${Buffer.from(`${apiKey}:`).toString("base64")}` };
  }
}

function pollRequest(provider: TrackingProvider, numbers: readonly string[], { apiKey, baseUrl }: PollRequestOptions): { url: string; init: RequestInit } {
  const headers = { ...ACCEPT, ...authHeaders(provider, apiKey) };
  switch (provider) {
    case "aftership":
      return {
        url: `${baseUrl}/tracking/2025-01/trackings?tracking_numbers=${encodeURIComponent(numbers.join(","))}`,
        init: { method: "GET", headers },
      };
    case "17track":
      return {
        url: `${baseUrl}/track/v2.2/gettrackinfo`,
        init: { method: "POST", headers: { ...headers, "Content-Type": "application/json" }, body: JSON.stringify(numbers.map((number) => ({ number }))) },
      };
    case "easypost": {
      const query = numbers.map((n) => `tracking_codes[]=${encodeURIComponent(n)}`).join("&");
      return { url: `${baseUrl}/v2/trackers?${query}&page_size=100`, init: { method: "GET", headers } };
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

// ---------------------------------------------------------------------------------------------------------
// The provider's own words in an error body: AfterShip { meta: { code, message } }, 17TRACK { code, data: {
// errors: [{ code, message }] } }, EasyPost { error: { code, message } }.

export interface ProviderReason {
  code: string | null;
  message: string | null;
}

const codeOf = z.union([z.number(), z.string()]).nullish();
const messageOf = z.string().nullish();
const REASON_SCHEMAS: Record<TrackingProvider, z.ZodType<ProviderReason | null>> = {
  aftership: z
    .looseObject({ meta: z.looseObject({ code: codeOf, message: messageOf }) })
    .transform(({ meta }) => ({ code: meta.code == null ? null : String(meta.code), message: meta.message ?? null })),
  "17track": z
    .looseObject({
      code: codeOf,
      message: messageOf,
      data: z.looseObject({ errors: z.array(z.looseObject({ code: codeOf, message: messageOf })).nullish() }).nullish(),
    })
    .transform((body) => {
      const first = body.data?.errors?.[0];
      const code = first?.code ?? body.code;
      return { code: code == null ? null : String(code), message: first?.message ?? body.message ?? null };
    }),
  easypost: z
    .looseObject({ error: z.looseObject({ code: codeOf, message: messageOf }) })
    .transform(({ error }) => ({ code: error.code == null ? null : String(error.code), message: error.message ?? null })),
};

/** What the provider says went wrong, when its body says it in its usual shape; null otherwise. */
export function providerReason(provider: TrackingProvider, body: string): ProviderReason | null {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return null;
  }
  const parsed = REASON_SCHEMAS[provider].safeParse(json);
  if (!parsed.success || !parsed.data) return null;
  const message = parsed.data.message?.replace(/\s+/g, " ").trim().replace(/\.$/, "").slice(0, 200) || null;
  return message || parsed.data.code ? { code: parsed.data.code, message } : null;
}

/** "Security key invalid, code -18010002" */
const reasonText = (reason: ProviderReason) => [reason.message, reason.code !== null ? `code ${reason.code}` : null].filter(Boolean).join(", ");

/** 17TRACK refusals a new key does not fix: what the merchant does instead. */
const SEVENTEEN_TRACK_ACCOUNT_ADVICE: Record<string, string> = {
  [SEVENTEEN_TRACK_ERRORS.ipNotWhitelisted]:
    "Add this server's outgoing IP address to the IP whitelist in your 17TRACK API settings (or turn the whitelist off). Polling tries again on its own.",
  [SEVENTEEN_TRACK_ERRORS.accountDisabled]:
    "Your 17TRACK API account is disabled: sign in to 17TRACK to verify its email address or reactivate it. Polling tries again on its own.",
};

// ---------------------------------------------------------------------------------------------------------
// Rate limits (429): when to ask again.

/** Without any hint from the provider, a rate limit is waited out this long. */
export const RATE_LIMIT_DEFAULT_MS = 60_000;
/** However far a provider's hint points, we look again after this long at most. */
export const RATE_LIMIT_MAX_MS = 60 * 60_000;

/** A Unix time in seconds (or milliseconds), or, small enough to be one, seconds from now (IETF RateLimit-Reset style). */
function resetInstant(value: string, now: number): number | null {
  if (!/^\d+(\.\d+)?$/.test(value.trim())) return null;
  const n = Number(value);
  if (n > 1e12) return n;
  if (n > 1e9) return n * 1000;
  return now + n * 1000;
}

/**
 * When a rate-limited provider takes requests again: the later of Retry-After (seconds or an HTTP date) and,
 * for AfterShip, X-RateLimit-Reset (a Unix time); at least a second away, at most RATE_LIMIT_MAX_MS.
 */
export function rateLimitResetAt(provider: TrackingProvider, headers: Pick<Headers, "get">, now = new Date()): Date {
  const at = now.getTime();
  const candidates: number[] = [];
  const retryAfter = headers.get("retry-after")?.trim();
  if (retryAfter) {
    if (/^\d+$/.test(retryAfter)) candidates.push(at + Number(retryAfter) * 1000);
    else if (!Number.isNaN(Date.parse(retryAfter))) candidates.push(Date.parse(retryAfter));
  }
  if (provider === "aftership") {
    for (const name of ["x-ratelimit-reset", "ratelimit-reset"]) {
      const value = headers.get(name);
      const instant = value ? resetInstant(value, at) : null;
      if (instant !== null) candidates.push(instant);
    }
  }
  const wanted = candidates.length ? Math.max(...candidates) : at + RATE_LIMIT_DEFAULT_MS;
  return new Date(Math.min(Math.max(wanted, at + 1000), at + RATE_LIMIT_MAX_MS));
}

/** "14:05:30 UTC" */
const clockTime = (date: Date) => `${date.toISOString().slice(11, 19)} UTC`;

/** What an HTTP status means for polling, or null when the body should be read. */
export function failureOf(
  provider: TrackingProvider,
  status: number,
  body = "",
  headers: Pick<Headers, "get"> = new Headers(),
  now = new Date(),
): ProviderPollError | null {
  const name = PROVIDER_NAMES[provider];
  if (status === 401 || status === 403) {
    const reason = providerReason(provider, body);
    const advice = provider === "17track" && reason?.code ? SEVENTEEN_TRACK_ACCOUNT_ADVICE[reason.code] : undefined;
    if (advice) {
      return new ProviderPollError("account_refused", provider, `${name} refused the request (HTTP ${status}: ${reasonText(reason!)}). ${advice}`, status);
    }
    return new ProviderPollError(
      "key_refused",
      provider,
      `${name} refused the API key (HTTP ${status}${reason ? `: ${reasonText(reason)}` : ""}). ${PASTE_KEY}`,
      status,
    );
  }
  if (status === 429) {
    const retryAt = rateLimitResetAt(provider, headers, now);
    return new ProviderPollError(
      "rate_limited",
      provider,
      `${name} asked Omnistock to slow down (HTTP 429: too many requests in a short time, a per-second limit shared by everything that uses this ${name} account). ` +
        `Polling pauses until ${clockTime(retryAt)} and resumes on its own; the polls it could not make are not counted against your hourly limit.`,
      status,
      retryAt,
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

interface Answer {
  status: number;
  body: string;
  headers: Headers;
}

/** One request, with a deadline and never following a redirect; rejects with a ProviderPollError when nothing came back. */
async function send(provider: TrackingProvider, url: string, init: RequestInit, timeoutMs: number): Promise<Answer> {
  try {
    const response = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs), redirect: "error" });
    return { status: response.status, body: await response.text(), headers: response.headers };
  } catch (error) {
    const timedOut = error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError");
    const limit = timeoutMs >= 1000 ? `${Math.round(timeoutMs / 1000)} s` : `${timeoutMs} ms`;
    const why = timedOut ? `did not answer within ${limit}` : `could not be reached (${networkReason(error)})`;
    throw new ProviderPollError("unavailable", provider, `${PROVIDER_NAMES[provider]} ${why}. Polling tries again on its own.`);
  }
}

function parseJson(provider: TrackingProvider, { status, body }: Answer): unknown {
  try {
    return JSON.parse(body);
  } catch {
    throw new ProviderPollError(
      "bad_response",
      provider,
      `${PROVIDER_NAMES[provider]} answered with something that is not JSON (HTTP ${status}): ${excerpt(body) || "an empty body"}`,
      status,
    );
  }
}

/**
 * Asks the provider about these numbers (at most POLL_BATCH_SIZE), as the merchant wrote them. Resolves with what
 * it knows; rejects with a ProviderPollError, never anything else. The key goes in a header only, never in a URL
 * or a message.
 */
export async function fetchTrackings(provider: TrackingProvider, numbers: readonly string[], options: PollRequestOptions): Promise<ProviderPollResult> {
  if (numbers.length === 0) return { updates: [], rejected: [], unknown: [] };
  if (numbers.length > POLL_BATCH_SIZE[provider]) throw new RangeError(`At most ${POLL_BATCH_SIZE[provider]} numbers per ${PROVIDER_NAMES[provider]} request`);
  const { url, init } = pollRequest(provider, numbers, options);
  const answer = await send(provider, url, init, options.timeoutMs ?? POLL_TIMEOUT_MS);
  const failure = failureOf(provider, answer.status, answer.body, answer.headers, options.now);
  if (failure) throw failure;
  const json = parseJson(provider, answer);
  let result: ProviderPollResult;
  try {
    result = PARSERS[provider](json);
  } catch (error) {
    if (error instanceof ProviderPayloadError) throw new ProviderPollError("bad_response", provider, error.message, answer.status);
    throw error;
  }
  if (provider === "17track") return result;
  // AfterShip and EasyPost leave out what they do not follow. Providers may write a number their own way
  // (AfterShip uppercases it), so what was answered is compared without case, spaces or dashes.
  const answered = new Set([...result.updates.map((u) => u.trackingNumber), ...result.rejected.map((r) => r.trackingNumber)].map(comparable));
  return { ...result, unknown: numbers.filter((n) => !answered.has(comparable(n))) };
}

const comparable = (number: string) => number.replace(/[\s-]+/g, "").toUpperCase();

// ---------------------------------------------------------------------------------------------------------
// Registration: telling a provider to follow numbers it does not know.

export interface RegistrationItem {
  /** As the merchant wrote it. */
  number: string;
  /** The provider's own carrier code (an AfterShip slug, a 17TRACK carrier number, an EasyPost carrier), when known. */
  carrier?: string;
}

export interface RegistrationResult {
  /** Numbers the provider follows now, including those it already followed. */
  registered: string[];
  /** Numbers it will not follow (no carrier found, an invalid number), with its reason. */
  refused: { trackingNumber: string; message: string }[];
  /** A failure that stopped the requests (a refused key, a rate limit, an outage): the numbers after it were not sent. */
  failure?: ProviderPollError;
}

/** Numbers per 17TRACK register request (its limit); AfterShip and EasyPost take one per request. */
export const REGISTER_BATCH_SIZE: Record<TrackingProvider, number> = { aftership: 1, "17track": 40, easypost: 1 };

function registerRequest(provider: TrackingProvider, items: readonly RegistrationItem[], { apiKey, baseUrl }: PollRequestOptions): { url: string; init: RequestInit } {
  const headers = { ...ACCEPT, ...authHeaders(provider, apiKey), "Content-Type": "application/json" };
  switch (provider) {
    case "aftership": {
      const [item] = items;
      return {
        url: `${baseUrl}/tracking/2025-01/trackings`,
        init: { method: "POST", headers, body: JSON.stringify({ tracking_number: item!.number, ...(item!.carrier ? { slug: item!.carrier } : {}) }) },
      };
    }
    case "17track":
      return {
        url: `${baseUrl}/track/v2.2/register`,
        init: {
          method: "POST",
          headers,
          // 17TRACK's carrier is a number; anything else is left to its detection.
          body: JSON.stringify(items.map((i) => ({ number: i.number, ...(i.carrier && /^\d+$/.test(i.carrier) ? { carrier: Number(i.carrier) } : {}) }))),
        },
      };
    case "easypost": {
      const [item] = items;
      return {
        url: `${baseUrl}/v2/trackers`,
        init: { method: "POST", headers, body: JSON.stringify({ tracker: { tracking_code: item!.number, ...(item!.carrier ? { carrier: item!.carrier } : {}) } }) },
      };
    }
  }
}

/** A one-number registration's answer (AfterShip, EasyPost): followed, refused with the provider's reason, or a failure. */
function singleOutcome(provider: TrackingProvider, item: RegistrationItem, answer: Answer, now: Date | undefined): { registered: boolean; refused?: string } {
  if (answer.status >= 200 && answer.status < 300) return { registered: true };
  if (answer.status === 401 || answer.status === 403 || answer.status === 429 || answer.status >= 500) {
    throw failureOf(provider, answer.status, answer.body, answer.headers, now)!;
  }
  const reason = providerReason(provider, answer.body);
  // Already followed: AfterShip says 4003; EasyPost answers an existing tracker again, and is read defensively
  // in case it ever says "duplicate" instead.
  if (provider === "aftership" && reason?.code === String(AFTERSHIP_TRACKING_EXISTS)) return { registered: true };
  if (provider === "easypost" && reason?.code && /DUPLICATE|ALREADY/i.test(reason.code)) return { registered: true };
  return { registered: false, refused: reason ? reasonText(reason) : `HTTP ${answer.status}${excerpt(answer.body) ? `: ${excerpt(answer.body)}` : ""}` };
}

/**
 * Tells the provider to follow these numbers. Resolves with what became of each number sent; a failure that
 * stops it (a refused key, a rate limit, an outage) is returned with what was done before it, never thrown.
 */
export async function registerTrackings(
  provider: TrackingProvider,
  items: readonly RegistrationItem[],
  options: PollRequestOptions,
): Promise<RegistrationResult> {
  const result: RegistrationResult = { registered: [], refused: [] };
  const timeoutMs = options.timeoutMs ?? POLL_TIMEOUT_MS;
  const size = REGISTER_BATCH_SIZE[provider];
  for (let start = 0; start < items.length; start += size) {
    const batch = items.slice(start, start + size);
    const { url, init } = registerRequest(provider, batch, options);
    try {
      const answer = await send(provider, url, init, timeoutMs);
      if (provider === "17track") {
        const failure = failureOf(provider, answer.status, answer.body, answer.headers, options.now);
        if (failure) throw failure;
        let said: ReturnType<typeof parseSeventeenTrackRegister>;
        try {
          said = parseSeventeenTrackRegister(parseJson(provider, answer));
        } catch (error) {
          if (error instanceof ProviderPayloadError) throw new ProviderPollError("bad_response", provider, error.message, answer.status);
          throw error;
        }
        result.registered.push(...said.registered);
        result.refused.push(...said.refused);
      } else {
        const outcome = singleOutcome(provider, batch[0]!, answer, options.now);
        if (outcome.registered) result.registered.push(batch[0]!.number);
        else result.refused.push({ trackingNumber: batch[0]!.number, message: outcome.refused! });
      }
    } catch (error) {
      if (!(error instanceof ProviderPollError)) throw error;
      result.failure = error;
      return result;
    }
  }
  return result;
}
