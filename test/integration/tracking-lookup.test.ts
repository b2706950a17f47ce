import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "../../app/db.server";
import * as proxyRoute from "../../app/routes/proxy.$";
import { ProxyRouter } from "../../app/storefront-proxy/router.server";
import { LOOKUP_LIMITS, MIN_LOOKUP_MS, shopperAddress, trackingLookup } from "../../app/storefront-proxy/tracking.server";
import { applyFulfillment, type FulfillmentSnapshot } from "../../app/tracking/shipments.server";
import { TRACKING_STATUSES } from "../../app/tracking/status";
import { callLoader, quietLogger } from "../support/app";
import { appSecret, proxyUrl, testShop } from "../support/shopify";

const HOUR = 3_600_000;
const now = Date.now();
const shopA = testShop("lookup-a");
const shopB = testShop("lookup-b");

let nextId = 8000;
async function ship(shop: string, init: Partial<FulfillmentSnapshot> & { orderNumber: number; email: string; number: string; placedHoursAgo?: number; events?: FulfillmentSnapshot["events"] }) {
  const id = String(nextId++);
  const placed = now - (init.placedHoursAgo ?? 48) * HOUR;
  return applyFulfillment(
    db(),
    shop,
    {
      fulfillmentId: id,
      orderId: init.orderId ?? `o${init.orderNumber}`,
      orderName: `#${init.orderNumber}`,
      orderNumber: init.orderNumber,
      orderPlacedAt: new Date(placed).toISOString(),
      email: init.email,
      locale: "fr",
      customerId: init.customerId ?? null,
      shopifyStatus: "SUCCESS",
      createdAt: new Date(placed + HOUR).toISOString(),
      updatedAt: new Date(placed + HOUR).toISOString(),
      tracking: { company: "La Poste", number: init.number, url: `https://www.laposte.fr/outils/suivre-vos-envois?code=${init.number}` },
      originCountry: "FR",
      destination: init.destination ?? { city: "Lyon", countryCode: "FR" },
      isPickup: init.isPickup ?? false,
      pickupLocationId: init.pickupLocationId ?? null,
      lineItems: init.lineItems ?? [{ title: "Organic Tee - M", quantity: 1 }],
      events: init.events ?? [
        { id: `${id}1`, status: "IN_TRANSIT", message: "Pris en charge", happenedAt: new Date(placed + 3 * HOUR).toISOString(), city: "Saint-Priest", country: "France" },
      ],
    },
    { notify: false },
  );
}

// Shopify's proxy appends the address it saw; whatever the shopper put in X-Forwarded-For comes before it, and
// here it changes on every request, as it would for a shopper trying to escape the per-address limit.
let forged = 0;
const request = (shop: string, query: Record<string, string>, init: { customerId?: string; ip?: string } = {}) =>
  new Request(proxyUrl({ shop, path: "tracking", customerId: init.customerId ?? null, extra: query }), {
    headers: { "X-Forwarded-For": `10.${forged++ % 250}.0.1, ${init.ip ?? "203.0.113.1"}` },
  });

let ipCounter = 1;
const freshIp = () => `198.51.100.${ipCounter++}`;
const lookup = (shop: string, query: Record<string, string>, init: { customerId?: string; ip?: string } = {}) =>
  callLoader(proxyRoute, request(shop, query, { ip: init.ip ?? freshIp(), ...(init.customerId ? { customerId: init.customerId } : {}) }), { "*": "tracking" });

