import nodemailer from "nodemailer";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { databaseKind, db } from "../../app/db.server";
import { importShop } from "../../app/inventory/mirror.server";
import * as proxyRoute from "../../app/routes/proxy.$";
import * as webhooksRoute from "../../app/routes/webhooks";
import { adminClientFor } from "../../app/shopify/admin-session.server";
import { backfillShop } from "../../app/tracking/backfill.server";
import { processNotificationOutbox } from "../../app/tracking/notifications.server";
import { applyFulfillment } from "../../app/tracking/shipments.server";
import { sweepShipments } from "../../app/tracking/sweep.server";
import { nextDay, startOfLocalDay } from "../../app/tracking/time-zone";
import type { StoreEvent } from "../../devstore/state/store";
import { NO_CHAOS } from "../../devstore/webhooks/dispatcher";
import { callAction, callLoader, quietLogger } from "../support/app";
import { adminRequest } from "../support/devstore";
import { proxyUrl, webhookRequest } from "../support/shopify";
import { box, placeOrder, processWebhooks, shipmentState, startTrackingStore, type TrackingStore } from "./tracking-fixtures";

// Delivery promises and local pickup, end to end: the dev store over HTTP (Admin API, signed webhooks) and the
// app with its database. A promise read from the fulfillment order makes a parcel late once it passes; a pickup
// marked ready is on the shopper's tracking page before any fulfillment exists, and the fulfillment created
// when the customer collects it takes that shipment over, however late, often and out of order Shopify tells us.

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const PREPARE = /* GraphQL */ `
  mutation Prepare($input: FulfillmentOrderLineItemsPreparedForPickupInput!) {
    fulfillmentOrderLineItemsPreparedForPickup(input: $input) {
      userErrors { field message code }
    }
  }
`;

let store: TrackingStore;
let shop: string;

beforeAll(async () => {
  store = await startTrackingStore();
  shop = store.devstore.fixture.shop;
  // What installation does: the shop's locations (the pickup's address comes from them) and items.
  await importShop(db(), (await adminClientFor(shop))!, "install");
  // A shopper who reads German.
  store.devstore.store.addCustomer(shop, { id: "901", firstName: "Grete", lastName: "Weber", email: "grete@example.de", phone: null, locale: "de", password: "shopper-2", createdAt: new Date().toISOString() });
}, 60_000);
afterAll(async () => {
  await store?.close();
});
afterEach(() => {
  store.devstore.dispatcher.chaos = NO_CHAOS;
});

const settle = async () => {
  await store.devstore.dispatcher.settle();
  await processWebhooks(true);
};

/** The app's own token: what it calls the Admin API with (installing again would replace it). */
const appToken = () => [...store.devstore.installations.values()].find((i) => i.shop === shop)!.accessToken;

async function prepareForPickup(fulfillmentOrderId: string) {
  const { body } = await adminRequest(store.devstore, appToken(), PREPARE, {
    input: { lineItemsByFulfillmentOrder: [{ fulfillmentOrderId: `gid://shopify/FulfillmentOrder/${fulfillmentOrderId}` }] },
  });
  expect(body.data.fulfillmentOrderLineItemsPreparedForPickup.userErrors).toEqual([]);
}

let ip = 1;
async function lookup(orderName: string, email: string) {
  const url = proxyUrl({ shop, path: "tracking", extra: { order: orderName, email } });
  const response = await callLoader(proxyRoute, new Request(url, { headers: { "X-Forwarded-For": `198.51.100.${ip++}, 10.0.0.1` } }), { "*": "tracking" });
  expect(response.status).toBe(200);
  return (await response.json()) as { orders: { name: string; shipments: Record<string, unknown>[] }[] };
}

const shipmentsOf = (orderId: string) => db().shipment.findMany({ where: { shop, orderId }, orderBy: { createdAt: "asc" } });
const notificationsOf = (shipmentId: string) => db().trackingNotification.findMany({ where: { shipmentId }, orderBy: { id: "asc" } });

