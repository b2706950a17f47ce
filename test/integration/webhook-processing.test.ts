import { Prisma } from "@prisma/client";
import { describe, expect, it } from "vitest";
import { SHOP_DATA_ERASERS, SHOP_DATA_KEPT } from "../../app/compliance/shop-data.server";
import { db } from "../../app/db.server";
import * as webhooksRoute from "../../app/routes/webhooks";
import { MAX_DELIVERY_ATTEMPTS } from "../../app/webhooks/delivery-status";
import { registerTopicHandler } from "../../app/webhooks/handlers.server";
import { genericPayload } from "../../app/webhooks/payloads";
import { callAction, drainWebhooks } from "../support/app";
import { samplePayload, testShop, webhookRequest } from "../support/shopify";

async function deliver(init: Parameters<typeof webhookRequest>[0]) {
  const response = await callAction(webhooksRoute, webhookRequest(init));
  expect(response.status, await response.clone().text()).toBe(200);
}

async function installShop(shop: string, installedAt = new Date()) {
  await db().shop.create({ data: { shop, installedAt } });
  await db().session.create({
    data: { id: `offline_${shop}`, shop, state: "", isOnline: false, accessToken: "sealed-token" },
  });
}

describe("app/uninstalled", () => {
  it("removes the shop's sessions and stops its work", async () => {
    const shop = testShop();
    await installShop(shop);
    await deliver({ topic: "app/uninstalled", shop, body: samplePayload("app/uninstalled", shop) });
    await drainWebhooks();

    expect(await db().session.count({ where: { shop } })).toBe(0);
    expect((await db().shop.findUniqueOrThrow({ where: { shop } })).uninstalledAt).toBeInstanceOf(Date);

    // Work arriving afterwards is skipped, but compliance requests still run.
    await deliver({ topic: "orders/create", shop, body: samplePayload("orders/create", shop) });
    await deliver({ topic: "customers/redact", shop, body: samplePayload("customers/redact", shop) });
    await drainWebhooks();
    const rows = await db().webhookDelivery.findMany({ where: { shop }, orderBy: { id: "asc" } });
    expect(rows.map((r) => [r.topic, r.status])).toEqual([
      ["app/uninstalled", "done"],
      ["orders/create", "skipped"],
      ["customers/redact", "done"],
    ]);
    expect(rows[1]?.lastError).toMatch(/uninstalled/);
  });

  it("ignores an uninstall that happened before the latest install (late delivery)", async () => {
    const shop = testShop();
    await installShop(shop, new Date());
    await deliver({
      topic: "app/uninstalled",
      shop,
      body: samplePayload("app/uninstalled", shop),
      triggeredAt: new Date(Date.now() - 3_600_000),
    });
    await drainWebhooks();
    expect(await db().session.count({ where: { shop } })).toBe(1);
    expect((await db().shop.findUniqueOrThrow({ where: { shop } })).uninstalledAt).toBeNull();
    expect((await db().webhookDelivery.findFirstOrThrow({ where: { shop } })).status).toBe("skipped");
  });
});

describe("app/scopes_update", () => {
  it("records the new scopes on the shop and its sessions", async () => {
    const shop = testShop();
    await installShop(shop);
    await deliver({ topic: "app/scopes_update", shop, body: samplePayload("app/scopes_update", shop) });
    await drainWebhooks();
    expect((await db().session.findFirstOrThrow({ where: { shop } })).scope).toBe("read_products,write_products");
    expect((await db().shop.findUniqueOrThrow({ where: { shop } })).scopes).toBe("read_products,write_products");
  });
});

