import { describe, expect, it } from "vitest";
import { db } from "../../app/db.server";
import { lookupByCustomer, lookupByOrder, lookupByTrackingNumber } from "../../app/tracking/lookup.server";
import { saveProviderAccount } from "../../app/tracking/notification-settings.server";
import { applyFulfillment } from "../../app/tracking/shipments.server";
import { testShop } from "../support/shopify";
import { box, deliver, eventBody, fulfillmentBody, processWebhooks } from "./tracking-fixtures";

const HOUR = 3_600_000;

async function ship(shop: string, fulfillmentId: number, orderId: number, customerId: string, email: string) {
  const at = Date.now() - 10 * HOUR;
  return (await applyFulfillment(db(), shop, {
    fulfillmentId: String(fulfillmentId),
    orderId: String(orderId),
    orderName: `#${orderId}`,
    orderNumber: orderId,
    orderPlacedAt: new Date(at - HOUR).toISOString(),
    email,
    locale: "de",
    customerId,
    shopifyStatus: "SUCCESS",
    createdAt: new Date(at).toISOString(),
    updatedAt: new Date(at).toISOString(),
    tracking: { company: "DHL Express", number: `${fulfillmentId}000000`.slice(0, 10), url: null },
    originCountry: "FR",
    destination: { city: "Köln", countryCode: "DE" },
    lineItems: [{ title: "Wool Cap", quantity: 1 }],
    events: [
      { id: `${fulfillmentId}1`, status: "IN_TRANSIT", message: "Unterwegs", happenedAt: new Date(at + HOUR).toISOString(), city: "Leipzig", country: "Germany" },
      { id: `${fulfillmentId}2`, status: "DELIVERED", message: "Zugestellt", happenedAt: new Date(at + 8 * HOUR).toISOString(), city: "Köln", country: "Germany" },
    ],
  }))!;
}

async function trackingRows(shop: string) {
  const shipments = await db().shipment.findMany({ where: { shop } });
  return {
    shipments: shipments.length,
    events: await db().shipmentEvent.count({ where: { shop } }),
    notifications: await db().trackingNotification.count({ where: { shop } }),
  };
}