/** YYYY-MM-DD of a time (UTC). */
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

describe("a delivery promise from checkout", () => {
  it("is read with the fulfillment, and the parcel turns late, with the merchant alerted, once the promised day has passed", async () => {
    await db().notificationSetting.upsert({ where: { shop }, create: { shop, alertEmail: "ops@fixture.example" }, update: { alertEmail: "ops@fixture.example" } });
    const now = Date.now();
    const promised = day(now + DAY);
    const { order, fo } = placeOrder(store, [{ variantId: store.devstore.fixture.items.mug.variantId, quantity: 1 }], { customerId: "900" });
    store.devstore.store.setDeliveryPromise(shop, fo.id, { minDeliveryDateTime: `${day(now)}T08:00:00Z`, maxDeliveryDateTime: `${promised}T21:59:59Z` });
    const fulfillment = store.devstore.store.fulfill(shop, { fulfillmentOrderId: fo.id, trackingCompany: "UPS", trackingNumbers: ["1Z999AA10123456784"] });
    await settle();

    const shipment = await db().shipment.findUniqueOrThrow({ where: { shop_fulfillmentId: { shop, fulfillmentId: fulfillment.id } } });
    expect(shipment).toMatchObject({ orderId: order.id, fulfillmentOrderId: fo.id, promisedDate: promised, isPickup: false, status: "info_received", lateness: null });
    // Installation did not store the shop's time zone here: the promise's re-read asked Shopify, and kept it.
    expect((await db().shop.findUniqueOrThrow({ where: { shop } })).ianaTimezone).toBe("Europe/Paris");

    // The whole promised day counts, in Lyon: on time until its midnight there (22:00 or 23:00 UTC).
    const endOfDay = startOfLocalDay(nextDay(promised), "Europe/Paris");
    expect(endOfDay).toBeLessThan(Date.parse(`${promised}T23:30:00Z`));
    await sweepShipments(db(), new Date(endOfDay - 30 * 60_000), shop);
    expect((await db().shipment.findUniqueOrThrow({ where: { id: shipment.id } })).lateness).toBeNull();
    expect(await db().trackingNotification.count({ where: { shipmentId: shipment.id, kind: "merchant" } })).toBe(0);

    await sweepShipments(db(), new Date(endOfDay + 30 * 60_000), shop);
    expect(await db().shipment.findUniqueOrThrow({ where: { id: shipment.id } })).toMatchObject({ lateness: "late", status: "info_received" });
    const alerts = await db().trackingNotification.findMany({ where: { shipmentId: shipment.id, kind: "merchant" } });
    expect(alerts.map((a) => a.trigger)).toEqual(["late"]);
    // The alert names the order, the parcel and the date that was promised.
    expect(alerts[0]!.subject).toBe(`Late shipment: ${order.name}`);
    expect(alerts[0]!.textBody).toContain(`(${promised})`);
    expect(alerts[0]!.textBody).toContain("1Z999AA10123456784");

    // Delivered after all: no longer late.
    store.devstore.store.addFulfillmentEvent(shop, fulfillment.id, { status: "DELIVERED", message: "Delivered", happenedAt: new Date().toISOString(), city: "Lyon", country: "France", estimatedDeliveryAt: null });
    await settle();
    expect(await db().shipment.findUniqueOrThrow({ where: { id: shipment.id } })).toMatchObject({ status: "delivered", lateness: null });
  });

  it("is the shop's own day west of UTC: promised the 12th in Los Angeles, late only once the 12th has ended there", async () => {
    // As installation stores it: Shopify's time zone for the shop, which wins over anything else.
    const before = (await db().shop.findUniqueOrThrow({ where: { shop } })).ianaTimezone;
    await db().shop.update({ where: { shop }, data: { ianaTimezone: "America/Los_Angeles" } });
    try {
      const promisedUtcDay = day(Date.now() + 2 * DAY);
      // The end of the promised day in Los Angeles, as Shopify writes it: 06:59:59 UTC the next day (07:59:59 in winter).
      const maxDeliveryDateTime = `${promisedUtcDay}T06:59:59Z`;
      const promised = day(Date.parse(promisedUtcDay) - DAY);
      const { fo } = placeOrder(store, [{ variantId: store.devstore.fixture.items.mug.variantId, quantity: 1 }], { customerId: "900" });
      store.devstore.store.setDeliveryPromise(shop, fo.id, { minDeliveryDateTime: `${day(Date.now())}T08:00:00Z`, maxDeliveryDateTime });
      const fulfillment = store.devstore.store.fulfill(shop, { fulfillmentOrderId: fo.id, trackingCompany: "UPS", trackingNumbers: ["1Z999AA10123456784"] });
      await settle();

      const shipment = await db().shipment.findUniqueOrThrow({ where: { shop_fulfillmentId: { shop, fulfillmentId: fulfillment.id } } });
      expect(shipment.promisedDate).toBe(promised);
      // 23:30 (or 22:30) in Los Angeles on the promised day: on time. Half past midnight there: late.
      await sweepShipments(db(), new Date(Date.parse(`${promisedUtcDay}T06:30:00Z`)), shop);
      expect((await db().shipment.findUniqueOrThrow({ where: { id: shipment.id } })).lateness).toBeNull();
      await sweepShipments(db(), new Date(Date.parse(`${promisedUtcDay}T08:30:00Z`)), shop);
      expect((await db().shipment.findUniqueOrThrow({ where: { id: shipment.id } })).lateness).toBe("late");
    } finally {
      await db().shop.update({ where: { shop }, data: { ianaTimezone: before } });
    }
  });

  it("is no promise at all when checkout made none", async () => {
    const { fo } = placeOrder(store, [{ variantId: store.devstore.fixture.items.mug.variantId, quantity: 1 }]);
    const fulfillment = store.devstore.store.fulfill(shop, { fulfillmentOrderId: fo.id, trackingCompany: "UPS", trackingNumbers: ["1Z999AA10123456784"] });
    await settle();
    expect(await shipmentState(shop, fulfillment.id)).toMatchObject({ promisedDate: null, fulfillmentOrderId: fo.id });
  });
});

