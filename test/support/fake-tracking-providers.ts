import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import type { TrackingProvider } from "../../app/tracking/providers/types";

// A local stand-in for the tracking providers' "get tracking" APIs (AfterShip 2025-01, 17TRACK v2.2, EasyPost v2),
// on 127.0.0.1 and port 0, answering the way their documentation describes: each checks its own key header,
// answers only about the numbers it follows, and records what it was asked. Tests tell it what each provider
// knows and, when they need one, which HTTP error to answer.

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
  numbers: string[];
  /** The key the request carried, as the provider would read it. */
  key: string | null;
}

export interface FakeProviders {
  url: string;
  /** What each provider follows, by tracking number: its own object for that number. */
  known: Record<TrackingProvider, Map<string, Record<string, unknown>>>;
  /** The key each provider accepts. */
  keys: Record<TrackingProvider, string>;
  /** Answer every request to this provider with this HTTP status (and the provider's error body). */
  failWith: Partial<Record<TrackingProvider, number>>;
  /** Wait this long before answering (timeouts). */
  delayMs: number;
  /** Answer this raw body with 200 instead (malformed answers). */
  rawBody: Partial<Record<TrackingProvider, string>>;
  requests: FakeRequest[];
  /** Every number asked of a provider (one per number per request), in order. */
  asked(provider: TrackingProvider): string[];
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
  "17track": (status) => ({ code: status === 401 ? -18010002 : -18010001, data: { errors: [{ code: -18010002, message: "Security key invalid." }] } }),
  easypost: (status) => ({
    error: { code: status === 401 ? "APIKEY.INACTIVE" : status === 429 ? "RATE_LIMITED" : "INTERNAL_SERVER_ERROR", message: "Request refused.", errors: [] },
  }),
};

async function bodyOf(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

export async function startFakeProviders(): Promise<FakeProviders> {
  const fake: Omit<FakeProviders, "url" | "close"> = {
    known: { aftership: new Map(), "17track": new Map(), easypost: new Map() },
    keys: { aftership: "asat_fake_aftership_key_0001", "17track": "17track-fake-key-0001", easypost: "EZAKfake0000easypost" },
    failWith: {},
    delayMs: 0,
    rawBody: {},
    requests: [],
    asked(provider) {
      return this.requests.filter((r) => r.provider === provider).flatMap((r) => r.numbers);
    },
  };

  const server = createServer(async (request, response) => {
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    const body = await bodyOf(request);
    const send = (status: number, json: unknown) => {
      response.writeHead(status, { "Content-Type": "application/json" });
      response.end(typeof json === "string" ? json : JSON.stringify(json));
    };

    let provider: TrackingProvider;
    let numbers: string[];
    let key: string | null;
    if (request.method === "GET" && url.pathname === "/tracking/2025-01/trackings") {
      provider = "aftership";
      numbers = (url.searchParams.get("tracking_numbers") ?? "").split(",").filter(Boolean);
      key = (request.headers["as-api-key"] as string | undefined) ?? null;
    } else if (request.method === "POST" && url.pathname === "/track/v2.2/gettrackinfo") {
      provider = "17track";
      numbers = (JSON.parse(body) as { number: string }[]).map((n) => n.number);
      key = (request.headers["17token"] as string | undefined) ?? null;
    } else if (request.method === "GET" && url.pathname === "/v2/trackers") {
      provider = "easypost";
      numbers = url.searchParams.getAll("tracking_codes[]");
      const basic = /^Basic (.+)$/.exec(request.headers.authorization ?? "")?.[1];
      key = basic ? Buffer.from(basic, "base64").toString("utf8").replace(/:$/, "") : null;
    } else {
      return send(404, { error: "not found" });
    }
    fake.requests.push({ provider, numbers, key });
    if (fake.delayMs) await new Promise((resolve) => setTimeout(resolve, fake.delayMs));

    const failure = fake.failWith[provider] ?? (key === fake.keys[provider] ? undefined : 401);
    if (failure) return send(failure, ERROR_BODIES[provider](failure));
    if (fake.rawBody[provider] !== undefined) return send(200, fake.rawBody[provider]);

    const known = fake.known[provider];
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
