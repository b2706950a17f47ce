import type { Database } from "../db.server";
import { COMPLIANCE_TOPICS } from "../webhooks/topics";

export interface CustomerRef {
  shop: string;
  customerId: string | null;
  orderIds: string[];
}

function deliveriesOf(ref: CustomerRef) {
  const or = [
    ...(ref.customerId ? [{ customerId: ref.customerId }] : []),
    ...(ref.orderIds.length ? [{ orderId: { in: ref.orderIds } }] : []),
  ];
  return { shop: ref.shop, redactedAt: null, OR: or };
}

/** What Omnistock holds about one customer of a shop, counted per kind of record (customers/data_request). */
export async function findCustomerData(db: Database, ref: CustomerRef) {
  if (!ref.customerId && ref.orderIds.length === 0) return { webhookDeliveries: 0 };
  // The compliance requests themselves are not data we hold about the customer for our own purposes.
  const webhookDeliveries = await db.webhookDelivery.count({
    where: { ...deliveriesOf(ref), topic: { notIn: [...COMPLIANCE_TOPICS] } },
  });
  return { webhookDeliveries };
}

/**
 * Erases one customer's personal data (customers/redact): stored webhook bodies that concern the customer
 * or the listed orders are emptied, the compliance requests' own bodies (email, phone) included.
 * Later modules (tracking, notifications) add their records here.
 */
export async function redactCustomerData(db: Database, ref: CustomerRef) {
  if (!ref.customerId && ref.orderIds.length === 0) return { webhookDeliveries: 0 };
  const { count } = await db.webhookDelivery.updateMany({
    where: deliveriesOf(ref),
    data: { payload: "{}", customerId: null, redactedAt: new Date() },
  });
  return { webhookDeliveries: count };
}