describe("a local pickup, from ready on the shelf to collected", () => {
  it("ready: the shopper finds it with the shop's name and address, and is emailed in the order's language", async () => {
    store.devstore.dispatcher.chaos = { duplicate: 1, drop: 0, delayMs: [0, 30] };
    const { order, fo } = placeOrder(store, [{ variantId: store.devstore.fixture.items.tee.variantId, quantity: 2 }], { customerId: "901", pickup: true });
    await settle();
    // Ordered, not ready yet: nothing to show (no fulfillment, no readiness).
    expect(await shipmentsOf(order.id)).toHaveLength(0);

    await prepareForPickup(fo.id);
    await settle();
    const readyAt = store.devstore.store.shop(shop).fulfillmentOrders.get(fo.id)!.preparedForPickupAt!;
    const [placeholder, ...others] = await shipmentsOf(order.id);
    expect(others).toHaveLength(0);
    expect(placeholder).toMatchObject({
      fulfillmentId: `fo-${fo.id}`,
      fulfillmentOrderId: fo.id,
      isPickup: true,
      pickupLocationId: store.devstore.fixture.retail,
      status: "available_for_pickup",
      orderName: order.name,
      orderNumber: Number(order.name.slice(1)),
      customerId: "901",
      locale: "de",
      shippedAt: null,
      trackingNumber: null,
      lateness: null,
      lineItems: JSON.stringify([{ title: "Organic Tee", quantity: 2 }]),
    });
    expect(placeholder!.orderPlacedAt?.toISOString()).toBe(order.createdAt);

    const found = await lookup(order.name, "GRETE@example.de");
    expect(found.orders).toHaveLength(1);
    expect(found.orders[0]!.shipments).toHaveLength(1);
    expect(found.orders[0]!.shipments[0]).toMatchObject({
      status: "available_for_pickup",
      step: 3,
      carrier: null,
      trackingNumber: null,
      late: false,
      pickup: { name: "Presqu'île shop", address: "12 Rue de la République, 69002 Lyon", hours: null },
      items: [{ title: "Organic Tee", quantity: 2 }],
      events: [{ at: new Date(readyAt).toISOString(), status: "available_for_pickup", description: "", location: null }],
    });

    // One email, queued once however often the webhook came, in German, to the order's address read from Shopify.
    const notes = await notificationsOf(placeholder!.id);
    expect(notes.map((n) => [n.kind, n.trigger, n.locale])).toEqual([["shopper", "available_for_pickup", "de"]]);
    const sent: { to: string; subject: string }[] = [];
    const transport = () => {
      const json = nodemailer.createTransport({ jsonTransport: true });
      const send = json.sendMail.bind(json);
      json.sendMail = (async (mail: nodemailer.SendMailOptions) => {
        const info = await send(mail);
        const message = JSON.parse(info.message);
        sent.push({ to: message.to[0].address, subject: message.subject });
        return info;
      }) as typeof json.sendMail;
      return json;
    };
    const deps = { db: db(), kind: databaseKind(), logger: quietLogger, box: box(), adminFor: adminClientFor, capture: true, transport };
    while ((await processNotificationOutbox(deps)) > 0);
    expect(sent.filter((m) => m.subject.endsWith(`(${order.name})`))).toEqual([{ to: "grete@example.de", subject: `Fixture Goods: Abholbereit (${order.name})` }]);

    // Collected: Shopify creates the fulfillment now. It takes the placeholder over: one shipment, delivered.
    const fulfillment = store.devstore.store.fulfill(shop, { fulfillmentOrderId: fo.id });
    await settle();
    const [shipment, ...more] = await shipmentsOf(order.id);
    expect(more).toHaveLength(0);
    expect(shipment).toMatchObject({ fulfillmentId: fulfillment.id, fulfillmentOrderId: fo.id, isPickup: true, pickupLocationId: "12", status: "delivered", step: 4 });
    expect(shipment!.deliveredAt?.toISOString()).toBe(fulfillment.createdAt);
    const state = await shipmentState(shop, fulfillment.id);
    expect(state.events).toEqual([
      { at: new Date(readyAt).toISOString(), status: "available_for_pickup", reason: null, description: "", location: null, source: "shopify", key: `pickup-ready:${fo.id}` },
    ]);
    // The emails went with it: "ready" (already sent) stays once, "delivered" is the next one.
    expect((await notificationsOf(shipment!.id)).map((n) => [n.trigger, n.status])).toEqual([
      ["available_for_pickup", "sent"],
      ["delivered", "pending"],
    ]);
    expect(await db().shipment.count({ where: { shop, fulfillmentId: `fo-${fo.id}` } })).toBe(0);

    const after = await lookup(order.name, "grete@example.de");
    expect(after.orders[0]!.shipments).toHaveLength(1);
    expect(after.orders[0]!.shipments[0]).toMatchObject({ status: "delivered", pickup: { name: "Presqu'île shop" } });
    expect((after.orders[0]!.shipments[0]!.events as { status: string }[]).map((e) => e.status)).toEqual(["available_for_pickup", "delivered"]);
  });

  it("a collection no webhook told us about, found by a later Admin read, takes the placeholder over in place", async () => {
    const { order, fo } = placeOrder(store, [{ variantId: store.devstore.fixture.items.cap.variantId, quantity: 1 }], { customerId: "900", pickup: true });
    await prepareForPickup(fo.id);
    await settle();
    const [placeholder] = await shipmentsOf(order.id);
    expect(placeholder).toMatchObject({ fulfillmentId: `fo-${fo.id}`, status: "available_for_pickup" });

    // fulfillments/create is lost; reconciliation's Admin read finds the fulfillment.
    store.devstore.dispatcher.chaos = { duplicate: 0, drop: 1, delayMs: [0, 0] };
    const fulfillment = store.devstore.store.fulfill(shop, { fulfillmentOrderId: fo.id });
    await settle();
    expect((await shipmentsOf(order.id)).map((s) => s.fulfillmentId)).toEqual([`fo-${fo.id}`]);
    await backfillShop(db(), (await adminClientFor(shop))!, { days: 1 });

    const [shipment, ...more] = await shipmentsOf(order.id);
    expect(more).toHaveLength(0);
    // The same row, renamed: the shopper's page keeps pointing at it.
    expect(shipment).toMatchObject({ id: placeholder!.id, fulfillmentId: fulfillment.id, status: "delivered", isPickup: true, fulfillmentOrderId: fo.id });
    expect((await shipmentState(shop, fulfillment.id)).events.map((e) => e.key)).toEqual([`pickup-ready:${fo.id}`]);
  });

  it("a placeholder written after its fulfillment's shipment (two workers at once) is folded into it", async () => {
    // The interleaving a race makes: the fulfillment's shipment is stored with its fulfillment order, then a
    // readiness read from before the collection writes the placeholder.
    const at = new Date(Date.now() - 3 * HOUR).toISOString();
    const common = { orderId: "race-1", orderName: "#9001", orderNumber: 9001, orderPlacedAt: at, email: "ada@example.com", isPickup: true, pickupLocationId: "12", fulfillmentOrderId: "88001" };
    await applyFulfillment(db(), shop, { ...common, fulfillmentId: "88002", shopifyStatus: "SUCCESS", createdAt: new Date(Date.now() - HOUR).toISOString(), updatedAt: new Date(Date.now() - HOUR).toISOString() });
    const result = await applyFulfillment(db(), shop, { ...common, fulfillmentId: "fo-88001", readyForPickupAt: new Date(Date.now() - 2 * HOUR).toISOString() });
    expect(result).toMatchObject({ fulfillmentId: "88002", status: "delivered" });
    expect((await shipmentsOf("race-1")).map((s) => s.fulfillmentId)).toEqual(["88002"]);
    expect((await shipmentState(shop, "88002")).events.map((e) => e.status)).toEqual(["available_for_pickup"]);
  });

  it("marked ready twice and told in reverse: the first readiness is the one kept", async () => {
    const { order, fo } = placeOrder(store, [{ variantId: store.devstore.fixture.items.cap.variantId, quantity: 1 }], { customerId: "900", pickup: true });
    const body = { fulfillment_order: { id: `gid://shopify/FulfillmentOrder/${fo.id}`, status: "in_progress" } };
    const first = new Date(Date.now() - 2 * HOUR).toISOString();
    await deliverAt("fulfillment_orders/line_items_prepared_for_pickup", body, new Date(Date.now() - HOUR).toISOString());
    await processWebhooks(true);
    await deliverAt("fulfillment_orders/line_items_prepared_for_pickup", body, first);
    await processWebhooks(true);
    const [placeholder, ...more] = await shipmentsOf(order.id);
    expect(more).toHaveLength(0);
    expect((await shipmentState(shop, placeholder!.fulfillmentId)).events.map((e) => [e.status, e.at])).toEqual([["available_for_pickup", first]]);
  });

  it("a readiness delivered after the order was cancelled puts nothing on the shelf and emails no one", async () => {
    const { order, fo } = placeOrder(store, [{ variantId: store.devstore.fixture.items.cap.variantId, quantity: 1 }], { customerId: "900", pickup: true });
    // Marked ready, then cancelled; the readiness webhook is held back and arrives after the cancellation.
    store.devstore.dispatcher.chaos = { duplicate: 0, drop: 1, delayMs: [0, 0] };
    await prepareForPickup(fo.id);
    const readyAt = new Date().toISOString();
    store.devstore.store.cancelOrder(shop, order.id, { restock: true });
    await settle();
    expect(store.devstore.store.shop(shop).fulfillmentOrders.get(fo.id)!.status).toBe("CANCELLED");

    await deliverAt("fulfillment_orders/line_items_prepared_for_pickup", { fulfillment_order: { id: `gid://shopify/FulfillmentOrder/${fo.id}`, status: "in_progress" } }, readyAt);
    await processWebhooks(true);
    expect(await shipmentsOf(order.id)).toHaveLength(0);
    expect(await db().trackingNotification.count({ where: { shop, subject: { contains: order.name } } })).toBe(0);
    const [outcome] = await db().webhookDelivery.findMany({ where: { shop, topic: "fulfillment_orders/line_items_prepared_for_pickup" }, orderBy: { id: "desc" }, take: 1 });
    expect(outcome!.status).toBe("skipped");
  });

  it("ready, then the order is cancelled: the shopper no longer sees it ready, the waiting email never goes, stock hints still run", async () => {
    const { order, fo } = placeOrder(store, [{ variantId: store.devstore.fixture.items.tee.variantId, quantity: 1 }], { customerId: "901", pickup: true });
    await prepareForPickup(fo.id);
    await settle();
    const [placeholder] = await shipmentsOf(order.id);
    expect(placeholder).toMatchObject({ fulfillmentId: `fo-${fo.id}`, status: "available_for_pickup" });
    expect((await lookup(order.name, "grete@example.de")).orders[0]!.shipments[0]).toMatchObject({ status: "available_for_pickup" });
    expect(await notificationsOf(placeholder!.id)).toHaveLength(1);
    await db().inventoryRefresh.deleteMany({ where: { shop } });

    // Without restocking, so no refunds/create queues the same item: what is queued comes from orders/cancelled.
    store.devstore.store.cancelOrder(shop, order.id, { restock: false });
    await settle();

    expect(await shipmentsOf(order.id)).toHaveLength(0);
    expect(await db().shipmentEvent.count({ where: { shipmentId: placeholder!.id } })).toBe(0);
    expect(await notificationsOf(placeholder!.id)).toHaveLength(0);
    const url = proxyUrl({ shop, path: "tracking", extra: { order: order.name, email: "grete@example.de" } });
    const response = await callLoader(proxyRoute, new Request(url, { headers: { "X-Forwarded-For": `198.51.100.${ip++}, 10.0.0.1` } }), { "*": "tracking" });
    expect(response.status).toBe(404);
    // orders/cancelled is the inventory hints' topic too: both ran.
    const [delivery] = await db().webhookDelivery.findMany({ where: { shop, topic: "orders/cancelled" }, orderBy: { id: "desc" }, take: 1 });
    expect(delivery!.status).toBe("done");
    const tee = await db().inventoryItem.findFirstOrThrow({ where: { shop, variantId: store.devstore.fixture.items.tee.variantId } });
    expect(await db().inventoryRefresh.count({ where: { shop, inventoryItemId: tee.inventoryItemId, cause: "webhook orders/cancelled" } })).toBe(1);
  });

  it("an order cancelled after its pickup was collected keeps the collected parcel; a cancellation without pickups changes nothing", async () => {
    const { order, fo } = placeOrder(store, [{ variantId: store.devstore.fixture.items.cap.variantId, quantity: 1 }], { customerId: "900", pickup: true });
    await prepareForPickup(fo.id);
    await settle();
    // Collected, but fulfillments/create is lost: only the placeholder is known when the cancellation comes.
    store.devstore.dispatcher.chaos = { duplicate: 0, drop: 1, delayMs: [0, 0] };
    const fulfillment = store.devstore.store.fulfill(shop, { fulfillmentOrderId: fo.id });
    await settle();
    store.devstore.dispatcher.chaos = NO_CHAOS;
    await deliverAt("orders/cancelled", { id: Number(order.id), admin_graphql_api_id: `gid://shopify/Order/${order.id}`, cancelled_at: new Date().toISOString(), line_items: [] }, new Date().toISOString());
    await processWebhooks(true);
    const [shipment, ...more] = await shipmentsOf(order.id);
    expect(more).toHaveLength(0);
    expect(shipment).toMatchObject({ fulfillmentId: fulfillment.id, status: "delivered", isPickup: true });

    const { order: shipped } = placeOrder(store, [{ variantId: store.devstore.fixture.items.mug.variantId, quantity: 1 }], { customerId: "900" });
    const count = await db().shipment.count({ where: { shop } });
    store.devstore.store.cancelOrder(shop, shipped.id, { restock: true });
    await settle();
    expect(await db().shipment.count({ where: { shop } })).toBe(count);
  });

  it("a readiness webhook for a shipping order, or for a fulfillment order that is gone, changes nothing", async () => {
    const { order, fo } = placeOrder(store, [{ variantId: store.devstore.fixture.items.tee.variantId, quantity: 1 }], { customerId: "900" });
    const before = await db().shipment.count({ where: { shop } });
    await deliverAt("fulfillment_orders/line_items_prepared_for_pickup", { fulfillment_order: { id: `gid://shopify/FulfillmentOrder/${fo.id}`, status: "open" } }, new Date().toISOString());
    await deliverAt("fulfillment_orders/line_items_prepared_for_pickup", { fulfillment_order: { id: "gid://shopify/FulfillmentOrder/987654321" } }, new Date().toISOString());
    await processWebhooks(true);
    expect(await db().shipment.count({ where: { shop } })).toBe(before);
    expect(await shipmentsOf(order.id)).toHaveLength(0);
    const outcomes = await db().webhookDelivery.findMany({ where: { shop, topic: "fulfillment_orders/line_items_prepared_for_pickup" }, orderBy: { id: "desc" }, take: 2 });
    expect(outcomes.map((d) => d.status)).toEqual(["skipped", "skipped"]);
  });
});

