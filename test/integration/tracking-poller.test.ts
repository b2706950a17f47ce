import { createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { parseConfig } from "../../app/config.server";
import { createDatabase, databaseKind, databaseUrl, db } from "../../app/db.server";
import { createLogger } from "../../app/observability/logger.server";
import * as providerRoute from "../../app/routes/tracking.webhooks.$provider";
import {
  providerAccounts,
  providerFormSchema,
  providerSecret,
  saveProviderForm,
  type ProviderForm,
} from "../../app/tracking/notification-settings.server";
import { quotaHourStart } from "../../app/tracking/poll-quota";
import { claimQuota, providerApiUrls, runDuePolls, type PollerDeps } from "../../app/tracking/poller.server";
import type { TrackingProvider } from "../../app/tracking/providers/types";
import { applyFulfillment, type ShopifyEventInput } from "../../app/tracking/shipments.server";
import { runTrackingWork } from "../../app/tracking/worker.server";
import { callAction } from "../support/app";
import { aftershipTracking, easyPostTracker, seventeenTrackItem, startFakeProviders, trackingFixture, type FakeProviders } from "../support/fake-tracking-providers";
import { testShop } from "../support/shopify";
import { box } from "./tracking-fixtures";

// The poller against a local fake of AfterShip, 17TRACK and EasyPost, pointed at through the app's configuration
// (OMNISTOCK_<PROVIDER>_API_URL), on the real database: what is due is polled, through the right provider and
// within each shop's hourly quota; results land like webhooks; refused keys and used-up quotas stop polling.

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

let fake: FakeProviders;
let apiUrls: Record<TrackingProvider, string>;
const logs: { level: string; message: string; [field: string]: unknown }[] = [];
const logger = createLogger("debug", {}, (line) => logs.push(JSON.parse(line)));
const deps = (): PollerDeps => ({ db: db(), logger, box: box(), apiUrls, timeoutMs: 5_000 });

// Quota hours are clock hours: each test starts five minutes into the coming hour, so "now" never runs backwards.
let clock = quotaHourStart(new Date()).getTime() + HOUR + 5 * MIN;
const nextHour = () => (clock = quotaHourStart(new Date(clock)).getTime() + HOUR + 5 * MIN);
const at = (offset = 0) => new Date(clock + offset);

let fulfillmentId = 51_000;
async function shipment(
  shop: string,
  number: string,
  extra: { shippedDaysAgo?: number; events?: ShopifyEventInput[]; company?: string | null } = {},
): Promise<string> {
  const shipped = new Date(Date.now() - (extra.shippedDaysAgo ?? 5) * DAY).toISOString();
  const id = fulfillmentId++;
  const row = await applyFulfillment(
    db(),
    shop,
    {
      fulfillmentId: String(id),
      orderId: `o${id}`,
      orderName: `#${id}`,
      orderNumber: id,
      orderPlacedAt: shipped,
      shopifyStatus: "SUCCESS",
      createdAt: shipped,
      updatedAt: shipped,
      tracking: { company: extra.company ?? null, number, url: null },
      originCountry: "US",
      destination: { city: "Louisville", countryCode: "US" },
      ...(extra.events ? { events: extra.events } : {}),
    },
    { notify: false },
  );
  return row!.id;
}

async function shopWith(label: string, accounts: Partial<Record<TrackingProvider, { pollPerHour: number; apiKey?: string; webhookSecret?: string }>>) {
  const shop = testShop(label);
  await db().shop.create({ data: { shop } });
  for (const [provider, account] of Object.entries(accounts)) {
    const form: ProviderForm = {
      provider: provider as TrackingProvider,
      webhookSecret: account.webhookSecret ?? null,
      apiKey: account.apiKey ?? fake.keys[provider as TrackingProvider],
      pollPerHour: account.pollPerHour,
    };
    expect(await saveProviderForm(db(), box(), shop, form)).toBeNull();
  }
  return shop;
}

const row = (id: string) => db().shipment.findUniqueOrThrow({ where: { id } });
const eventsOf = (id: string) => db().shipmentEvent.findMany({ where: { shipmentId: id }, orderBy: [{ at: "asc" }, { dedupeKey: "asc" }] });
const account = (shop: string, provider: TrackingProvider) =>
  db().providerAccount.findUniqueOrThrow({ where: { shop_provider: { shop, provider } } });

beforeAll(async () => {
  fake = await startFakeProviders();
  // Through the configuration, as a deployment would set it.
  apiUrls = providerApiUrls(
    parseConfig({ ...process.env, OMNISTOCK_AFTERSHIP_API_URL: `${fake.url}/`, OMNISTOCK_17TRACK_API_URL: fake.url, OMNISTOCK_EASYPOST_API_URL: fake.url }),
  );
});
afterAll(() => fake.close());

beforeEach(() => {
  nextHour();
  fake.requests.length = 0;
  fake.failWith = {};
  fake.failHeaders = {};
  fake.failBody = {};
  fake.rawBody = {};
  for (const known of [...Object.values(fake.known), ...Object.values(fake.carrier)]) known.clear();
  for (const refused of Object.values(fake.unregistrable)) refused.clear();
  logs.length = 0;
});
// The poller serves every shop: each test's shops stop polling when it ends.
afterEach(async () => {
  await db().providerAccount.updateMany({ data: { pollPerHour: 0 } });
});

describe("configuration", () => {
  it("defaults each provider's API to its real host", () => {
    expect(providerApiUrls(parseConfig({ ...process.env }))).toEqual({
      aftership: "https://api.aftership.com",
      "17track": "https://api.17track.net",
      easypost: "https://api.easypost.com",
    });
    expect(apiUrls.aftership).toBe(fake.url);
    expect(() => parseConfig({ ...process.env, OMNISTOCK_EASYPOST_API_URL: "api.easypost.com" })).toThrow(/OMNISTOCK_EASYPOST_API_URL must be a full URL/);
  });
});

describe("runDuePolls", () => {
  it("updates each due shipment through the provider that follows it, and marks every polled shipment", async () => {
    const shop = await shopWith("poll-all", { aftership: { pollPerHour: 100 }, "17track": { pollPerHour: 100 }, easypost: { pollPerHour: 100 } });
    const ups = await shipment(shop, "1Z0A3R2F0354877713", { company: "UPS" });
    const unknownToAftership = await shipment(shop, "1Z999AA10123456784", { company: "UPS" });
    const chinaPost = await shipment(shop, "RR123456789CN");
    const usps = await shipment(shop, "9405 5002 0755 2011 8128 94");
    // 17TRACK and EasyPost reported on these two before (days ago): they keep them.
    await db().shipment.update({ where: { id: chinaPost }, data: { source: "17track", lastPushAt: new Date(clock - 3 * DAY) } });
    await db().shipment.update({ where: { id: usps }, data: { source: "easypost" } });
    fake.known.aftership.set("1Z0A3R2F0354877713", trackingFixture("aftership-tracking-update-delivered.json").msg);
    fake.known["17track"].set("RR123456789CN", seventeenTrackItem("RR123456789CN"));
    // EasyPost follows the number as the merchant wrote it in Shopify, and answers it in its own spelling.
    fake.known.easypost.set("9405 5002 0755 2011 8128 94", easyPostTracker("9405500207552011812894"));

    expect(await runDuePolls(deps(), at())).toBe(4);

    // One request per provider, with every number it follows for this shop, as written in Shopify.
    expect(fake.requests.filter((r) => r.kind === "poll").map((r) => [r.provider, [...r.numbers].sort()]).sort()).toEqual([
      ["17track", ["RR123456789CN"]],
      ["aftership", ["1Z0A3R2F0354877713", "1Z999AA10123456784"]],
      ["easypost", ["9405 5002 0755 2011 8128 94"]],
    ]);
    // AfterShip did not know one of them: it is told to follow it.
    expect(fake.requests.filter((r) => r.kind === "register").map((r) => [r.provider, r.numbers])).toEqual([["aftership", ["1Z999AA10123456784"]]]);
    expect(await row(ups)).toMatchObject({ status: "delivered", source: "aftership", providerCarrier: "ups", lastPushAt: null });
    expect(await row(chinaPost)).toMatchObject({ status: "in_transit", source: "17track", providerCarrier: "3011" });
    expect(await row(usps)).toMatchObject({ status: "out_for_delivery", source: "easypost", providerCarrier: "USPS" });
    expect((await eventsOf(ups)).filter((e) => e.source === "aftership").length).toBeGreaterThan(3);
    // No data yet is still a poll: it waits its interval like the others.
    expect(await row(unknownToAftership)).toMatchObject({ status: "info_received", source: "shopify" });
    for (const id of [ups, unknownToAftership, chinaPost, usps]) expect((await row(id)).lastPolledAt).toEqual(at());
    // Two polls and one registration.
    expect((await account(shop, "aftership")).pollUsed).toBe(3);

    // Not due again a minute later.
    expect(await runDuePolls(deps(), at(MIN))).toBe(0);
    expect(fake.requests).toHaveLength(4);
  });

  it("polling again stores each event once, and stops at a delivered parcel", async () => {
    const shop = await shopWith("poll-twice", { "17track": { pollPerHour: 100 }, easypost: { pollPerHour: 100 } });
    const chinaPost = await shipment(shop, "RR123456789CN");
    const usps = await shipment(shop, "9405500207552011812894");
    await db().shipment.update({ where: { id: usps }, data: { source: "easypost" } });
    fake.known["17track"].set("RR123456789CN", seventeenTrackItem("RR123456789CN"));
    fake.known.easypost.set("9405500207552011812894", easyPostTracker("9405500207552011812894"));

    expect(await runDuePolls(deps(), at())).toBe(2);
    const first = { chinaPost: await eventsOf(chinaPost), usps: await eventsOf(usps) };
    expect(first.chinaPost.some((e) => e.source === "17track")).toBe(true);

    // Out for delivery is polled every 30 minutes; the 17TRACK parcel (no news for months) every 12 hours.
    expect(await runDuePolls(deps(), at(6 * HOUR))).toBe(1);
    expect(await runDuePolls(deps(), at(13 * HOUR))).toBe(2);
    expect(fake.asked("17track")).toEqual(["RR123456789CN", "RR123456789CN"]);
    expect(fake.asked("easypost")).toEqual(["9405500207552011812894", "9405500207552011812894", "9405500207552011812894"]);
    expect(await eventsOf(chinaPost)).toEqual(first.chinaPost);
    expect(await eventsOf(usps)).toEqual(first.usps);

    // EasyPost now says delivered: stored once, and the parcel is never asked about again.
    const delivered = easyPostTracker("9405500207552011812894", {
      status: "delivered",
      status_detail: "arrived_at_destination",
      tracking_details: [
        ...(easyPostTracker("9405500207552011812894").tracking_details as unknown[]),
        { object: "TrackingDetail", message: "Delivered, In/At Mailbox", status: "delivered", status_detail: "arrived_at_destination", datetime: "2026-04-17T19:12:00Z", tracking_location: { city: "LOUISVILLE", state: "KY", country: "US", zip: "40202" } },
      ],
    });
    fake.known.easypost.set("9405500207552011812894", delivered);
    await runDuePolls(deps(), at(14 * HOUR));
    expect((await row(usps)).status).toBe("delivered");
    expect((await eventsOf(usps)).length).toBe(first.usps.length + 1);
    await runDuePolls(deps(), at(15 * HOUR));
    await runDuePolls(deps(), at(40 * HOUR));
    expect(fake.asked("easypost")).toHaveLength(4);
  });

  it("leaves alone what a provider pushed or Shopify reported recently, and what is finished, old or erased", async () => {
    const secret = "aftership-webhook-secret-poller";
    const shop = await shopWith("poll-skip", { aftership: { pollPerHour: 100, webhookSecret: secret } });
    // Pushes and Shopify events happen in real time: this test's clock is the real one.
    const t0 = Date.now();
    const pushed = await shipment(shop, "LX123456785DE", { company: "Deutsche Post" });
    const recentEvent = await shipment(shop, "1Z0000000000000001", {
      events: [{ id: "8801", status: "IN_TRANSIT", message: "Departed facility", happenedAt: new Date(t0 - 20 * MIN).toISOString() }],
    });
    await shipment(shop, "1Z0000000000000002", {
      events: [{ id: "8802", status: "DELIVERED", message: "Delivered", happenedAt: new Date(t0 - 2 * DAY).toISOString() }],
    });
    await shipment(shop, "1Z0000000000000003", { shippedDaysAgo: 61 });
    const erased = await shipment(shop, "1Z0000000000000004");
    await db().shipment.update({ where: { id: erased }, data: { redactedAt: new Date() } });
    await shipment(shop, "");

    // AfterShip pushes the DHL parcel through the webhook: that sets lastPushAt.
    const raw = readFileSync(path.resolve(import.meta.dirname, "../fixtures/tracking/aftership-tracking-update-exception.json"), "utf8");
    const response = await callAction(
      providerRoute,
      new Request(`http://127.0.0.1:3999/tracking/webhooks/aftership?shop=${shop}`, {
        method: "POST",
        headers: { "Content-Type": "application/json", "aftership-hmac-sha256": createHmac("sha256", secret).update(raw).digest("base64") },
        body: raw,
      }),
      { provider: "aftership" },
    );
    expect(response.status).toBe(200);
    const pushedAt = (await row(pushed)).lastPushAt!;
    expect(pushedAt).toBeInstanceOf(Date);
    expect(Math.abs(pushedAt.getTime() - Date.now())).toBeLessThan(MIN);

    const justAfter = new Date(pushedAt.getTime() + 10 * MIN);
    expect(await runDuePolls(deps(), justAfter)).toBe(0);
    expect(fake.requests).toEqual([]);

    // An hour later both are due again (changed today: hourly); the others never are.
    const later = new Date(pushedAt.getTime() + 70 * MIN);
    expect(await runDuePolls(deps(), later)).toBe(2);
    expect(fake.asked("aftership").sort()).toEqual(["1Z0000000000000001", "LX123456785DE"]);
    expect((await row(recentEvent)).lastPolledAt).toEqual(later);
    expect((await row(pushed)).lastPushAt).toEqual(pushedAt); // a poll is not a push
    expect(await runDuePolls(deps(), new Date(later.getTime() + 2 * DAY))).toBe(2);
  });

  it("stops using a shop's key once it uninstalls, and a shop's answers never reach another shop's parcels", async () => {
    const shop = await shopWith("poll-uninstalled", { aftership: { pollPerHour: 100 } });
    const neighbour = await shopWith("poll-neighbour", {});
    const ours = await shipment(shop, "1Z0A3R2F0354877713");
    const theirs = await shipment(neighbour, "1Z0A3R2F0354877713");
    fake.known.aftership.set("1Z0A3R2F0354877713", trackingFixture("aftership-tracking-update-delivered.json").msg);

    // Uninstalled: its accounts stay until shop/redact, but nothing is asked with its key.
    await db().shop.update({ where: { shop }, data: { uninstalledAt: at() } });
    expect(await runDuePolls(deps(), at())).toBe(0);
    expect(fake.requests).toEqual([]);
    expect(await row(ours)).toMatchObject({ lastPolledAt: null, status: "info_received" });
    expect((await account(shop, "aftership")).pollUsed).toBe(0);

    // Installed again: polled, and only its own parcel learns what AfterShip said.
    await db().shop.update({ where: { shop }, data: { uninstalledAt: null } });
    expect(await runDuePolls(deps(), at(MIN))).toBe(1);
    expect(await row(ours)).toMatchObject({ status: "delivered", source: "aftership", lastPolledAt: at(MIN) });
    expect(await row(theirs)).toMatchObject({ status: "info_received", source: "shopify", lastPolledAt: null });
    expect(await db().shipmentEvent.count({ where: { shipmentId: theirs, source: "aftership" } })).toBe(0);
  });

  it("never spends more than the hourly quota, even with two workers at once; the next hour brings it back", async () => {
    const shop = await shopWith("poll-quota", { aftership: { pollPerHour: 5 } });
    const numbers = Array.from({ length: 12 }, (_, i) => `1ZQUOTA${String(i).padStart(11, "0")}`);
    for (const number of numbers) await shipment(shop, number);
    for (const number of numbers) fake.known.aftership.set(number, aftershipTracking(number, { tag: "InTransit", subtag: null, checkpoints: [] }));

    // Two workers at the same moment. On PostgreSQL each has its own connection pool, as separate processes
    // would; SQLite is embedded and single-process (better-sqlite3 waits for a lock synchronously), so there
    // the two interleave on one client.
    const second = databaseKind() === "postgresql" ? createDatabase(databaseUrl()) : db();
    try {
      const results = await Promise.all([runDuePolls(deps(), at()), runDuePolls({ ...deps(), db: second }, at())]);
      expect(results[0] + results[1]).toBe(5);
    } finally {
      if (second !== db()) await second.$disconnect();
    }
    for (let minute = 1; minute <= 5; minute++) await runDuePolls(deps(), at(minute * MIN));
    expect(fake.asked("aftership")).toHaveLength(5);
    expect(new Set(fake.asked("aftership")).size).toBe(5);
    expect(await account(shop, "aftership")).toMatchObject({ pollUsed: 5, pollHourStart: quotaHourStart(at()) });
    expect((await providerAccounts(db(), shop, at(10 * MIN)))[0]).toMatchObject({ provider: "aftership", pollPerHour: 5, pollUsedThisHour: 5, pollError: null });

    // The next hour: five more, the never-polled ones first.
    for (let minute = 0; minute <= 5; minute++) await runDuePolls(deps(), at(HOUR + minute * MIN));
    expect(fake.asked("aftership")).toHaveLength(10);
    expect(new Set(fake.asked("aftership")).size).toBe(10);
    expect((await providerAccounts(db(), shop, at(HOUR + 10 * MIN)))[0]!.pollUsedThisHour).toBe(5);
  });

  it("claims on the quota are atomic: many at once never get more than is left", async () => {
    const shop = await shopWith("claims", { aftership: { pollPerHour: 5 } });
    const clients = databaseKind() === "postgresql" ? [createDatabase(databaseUrl()), createDatabase(databaseUrl()), createDatabase(databaseUrl())] : [db()];
    try {
      const claims = await Promise.all(Array.from({ length: 9 }, (_, i) => claimQuota(clients[i % clients.length]!, { shop, provider: "aftership" }, 2, at())));
      expect(claims.reduce((a, b) => a + b, 0)).toBe(5);
      expect(claims.every((c) => c >= 0 && c <= 2)).toBe(true);
      expect((await account(shop, "aftership")).pollUsed).toBe(5);
      expect(await claimQuota(db(), { shop, provider: "aftership" }, 1, at(50 * MIN))).toBe(0);
      expect(await claimQuota(db(), { shop, provider: "aftership" }, 9, at(HOUR))).toBe(5);
    } finally {
      for (const client of clients) if (client !== db()) await client.$disconnect();
    }
  });

  it("a refused key stores a message for the merchant, is logged once, and stops that provider until a new key is saved", async () => {
    const shop = await shopWith("poll-401", { easypost: { pollPerHour: 100, apiKey: "EZAKrevokedkey0000001" }, aftership: { pollPerHour: 100 } });
    const usps = await shipment(shop, "9405500207552011812894");
    await db().shipment.update({ where: { id: usps }, data: { source: "easypost" } });
    await shipment(shop, "1Z0A3R2F0354877713");
    fake.known.easypost.set("9405500207552011812894", easyPostTracker("9405500207552011812894"));

    await runDuePolls(deps(), at());
    expect(fake.requests.filter((r) => r.kind === "poll").map((r) => r.provider).sort()).toEqual(["aftership", "easypost"]);
    // With EasyPost's own reason.
    expect((await account(shop, "easypost")).pollError).toBe(
      "EasyPost refused the API key (HTTP 401: This api key is no longer active. Please use a different api key or reactivate this key, code APIKEY.INACTIVE). " +
        "Paste a current key in Omnistock > Notifications > Tracking providers.",
    );
    expect((await account(shop, "aftership")).pollError).toBeNull();

    // Due again later: EasyPost is not asked (its parcel goes to the next provider with polling on), nor logged again.
    await runDuePolls(deps(), at(7 * HOUR));
    await runDuePolls(deps(), at(14 * HOUR));
    expect(fake.asked("easypost")).toHaveLength(1);
    expect(fake.requests.filter((r) => r.provider === "aftership" && r.kind === "poll").map((r) => [...r.numbers].sort())).toEqual([
      ["1Z0A3R2F0354877713"],
      ["1Z0A3R2F0354877713", "9405500207552011812894"],
      ["1Z0A3R2F0354877713", "9405500207552011812894"],
    ]);
    const refusals = logs.filter((l) => l.message.includes("refused the shop's API key"));
    expect(refusals).toHaveLength(1);
    expect(refusals[0]).toMatchObject({ level: "warn", shop, provider: "easypost", status: 401 });
    expect(JSON.stringify(logs)).not.toContain("EZAKrevokedkey0000001");
    expect(JSON.stringify(logs)).not.toContain(fake.keys.aftership);

    // The merchant pastes the right key: the error goes and EasyPost is polled again.
    expect(await saveProviderForm(db(), box(), shop, { provider: "easypost", webhookSecret: null, apiKey: fake.keys.easypost, pollPerHour: null })).toBeNull();
    expect((await account(shop, "easypost")).pollError).toBeNull();
    await db().shipment.update({ where: { id: usps }, data: { source: "easypost" } });
    await runDuePolls(deps(), at(21 * HOUR));
    expect(fake.asked("easypost")).toHaveLength(2);
    expect((await row(usps)).status).toBe("out_for_delivery");
  });

  it("a rate limit (429) pauses that provider for that shop until its reset, gives the polls back and asks again after", async () => {
    const shop = await shopWith("poll-429", { "17track": { pollPerHour: 50 }, aftership: { pollPerHour: 50 } });
    const neighbour = await shopWith("poll-429-neighbour", { "17track": { pollPerHour: 50 } });
    const limited = await shipment(shop, "RR123456789CN");
    const other = await shipment(shop, "RR987654321CN");
    const ups = await shipment(shop, "1Z0A3R2F0354877713");
    // The UPS parcel is AfterShip's, the others 17TRACK's.
    await db().shipment.updateMany({ where: { id: { in: [limited, other] } }, data: { source: "17track" } });
    const theirs = await shipment(neighbour, "RR555555555CN");
    for (const number of ["RR123456789CN", "RR987654321CN", "RR555555555CN"]) fake.known["17track"].set(number, seventeenTrackItem(number));
    fake.known.aftership.set("1Z0A3R2F0354877713", trackingFixture("aftership-tracking-update-delivered.json").msg);
    fake.failWith["17track"] = 429;
    fake.failHeaders["17track"] = { "Retry-After": "120" };

    await runDuePolls(deps(), at());
    const stopped = await account(shop, "17track");
    // Nothing was answered: the hour's polls are given back, the parcels stay due, and the merchant reads why.
    expect(stopped.pollUsed).toBe(0);
    expect(stopped.pollError).toBe(
      "17TRACK asked Omnistock to slow down (HTTP 429: too many requests in a short time, a per-second limit shared by everything that uses this 17TRACK account). " +
        `Polling pauses until ${at(2 * MIN).toISOString().slice(11, 19)} UTC and resumes on its own; the polls it could not make are not counted against your hourly limit.`,
    );
    expect((await row(limited)).lastPolledAt).toBeNull();
    expect((await row(other)).lastPolledAt).toBeNull();
    expect(logs.find((l) => l.message.includes("rate limiting"))).toMatchObject({ level: "warn", shop, provider: "17track", resumesAt: at(2 * MIN).toISOString() });
    // The same shop's AfterShip, and the neighbour's 17TRACK, are not paused (the neighbour was refused too, on its own).
    expect((await row(ups)).status).toBe("delivered");
    expect(fake.asked("17track").filter((n) => n === "RR555555555CN")).toHaveLength(1);

    // 17TRACK would answer now, but the shop's pause holds until the reset; the neighbour's own pause too.
    delete fake.failWith["17track"];
    const before = fake.asked("17track").length;
    await runDuePolls(deps(), at(MIN));
    expect(fake.asked("17track")).toHaveLength(before);

    // After the reset: asked at once (not an interval later), the error clears, the polls are counted.
    await runDuePolls(deps(), at(2 * MIN + 1_000));
    expect(fake.asked("17track").slice(before).sort()).toEqual(["RR123456789CN", "RR555555555CN", "RR987654321CN"]);
    expect((await row(limited)).status).toBe("in_transit");
    expect((await row(theirs)).lastPolledAt).toEqual(at(2 * MIN + 1_000));
    expect(await account(shop, "17track")).toMatchObject({ pollError: null, pollUsed: 2 });
  });

  it("honours AfterShip's X-RateLimit-Reset", async () => {
    const shop = await shopWith("poll-429-reset", { aftership: { pollPerHour: 50 } });
    await shipment(shop, "1Z0A3R2F0354877713");
    fake.known.aftership.set("1Z0A3R2F0354877713", trackingFixture("aftership-tracking-update-delivered.json").msg);
    fake.failWith.aftership = 429;
    fake.failHeaders.aftership = { "X-RateLimit-Reset": String(Math.floor(at(5 * MIN).getTime() / 1000)) };
    await runDuePolls(deps(), at());
    delete fake.failWith.aftership;
    await runDuePolls(deps(), at(4 * MIN));
    expect(fake.asked("aftership")).toHaveLength(1);
    await runDuePolls(deps(), at(5 * MIN));
    expect(fake.asked("aftership")).toHaveLength(2);
    expect((await account(shop, "aftership")).pollError).toBeNull();
  });

  it("17TRACK's own reason for a 401 is what the merchant reads: an IP whitelist is fixed at 17TRACK, and polling goes on", async () => {
    const shop = await shopWith("poll-17-ip", { "17track": { pollPerHour: 50 } });
    const parcel = await shipment(shop, "RR123456789CN");
    fake.known["17track"].set("RR123456789CN", seventeenTrackItem("RR123456789CN"));
    fake.failWith["17track"] = 401;
    fake.failBody["17track"] = { code: -18010001, data: { errors: [{ code: -18010001, message: "IP address is not in the whitelist." }] } };

    await runDuePolls(deps(), at());
    const refused = (await account(shop, "17track")).pollError!;
    expect(refused).toMatch(/^17TRACK refused the request \(HTTP 401: IP address is not in the whitelist, code -18010001\)\. Add this server's outgoing IP address/);
    expect(refused).not.toContain("Paste a current key");

    // Fixed at 17TRACK, nothing pasted here: the next poll goes through and clears it.
    delete fake.failWith["17track"];
    await runDuePolls(deps(), at(7 * HOUR));
    expect(fake.asked("17track")).toEqual(["RR123456789CN", "RR123456789CN"]);
    expect((await row(parcel)).status).toBe("in_transit");
    expect((await account(shop, "17track")).pollError).toBeNull();
  });

  it("a number the provider does not follow is registered with it once; its tracking comes with the carrier's scans; the merchant sees how many wait", async () => {
    const shop = await shopWith("poll-register", { aftership: { pollPerHour: 20 } });
    const scanned = await shipment(shop, "1Z0A3R2F0354877713");
    const quiet = await shipment(shop, "1z999aa1 0123456784");
    const wrong = await shipment(shop, "1ZNOCARRIER00001");
    // Once registered, AfterShip learns the first from the carrier; the second has no scan yet; the third it cannot follow.
    fake.carrier.aftership.set("1Z0A3R2F0354877713", trackingFixture("aftership-tracking-update-delivered.json").msg);
    fake.unregistrable.aftership.add("1ZNOCARRIER00001");

    expect(await runDuePolls(deps(), at())).toBe(3);
    expect(fake.asked("aftership").sort()).toEqual(["1Z0A3R2F0354877713", "1ZNOCARRIER00001", "1z999aa1 0123456784"]);
    // Registered as written in Shopify, each counted against the hour.
    expect(fake.registered("aftership").sort()).toEqual(["1Z0A3R2F0354877713", "1ZNOCARRIER00001", "1z999aa1 0123456784"]);
    expect((await account(shop, "aftership")).pollUsed).toBe(6);
    expect(logs.find((l) => l.message.includes("will not follow"))).toMatchObject({
      level: "warn",
      shop,
      provider: "aftership",
      refused: [expect.stringMatching(/^1ZNOCARRIER00001: Cannot detect courier/)],
    });
    const waiting = (await providerAccounts(db(), shop, at(MIN)))[0]!;
    expect(waiting).toMatchObject({ provider: "aftership", awaitingTracking: 3 });

    // Due again: the carrier's scans are there; "pending, no scan" says less than "shipped", so that parcel stays as
    // it was; the refused number is not sent again.
    expect(await runDuePolls(deps(), at(7 * HOUR))).toBe(3);
    expect(await row(scanned)).toMatchObject({ status: "delivered", source: "aftership" });
    expect(await row(quiet)).toMatchObject({ status: "info_received", source: "shopify" });
    expect(await row(wrong)).toMatchObject({ status: "info_received", source: "shopify" });
    expect(fake.registered("aftership")).toHaveLength(3);
    expect((await account(shop, "aftership")).pollUsed).toBe(3);
    expect((await providerAccounts(db(), shop, at(7 * HOUR + MIN)))[0]).toMatchObject({ awaitingTracking: 2 });

    await runDuePolls(deps(), at(14 * HOUR));
    expect(fake.registered("aftership")).toHaveLength(3);
    expect(fake.asked("aftership")).toHaveLength(8);
  });

  it("registrations come out of the hourly quota: what does not fit waits for the next hour", async () => {
    const shop = await shopWith("poll-register-quota", { "17track": { pollPerHour: 3 } });
    await shipment(shop, "RR100000001CN");
    await shipment(shop, "RR100000002CN");

    await runDuePolls(deps(), at());
    // Two polls, one registration: the hour is spent.
    expect(fake.asked("17track")).toHaveLength(2);
    expect(fake.registered("17track")).toEqual(["RR100000001CN"]);
    expect((await account(shop, "17track")).pollUsed).toBe(3);

    // The next time they are due, the other one is found unknown again and registered.
    await runDuePolls(deps(), at(7 * HOUR));
    expect(fake.registered("17track")).toEqual(["RR100000001CN", "RR100000002CN"]);
    expect((await account(shop, "17track")).pollUsed).toBe(3);
  });

  it("a provider in trouble is recorded for the merchant and asked again later", async () => {
    const shop = await shopWith("poll-503", { aftership: { pollPerHour: 10 } });
    const ups = await shipment(shop, "1Z0A3R2F0354877713");
    fake.failWith.aftership = 503;
    expect(await runDuePolls(deps(), at())).toBe(0);
    expect((await account(shop, "aftership")).pollError).toBe("AfterShip is having trouble (HTTP 503). Polling tries again on its own.");
    delete fake.failWith.aftership;
    fake.known.aftership.set("1Z0A3R2F0354877713", trackingFixture("aftership-tracking-update-delivered.json").msg);
    expect(await runDuePolls(deps(), at(7 * HOUR))).toBe(1);
    expect((await row(ups)).status).toBe("delivered");
    expect((await account(shop, "aftership")).pollError).toBeNull();
  });
});

describe("the tracking worker", () => {
  it("polls at most once a minute per process", async () => {
    const shop = await shopWith("poll-worker", { aftership: { pollPerHour: 10 } });
    await shipment(shop, "1Z0A3R2F0354877713");
    await shipment(shop, "1Z0A3R2F0354877714");
    let now = at();
    const work = {
      db: db(),
      kind: databaseKind(),
      logger,
      box: box(),
      adminFor: async () => null,
      capture: true,
      now: () => now,
      providerApiUrls: apiUrls,
    };
    expect(await runTrackingWork(work)).toBeGreaterThanOrEqual(2);
    expect(fake.asked("aftership")).toHaveLength(2);
    await shipment(shop, "1Z0A3R2F0354877715");
    now = at(30_000);
    await runTrackingWork(work);
    expect(fake.asked("aftership")).toHaveLength(2);
    now = at(61_000);
    await runTrackingWork(work);
    expect(fake.asked("aftership")).toHaveLength(3);
  });
});

describe("provider settings", () => {
  it("validates the form: polls per hour is a whole number from 0 to 100000; secrets are optional", () => {
    const parse = (fields: Record<string, string>) => providerFormSchema.safeParse({ provider: "aftership", ...fields });
    for (const ok of ["0", "1", "100000", " 250 "]) expect(parse({ pollPerHour: ok }).success, ok).toBe(true);
    for (const bad of ["-1", "1.5", "100001", "abc", "1e3"]) {
      const result = parse({ pollPerHour: bad });
      expect(result.success, bad).toBe(false);
      expect(result.error!.issues[0]!.message).toMatch(/whole number from 0 \(no polling\) to 100000/);
    }
    expect(parse({ pollPerHour: "" }).data).toEqual({ provider: "aftership", webhookSecret: null, apiKey: null, pollPerHour: null });
    expect(parse({ apiKey: "short" }).error!.issues[0]!.message).toBe("Paste the whole API key from the provider's settings");
    expect(providerFormSchema.safeParse({ provider: "shippo" }).success).toBe(false);
  });

  it("an API key alone is enough to poll; it is sealed and webhooks stay closed without a secret", async () => {
    const shop = testShop("settings");
    await db().shop.create({ data: { shop } });
    const save = (form: Partial<ProviderForm>) =>
      saveProviderForm(db(), box(), shop, { provider: "17track", webhookSecret: null, apiKey: null, pollPerHour: null, ...form });

    expect(await save({})).toBe("Paste the webhook secret (to receive webhooks), the API key (to poll), or both");
    expect(await save({ webhookSecret: "17track-webhook-key", pollPerHour: 10 })).toBe("Polling needs the provider's API key: paste it, or set polls per hour to 0");
    expect(await db().providerAccount.count({ where: { shop } })).toBe(0);

    expect(await save({ apiKey: "17track-api-key-000111", pollPerHour: 120 })).toBeNull();
    const stored = await account(shop, "17track");
    expect(stored.apiKey).not.toContain("17track-api-key-000111");
    expect(box().open(stored.apiKey!)).toBe("17track-api-key-000111");
    expect(await providerSecret(db(), box(), shop, "17track")).toBeNull();
    expect(await providerAccounts(db(), shop)).toEqual([
      expect.objectContaining({ provider: "17track", webhooks: false, hasApiKey: true, pollPerHour: 120, pollUsedThisHour: 0, pollError: null }),
    ]);

    // Adding the webhook secret later keeps the key and the quota.
    expect(await save({ webhookSecret: "17track-webhook-key" })).toBeNull();
    expect(await providerSecret(db(), box(), shop, "17track")).toBe("17track-webhook-key");
    expect(await account(shop, "17track")).toMatchObject({ apiKey: stored.apiKey, pollPerHour: 120 });
    expect(await save({ pollPerHour: 0 })).toBeNull();
    expect((await account(shop, "17track")).pollPerHour).toBe(0);
  });
});
