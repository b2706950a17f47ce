import type { Database } from "../db.server";
import { COMPLIANCE_TOPICS } from "../webhooks/topics";

export interface CustomerRef {
  shop: string;
  customerId: string | null;
  orderIds: string[];
}

function concerning(ref: CustomerRef) {
  return [
    ...(ref.customerId ? [{ customerId: ref.customerId }] : []),
    ...(ref.orderIds.length ? [{ orderId: { in: ref.orderIds } }] : []),
  ];
}

function deliveriesOf(ref: CustomerRef) {
  return { shop: ref.shop, redactedAt: null, OR: concerning(ref) };
}

// Tracking's records appear in a summary only for a customer who has some (summaries of shops without
// tracking keep their shape).
const withShipments = (count: number) => (count > 0 ? { shipments: count } : {});

function shipmentsOf(ref: CustomerRef) {
  return { shop: ref.shop, redactedAt: null, OR: concerning(ref) };
}

/** What Omnistock holds about one customer of a shop, counted per kind of record (customers/data_request). */
export async function findCustomerData(db: Database, ref: CustomerRef) {
  if (!ref.customerId && ref.orderIds.length === 0) return { webhookDeliveries: 0 };
  // The compliance requests themselves are not data we hold about the customer for our own purposes.
  const webhookDeliveries = await db.webhookDelivery.count({
    where: { ...deliveriesOf(ref), topic: { notIn: [...COMPLIANCE_TOPICS] } },
  });
  const shipments = await db.shipment.count({ where: shipmentsOf(ref) });
  return { webhookDeliveries, ...withShipments(shipments) };
}

/**
 * Erases one customer's personal data (customers/redact): stored webhook bodies that concern the customer
 * or the listed orders are emptied, the compliance requests' own bodies (email, phone) included. Their shipments
 * keep only what delivery statistics need (carrier, countries, dates, status): the email hash, customer, locale,
 * order, tracking number, city and items are erased, with their events and emails.
 */
export async function redactCustomerData(db: Database, ref: CustomerRef) {
  if (!ref.customerId && ref.orderIds.length === 0) return { webhookDeliveries: 0 };
  const { count } = await db.webhookDelivery.updateMany({
    where: deliveriesOf(ref),
    data: { payload: "{}", customerId: null, redactedAt: new Date() },
  });
  const ids = (await db.shipment.findMany({ where: shipmentsOf(ref), select: { id: true } })).map((s) => s.id);
  if (ids.length) {
    await db.$transaction([
      db.shipmentEvent.deleteMany({ where: { shop: ref.shop, shipmentId: { in: ids } } }),
      db.trackingNotification.deleteMany({ where: { shop: ref.shop, shipmentId: { in: ids } } }),
      db.shipment.updateMany({
        where: { shop: ref.shop, id: { in: ids } },
        data: {
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
          redactedAt: new Date(),
        },
      }),
    ]);
  }
  return { webhookDeliveries: count, ...withShipments(ids.length) };
}