describe("compliance webhooks and tracking data", () => {
  it("customers/redact erases the customer's shipments' personal data, keeps delivery statistics, and other customers' data", async () => {
    const shop = testShop("redact");
    await db().shop.create({ data: { shop } });
    const ada = [await ship(shop, 7101, 4101, "900", "ada@example.com"), await ship(shop, 7102, 4102, "900", "ada@example.com")];
    // An order of hers placed as a guest: named in orders_to_redact only.
    const guest = await ship(shop, 7103, 4103, "", "ada.guest@example.com");
    const grace = await ship(shop, 7201, 4201, "901", "grace@example.com");
    expect(await db().trackingNotification.count({ where: { shop } })).toBeGreaterThan(0);

    await deliver(shop, "customers/redact", {
      shop_id: 1,
      shop_domain: shop,
      customer: { id: 900, email: "ada@example.com", phone: null },
      orders_to_redact: [4101, 4103],
    });
    await processWebhooks();

    for (const before of [...ada, guest]) {
      const after = await db().shipment.findUniqueOrThrow({ where: { id: before.id } });
      expect(after).toMatchObject({
        emailHash: null,
        customerId: null,
        locale: null,
        orderId: null,
        orderName: null,
        orderNumber: null,
        orderPlacedAt: null,
        trackingNumber: null,
        trackingNumberKey: null,
        trackingUrl: null,
        destinationCity: null,
        lineItems: "[]",
        // What the estimates and the delivery KPIs need stays.
        carrierCode: "dhl_express",
        status: "delivered",
        destinationCountry: "DE",
        originCountry: "FR",
      });
      expect(after.redactedAt).not.toBeNull();
      expect(after.deliveredAt).toEqual(before.deliveredAt);
      expect(await db().shipmentEvent.count({ where: { shipmentId: before.id } })).toBe(0);
      expect(await db().trackingNotification.count({ where: { shipmentId: before.id } })).toBe(0);
    }
    expect(await lookupByOrder(db(), shop, 4101, "ada@example.com")).toBeNull();
    expect(await lookupByCustomer(db(), shop, "900")).toEqual([]);
    expect(await lookupByTrackingNumber(db(), shop, ada[0]!.trackingNumber!)).toBeNull();

    // Another customer's parcel is untouched.
    expect(await db().shipment.findUniqueOrThrow({ where: { id: grace.id } })).toMatchObject({ customerId: "901", emailHash: grace.emailHash, redactedAt: null });
    expect(await lookupByOrder(db(), shop, 4201, "grace@example.com")).not.toBeNull();

    // A late webhook about an erased parcel does not bring its data back.
    await deliver(shop, "fulfillments/update", fulfillmentBody({ id: 7101, orderId: 4101, orderName: "#4101", createdAt: Date.now() - 10 * HOUR, updatedAt: Date.now() }));
    await deliver(shop, "fulfillment_events/create", eventBody({ id: 99, fulfillmentId: 7101, orderId: 4101, status: "delivered", at: Date.now() }));
    await processWebhooks();
    expect(await db().shipment.findUniqueOrThrow({ where: { id: ada[0]!.id } })).toMatchObject({ emailHash: null, orderName: null, trackingNumber: null });
    expect(await db().shipmentEvent.count({ where: { shipmentId: ada[0]!.id } })).toBe(0);

    const request = await db().complianceRequest.findFirstOrThrow({ where: { shop, topic: "customers/redact" } });
    expect(JSON.parse(request.summary)).toMatchObject({ erased: { shipments: 3 } });
  });

  it("customers/data_request counts the customer's shipments", async () => {
    const shop = testShop("request");
    await ship(shop, 7301, 4301, "900", "ada@example.com");
    await deliver(shop, "customers/data_request", {
      shop_id: 1,
      shop_domain: shop,
      customer: { id: 900, email: "ada@example.com", phone: null },
      orders_requested: [4301],
      data_request: { id: 1 },
    });
    await processWebhooks();
    const request = await db().complianceRequest.findFirstOrThrow({ where: { shop, topic: "customers/data_request" } });
    expect(JSON.parse(request.summary)).toMatchObject({ held: { shipments: 1 } });
  });

  it("shop/redact removes every tracking row of the shop and nothing of another shop", async () => {
    const shop = testShop("gone");
    const other = testShop("stays");
    for (const s of [shop, other]) {
      await db().shop.create({ data: { shop: s } });
      await ship(s, 7401, 4401, "900", "ada@example.com");
      await saveProviderAccount(db(), box(), s, "aftership", "a-secret-of-some-length");
      await db().notificationSetting.create({ data: { shop: s, alertEmail: "ops@example.com" } });
      await db().trackingRateLimit.create({ data: { shop: s, key: "order:4401", windowStart: new Date(), count: 1 } });
      await db().trackingBackfill.create({ data: { shop: s, status: "done" } });
    }
    const before = await trackingRows(other);
    expect(before.shipments).toBe(1);

    await deliver(shop, "shop/redact", { shop_id: 1, shop_domain: shop });
    await processWebhooks();

    expect(await trackingRows(shop)).toEqual({ shipments: 0, events: 0, notifications: 0 });
    for (const table of ["notificationSetting", "providerAccount", "trackingRateLimit", "trackingBackfill"] as const) {
      expect(await (db()[table] as unknown as { count: (args: unknown) => Promise<number> }).count({ where: { shop } }), table).toBe(0);
      expect(await (db()[table] as unknown as { count: (args: unknown) => Promise<number> }).count({ where: { shop: other } }), table).toBe(1);
    }
    expect(await trackingRows(other)).toEqual(before);
  });
});
