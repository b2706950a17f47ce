import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import type { TrackingProvider } from "../../app/tracking/providers/types";

// A local stand-in for the tracking providers' APIs (AfterShip 2025-01, 17TRACK v2.2, EasyPost v2), on 127.0.0.1
// and port 0, answering the way their documentation describes: each checks its own key header, answers only about
// the numbers it follows, exactly as they were registered, and follows a number only once it is registered
// (AfterShip POST /trackings, 17TRACK register, EasyPost POST /trackers); registering one it follows again is
// "already exists" (AfterShip 4003, 17TRACK -18019901) or the same tracker (EasyPost). It records what it was
// asked. Tests tell it what each provider follows, what the carrier will tell it once a number is registered,
// and, when they need one, which HTTP error (and headers, and body) to answer.

export const trackingFixture = (name: string) =>
  JSON.parse(readFileSync(path.resolve(import.meta.dirname, "../fixtures/tracking", name), "utf8")) as Record<string, any>;

/** An AfterShip Tracking, as in a webhook's `msg` (recorded) with the given number and tag. */
export function aftershipTracking(number: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...trackingFixture("aftership-tracking-update-exception.json").msg, tracking_number: number, ...overrides };
}

/** A 17TRACK accepted item ({ number, carrier, tag, track_info }, recorded) with the given number. */
export function seventeenTrackItem(number: string, trackInfo?: Record<string, unknown>): Record<string, unknown> {
  const data = trackingFixture("seventeen-track-tracking-updated.json").data;
  return { ...data, number, ...(trackInfo ? { track_info: trackInfo } : {}) };
}

/** An EasyPost Tracker (recorded) with the given code. */
export function easyPostTracker(code: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...trackingFixture("easypost-tracker-updated.json").result, tracking_code: code, ...overrides };
}

export interface FakeRequest {
  provider: TrackingProvider;
  /** poll: get tracking; register: follow these numbers. */
  kind: "poll" | "register";
  numbers: string[];
  /** The key the request carried, as the provider would read it. */
  key: string | null;
  /** Register requests: the carrier hint sent with each number, if any. */
  carriers?: (string | number | null)[];
}

export interface FakeProviders {
  url: string;
  /** What each provider follows (registered), by tracking number as registered: its own object for that number. */
  known: Record<TrackingProvider, Map<string, Record<string, unknown>>>;
  /** What each provider will have for a number once it is registered (the carrier's scans); without it, nothing yet. */
  carrier: Record<TrackingProvider, Map<string, Record<string, unknown>>>;
  /** Numbers each provider refuses to register (it cannot detect their carrier). */
  unregistrable: Record<TrackingProvider, Set<string>>;
  /** The key each provider accepts. */
  keys: Record<TrackingProvider, string>;
  /** Answer every request to this provider with this HTTP status (and the provider's error body). */
  failWith: Partial<Record<TrackingProvider, number>>;
  /** Headers sent with a failWith answer (Retry-After, X-RateLimit-Reset). */
  failHeaders: Partial<Record<TrackingProvider, Record<string, string>>>;
  /** The body sent with a failWith answer, instead of the provider's usual one. */
  failBody: Partial<Record<TrackingProvider, unknown>>;
  /** Wait this long before answering (timeouts). */
  delayMs: number;
  /** Answer this raw body with 200 instead (malformed answers). */
  rawBody: Partial<Record<TrackingProvider, string>>;
  requests: FakeRequest[];
  /** Every number asked of a provider in polls (one per number per request), in order. */
  asked(provider: TrackingProvider): string[];
  /** Every number sent to a provider to register, in order. */
  registered(provider: TrackingProvider): string[];
  close(): Promise<void>;
}

