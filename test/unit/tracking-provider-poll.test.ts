import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { parseAftershipTrackings, parseAftershipWebhook } from "../../app/tracking/providers/aftership";
import { parseEasyPostTrackers, parseEasyPostWebhook } from "../../app/tracking/providers/easypost";
import { ProviderPayloadError } from "../../app/tracking/providers/payload";
import {
  fetchTrackings,
  needsNewKey,
  PASTE_KEY,
  POLL_BATCH_SIZE,
  ProviderPollError,
  RATE_LIMIT_DEFAULT_MS,
  RATE_LIMIT_MAX_MS,
  rateLimitResetAt,
  registerTrackings,
} from "../../app/tracking/providers/poll";
import { parseSeventeenTrackTrackInfo, parseSeventeenTrackWebhook } from "../../app/tracking/providers/seventeen-track";
import {
  aftershipTracking,
  easyPostTracker,
  seventeenTrackItem,
  startFakeProviders,
  trackingFixture,
  type FakeProviders,
} from "../support/fake-tracking-providers";

// The "get tracking" clients: each provider's answer read into the same ProviderUpdate its webhook gives, and
// every HTTP outcome turned into a ProviderPollError that says what to do.

describe("AfterShip get-trackings answer", () => {
  const delivered = trackingFixture("aftership-tracking-update-delivered.json");
  const exception = trackingFixture("aftership-tracking-update-exception.json");
  const answer = (trackings: unknown[]) => ({
    meta: { code: 200, message: "", type: "Success" },
    data: { pagination: { total: trackings.length, next_cursor: null, has_next_page: false }, trackings },
  });

  it("reads each tracking exactly as the webhook carrying it", () => {
    const result = parseAftershipTrackings(answer([delivered.msg, exception.msg]));
    expect(result.rejected).toEqual([]);
    expect(result.updates).toEqual([parseAftershipWebhook(delivered), parseAftershipWebhook(exception)]);
    expect(result.updates[0]).toMatchObject({ provider: "aftership", trackingNumber: "1Z0A3R2F0354877713", status: "delivered", carrierCode: "ups" });
    expect(result.updates[1]).toMatchObject({ trackingNumber: "LX123456785DE", status: "exception" });
  });

  it("answers nothing about numbers it does not follow", () => {
    expect(parseAftershipTrackings(answer([]))).toEqual({ updates: [], rejected: [], unknown: [] });
  });

  it("reports a tracking it cannot read as rejected and keeps its neighbours", () => {
    const result = parseAftershipTrackings(answer([{ ...delivered.msg, tag: 7 }, exception.msg]));
    expect(result.updates.map((u) => u.trackingNumber)).toEqual(["LX123456785DE"]);
    expect(result.rejected).toEqual([{ trackingNumber: "1Z0A3R2F0354877713", message: expect.stringMatching(/^Malformed AfterShip response: tag:/) }]);
  });

  it("names an unreadable checkpoint time as a response problem, not a webhook one", () => {
    const msg = aftershipTracking("X1", { checkpoints: [{ tag: "InTransit", checkpoint_time: "yesterday" }] });
    expect(parseAftershipTrackings(answer([msg])).rejected[0]!.message).toBe('Malformed AfterShip response: unreadable time "yesterday"');
  });

  it.each<[string, unknown, RegExp]>([
    ["null", null, /^Malformed AfterShip response: \(root\)/],
    ["a webhook instead", delivered, /Malformed AfterShip response: meta/],
    ["no trackings", { meta: { code: 200 }, data: {} }, /data\.trackings/],
    ["an error envelope with 200", { meta: { code: 4001, message: "Invalid tracking_numbers" }, data: {} }, /meta\.code is 4001 \(Invalid tracking_numbers\)/],
  ])("rejects %s with a clear error", (_label, json, message) => {
    expect(() => parseAftershipTrackings(json)).toThrow(ProviderPayloadError);
    expect(() => parseAftershipTrackings(json)).toThrow(message);
  });
});