beforeAll(async () => {
  await db().shop.createMany({ data: [{ shop: shopA, name: "Atelier A" }, { shop: shopB, name: "Boutique B" }] });
  await db().location.create({ data: { shop: shopA, locationId: "12", name: "Presqu'île shop", address1: "3 Rue de la République", zip: "69002", city: "Lyon", countryCode: "FR", openingHours: "Mon-Sat 10:00-19:00" } });
  // Order #1001, shipped in two parcels; the second one delivered.
  await ship(shopA, { orderNumber: 1001, orderId: "o1001", email: "Ada.Lovelace@example.com", number: "RR123456785FR", customerId: "900" });
  await ship(shopA, {
    orderNumber: 1001,
    orderId: "o1001",
    email: "ada.lovelace@example.com",
    number: "LP000000019FR",
    customerId: "900",
    lineItems: [{ title: "Stoneware Mug", quantity: 2 }],
    events: [
      { id: "91", status: "IN_TRANSIT", message: "Pris en charge", happenedAt: new Date(now - 40 * HOUR).toISOString(), city: "Saint-Priest", country: "France" },
      { id: "92", status: "DELIVERED", message: "Livré en boîte aux lettres", happenedAt: new Date(now - 20 * HOUR).toISOString(), city: "Lyon", country: "France" },
    ],
  });
  // A pickup order of the same customer, and six more orders of another customer.
  await ship(shopA, { orderNumber: 1002, email: "ada.lovelace@example.com", number: "RB987654320GB", customerId: "900", placedHoursAgo: 10, isPickup: true, pickupLocationId: "12", events: [] });
  for (let i = 0; i < 6; i++) await ship(shopA, { orderNumber: 1100 + i, email: "grace@example.com", number: `CP00000${i}00${i}FR`, customerId: "901", placedHoursAgo: 100 - i });
  // Shop B: an order with the same email, and one with the same order number as A's.
  await ship(shopB, { orderNumber: 2001, email: "ada.lovelace@example.com", number: "RR000000000DE", customerId: "900" });
  await ship(shopB, { orderNumber: 1001, email: "someone@example.com", number: "RR111111116DE" });
});