/** Delivers a webhook through POST /webhooks with Shopify's trigger time (what the readiness is dated by). */
async function deliverAt(topic: string, body: unknown, triggeredAt: string) {
  const response = await callAction(webhooksRoute, webhookRequest({ topic, shop, body, triggeredAt: new Date(triggeredAt) }));
  expect(response.status, await response.clone().text()).toBe(200);
}

describe("pickup webhooks are hints: late, twice, out of order, one state", () => {
  // R: fulfillment_orders/line_items_prepared_for_pickup, P: the customer collects it (Shopify creates the
  // fulfillment), F: fulfillments/create. R's re-read sees whatever the dev store holds when it is processed.
  type Step = "R" | "P" | "F";
  const base = Date.now() - 20 * HOUR;

  async function story(steps: Step[]) {
    const devstore = store.devstore;
    const realNow = devstore.store.now;
    const captured: StoreEvent[] = [];
    const keep = (event: StoreEvent) => void captured.push(event);
    devstore.store.on("event", keep);
    // Every story runs on the same clock, and its webhooks are delivered by hand, in the story's order.
    devstore.dispatcher.chaos = { duplicate: 0, drop: 1, delayMs: [0, 0] };
    let clock = base;
    devstore.store.now = () => new Date(clock);
    try {
      const { order, fo } = placeOrder(store, [{ variantId: devstore.fixture.items.cap.variantId, quantity: 1 }, { variantId: devstore.fixture.items.mug.variantId, quantity: 1 }], { customerId: "900", pickup: true });
      clock = base + 2 * HOUR;
      await prepareForPickup(fo.id);
      const ready = captured.find((e) => e.topic === "fulfillment_orders/line_items_prepared_for_pickup")!;
      let fulfillmentId: string | null = null;
      for (const step of steps) {
        if (step === "P") {
          clock = base + 5 * HOUR;
          fulfillmentId = devstore.store.fulfill(shop, { fulfillmentOrderId: fo.id }).id;
          continue;
        }
        const event = step === "R" ? ready : captured.find((e) => e.topic === "fulfillments/create")!;
        // Each delivery is a new one (a new webhook id), as when Shopify sends an event again.
        await deliverAt(event.topic, event.payload, event.triggeredAt);
        await processWebhooks(true);
      }
      return { order, fo, fulfillmentId: fulfillmentId! };
    } finally {
      devstore.store.off("event", keep);
      devstore.store.now = realNow;
      devstore.dispatcher.chaos = NO_CHAOS;
    }
  }

  /** The story's shipment without what names its own order (ids, number) and without the estimate, which follows the shop's delivery history (each story adds to it). */
  async function outcome({ order, fo, fulfillmentId }: Awaited<ReturnType<typeof story>>) {
    const shipments = await shipmentsOf(order.id);
    expect(shipments.map((s) => s.fulfillmentId), "one shipment for the parcel").toEqual([fulfillmentId]);
    const state = await shipmentState(shop, fulfillmentId);
    expect(state).toMatchObject({ orderId: order.id, orderName: order.name, fulfillmentOrderId: fo.id });
    const notes = await notificationsOf(shipments[0]!.id);
    expect(new Set(notes.map((n) => `${n.kind}:${n.trigger}`)).size, "each email once").toBe(notes.length);
    const { fulfillmentId: _f, orderId: _o, orderName: _n, orderNumber: _m, fulfillmentOrderId: _fo, estimatedDelivery: _e, estimateSource: _s, ...rest } = state;
    return { ...rest, events: state.events.map((e) => ({ ...e, key: e.key.replace(fo.id, "<fo>") })) };
  }

  it("ready, collected: the placeholder becomes the fulfillment's shipment, delivered, its readiness kept", async () => {
    const reference = await outcome(await story(["R", "P", "F"]));
    expect(reference).toMatchObject({ status: "delivered", isPickup: true, pickupLocationId: "12", step: 4, shopifyStatus: "SUCCESS", lateness: null });
    expect(reference.shippedAt?.toISOString()).toBe(new Date(base + 5 * HOUR).toISOString());
    expect(reference.events).toEqual([
      { at: new Date(base + 2 * HOUR).toISOString(), status: "available_for_pickup", reason: null, description: "", location: null, source: "shopify", key: "pickup-ready:<fo>" },
    ]);
    expect(JSON.parse(reference.lineItems)).toEqual([
      { title: "Wool Cap", quantity: 1 },
      { title: "Stoneware Mug", quantity: 1 },
    ]);

    const stories: Step[][] = [
      // The readiness webhook arrives after the collection (late), before or after fulfillments/create.
      ["P", "F", "R"],
      ["P", "R", "F"],
      // Twice each, and the readiness again long after.
      ["R", "R", "P", "F", "F"],
      ["R", "P", "F", "R"],
      ["P", "F", "R", "F", "R"],
      ["R", "P", "R", "F", "R"],
    ];
    for (const steps of stories) expect(await outcome(await story(steps)), steps.join(" > ")).toEqual(reference);
  });

  it("a readiness arriving after the collection never moves the status back or adds a second shipment", async () => {
    const told = await story(["P", "F"]);
    const before = await shipmentState(shop, told.fulfillmentId);
    expect(before.status).toBe("delivered");
    const ready = { fulfillment_order: { id: `gid://shopify/FulfillmentOrder/${told.fo.id}`, status: "in_progress" } };
    await deliverAt("fulfillment_orders/line_items_prepared_for_pickup", ready, new Date(base + 2 * HOUR).toISOString());
    await processWebhooks(true);
    const after = await shipmentState(shop, told.fulfillmentId);
    expect(after).toMatchObject({ status: "delivered", step: 4 });
    expect(after.events.map((e) => e.status)).toEqual(["available_for_pickup"]);
    expect(await shipmentsOf(told.order.id)).toHaveLength(1);
    // Told about after it was collected: the shopper is not told it is ready.
    const notes = await notificationsOf((await shipmentsOf(told.order.id))[0]!.id);
    expect(notes.map((n) => n.trigger)).not.toContain("available_for_pickup");
  });
});