const ERROR_BODIES: Record<TrackingProvider, (status: number) => unknown> = {
  aftership: (status) => ({
    meta: {
      code: status,
      message: status === 401 ? "Invalid API key." : status === 429 ? "You have exceeded the API call rate limit." : "Something went wrong.",
      type: status === 401 ? "Unauthorized" : status === 429 ? "TooManyRequests" : "InternalError",
    },
    data: {},
  }),
  "17track": (status) =>
    status === 401
      ? { code: -18010002, data: { errors: [{ code: -18010002, message: "Security key invalid." }] } }
      : { code: -18010003, data: { errors: [{ code: -18010003, message: "Internal service error." }] } },
  easypost: (status) => ({
    error: {
      code: status === 401 ? "APIKEY.INACTIVE" : status === 429 ? "RATE_LIMITED" : "INTERNAL_SERVER_ERROR",
      message: status === 401 ? "This api key is no longer active. Please use a different api key or reactivate this key." : "Request refused.",
      errors: [],
    },
  }),
};

/** What a provider answers about a number it follows but has no scan for yet. */
const NOTHING_YET: Record<TrackingProvider, (number: string) => Record<string, unknown>> = {
  aftership: (number) => ({ tracking_number: number.toUpperCase(), slug: null, tag: "Pending", subtag: "Pending_001", checkpoints: [] }),
  "17track": (number) => ({ number, carrier: 0, tag: null, track_info: null }),
  easypost: (number) => ({ object: "Tracker", tracking_code: number, status: "unknown", status_detail: "unknown", carrier: null, tracking_details: [] }),
};

