import { parse } from "graphql";
import { describe, expect, it } from "vitest";
import { fulfillmentOrderWithOrder, type ShopifyFulfillment, type ShopifyFulfillmentOrder, type ShopifyTrackedOrder } from "../../app/tracking/admin-operations";
import { pickupSnapshotFromAdmin, promisedDateOf, snapshotFromAdmin } from "../../app/tracking/backfill.server";
import { isPickupPlaceholder, pickupPlaceholderId } from "../../app/tracking/shipments.server";
import { preparedForPickupPayload } from "../../app/tracking/shopify-webhooks.server";
import { requestedQueryCost } from "../../devstore/admin/cost";
import { adminSchema } from "../support/admin-schema";
import { samplePayload } from "../support/shopify";

// The pure parts of delivery promises and pickup readiness: reading the promise, the placeholder of a pickup
// that waits on the shelf, the readiness webhook's payload and what its Admin re-read costs.

const order: ShopifyTrackedOrder = {
  id: "gid://shopify/Order/4001",
  name: "#1042",
  number: 1042,
  email: "Ada@Example.com",
  customerLocale: "fr",
  createdAt: "2026-05-01T09:00:00Z",
  customer: { id: "gid://shopify/Customer/900" },
  shippingAddress: null,
  retailLocation: null,
};

function fulfillment(deliveryMethod: ShopifyFulfillment["fulfillmentOrders"]["nodes"][number]["deliveryMethod"]): ShopifyFulfillment {
  return {
    id: "gid://shopify/Fulfillment/5001",
    name: "#1042.1",
    status: "SUCCESS",
    createdAt: "2026-05-02T10:00:00Z",
    updatedAt: "2026-05-02T10:00:00Z",
    displayStatus: "FULFILLED",
    estimatedDeliveryAt: null,
    trackingInfo: [],
    originAddress: { countryCode: "FR" },
    location: { id: "gid://shopify/Location/11" },
    fulfillmentOrders: { nodes: [{ id: "gid://shopify/FulfillmentOrder/7001", deliveryMethod, assignedLocation: { location: { id: "gid://shopify/Location/12" } } }] },
    fulfillmentLineItems: { nodes: [{ quantity: 2, lineItem: { name: "Organic Tee" } }] },
    events: { nodes: [] },
  };
}

describe("the promised delivery date", () => {
  it.each<[string | null, string | null, string | null]>([
    // Shopify writes the end of the promised day in UTC: the day is the shop's.
    ["2026-05-13T06:59:59Z", "America/Los_Angeles", "2026-05-12"],
    ["2026-05-12T21:59:59Z", "Europe/Paris", "2026-05-12"],
    ["2026-05-12T14:59:59Z", "Asia/Tokyo", "2026-05-12"],
    ["2026-05-12T23:59:59Z", "UTC", "2026-05-12"],
    // Winter time: Los Angeles is 8 hours behind, Paris 1 ahead.
    ["2026-01-13T07:59:59Z", "America/Los_Angeles", "2026-01-12"],
    ["2026-01-12T22:59:59Z", "Europe/Paris", "2026-01-12"],
    // Any offset is an instant like any other.
    ["2026-05-12T23:59:59-07:00", "America/Los_Angeles", "2026-05-12"],
    [" 2026-05-12T08:00:00+02:00 ", "Europe/Paris", "2026-05-12"],
    // No zone known (or one Intl does not know): UTC.
    ["2026-05-13T06:59:59Z", null, "2026-05-13"],
    ["2026-05-13T06:59:59Z", "Mars/Olympus_Mons", "2026-05-13"],
    // A bare date, or a time without an offset, is already the shop's own.
    ["2026-05-12", "America/Los_Angeles", "2026-05-12"],
    ["2026-05-12T23:59:59", "Asia/Tokyo", "2026-05-12"],
    [null, "Europe/Paris", null],
    ["", "Europe/Paris", null],
    ["soon", "Europe/Paris", null],
    ["2026-13-01T00:00:00Z", "Europe/Paris", null],
  ])("%s in %s -> %s", (value, timeZone, expected) => {
    expect(promisedDateOf(value, timeZone)).toBe(expected);
  });

  it("a re-read in a shop west of UTC keeps the shop's day", () => {
    const snap = snapshotFromAdmin(fulfillment({ methodType: "SHIPPING", maxDeliveryDateTime: "2026-05-07T06:59:59Z" }), order, "America/Los_Angeles");
    expect(snap.promisedDate).toBe("2026-05-06");
  });

  it("comes with a fulfillment's re-read, with its fulfillment order's numeric id", () => {
    const snap = snapshotFromAdmin(fulfillment({ methodType: "SHIPPING", maxDeliveryDateTime: "2026-05-06T21:59:59Z" }), order);
    expect(snap).toMatchObject({ fulfillmentId: "5001", fulfillmentOrderId: "7001", promisedDate: "2026-05-06", isPickup: false, pickupLocationId: null });
  });

  it("is null, not left unknown, when checkout promised nothing (a re-promise can be withdrawn)", () => {
    expect(snapshotFromAdmin(fulfillment({ methodType: "SHIPPING", maxDeliveryDateTime: null }), order).promisedDate).toBeNull();
    expect(snapshotFromAdmin(fulfillment(null), order)).toMatchObject({ promisedDate: null, fulfillmentOrderId: "7001" });
  });

  it("a collected pickup names the shop it waited in and its fulfillment order", () => {
    expect(snapshotFromAdmin(fulfillment({ methodType: "PICK_UP", maxDeliveryDateTime: null }), order)).toMatchObject({ isPickup: true, pickupLocationId: "12", fulfillmentOrderId: "7001" });
  });
});

