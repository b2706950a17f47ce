import { describe, expect, it } from "vitest";
import { db } from "../../app/db.server";
import * as webhooksRoute from "../../app/routes/webhooks";
import { webhookHmac } from "../../app/webhooks/hmac.server";
import { callAction } from "../support/app";
import { appSecret, samplePayload, sampleTopics, testShop, webhookRequest } from "../support/shopify";

const post = (request: Request) => callAction(webhooksRoute, request);
const stored = (shop: string) => db().webhookDelivery.findMany({ where: { shop } });

describe("POST /webhooks: signatures", () => {
  it("refuses a forged HMAC with 401 and stores nothing", async () => {
    const shop = testShop();
    const response = await post(webhookRequest({ topic: "orders/create", shop, body: { id: 1 }, hmac: "Zm9yZ2Vk" }));
    expect(response.status).toBe(401);
    expect(await stored(shop)).toEqual([]);
  });

  it("refuses a missing HMAC with 401 and stores nothing", async () => {
    const shop = testShop();
    const response = await post(webhookRequest({ topic: "orders/create", shop, body: { id: 1 }, hmac: null }));
    expect(response.status).toBe(401);
    expect(await stored(shop)).toEqual([]);
  });

  it("refuses a stale signature: an old secret, or a signature of another body", async () => {
    const shop = testShop();
    const oldSecret = await post(
      webhookRequest({ topic: "orders/create", shop, body: { id: 1 }, secret: "the-secret-before-rotation" }),
    );
    const replayed = await post(
      webhookRequest({
        topic: "orders/create",
        shop,
        body: { id: 2, total_price: "0.01" },
        hmac: webhookHmac(JSON.stringify({ id: 2, total_price: "100.00" }), appSecret()),
      }),
    );
    expect([oldSecret.status, replayed.status]).toEqual([401, 401]);
    expect(await stored(shop)).toEqual([]);
  });

  it("checks the HMAC before reading the body as JSON", async () => {
    const shop = testShop();
    const response = await post(webhookRequest({ topic: "orders/create", shop, body: "not json", hmac: "AAAA" }));
    expect(response.status).toBe(401);
  });
});

describe("POST /webhooks: storing deliveries", () => {
  it("stores a delivery sent twice (same X-Shopify-Webhook-Id) once, answering 200 both times", async () => {
    const shop = testShop();
    const init = { topic: "orders/create", shop, body: JSON.parse(samplePayload("orders/create", shop)), webhookId: "dup-1" };
    const first = await post(webhookRequest(init));
    const second = await post(webhookRequest(init));
    expect([first.status, second.status]).toEqual([200, 200]);
    const rows = await stored(shop);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ webhookId: "dup-1", topic: "orders/create", status: "pending", apiVersion: "2026-10" });
  });

  it("keeps the raw body byte for byte, so ids above 2^53 are not rounded", async () => {
    const shop = testShop();
    const raw = '{"id":820982911946154508,"order_id":820982911946154508,"admin_graphql_api_id":"gid://shopify/Order/820982911946154508"}';
    expect((await post(webhookRequest({ topic: "orders/updated", shop, body: raw }))).status).toBe(200);
    const [row] = await stored(shop);
    expect(row?.payload).toBe(raw);
    expect(row?.orderId).toBe("820982911946154508");
  });

  it.each(sampleTopics())("accepts Shopify's sample payload for %s when signed", async (topic) => {
    const shop = testShop();
    const body = samplePayload(topic, shop);
    const response = await post(webhookRequest({ topic, shop, body }));
    expect(response.status, await response.clone().text()).toBe(200);
    const rows = await stored(shop);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.payload).toBe(body);
  });

  it("refuses signed deliveries with bad headers or bodies with 400 and stores nothing", async () => {
    const shop = testShop();
    const cases: [Parameters<typeof webhookRequest>[0], RegExp][] = [
      [{ topic: "orders create", shop, body: {} }, /X-Shopify-Topic/],
      [{ topic: "orders/create", shop: "evil.example.com", body: {} }, /not a shop domain/],
      [{ topic: "orders/create", shop, body: {}, apiVersion: "latest" }, /API-Version/],
      [{ topic: "orders/create", shop, body: "{not json" }, /not JSON/],
      [{ topic: "orders/create", shop, body: "[1,2]" }, /not valid/],
      [{ topic: "shop/redact", shop, body: { shop_domain: shop } }, /shop_id/],
      [{ topic: "customers/redact", shop, body: { shop_id: 1, shop_domain: shop, customer: "x" } }, /customer/],
      [{ topic: "shop/redact", shop, body: { shop_id: 1, shop_domain: "other.myshopify.com" } }, /does not match/],
    ];
    for (const [init, message] of cases) {
      const response = await post(webhookRequest(init));
      expect(response.status, JSON.stringify(init)).toBe(400);
      expect(await response.text()).toMatch(message);
    }
    expect(await stored(shop)).toEqual([]);
  });

  it("answers 405 to anything but POST", async () => {
    const response = await callAction(webhooksRoute, new Request("http://127.0.0.1/webhooks", { method: "PUT" }));
    expect(response.status).toBe(405);
  });
});

describe("the delivery writer", () => {
  it("stores rows Prisma reads back exactly, dates included", async () => {
    const shop = testShop();
    const triggeredAt = new Date("2026-11-20T10:11:12.345Z");
    const before = Date.now();
    const response = await post(webhookRequest({ topic: "orders/create", shop, body: samplePayload("orders/create", shop), triggeredAt, eventId: "evt-1", webhookId: "w-dates" }));
    expect(response.status).toBe(200);
    const row = await db().webhookDelivery.findUniqueOrThrow({ where: { webhookId: "w-dates" } });
    expect(row).toMatchObject({ shop, topic: "orders/create", eventId: "evt-1", status: "pending", attempts: 0, triggeredAt });
    expect(row.receivedAt.getTime()).toBeGreaterThanOrEqual(before - 5);
    expect(row.availableAt.getTime()).toBe(row.receivedAt.getTime());
    // Dates written by the writer compare correctly with dates written by Prisma (the claim query relies on it).
    expect(await db().webhookDelivery.count({ where: { webhookId: "w-dates", availableAt: { lte: new Date() } } })).toBe(1);
  });
});

describe.runIf(process.env.OMNISTOCK_TEST_DATABASE === "postgresql")("the delivery writer on PostgreSQL", () => {
  it("keeps storing after the server closes its connections (a restart or failover), without crashing the process", async () => {
    const shop = testShop();
    const send = (webhookId: string) =>
      post(webhookRequest({ topic: "orders/create", shop, body: samplePayload("orders/create", shop), webhookId }));
    expect((await send("w-before-restart")).status).toBe(200);

    // What a PostgreSQL restart does to every client: the writer's idle connection is closed under it. An
    // unhandled 'error' event from the pool would end the test run with an uncaught exception.
    const terminated = await db().$queryRawUnsafe<{ n: bigint }[]>(
      `SELECT count(pg_terminate_backend(pid)) AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`,
    );
    expect(Number(terminated[0]!.n)).toBeGreaterThanOrEqual(1);
    await new Promise((resolve) => setTimeout(resolve, 200));

    expect((await send("w-after-restart")).status).toBe(200);
    expect((await stored(shop)).map((row) => row.webhookId).sort()).toEqual(["w-after-restart", "w-before-restart"]);
  });
});
