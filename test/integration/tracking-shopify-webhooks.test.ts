import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "../../app/db.server";
import { adminClientFor } from "../../app/shopify/admin-session.server";
import { ORDERS_PER_BACKFILL_PAGE } from "../../app/tracking/admin-operations";
import { backfillShop, runDueBackfill } from "../../app/tracking/backfill.server";
import { quietLogger } from "../support/app";
import { samplePayload, testShop } from "../support/shopify";
import {
  deliver,
  eventBody,
  fulfillmentBody,
  KOLN,
  placeOrder,
  processWebhooks,
  shipmentState,
  startTrackingStore,
  type TrackingStore,
} from "./tracking-fixtures";

const HOUR = 3_600_000;

// The dev store starts first: the app reads SHOPIFY_ADMIN_API_ORIGIN once, at its first request.
let store: TrackingStore;
beforeAll(async () => {
  store = await startTrackingStore();
}, 60_000);
afterAll(async () => {
  await store?.close();
});

/** A seeded shuffle, so a failing order can be replayed. */
function shuffled<T>(items: T[], seed: number): T[] {
  const out = [...items];
  let state = seed;
  const next = () => ((state = (state * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

describe("fulfillment webhooks are hints: any order, any number of times, one state", () => {
  // One parcel's story: shipped, its tracking number corrected, then three carrier events.
  const t0 = Date.now() - 30 * HOUR;
  const deliveries = [
    { topic: "fulfillments/create", body: fulfillmentBody({ id: 5001, orderId: 4001, createdAt: t0, number: "1Z999AA10123456785" }) },
    { topic: "fulfillments/update", body: fulfillmentBody({ id: 5001, orderId: 4001, createdAt: t0, updatedAt: t0 + HOUR, number: "1Z999AA10123456784" }) },
    { topic: "fulfillment_events/create", body: eventBody({ id: 6001, fulfillmentId: 5001, orderId: 4001, status: "in_transit", at: t0 + 2 * HOUR, city: "Saint-Priest" }) },
    { topic: "fulfillment_events/create", body: eventBody({ id: 6002, fulfillmentId: 5001, orderId: 4001, status: "out_for_delivery", at: t0 + 20 * HOUR }) },
    { topic: "fulfillment_events/create", body: eventBody({ id: 6003, fulfillmentId: 5001, orderId: 4001, status: "delivered", at: t0 + 24 * HOUR, message: "Delivered to a neighbour" }) },
  ];

  async function replay(order: typeof deliveries, duplicates: number[] = []) {
    const shop = testShop("track");
    await db().shop.create({ data: { shop } });
    for (const [index, delivery] of order.entries()) {
      await deliver(shop, delivery.topic, delivery.body);
      // A redelivery by Shopify (new webhook id, same body) or the same delivery stored twice.
      if (duplicates.includes(index)) await deliver(shop, delivery.topic, delivery.body);
      // Processed between deliveries, so every intermediate state really happens.
      await processWebhooks();
    }
    return shop;
  }

  it("in order: delivered, with the corrected tracking number, our carrier and every event once", async () => {
    const shop = await replay(deliveries);
    const state = await shipmentState(shop, "5001");
    expect(state).toMatchObject({
      status: "delivered",
      step: 4,
      orderId: "4001",
      orderName: "#1001",
      orderNumber: 1001,
      emailHashed: true,
      trackingCompany: "UPS",
      trackingNumber: "1Z999AA10123456784",
      trackingNumberKey: "1Z999AA10123456784",
      carrierCode: "ups",
      destinationCity: "Lyon",
      destinationCountry: "FR",
      originCountry: "FR",
      lineItems: JSON.stringify([{ title: "Organic Tee", quantity: 2 }]),
      lateness: null,
    });
    expect(state.deliveredAt?.toISOString()).toBe(new Date(t0 + 24 * HOUR).toISOString());
    expect(state.events.map((e) => e.status)).toEqual(["in_transit", "out_for_delivery", "delivered"]);
    expect(state.events[0]).toMatchObject({ location: "Saint-Priest, France", source: "shopify", key: "shopify:6001" });
  });

  it("reversed, shuffled and duplicated deliveries end in exactly the same state", async () => {
    const reference = await shipmentState(await replay(deliveries), "5001");
    const orders: [typeof deliveries, number[]][] = [
      [[...deliveries].reverse(), []],
      [shuffled(deliveries, 7), [0, 2]],
      [shuffled(deliveries, 42), [1, 3, 4]],
      [shuffled(deliveries, 1234), [4]],
    ];
    for (const [order, duplicates] of orders) {
      const shop = await replay(order, duplicates);
      expect(await shipmentState(shop, "5001"), order.map((d) => d.topic).join(" > ")).toEqual(reference);
      // However the status moved, each status emailed the shopper at most once.
      const notes = await db().trackingNotification.findMany({ where: { shop } });
      expect(new Set(notes.map((n) => `${n.kind}:${n.trigger}`)).size).toBe(notes.length);
    }
  });

  it("a stale fulfillments/update (older updated_at) arriving last does not undo the correction", async () => {
    const shop = await replay([deliveries[1]!, deliveries[0]!]);
    expect((await shipmentState(shop, "5001")).trackingNumber).toBe("1Z999AA10123456784");
  });

  it("accepts Shopify's own sample payloads and keeps what they say", async () => {
    const shop = testShop("sample");
    await db().shop.create({ data: { shop } });
    for (const topic of ["fulfillments/create", "fulfillment_events/create"]) await deliver(shop, topic, samplePayload(topic, shop));
    await processWebhooks();
    const state = await shipmentState(shop, "123456");
    expect(state).toMatchObject({ trackingNumber: "1z827wk74630", carrierCode: "ups", orderName: "#9999", destinationCity: "Shippington", destinationCountry: "US", status: "in_transit" });
    expect(state.events).toHaveLength(1);
  });

  it("a cancelled fulfillment is an exception (cancelled)", async () => {
    const shop = await replay([
      deliveries[0]!,
      { topic: "fulfillments/update", body: fulfillmentBody({ id: 5001, orderId: 4001, createdAt: t0, updatedAt: t0 + 2 * HOUR, status: "cancelled" }) },
    ]);
    expect(await shipmentState(shop, "5001")).toMatchObject({ status: "exception", exceptionReason: "cancelled", shopifyStatus: "CANCELLED" });
  });
});

describe("with the dev store: webhooks over HTTP, order details read from the Admin API", () => {
  const settle = async () => {
    await store.devstore.dispatcher.settle();
    await processWebhooks(true);
  };

  it("an order shipped in two parcels is two shipments of one order, each with its own carrier and items", async () => {
    const { tee, mug } = store.devstore.fixture.items;
    const { order, fo } = placeOrder(store, [{ variantId: tee.variantId, quantity: 1 }, { variantId: mug.variantId, quantity: 2 }], { customerId: "900", address: KOLN });
    const [teeLine, mugLine] = fo.lineItems;
    const shop = store.devstore.fixture.shop;
    const first = store.devstore.store.fulfill(shop, { fulfillmentOrderId: fo.id, lineItems: [{ fulfillmentOrderLineItemId: teeLine!.id, quantity: 1 }], trackingCompany: "UPS", trackingNumbers: ["1Z999AA10123456784"] });
    const second = store.devstore.store.fulfill(shop, { fulfillmentOrderId: fo.id, lineItems: [{ fulfillmentOrderLineItemId: mugLine!.id, quantity: 2 }], trackingCompany: "La Poste", trackingNumbers: ["RR123456785FR"] });
    store.devstore.store.addFulfillmentEvent(shop, first.id, { status: "IN_TRANSIT", message: "Departed from the sorting centre", happenedAt: new Date().toISOString(), city: "Lyon", country: "France", estimatedDeliveryAt: null });
    await settle();

    const shipments = await db().shipment.findMany({ where: { shop, orderId: order.id }, orderBy: { fulfillmentId: "asc" } });
    expect(shipments).toHaveLength(2);
    expect(shipments.map((s) => [s.carrierCode, s.status, JSON.parse(s.lineItems)])).toEqual([
      ["ups", "in_transit", [{ title: "Organic Tee", quantity: 1 }]],
      ["la_poste", "info_received", [{ title: "Stoneware Mug", quantity: 2 }]],
    ]);
    // What only the Admin API knows came with the re-read.
    for (const s of shipments) {
      expect(s).toMatchObject({ orderName: order.name, orderNumber: Number(order.name.slice(1)), customerId: "900", locale: "en", destinationCity: "Köln", destinationCountry: "DE" });
      expect(s.orderPlacedAt?.toISOString()).toBe(order.createdAt);
    }
  });

  it("duplicated and delayed (reordered) deliveries give the state a fresh Admin read gives", async () => {
    const { tee } = store.devstore.fixture.items;
    const { fo } = placeOrder(store, [{ variantId: tee.variantId, quantity: 1 }], { customerId: "900" });
    const shop = store.devstore.fixture.shop;
    store.devstore.dispatcher.chaos = { duplicate: 0.5, drop: 0, delayMs: [0, 80] };
    const fulfillment = store.devstore.store.fulfill(shop, { fulfillmentOrderId: fo.id, trackingCompany: "DHL Express", trackingNumbers: ["1234567890"] });
    const start = Date.now() - 5 * HOUR;
    for (const [i, status] of ["CONFIRMED", "IN_TRANSIT", "OUT_FOR_DELIVERY"].entries()) {
      store.devstore.store.addFulfillmentEvent(shop, fulfillment.id, { status: status as "IN_TRANSIT", message: status, happenedAt: new Date(start + i * HOUR).toISOString(), city: "Leipzig", country: "Germany", estimatedDeliveryAt: null });
    }
    await settle();
    store.devstore.dispatcher.chaos = { duplicate: 0, drop: 0, delayMs: [0, 0] };
    const fromWebhooks = await shipmentState(shop, fulfillment.id);
    expect(fromWebhooks.status).toBe("out_for_delivery");

    // The truth, read afresh into another database row set: a backfill of the same shop gives the same state.
    await db().shipmentEvent.deleteMany({ where: { shop } });
    await db().shipment.deleteMany({ where: { shop } });
    await backfillShop(db(), (await adminClientFor(shop))!, { days: 1 });
    expect(await shipmentState(shop, fulfillment.id)).toEqual(fromWebhooks);
  });

  it("a sale at the counter (POS) is not a parcel: its fulfillment makes no shipment", async () => {
    const shop = store.devstore.fixture.shop;
    const order = store.devstore.store.createOrder(shop, { lineItems: [{ variantId: store.devstore.fixture.items.cap.variantId, quantity: 1 }], locationId: store.devstore.fixture.retail, sourceName: "pos" });
    const fo = [...store.devstore.store.shop(shop).fulfillmentOrders.values()].find((f) => f.orderId === order.id)!;
    const fulfillment = store.devstore.store.fulfill(shop, { fulfillmentOrderId: fo.id });
    await settle();
    expect(await db().shipment.count({ where: { shop, fulfillmentId: fulfillment.id } })).toBe(0);
  });

  it("the backfill after install reads recent fulfillments once, as history (no emails)", async () => {
    const shop = store.devstore.fixture.shop;
    await db().shipmentEvent.deleteMany({ where: { shop } });
    await db().shipment.deleteMany({ where: { shop } });
    await db().trackingNotification.deleteMany({ where: { shop } });
    // More orders than one page holds, so the backfill goes page by page (one per worker batch).
    for (let i = 0; i < ORDERS_PER_BACKFILL_PAGE + 2; i++) {
      const { fo } = placeOrder(store, [{ variantId: store.devstore.fixture.items.mug.variantId, quantity: 1 }], { customerId: "900" });
      store.devstore.store.fulfill(shop, { fulfillmentOrderId: fo.id, trackingCompany: "UPS", trackingNumbers: [`1Z999AA1012345678${i % 10}`] });
    }
    const deps = { db: db(), logger: quietLogger, adminFor: adminClientFor };
    // Every installed shop is backfilled once (the shops of the tests above have no session: they fail).
    let runs = 0;
    while (await runDueBackfill(deps)) runs += 1;
    expect(runs).toBeGreaterThanOrEqual(2);
    expect(await runDueBackfill(deps)).toBe(0);
    const run = await db().trackingBackfill.findUniqueOrThrow({ where: { shop } });
    expect(run).toMatchObject({ status: "done" });
    const fulfillments = [...store.devstore.store.shop(shop).fulfillments.values()];
    const counterSales = fulfillments.filter((f) => store.devstore.store.shop(shop).orders.get(f.orderId)!.sourceName === "pos").length;
    expect(run.shipments).toBe(fulfillments.length - counterSales);
    expect(await db().shipment.count({ where: { shop } })).toBe(run.shipments);
    expect(await db().trackingNotification.count({ where: { shop } })).toBe(0);
  });
});