async function bodyOf(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

export async function startFakeProviders(): Promise<FakeProviders> {
  const fake: Omit<FakeProviders, "url" | "close"> = {
    known: { aftership: new Map(), "17track": new Map(), easypost: new Map() },
    carrier: { aftership: new Map(), "17track": new Map(), easypost: new Map() },
    unregistrable: { aftership: new Set(), "17track": new Set(), easypost: new Set() },
    keys: { aftership: "asat_fake_aftership_key_0001", "17track": "17track-fake-key-0001", easypost: "EZAKfake0000easypost" },
    failWith: {},
    failHeaders: {},
    failBody: {},
    delayMs: 0,
    rawBody: {},
    requests: [],
    asked(provider) {
      return this.requests.filter((r) => r.provider === provider && r.kind === "poll").flatMap((r) => r.numbers);
    },
    registered(provider) {
      return this.requests.filter((r) => r.provider === provider && r.kind === "register").flatMap((r) => r.numbers);
    },
  };

  /** Follows a number from now on; false when it already did. */
  const register = (provider: TrackingProvider, number: string): boolean => {
    if (fake.known[provider].has(number)) return false;
    fake.known[provider].set(number, fake.carrier[provider].get(number) ?? NOTHING_YET[provider](number));
    return true;
  };

  const server = createServer(async (request, response) => {
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    const body = await bodyOf(request);
    const send = (status: number, json: unknown, headers: Record<string, string> = {}) => {
      response.writeHead(status, { "Content-Type": "application/json", ...headers });
      response.end(typeof json === "string" ? json : JSON.stringify(json));
    };

    let provider: TrackingProvider;
    let kind: FakeRequest["kind"];
    let numbers: string[];
    let carriers: (string | number | null)[] | undefined;
    let key: string | null;
    const basicKey = () => {
      const basic = /^Basic (.+)$/.exec(request.headers.authorization ?? "")?.[1];
      return basic ? Buffer.from(basic, "base64").toString("utf8").replace(/:$/, "") : null;
    };
    if (url.pathname === "/tracking/2025-01/trackings" && (request.method === "GET" || request.method === "POST")) {
      provider = "aftership";
      key = (request.headers["as-api-key"] as string | undefined) ?? null;
      if (request.method === "GET") {
        kind = "poll";
        numbers = (url.searchParams.get("tracking_numbers") ?? "").split(",").filter(Boolean);
      } else {
        kind = "register";
        const created = JSON.parse(body) as { tracking_number: string; slug?: string };
        numbers = [created.tracking_number];
        carriers = [created.slug ?? null];
      }
    } else if (request.method === "POST" && (url.pathname === "/track/v2.2/gettrackinfo" || url.pathname === "/track/v2.2/register")) {
      provider = "17track";
      kind = url.pathname.endsWith("register") ? "register" : "poll";
      const items = JSON.parse(body) as { number: string; carrier?: number }[];
      numbers = items.map((n) => n.number);
      if (kind === "register") carriers = items.map((n) => n.carrier ?? null);
      key = (request.headers["17token"] as string | undefined) ?? null;
    } else if (url.pathname === "/v2/trackers" && (request.method === "GET" || request.method === "POST")) {
      provider = "easypost";
      key = basicKey();
      if (request.method === "GET") {
        kind = "poll";
        numbers = url.searchParams.getAll("tracking_codes[]");
      } else {
        kind = "register";
        const created = JSON.parse(body) as { tracker: { tracking_code: string; carrier?: string } };
        numbers = [created.tracker.tracking_code];
        carriers = [created.tracker.carrier ?? null];
      }
    } else {
      return send(404, { error: "not found" });
    }
    fake.requests.push({ provider, kind, numbers, key, ...(carriers ? { carriers } : {}) });
    if (fake.delayMs) await new Promise((resolve) => setTimeout(resolve, fake.delayMs));

    const failure = fake.failWith[provider] ?? (key === fake.keys[provider] ? undefined : 401);
    if (failure) return send(failure, fake.failBody[provider] ?? ERROR_BODIES[provider](failure), fake.failHeaders[provider]);
    if (fake.rawBody[provider] !== undefined) return send(200, fake.rawBody[provider]);

    const known = fake.known[provider];
    if (kind === "register") {
      const refused = fake.unregistrable[provider];
      switch (provider) {
        case "aftership": {
          const [number] = numbers as [string];
          if (refused.has(number)) {
            return send(400, { meta: { code: 4012, message: "Cannot detect courier. Activate courier at https://admin.aftership.com/settings/couriers.", type: "BadRequest" }, data: {} });
          }
          if (!register(provider, number)) return send(400, { meta: { code: 4003, message: "Tracking already exists.", type: "BadRequest" }, data: {} });
          return send(201, { meta: { code: 201, message: "", type: "Created" }, data: { tracking: known.get(number) } });
        }
        case "17track": {
          const accepted: unknown[] = [];
          const rejected: unknown[] = [];
          for (const number of numbers) {
            if (refused.has(number)) rejected.push({ number, error: { code: -18019903, message: "Carrier cannot be detected." } });
            else if (!register(provider, number)) rejected.push({ number, error: { code: -18019901, message: `The tracking number '${number}' has been registered, don't need to repeat registration.` } });
            else accepted.push({ origin: 1, number, carrier: 3011 });
          }
          return send(200, { code: 0, data: { accepted, rejected } });
        }
        case "easypost": {
          const [number] = numbers as [string];
          if (refused.has(number)) return send(422, { error: { code: "TRACKER.INVALID", message: "Unable to determine the carrier of this tracking code.", errors: [] } });
          register(provider, number);
          return send(201, known.get(number));
        }
      }
    }
    switch (provider) {
      case "aftership":
        return send(200, {
          meta: { code: 200, message: "", type: "Success" },
          data: {
            pagination: { total: numbers.filter((n) => known.has(n)).length, next_cursor: null, has_next_page: false },
            trackings: numbers.filter((n) => known.has(n)).map((n) => known.get(n)),
          },
        });
      case "17track":
        return send(200, {
          code: 0,
          data: {
            accepted: numbers.filter((n) => known.has(n)).map((n) => known.get(n)),
            rejected: numbers
              .filter((n) => !known.has(n))
              .map((n) => ({ number: n, error: { code: -18019902, message: `The tracking number '${n}' does not register, please register first.` } })),
          },
        });
      case "easypost":
        return send(200, { trackers: numbers.filter((n) => known.has(n)).map((n) => known.get(n)), has_more: false });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(fake, {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  });
}
