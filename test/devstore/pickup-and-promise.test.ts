import { createHmac } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { RunningDevStore } from "../../devstore/server";
import { NO_CHAOS } from "../../devstore/webhooks/dispatcher";
import { adminRequest, startFixtureDevStore, type Fixture } from "../support/devstore";

// The dev store's local pickup and delivery promises, as Shopify has them: a fulfillment order's promised delivery
// window on its delivery method, and fulfillmentOrderLineItemsPreparedForPickup with its user errors and its signed
// fulfillment_orders/line_items_prepared_for_pickup webhook.

interface Received {
  headers: http.IncomingHttpHeaders;
  raw: string;
}

let devstore: RunningDevStore & { fixture: Fixture };
let token: string;
let listener: http.Server;
let received: Received[] = [];
const gid = (type: string, id: string) => `gid://shopify/${type}/${id}`;

beforeAll(async () => {
  // Stands in for the app's webhook endpoint: records what the dev store posts.
  listener = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      received.push({ headers: req.headers, raw: Buffer.concat(chunks).toString("utf8") });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => listener.listen(0, "127.0.0.1", resolve));
  devstore = await startFixtureDevStore();
  devstore.setAppUrl(`http://127.0.0.1:${(listener.address() as AddressInfo).port}`);
  token = devstore.install(devstore.fixture.shop).accessToken;
});
afterAll(async () => {
  await devstore?.dispatcher.settle();
  await devstore?.close();
  await new Promise<void>((resolve) => listener.close(() => resolve()));
});
beforeEach(() => {
  devstore.dispatcher.chaos = NO_CHAOS;
  received = [];
});

const PREPARE = /* GraphQL */ `
  mutation Prepare($input: FulfillmentOrderLineItemsPreparedForPickupInput!) {
    fulfillmentOrderLineItemsPreparedForPickup(input: $input) {
      userErrors { field message code }
    }
  }
`;
const FULFILLMENT_ORDER = /* GraphQL */ `
  query FulfillmentOrder($id: ID!) {
    fulfillmentOrder(id: $id) {
      status
      deliveryMethod { methodType minDeliveryDateTime maxDeliveryDateTime }
      lineItems(first: 5) { nodes { totalQuantity remainingQuantity lineItem { name } } }
      fulfillments(first: 5) { nodes { id status } }
    }
  }
`;

function order(init: { pickup?: boolean; promise?: { minDeliveryDateTime: string | null; maxDeliveryDateTime: string | null } } = {}) {
  const { shop, retail, items } = devstore.fixture;
  const created = devstore.store.createOrder(shop, {
    lineItems: [{ variantId: items.tee.variantId, quantity: 2 }],
    email: "ada@example.com",
    ...(init.pickup ? { deliveryMethod: "PICK_UP" as const, locationId: retail, sourceName: "web" } : {}),
    ...(init.promise ? { deliveryPromise: init.promise } : {}),
  });
  return [...devstore.store.shop(shop).fulfillmentOrders.values()].find((fo) => fo.orderId === created.id)!;
}

const prepare = (...ids: string[]) =>
  adminRequest(devstore, token, PREPARE, { input: { lineItemsByFulfillmentOrder: ids.map((id) => ({ fulfillmentOrderId: id })) } });
const readFulfillmentOrder = async (id: string) => (await adminRequest(devstore, token, FULFILLMENT_ORDER, { id: gid("FulfillmentOrder", id) })).body.data.fulfillmentOrder;
const readyWebhooks = () => received.filter((r) => r.headers["x-shopify-topic"] === "fulfillment_orders/line_items_prepared_for_pickup");

describe("dev store: delivery promises", () => {
  it("reads the window checkout promised on the fulfillment order's delivery method, and null without one", async () => {
    const promised = order({ promise: { minDeliveryDateTime: "2026-03-10T08:00:00Z", maxDeliveryDateTime: "2026-03-12T21:59:59Z" } });
    expect((await readFulfillmentOrder(promised.id)).deliveryMethod).toEqual({
      methodType: "SHIPPING",
      minDeliveryDateTime: "2026-03-10T08:00:00Z",
      maxDeliveryDateTime: "2026-03-12T21:59:59Z",
    });
    const none = order();
    expect((await readFulfillmentOrder(none.id)).deliveryMethod).toEqual({ methodType: "SHIPPING", minDeliveryDateTime: null, maxDeliveryDateTime: null });
    // The test hook changes it afterwards, as a re-promise would.
    devstore.store.setDeliveryPromise(devstore.fixture.shop, none.id, { minDeliveryDateTime: null, maxDeliveryDateTime: "2026-04-01T12:00:00Z" });
    expect((await readFulfillmentOrder(none.id)).deliveryMethod.maxDeliveryDateTime).toBe("2026-04-01T12:00:00Z");
  });
});