describe("GET /apps/omnistock/tracking: order number and email", () => {
  it("answers with both parcels of the order, in the widget's contract, masked to city and country", async () => {
    const response = await lookup(shopA, { order: "#1001", email: " ADA.LOVELACE@example.com " });
    expect(response.status).toBe(200);
    expect(response.headers.get("Cache-Control")).toBe("no-store");
    const body = await response.json();
    expect(Object.keys(body)).toEqual(["orders"]);
    expect(body.orders).toHaveLength(1);
    const [order] = body.orders;
    expect(Object.keys(order).sort()).toEqual(["destination", "name", "placedAt", "shipments"]);
    expect(order).toMatchObject({ name: "#1001", destination: "Lyon, FR" });
    expect(order.placedAt).toBe(new Date(now - 48 * HOUR).toISOString());
    expect(order.shipments).toHaveLength(2);
    for (const shipment of order.shipments) {
      expect(Object.keys(shipment).sort()).toEqual(
        ["carrier", "estimatedDelivery", "events", "id", "items", "late", "pickup", "reason", "status", "step", "trackingNumber", "trackingUrl"].sort(),
      );
      expect(TRACKING_STATUSES).toContain(shipment.status);
      expect(shipment.carrier).toEqual({ code: "la_poste", name: "La Poste" });
      for (const event of shipment.events) {
        expect(Object.keys(event).sort()).toEqual(["at", "description", "location", "status"]);
        expect(event.at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
      }
    }
    const [transit, delivered] = order.shipments;
    expect(transit).toMatchObject({ trackingNumber: "RR123456785FR", status: "in_transit", step: 2, reason: null, late: false, pickup: null, items: [{ title: "Organic Tee - M", quantity: 1 }] });
    expect(delivered).toMatchObject({ trackingNumber: "LP000000019FR", status: "delivered", step: 4, items: [{ title: "Stoneware Mug", quantity: 2 }] });
    expect(delivered.events.map((e: { status: string }) => e.status)).toEqual(["info_received", "in_transit", "delivered"]);
    expect(delivered.events.at(-1)).toMatchObject({ description: "Livré en boîte aux lettres", location: "Lyon, France" });
    // No street, zip, email or customer id anywhere.
    const raw = JSON.stringify(body);
    expect(raw).not.toMatch(/lovelace|69002|Rue|"900"/i);
  });

  it("reads the order number however the shopper types it", async () => {
    for (const order of ["1001", "#1001", " # 1001 ", "No. 1001"]) {
      expect((await lookup(shopA, { order, email: "ada.lovelace@example.com" })).status, order).toBe(200);
    }
  });

  it("shows a pickup's shop, address and hours", async () => {
    const body = await (await lookup(shopA, { order: "1002", email: "ada.lovelace@example.com" })).json();
    expect(body.orders[0].shipments[0]).toMatchObject({
      status: "delivered",
      pickup: { name: "Presqu'île shop", address: "3 Rue de la République, 69002 Lyon", hours: "Mon-Sat 10:00-19:00" },
    });
  });

  it("a wrong email and an unknown order get byte-identical answers, no sooner than the floor", async () => {
    const answers: { status: number; headers: [string, string][]; body: string; ms: number; label: string }[] = [];
    for (let round = 0; round < 4; round++) {
      // Fresh order numbers each round, so failures per order never reach the limit here.
      for (const [label, query] of [
        ["wrong email", { order: "1001", email: `eve${round}@example.com` }],
        ["unknown order", { order: String(5000 + round), email: "ada.lovelace@example.com" }],
        ["other shop's order", { order: "2001", email: "ada.lovelace@example.com" }],
      ] as const) {
        const started = performance.now();
        const response = await lookup(shopA, query);
        const ms = performance.now() - started;
        answers.push({ status: response.status, headers: [...response.headers.entries()], body: await response.text(), ms, label });
      }
    }
    const [first] = answers;
    for (const answer of answers) {
      expect({ status: answer.status, headers: answer.headers, body: answer.body }, answer.label).toEqual({ status: first!.status, headers: first!.headers, body: first!.body });
      expect(answer.ms).toBeGreaterThanOrEqual(MIN_LOOKUP_MS);
    }
    expect(first).toMatchObject({ status: 404, body: '{"error":"not_found"}' });
    const byLabel = (label: string) => answers.filter((a) => a.label === label).map((a) => Math.round(a.ms));
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
    const report = Object.fromEntries(["wrong email", "unknown order", "other shop's order"].map((l) => [l, { ms: byLabel(l), median: median(byLabel(l)) }]));
    console.info(`tracking lookup timings (floor ${MIN_LOOKUP_MS} ms): ${JSON.stringify(report)}`);
    expect(Math.abs(report["wrong email"]!.median - report["unknown order"]!.median)).toBeLessThan(40);

    // What the floor hides: the same two misses without it (for the record; the work is the same either way).
    const unpadded = new ProxyRouter().on("GET", "tracking", trackingLookup({ minDurationMs: 0 }));
    const raw: Record<string, number[]> = { "wrong email": [], "unknown order": [] };
    for (let round = 0; round < 6; round++) {
      for (const [label, query] of [
        ["wrong email", { order: String(1100 + round), email: `mallory${round}@example.com` }],
        ["unknown order", { order: String(6000 + round), email: "ada.lovelace@example.com" }],
      ] as const) {
        const started = performance.now();
        const response = await unpadded.handle(request(shopA, query, { ip: freshIp() }), "tracking", { db: db(), logger: quietLogger, secret: appSecret() });
        raw[label]!.push(Math.round((performance.now() - started) * 10) / 10);
        expect(response.status).toBe(404);
      }
    }
    console.info(`tracking lookup timings without the floor (ms): ${JSON.stringify(raw)}`);
  });
});

describe("GET /apps/omnistock/tracking: tracking number and logged-in shopper", () => {
  it("a tracking number shows that parcel only, with nothing about the customer", async () => {
    const response = await lookup(shopA, { number: "rr 1234 5678 5fr" });
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.orders).toHaveLength(1);
    expect(body.orders[0]).toMatchObject({ name: "#1001", placedAt: null, destination: null });
    expect(body.orders[0].shipments).toHaveLength(1);
    expect(body.orders[0].shipments[0]).toMatchObject({ trackingNumber: "RR123456785FR", items: [] });
  });

  it("a logged-in shopper sees their own last five orders, newest first", async () => {
    const body = await (await lookup(shopA, {}, { customerId: "901" })).json();
    expect(body.orders.map((o: { name: string }) => o.name)).toEqual(["#1105", "#1104", "#1103", "#1102", "#1101"]);
    const ada = await (await lookup(shopA, {}, { customerId: "900" })).json();
    expect(ada.orders.map((o: { name: string }) => o.name)).toEqual(["#1002", "#1001"]);
    expect(ada.orders[1].shipments).toHaveLength(2);
  });

  it("never serves another shop's order, parcel or customer", async () => {
    expect((await lookup(shopA, { order: "2001", email: "ada.lovelace@example.com" })).status).toBe(404);
    expect((await lookup(shopA, { number: "RR000000000DE" })).status).toBe(404);
    // Same customer id in shop B: only B's order there, only A's orders here.
    const inB = await (await lookup(shopB, {}, { customerId: "900" })).json();
    expect(inB.orders.map((o: { name: string }) => o.name)).toEqual(["#2001"]);
    // Same order number in both shops: each shop answers with its own, for its own email.
    expect((await lookup(shopB, { order: "1001", email: "ada.lovelace@example.com" })).status).toBe(404);
    const b1001 = await (await lookup(shopB, { order: "1001", email: "someone@example.com" })).json();
    expect(b1001.orders[0].shipments[0].trackingNumber).toBe("RR111111116DE");
  });

  it.each([
    [{ order: "1001" }, "email"],
    [{ email: "ada@example.com" }, "order"],
    [{ order: "one thousand", email: "ada@example.com" }, "order"],
    [{ order: "1001", email: "not-an-email" }, "email"],
    [{ number: "<script>" }, "number"],
    [{ number: "RR123456785FR", order: "1001", email: "ada@example.com" }, "not both"],
    [{}, "order number and email"],
  ])("refuses a malformed query %j with 400", async (query, mentions) => {
    const response = await lookup(shopA, query as Record<string, string>);
    expect(response.status).toBe(400);
    const body = await response.json();
    expect(body.error).toBe("invalid_request");
    expect(body.message).toContain(mentions);
  });
});