describe("a pickup waiting on the shelf", () => {
  const fo: ShopifyFulfillmentOrder = {
    id: "gid://shopify/FulfillmentOrder/7001",
    status: "IN_PROGRESS",
    deliveryMethod: { methodType: "PICK_UP", maxDeliveryDateTime: null },
    assignedLocation: { location: { id: "gid://shopify/Location/12" } },
    lineItems: { nodes: [{ totalQuantity: 2, lineItem: { name: "Organic Tee - M" } }, { totalQuantity: 1, lineItem: { name: "Stoneware Mug" } }] },
    fulfillments: { nodes: [] },
    order,
  };

  it("is a placeholder keyed by its fulfillment order, clearly not a Shopify fulfillment id", () => {
    expect(pickupPlaceholderId("7001")).toBe("fo-7001");
    expect(isPickupPlaceholder("fo-7001")).toBe(true);
    expect(isPickupPlaceholder("7001")).toBe(false);
  });

  it("knows the order, the shop, the items and when it became ready; nothing shipped, so no ship date or tracking", () => {
    const snap = pickupSnapshotFromAdmin(fo, "2026-05-02T14:00:00.000Z");
    expect(snap).toEqual({
      fulfillmentId: "fo-7001",
      orderId: "4001",
      orderName: "#1042",
      orderNumber: 1042,
      orderPlacedAt: "2026-05-01T09:00:00Z",
      email: "Ada@Example.com",
      locale: "fr",
      customerId: "900",
      destination: null,
      isPickup: true,
      pickupLocationId: "12",
      fulfillmentOrderId: "7001",
      promisedDate: null,
      lineItems: [
        { title: "Organic Tee - M", quantity: 2 },
        { title: "Stoneware Mug", quantity: 1 },
      ],
      readyForPickupAt: "2026-05-02T14:00:00.000Z",
    });
  });
});

describe("fulfillment_orders/line_items_prepared_for_pickup", () => {
  it("accepts Shopify's sample payload and reads the fulfillment order's numeric id from its gid", () => {
    const parsed = preparedForPickupPayload.parse(JSON.parse(samplePayload("fulfillment_orders/line_items_prepared_for_pickup", "shop.myshopify.com")));
    expect(parsed.fulfillment_order).toMatchObject({ id: "1", status: "open", preparable: true, delivery_method: { method_type: "pickup" } });
  });

  it("takes a numeric id too, and refuses another object's gid or a missing id", () => {
    expect(preparedForPickupPayload.parse({ fulfillment_order: { id: 7001 } }).fulfillment_order.id).toBe("7001");
    expect(preparedForPickupPayload.safeParse({ fulfillment_order: { id: "gid://shopify/Order/7001" } }).success).toBe(false);
    expect(preparedForPickupPayload.safeParse({ fulfillment_order: {} }).success).toBe(false);
    expect(preparedForPickupPayload.safeParse({}).success).toBe(false);
  });

  it("its Admin re-read costs what admin-operations.ts says: 57 points", () => {
    const cost = requestedQueryCost(adminSchema(), parse(fulfillmentOrderWithOrder.document), fulfillmentOrderWithOrder.name, { id: "gid://shopify/FulfillmentOrder/1" });
    expect(cost).toBe(57);
  });
});