describe("dev store: fulfillmentOrderLineItemsPreparedForPickup", () => {
  it("marks a pickup ready, records when, and sends the signed webhook shaped like Shopify's sample", async () => {
    const fo = order({ pickup: true });
    const { body } = await prepare(gid("FulfillmentOrder", fo.id));
    expect(body.errors).toBeUndefined();
    expect(body.data.fulfillmentOrderLineItemsPreparedForPickup.userErrors).toEqual([]);
    // A mutation costs 10 points, whatever it selects.
    expect(body.extensions.cost.requestedQueryCost).toBe(10);
    const state = devstore.store.shop(devstore.fixture.shop).fulfillmentOrders.get(fo.id)!;
    expect(state.status).toBe("IN_PROGRESS");
    expect(Date.parse(state.preparedForPickupAt!)).toBeGreaterThan(Date.now() - 60_000);
    // Nothing is fulfilled until the customer collects it.
    expect(await readFulfillmentOrder(fo.id)).toMatchObject({
      status: "IN_PROGRESS",
      deliveryMethod: { methodType: "PICK_UP" },
      lineItems: { nodes: [{ totalQuantity: 2, remainingQuantity: 2, lineItem: { name: "Organic Tee" } }] },
      fulfillments: { nodes: [] },
    });

    await devstore.dispatcher.settle();
    const [webhook, ...more] = readyWebhooks();
    expect(more).toHaveLength(0);
    expect(webhook!.headers).toMatchObject({
      "x-shopify-shop-domain": devstore.fixture.shop,
      "x-shopify-api-version": "2026-10",
      "x-shopify-triggered-at": state.preparedForPickupAt,
    });
    expect(webhook!.headers["x-shopify-hmac-sha256"]).toBe(createHmac("sha256", process.env.SHOPIFY_API_SECRET!).update(webhook!.raw).digest("base64"));
    expect(JSON.parse(webhook!.raw)).toEqual({
      fulfillment_order: { id: gid("FulfillmentOrder", fo.id), status: "in_progress", preparable: true, delivery_method: { method_type: "pickup" } },
    });
  });

  it("marking again resends the webhook and keeps the first readiness time", async () => {
    const fo = order({ pickup: true });
    await prepare(gid("FulfillmentOrder", fo.id));
    const first = devstore.store.shop(devstore.fixture.shop).fulfillmentOrders.get(fo.id)!.preparedForPickupAt;
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect((await prepare(gid("FulfillmentOrder", fo.id))).body.data.fulfillmentOrderLineItemsPreparedForPickup.userErrors).toEqual([]);
    expect(devstore.store.shop(devstore.fixture.shop).fulfillmentOrders.get(fo.id)!.preparedForPickupAt).toBe(first);
    await devstore.dispatcher.settle();
    expect(readyWebhooks()).toHaveLength(2);
  });

  it("a picked-up order has its fulfillment on the fulfillment order, and nothing left to prepare", async () => {
    const fo = order({ pickup: true });
    await prepare(gid("FulfillmentOrder", fo.id));
    const fulfillment = devstore.store.fulfill(devstore.fixture.shop, { fulfillmentOrderId: fo.id });
    expect(await readFulfillmentOrder(fo.id)).toMatchObject({ status: "CLOSED", fulfillments: { nodes: [{ id: gid("Fulfillment", fulfillment.id), status: "SUCCESS" }] } });
    const { body } = await prepare(gid("FulfillmentOrder", fo.id));
    expect(body.data.fulfillmentOrderLineItemsPreparedForPickup.userErrors).toEqual([
      {
        field: ["input", "lineItemsByFulfillmentOrder", "0", "fulfillmentOrderId"],
        message: "The fulfillment order does not have any line items that can be prepared.",
        code: "NO_LINE_ITEMS_TO_PREPARE_FOR_FULFILLMENT_ORDER",
      },
    ]);
  });

  it("refuses a shipping order, an unknown id, a cancelled and a held pickup, naming each, and marks none of the batch", async () => {
    const pickup = order({ pickup: true });
    const shipping = order();
    const cancelled = order({ pickup: true });
    devstore.store.cancelOrder(devstore.fixture.shop, cancelled.orderId, { restock: false });
    const held = order({ pickup: true });
    devstore.store.hold(devstore.fixture.shop, held.id, { reason: "OTHER" });
    await devstore.dispatcher.settle();
    received = [];

    const { body } = await prepare(
      gid("FulfillmentOrder", pickup.id),
      gid("FulfillmentOrder", shipping.id),
      gid("FulfillmentOrder", "999999999"),
      gid("Order", pickup.orderId),
      gid("FulfillmentOrder", cancelled.id),
      gid("FulfillmentOrder", held.id),
    );
    const field = (i: number) => ["input", "lineItemsByFulfillmentOrder", String(i), "fulfillmentOrderId"];
    expect(body.data.fulfillmentOrderLineItemsPreparedForPickup.userErrors).toEqual([
      { field: field(1), message: "The fulfillment order's delivery method is not local pickup.", code: "FULFILLMENT_ORDER_INVALID" },
      { field: field(2), message: "Invalid fulfillment order ID provided.", code: "FULFILLMENT_ORDER_INVALID" },
      { field: field(3), message: "Invalid fulfillment order ID provided.", code: "FULFILLMENT_ORDER_INVALID" },
      { field: field(4), message: "The fulfillment order does not have any line items that can be prepared.", code: "NO_LINE_ITEMS_TO_PREPARE_FOR_FULFILLMENT_ORDER" },
      { field: field(5), message: "Unable to prepare quantity: the fulfillment order is on hold.", code: "UNABLE_TO_PREPARE_QUANTITY" },
    ]);
    // All or nothing: the good one was not marked and no webhook went out.
    expect(devstore.store.shop(devstore.fixture.shop).fulfillmentOrders.get(pickup.id)).toMatchObject({ status: "OPEN", preparedForPickupAt: null });
    await devstore.dispatcher.settle();
    expect(readyWebhooks()).toHaveLength(0);

    const empty = await prepare();
    expect(empty.body.data.fulfillmentOrderLineItemsPreparedForPickup.userErrors).toEqual([
      { field: ["input", "lineItemsByFulfillmentOrder"], message: "At least one fulfillment order is required.", code: "FULFILLMENT_ORDER_INVALID" },
    ]);
  });

  it("refuses input that is not an ID, before running, as Shopify's schema does", async () => {
    const { body } = await adminRequest(devstore, token, PREPARE, { input: { lineItemsByFulfillmentOrder: [{}] } });
    expect(body.data).toBeUndefined();
    expect(body.errors[0].message).toMatch(/fulfillmentOrderId/);
  });

  it("delivers the webhook through the chaos knobs like every other: a duplicate keeps its webhook id", async () => {
    devstore.dispatcher.chaos = { duplicate: 1, drop: 0, delayMs: [0, 20] };
    const fo = order({ pickup: true });
    await prepare(gid("FulfillmentOrder", fo.id));
    await devstore.dispatcher.settle();
    const webhooks = readyWebhooks();
    expect(webhooks).toHaveLength(2);
    expect(webhooks[0]!.headers["x-shopify-webhook-id"]).toBe(webhooks[1]!.headers["x-shopify-webhook-id"]);
    expect(webhooks[0]!.raw).toBe(webhooks[1]!.raw);

    devstore.dispatcher.chaos = { duplicate: 0, drop: 1, delayMs: [0, 0] };
    received = [];
    await prepare(gid("FulfillmentOrder", order({ pickup: true }).id));
    await devstore.dispatcher.settle();
    expect(readyWebhooks()).toHaveLength(0);
    expect(devstore.dispatcher.deliveries.at(-1)).toMatchObject({ topic: "fulfillment_orders/line_items_prepared_for_pickup", outcome: "dropped" });
  });
});