describe("compliance webhooks", () => {
  const orderBody = (shop: string, orderId: string, customerId: string) =>
    JSON.stringify({
      id: Number(orderId),
      admin_graphql_api_id: `gid://shopify/Order/${orderId}`,
      email: "john@example.com",
      customer: { id: Number(customerId), admin_graphql_api_id: `gid://shopify/Customer/${customerId}` },
      shop,
    });

  it("customers/data_request records what we hold about the customer", async () => {
    const shop = testShop();
    await installShop(shop);
    await deliver({ topic: "orders/create", shop, body: orderBody(shop, "299938", "191167") });
    await deliver({ topic: "orders/create", shop, body: orderBody(shop, "555", "42") });
    await deliver({ topic: "customers/data_request", shop, body: samplePayload("customers/data_request", shop), webhookId: "dr-1" });
    await drainWebhooks();
    const record = await db().complianceRequest.findUniqueOrThrow({ where: { webhookId: "dr-1" } });
    expect(record).toMatchObject({ shop, topic: "customers/data_request", customerId: "191167" });
    expect(record.completedAt).toBeInstanceOf(Date);
    expect(JSON.parse(record.summary)).toEqual({ held: { webhookDeliveries: 1 }, ordersRequested: 3 });
  });

  it("customers/redact erases the customer's data and nobody else's", async () => {
    const shop = testShop();
    const other = testShop("other");
    await installShop(shop);
    await deliver({ topic: "orders/create", shop, body: orderBody(shop, "280263", "9") }); // an order to redact
    await deliver({ topic: "orders/create", shop, body: orderBody(shop, "7001", "191167") }); // the customer's
    await deliver({ topic: "orders/create", shop, body: orderBody(shop, "7002", "42") }); // someone else
    await deliver({ topic: "orders/create", shop: other, body: orderBody(other, "7003", "191167") }); // other shop
    await deliver({ topic: "customers/redact", shop, body: samplePayload("customers/redact", shop), webhookId: "cr-1" });
    await drainWebhooks();

    const orders = await db().webhookDelivery.findMany({
      where: { topic: "orders/create", shop: { in: [shop, other] } },
      orderBy: { id: "asc" },
    });
    expect(orders.map((o) => [o.shop === shop ? "shop" : "other", o.payload === "{}", o.redactedAt !== null])).toEqual([
      ["shop", true, true],
      ["shop", true, true],
      ["shop", false, false],
      ["other", false, false],
    ]);
    const record = await db().complianceRequest.findUniqueOrThrow({ where: { webhookId: "cr-1" } });
    // The two orders, and the request's own body (it carries the customer's email and phone).
    expect(JSON.parse(record.summary)).toEqual({ erased: { webhookDeliveries: 3 } });
    const request = await db().webhookDelivery.findUniqueOrThrow({ where: { webhookId: "cr-1" } });
    expect(request).toMatchObject({ payload: "{}", status: "done" });
  });

  it("shop/redact deletes everything of that shop, keeps other shops, and records that it did", async () => {
    const shop = testShop();
    const other = testShop("other");
    await installShop(shop);
    await installShop(other);
    await deliver({ topic: "orders/create", shop, body: samplePayload("orders/create", shop) });
    await deliver({ topic: "orders/create", shop: other, body: samplePayload("orders/create", other) });
    await deliver({ topic: "shop/redact", shop, body: samplePayload("shop/redact", shop), webhookId: "sr-1" });
    await drainWebhooks();

    expect(await db().session.count({ where: { shop } })).toBe(0);
    expect(await db().shop.count({ where: { shop } })).toBe(0);
    expect(await db().webhookDelivery.count({ where: { shop } })).toBe(0);
    expect(await db().session.count({ where: { shop: other } })).toBe(1);
    expect(await db().webhookDelivery.count({ where: { shop: other } })).toBe(1);
    const record = await db().complianceRequest.findUniqueOrThrow({ where: { webhookId: "sr-1" } });
    expect(JSON.parse(record.summary).erased).toMatchObject({ Session: 1, Shop: 1, WebhookDelivery: 2 });
  });

  it("shop/redact knows every table that holds a shop's data", () => {
    const shopScoped = Prisma.dmmf.datamodel.models
      .filter((model) => model.fields.some((field) => field.name === "shop"))
      .map((model) => model.name)
      .filter((name) => !SHOP_DATA_KEPT.has(name));
    expect(Object.keys(SHOP_DATA_ERASERS).sort()).toEqual(shopScoped.sort());
  });
});

describe("processing", () => {
  it("retries a failing delivery with backoff, then parks it as failed with the reason", async () => {
    let calls = 0;
    registerTopicHandler("test/always_fails", {
      schema: genericPayload,
      async handle() {
        calls += 1;
        throw new Error("Shopify was unreachable");
      },
    });
    const shop = testShop();
    await installShop(shop);
    await deliver({ topic: "test/always_fails", shop, body: {} });

    let clock = Date.now();
    await drainWebhooks(() => new Date(clock));
    let row = await db().webhookDelivery.findFirstOrThrow({ where: { shop } });
    expect(row).toMatchObject({ status: "pending", attempts: 1, lastError: "Shopify was unreachable" });
    expect(row.availableAt.getTime()).toBeGreaterThan(clock);

    for (let i = 0; i < MAX_DELIVERY_ATTEMPTS + 2; i += 1) {
      clock += 600_000;
      await drainWebhooks(() => new Date(clock));
    }
    row = await db().webhookDelivery.findFirstOrThrow({ where: { shop } });
    expect(row).toMatchObject({ status: "failed", attempts: MAX_DELIVERY_ATTEMPTS, lastError: "Shopify was unreachable" });
    expect(calls).toBe(MAX_DELIVERY_ATTEMPTS);
  });

  it("marks topics nobody handles yet as skipped", async () => {
    const shop = testShop();
    await installShop(shop);
    await deliver({ topic: "locations/update", shop, body: samplePayload("locations/update", shop) });
    expect(await drainWebhooks()).toBe(1);
    expect((await db().webhookDelivery.findFirstOrThrow({ where: { shop } })).status).toBe("skipped");
  });
});