describe("17TRACK gettrackinfo answer", () => {
  const pushed = trackingFixture("seventeen-track-tracking-updated.json");

  it("reads accepted numbers as the webhook does, names numbers never registered, and passes on other rejections with 17TRACK's reason", () => {
    const result = parseSeventeenTrackTrackInfo({
      code: 0,
      data: {
        accepted: [pushed.data],
        rejected: [
          { number: "LX123456785DE", error: { code: -18019902, message: "The tracking number 'LX123456785DE' does not register, please register first." } },
          { number: "RR000000001CN", error: { code: -18019909, message: "No tracking information at this time." } },
        ],
      },
    });
    expect(result.updates).toEqual([parseSeventeenTrackWebhook(pushed)]);
    expect(result.updates[0]).toMatchObject({ provider: "17track", trackingNumber: "RR123456789CN", status: "in_transit", carrierCode: "3011" });
    expect(result.unknown).toEqual(["LX123456785DE"]);
    expect(result.rejected).toEqual([{ trackingNumber: "RR000000001CN", message: "No tracking information at this time. (-18019909)" }]);
  });

  it("treats an accepted number without track_info as no data yet, and an unreadable one as rejected", () => {
    const result = parseSeventeenTrackTrackInfo({
      code: 0,
      data: { accepted: [{ number: "RR000000000CN", carrier: 3011, track_info: null }, seventeenTrackItem("RR111111111CN", { latest_status: {} })], rejected: [] },
    });
    expect(result.updates).toEqual([]);
    expect(result.rejected).toEqual([
      { trackingNumber: "RR000000000CN", message: "No tracking information yet" },
      { trackingNumber: "RR111111111CN", message: expect.stringMatching(/^Malformed 17TRACK response: track_info\.latest_status\.status/) },
    ]);
  });

  it.each<[string, unknown, RegExp]>([
    ["a string", "ok", /^Malformed 17TRACK response: \(root\)/],
    ["no code", { data: { accepted: [] } }, /Malformed 17TRACK response: code/],
    ["a rejected item without number", { code: 0, data: { accepted: [], rejected: [{ error: {} }] } }, /data\.rejected\.0\.number/],
    ["an error code", { code: -18010002, data: { errors: [{ code: -18010002, message: "Security key invalid." }] } }, /^17TRACK answered code -18010002: Security key invalid\. \(-18010002\)$/],
  ])("rejects %s with a clear error", (_label, json, message) => {
    expect(() => parseSeventeenTrackTrackInfo(json)).toThrow(ProviderPayloadError);
    expect(() => parseSeventeenTrackTrackInfo(json)).toThrow(message);
  });
});

describe("EasyPost list-trackers answer", () => {
  const event = trackingFixture("easypost-tracker-updated.json");

  it("reads each tracker as the webhook carrying it", () => {
    const result = parseEasyPostTrackers({ trackers: [event.result], has_more: false });
    expect(result).toEqual({ updates: [parseEasyPostWebhook(event)], rejected: [], unknown: [] });
    expect(result.updates[0]).toMatchObject({ provider: "easypost", trackingNumber: "9405500207552011812894", status: "out_for_delivery", carrierCode: "USPS" });
  });

  it("reports a tracker it cannot read as rejected and keeps its neighbours", () => {
    const result = parseEasyPostTrackers({ trackers: [easyPostTracker("EZ1", { status: null }), easyPostTracker("EZ2")], has_more: false });
    expect(result.updates.map((u) => u.trackingNumber)).toEqual(["EZ2"]);
    expect(result.rejected).toEqual([{ trackingNumber: "EZ1", message: expect.stringMatching(/^Malformed EasyPost response: status/) }]);
  });

  it.each<[string, unknown, RegExp]>([
    ["an array", [], /^Malformed EasyPost response: \(root\)/],
    ["an Event", event, /Malformed EasyPost response: trackers/],
  ])("rejects %s with a clear error", (_label, json, message) => {
    expect(() => parseEasyPostTrackers(json)).toThrow(ProviderPayloadError);
    expect(() => parseEasyPostTrackers(json)).toThrow(message);
  });
});