describe("rate limits", () => {
  // A router of our own with a clock we move; the signature check keeps the real clock.
  let clock = new Date();
  const router = new ProxyRouter().on("GET", "tracking", trackingLookup({ now: () => clock, minDurationMs: 0 }));
  const deps = { db: db(), logger: quietLogger, secret: appSecret() };
  const get = (query: Record<string, string>, ip: string) => router.handle(request(shopA, query, { ip }), "tracking", { ...deps, db: db() });

  afterAll(() => {
    clock = new Date();
  });

  it("allows 10 lookups a minute per shopper address, then 429 with Retry-After, then again after the window", async () => {
    clock = new Date(now);
    const ip = "192.0.2.10";
    for (let i = 0; i < LOOKUP_LIMITS.perAddress.max; i++) expect((await get({ number: "RR123456785FR" }, ip)).status).toBe(200);
    const limited = await get({ number: "RR123456785FR" }, ip);
    expect(limited.status).toBe(429);
    expect(limited.headers.get("Retry-After")).toBe("60");
    expect(await limited.json()).toEqual({ error: "rate_limited", retryAfter: 60 });
    // Another address is not affected.
    expect((await get({ number: "RR123456785FR" }, "192.0.2.11")).status).toBe(200);
    clock = new Date(now + 30_000);
    expect((await get({ number: "RR123456785FR" }, ip)).headers.get("Retry-After")).toBe("30");
    clock = new Date(now + LOOKUP_LIMITS.perAddress.windowMs + 1);
    expect((await get({ number: "RR123456785FR" }, ip)).status).toBe(200);
  });

  it("after 5 failed attempts on an order number, even the right email waits 15 minutes", async () => {
    clock = new Date(now + 3_600_000);
    const right = { order: "1002", email: "ada.lovelace@example.com" };
    for (let i = 0; i < LOOKUP_LIMITS.failuresPerOrder.max; i++) {
      expect((await get({ order: "1002", email: `guess${i}@example.com` }, `192.0.2.${100 + i}`)).status).toBe(404);
    }
    const limited = await get(right, "192.0.2.200");
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("Retry-After"))).toBe(15 * 60);
    // Other orders are not affected.
    expect((await get({ order: "1001", email: "ada.lovelace@example.com" }, "192.0.2.201")).status).toBe(200);
    clock = new Date(now + 3_600_000 + LOOKUP_LIMITS.failuresPerOrder.windowMs);
    expect((await get(right, "192.0.2.202")).status).toBe(200);
  });

  it("takes a failure slot before the lookup, so guesses sent all at once cannot pass the limit together", async () => {
    clock = new Date(now + 7_200_000);
    const guesses = await Promise.all(
      Array.from({ length: 12 }, (_, i) => get({ order: "1001", email: `burst${i}@example.com` }, `192.0.2.${50 + i}`)),
    );
    const statuses = guesses.map((response) => response.status).sort();
    expect(statuses.filter((status) => status === 404)).toHaveLength(LOOKUP_LIMITS.failuresPerOrder.max);
    expect(statuses.filter((status) => status === 429)).toHaveLength(12 - LOOKUP_LIMITS.failuresPerOrder.max);
    // A match gives its slot back: the right email right after four misses still leaves one guess.
    clock = new Date(now + 7_200_000 + LOOKUP_LIMITS.failuresPerOrder.windowMs + 1);
    for (let i = 0; i < LOOKUP_LIMITS.failuresPerOrder.max - 1; i++) {
      expect((await get({ order: "1001", email: `again${i}@example.com` }, `192.0.2.${80 + i}`)).status).toBe(404);
    }
    expect((await get({ order: "1001", email: "ada.lovelace@example.com" }, "192.0.2.90")).status).toBe(200);
    expect((await get({ order: "1001", email: "ada.lovelace@example.com" }, "192.0.2.91")).status).toBe(200);
    expect((await get({ order: "1001", email: "last@example.com" }, "192.0.2.92")).status).toBe(404);
    expect((await get({ order: "1001", email: "ada.lovelace@example.com" }, "192.0.2.93")).status).toBe(429);
  });

  it("reads the shopper's address where Shopify's proxy put it, not where the shopper could", () => {
    expect(shopperAddress("203.0.113.9", 1)).toBe("203.0.113.9");
    expect(shopperAddress("1.2.3.4, 203.0.113.9", 1)).toBe("203.0.113.9");
    // Behind a load balancer of the merchant's that appends too.
    expect(shopperAddress("1.2.3.4, 203.0.113.9, 10.0.0.2", 2)).toBe("203.0.113.9");
    expect(shopperAddress("203.0.113.9", 2)).toBe("203.0.113.9");
    expect(shopperAddress(null, 1)).toBe("unknown");
    expect(shopperAddress(` , ${"9".repeat(65)}`, 1)).toBe("unknown");
    expect(shopperAddress("2001:DB8::1", 1)).toBe("2001:db8::1");
  });

  it("counts in the database, so every app instance shares the limits", async () => {
    const rows = await db().trackingRateLimit.findMany({ where: { shop: shopA } });
    expect(rows.some((r) => r.key === "order:1002")).toBe(true);
    // Addresses are stored only as keyed hashes.
    expect(rows.filter((r) => r.key.startsWith("ip:")).every((r) => !r.key.includes("192.0.2"))).toBe(true);
  });
});