describe("fetchTrackings over HTTP", () => {
  let fake: FakeProviders;
  const options = (provider: keyof FakeProviders["keys"], extra: { apiKey?: string; timeoutMs?: number } = {}) => ({
    apiKey: extra.apiKey ?? fake.keys[provider],
    baseUrl: fake.url,
    ...(extra.timeoutMs ? { timeoutMs: extra.timeoutMs } : {}),
  });
  const failure = async (promise: Promise<unknown>) => {
    const error = await promise.then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ProviderPollError);
    return error as ProviderPollError;
  };

  beforeAll(async () => {
    fake = await startFakeProviders();
  });
  afterAll(() => fake.close());
  beforeEach(() => {
    fake.requests.length = 0;
    fake.failWith = {};
    fake.failHeaders = {};
    fake.failBody = {};
    fake.rawBody = {};
    fake.delayMs = 0;
    for (const known of [...Object.values(fake.known), ...Object.values(fake.carrier)]) known.clear();
    for (const refused of Object.values(fake.unregistrable)) refused.clear();
  });

  it("asks each provider in its own way, with its own key header, for the whole batch at once, and names what it does not follow", async () => {
    fake.known.aftership.set("1Z0A3R2F0354877713", aftershipTracking("1Z0A3R2F0354877713"));
    fake.known["17track"].set("RR123456789CN", seventeenTrackItem("RR123456789CN"));
    fake.known.easypost.set("9405500207552011812894", easyPostTracker("9405500207552011812894"));

    const aftership = await fetchTrackings("aftership", ["1Z0A3R2F0354877713", "NOTFOLLOWED1"], options("aftership"));
    expect(aftership.updates.map((u) => u.trackingNumber)).toEqual(["1Z0A3R2F0354877713"]);
    expect(aftership.unknown).toEqual(["NOTFOLLOWED1"]);
    const seventeen = await fetchTrackings("17track", ["RR123456789CN", "RR999999999CN"], options("17track"));
    expect(seventeen.updates.map((u) => u.trackingNumber)).toEqual(["RR123456789CN"]);
    expect(seventeen).toMatchObject({ rejected: [], unknown: ["RR999999999CN"] });
    const easypost = await fetchTrackings("easypost", ["9405500207552011812894", "EZ404"], options("easypost"));
    expect(easypost.updates.map((u) => u.status)).toEqual(["out_for_delivery"]);
    expect(easypost.unknown).toEqual(["EZ404"]);

    expect(fake.requests).toEqual([
      { provider: "aftership", kind: "poll", numbers: ["1Z0A3R2F0354877713", "NOTFOLLOWED1"], key: fake.keys.aftership },
      { provider: "17track", kind: "poll", numbers: ["RR123456789CN", "RR999999999CN"], key: fake.keys["17track"] },
      { provider: "easypost", kind: "poll", numbers: ["9405500207552011812894", "EZ404"], key: fake.keys.easypost },
    ]);
  });

  it("sends numbers as written and finds what the provider answers in its own spelling", async () => {
    // AfterShip answers the number uppercased and without the spaces it was registered with.
    fake.known.aftership.set("1z 0a3r 2f03 5487 7713", aftershipTracking("1Z0A3R2F0354877713"));
    const result = await fetchTrackings("aftership", ["1z 0a3r 2f03 5487 7713"], options("aftership"));
    expect(fake.asked("aftership")).toEqual(["1z 0a3r 2f03 5487 7713"]);
    expect(result.updates.map((u) => u.trackingNumber)).toEqual(["1Z0A3R2F0354877713"]);
    expect(result.unknown).toEqual([]);
  });

  it("asks nothing for no numbers and refuses a batch larger than the provider takes", async () => {
    expect(await fetchTrackings("17track", [], options("17track"))).toEqual({ updates: [], rejected: [], unknown: [] });
    const tooMany = Array.from({ length: POLL_BATCH_SIZE["17track"] + 1 }, (_, i) => `RR${String(i).padStart(9, "0")}CN`);
    await expect(fetchTrackings("17track", tooMany, options("17track"))).rejects.toThrow(RangeError);
    expect(fake.requests).toEqual([]);
  });

  it.each(["aftership", "17track", "easypost"] as const)("%s: a refused key asks the merchant for a new one, without echoing the key", async (provider) => {
    const error = await failure(fetchTrackings(provider, ["N1234567890"], options(provider, { apiKey: "a-revoked-key-123" })));
    expect(error.failure).toBe("key_refused");
    expect(error.httpStatus).toBe(401);
    expect(error.message).toMatch(/refused the API key \(HTTP 401: [^)]+\)\. Paste a current key in Omnistock > Notifications > Tracking providers\.$/);
    expect(error.message).not.toContain("a-revoked-key-123");
    expect(needsNewKey(error.message)).toBe(true);
  });

  it("puts the provider's own reason for a refused key in the message", async () => {
    const easypost = await failure(fetchTrackings("easypost", ["N1"], options("easypost", { apiKey: "EZAKrevoked000001" })));
    expect(easypost.message).toBe(
      `EasyPost refused the API key (HTTP 401: This api key is no longer active. Please use a different api key or reactivate this key, code APIKEY.INACTIVE). ${PASTE_KEY}`,
    );
    const seventeen = await failure(fetchTrackings("17track", ["N1"], options("17track", { apiKey: "17track-revoked-0001" })));
    expect(seventeen.message).toBe(`17TRACK refused the API key (HTTP 401: Security key invalid, code -18010002). ${PASTE_KEY}`);
  });

  it.each([
    [-18010001, "IP address is not in the whitelist.", /^17TRACK refused the request \(HTTP 401: IP address is not in the whitelist, code -18010001\)\. Add this server's outgoing IP address to the IP whitelist/],
    [-18010004, "The account is disabled.", /^17TRACK refused the request \(HTTP 401: The account is disabled, code -18010004\)\. Your 17TRACK API account is disabled: sign in to 17TRACK/],
  ])("17TRACK: a 401 for code %s is the account, not the key: its reason and what to do, and polling goes on", async (code, message, expected) => {
    fake.failWith["17track"] = 401;
    fake.failBody["17track"] = { code, data: { errors: [{ code, message }] } };
    const error = await failure(fetchTrackings("17track", ["N1"], options("17track")));
    expect(error).toMatchObject({ failure: "account_refused", httpStatus: 401 });
    expect(error.message).toMatch(expected);
    expect(needsNewKey(error.message)).toBe(false);
  });

  it("a 401 without a readable body still asks for a new key", async () => {
    fake.failWith.aftership = 401;
    fake.failBody.aftership = "<html>Unauthorized</html>";
    const error = await failure(fetchTrackings("aftership", ["N1"], options("aftership")));
    expect(error.message).toBe(`AfterShip refused the API key (HTTP 401). ${PASTE_KEY}`);
  });

  it("maps 403 to a refused key, 429 to a short rate limit with when to ask again, and 5xx to a provider in trouble", async () => {
    fake.failWith.aftership = 403;
    expect((await failure(fetchTrackings("aftership", ["N1"], options("aftership")))).failure).toBe("key_refused");
    fake.failWith.aftership = 429;
    const now = new Date("2026-05-20T12:00:00Z");
    fake.failHeaders.aftership = { "Retry-After": "30" };
    const limited = await failure(fetchTrackings("aftership", ["N1"], { ...options("aftership"), now }));
    expect(limited).toMatchObject({ failure: "rate_limited", httpStatus: 429, retryAt: new Date("2026-05-20T12:00:30Z") });
    expect(limited.message).toBe(
      "AfterShip asked Omnistock to slow down (HTTP 429: too many requests in a short time, a per-second limit shared by everything that uses this AfterShip account). " +
        "Polling pauses until 12:00:30 UTC and resumes on its own; the polls it could not make are not counted against your hourly limit.",
    );
    expect(limited.message).not.toMatch(/polls per hour|quota is used up/);
    expect(needsNewKey(limited.message)).toBe(false);
    fake.failWith.easypost = 503;
    const down = await failure(fetchTrackings("easypost", ["N1"], options("easypost")));
    expect(down).toMatchObject({ failure: "unavailable", httpStatus: 503, message: "EasyPost is having trouble (HTTP 503). Polling tries again on its own." });
  });

  it("names an unexpected 4xx with the provider's own explanation", async () => {
    fake.failWith.easypost = 422;
    const error = await failure(fetchTrackings("easypost", ["N1"], options("easypost")));
    expect(error.failure).toBe("bad_response");
    expect(error.message).toMatch(/^EasyPost refused the request \(HTTP 422\): \{"error":\{"code":"INTERNAL_SERVER_ERROR","message":"Request refused\."/);
  });

  it("gives up on a provider that does not answer in time", async () => {
    fake.delayMs = 500;
    const error = await failure(fetchTrackings("17track", ["N1"], options("17track", { timeoutMs: 100 })));
    expect(error).toMatchObject({ failure: "unavailable", message: "17TRACK did not answer within 100 ms. Polling tries again on its own." });
  });

  it("reports an unreachable provider as unavailable, naming why (fetch alone only says it failed)", async () => {
    // A port that was just free: nothing listens there.
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const error = await failure(fetchTrackings("aftership", ["N1"], { apiKey: "k", baseUrl: `http://127.0.0.1:${port}` }));
    expect(error).toMatchObject({ failure: "unavailable", message: "AfterShip could not be reached (ECONNREFUSED). Polling tries again on its own." });
  });

  it("never follows a redirect: the key stays with the provider's own host", async () => {
    const elsewhere: string[] = [];
    const target = createServer((request, response) => {
      elsewhere.push(String(request.headers["as-api-key"]));
      response.end("{}");
    });
    await new Promise<void>((resolve) => target.listen(0, "127.0.0.1", resolve));
    const redirecting = createServer((_request, response) => {
      response.writeHead(302, { Location: `http://127.0.0.1:${(target.address() as AddressInfo).port}/collect` }).end();
    });
    await new Promise<void>((resolve) => redirecting.listen(0, "127.0.0.1", resolve));
    try {
      const baseUrl = `http://127.0.0.1:${(redirecting.address() as AddressInfo).port}`;
      const error = await failure(fetchTrackings("aftership", ["N1"], { apiKey: "asat_secret_key_0001", baseUrl }));
      expect(error).toMatchObject({ failure: "unavailable", message: "AfterShip could not be reached (unexpected redirect). Polling tries again on its own." });
      expect(elsewhere).toEqual([]);
    } finally {
      await Promise.all([redirecting, target].map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
    }
  });

  it("reports a body that is not JSON, or not the provider's shape, as a bad response", async () => {
    fake.rawBody.aftership = "<html>Gateway</html>";
    const html = await failure(fetchTrackings("aftership", ["N1"], options("aftership")));
    expect(html).toMatchObject({ failure: "bad_response", message: "AfterShip answered with something that is not JSON (HTTP 200): <html>Gateway</html>" });
    fake.rawBody["17track"] = JSON.stringify({ code: 0, data: { accepted: "all of them" } });
    const shape = await failure(fetchTrackings("17track", ["N1"], options("17track")));
    expect(shape).toMatchObject({ failure: "bad_response", message: expect.stringMatching(/^Malformed 17TRACK response: data\.accepted/) });
  });

  it("knows which stored errors wait for a new key", () => {
    expect(needsNewKey(null)).toBe(false);
    expect(needsNewKey("EasyPost is having trouble (HTTP 503). Polling tries again on its own.")).toBe(false);
    expect(needsNewKey(`Omnistock cannot read the stored AfterShip API key. ${PASTE_KEY}`)).toBe(true);
  });
});

describe("when a rate-limited provider takes requests again", () => {
  const now = new Date("2026-05-20T12:00:00Z");
  const at = (ms: number) => new Date(now.getTime() + ms);
  const headers = (values: Record<string, string>) => new Headers(values);

  it.each<[string, "aftership" | "17track" | "easypost", Record<string, string>, Date]>([
    ["Retry-After in seconds", "easypost", { "Retry-After": "7" }, at(7_000)],
    ["Retry-After as an HTTP date", "17track", { "Retry-After": "Wed, 20 May 2026 12:02:00 GMT" }, at(120_000)],
    ["AfterShip's X-RateLimit-Reset (Unix seconds)", "aftership", { "X-RateLimit-Reset": String(Date.parse("2026-05-20T12:00:05Z") / 1000) }, at(5_000)],
    ["the later of Retry-After and X-RateLimit-Reset", "aftership", { "Retry-After": "2", "X-RateLimit-Reset": String(Date.parse("2026-05-20T12:00:09Z") / 1000) }, at(9_000)],
    ["X-RateLimit-Reset is AfterShip's: another provider's is not read", "easypost", { "X-RateLimit-Reset": String(Date.parse("2026-05-20T12:10:00Z") / 1000) }, at(RATE_LIMIT_DEFAULT_MS)],
    ["no hint: a minute", "17track", {}, at(RATE_LIMIT_DEFAULT_MS)],
    ["a reset already past: a second", "aftership", { "X-RateLimit-Reset": String(Date.parse("2026-05-20T11:00:00Z") / 1000) }, at(1_000)],
    ["an hour at most", "easypost", { "Retry-After": "86400" }, at(RATE_LIMIT_MAX_MS)],
    ["an unreadable hint is ignored", "easypost", { "Retry-After": "soon" }, at(RATE_LIMIT_DEFAULT_MS)],
  ])("%s", (_label, provider, values, expected) => {
    expect(rateLimitResetAt(provider, headers(values), now)).toEqual(expected);
  });
});

describe("registerTrackings over HTTP", () => {
  let fake: FakeProviders;
  const options = (provider: keyof FakeProviders["keys"]) => ({ apiKey: fake.keys[provider], baseUrl: fake.url });

  beforeAll(async () => {
    fake = await startFakeProviders();
  });
  afterAll(() => fake.close());
  beforeEach(() => {
    fake.requests.length = 0;
    fake.failWith = {};
    fake.failHeaders = {};
    for (const known of [...Object.values(fake.known), ...Object.values(fake.carrier)]) known.clear();
    for (const refused of Object.values(fake.unregistrable)) refused.clear();
  });

  it.each(["aftership", "17track", "easypost"] as const)("%s: a number it does not follow is registered, then answered; registering again is success", async (provider) => {
    const number = "9405 5002 0755 2011 8128 94";
    expect((await fetchTrackings(provider, [number], options(provider))).unknown).toEqual([number]);

    expect(await registerTrackings(provider, [{ number }], options(provider))).toEqual({ registered: [number], refused: [] });
    expect(fake.registered(provider)).toEqual([number]);
    const after = await fetchTrackings(provider, [number], options(provider));
    expect(after.unknown).toEqual([]);

    // Told again (another process, a restart): the provider says it follows it already.
    expect(await registerTrackings(provider, [{ number }], options(provider))).toEqual({ registered: [number], refused: [] });
  });

  it.each(["aftership", "17track", "easypost"] as const)("%s: a number it cannot follow is refused with its reason; the others go on", async (provider) => {
    fake.unregistrable[provider].add("NOCARRIER0001");
    const result = await registerTrackings(provider, [{ number: "NOCARRIER0001" }, { number: "RR123456789CN" }], options(provider));
    expect(result.registered).toEqual(["RR123456789CN"]);
    expect(result.refused).toEqual([{ trackingNumber: "NOCARRIER0001", message: expect.stringMatching(/carrier|courier/i) }]);
    expect(result.failure).toBeUndefined();
  });

  it("sends a carrier hint the provider's own way: a slug, a 17TRACK carrier number (others left to detection), a carrier name", async () => {
    await registerTrackings("aftership", [{ number: "1Z0A3R2F0354877713", carrier: "ups" }], options("aftership"));
    await registerTrackings("17track", [{ number: "RR123456789CN", carrier: "3011" }, { number: "RR123456780CN", carrier: "ups" }], options("17track"));
    await registerTrackings("easypost", [{ number: "9405500207552011812894", carrier: "USPS" }], options("easypost"));
    expect(fake.requests.map((r) => [r.provider, r.kind, r.carriers])).toEqual([
      ["aftership", "register", ["ups"]],
      ["17track", "register", [3011, null]],
      ["easypost", "register", ["USPS"]],
    ]);
  });

  it("stops at a rate limit and says what was done before it", async () => {
    const first = await registerTrackings("easypost", [{ number: "EZ1000000001" }], options("easypost"));
    expect(first.registered).toEqual(["EZ1000000001"]);
    fake.failWith.easypost = 429;
    fake.failHeaders.easypost = { "Retry-After": "3" };
    const result = await registerTrackings("easypost", [{ number: "EZ1000000002" }, { number: "EZ1000000003" }], options("easypost"));
    expect(result).toMatchObject({ registered: [], refused: [], failure: { failure: "rate_limited" } });
    expect(fake.registered("easypost")).toEqual(["EZ1000000001", "EZ1000000002"]);
  });
});
