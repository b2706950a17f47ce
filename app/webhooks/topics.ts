// Every webhook topic Omnistock subscribes to, all delivered to POST /webhooks at API version 2026-10.
// shopify.app.toml declares the same list; a test keeps the two equal and checks each topic against the
// Admin schema's WebhookSubscriptionTopic enum.

export const SUBSCRIBED_TOPICS = [
  "app/uninstalled",
  "app/scopes_update",
  "shop/update",
  "locations/create",
  "locations/update",
  "locations/delete",
  "locations/activate",
  "locations/deactivate",
  "products/create",
  "products/update",
  "products/delete",
  "inventory_items/create",
  "inventory_items/update",
  "inventory_items/delete",
  "inventory_levels/connect",
  "inventory_levels/update",
  "inventory_levels/disconnect",
  "orders/create",
  "orders/updated",
  "orders/edited",
  "orders/cancelled",
  "orders/fulfilled",
  "orders/partially_fulfilled",
  "orders/risk_assessment_changed",
  "refunds/create",
  "returns/request",
  "returns/approve",
  "returns/process",
  "returns/close",
  "returns/cancel",
  "fulfillments/create",
  "fulfillments/update",
  "fulfillment_events/create",
  "fulfillment_holds/added",
  "fulfillment_holds/released",
  "fulfillment_orders/line_items_prepared_for_pickup",
  "fulfillment_orders/split",
  "fulfillment_orders/merged",
  "fulfillment_orders/moved",
  "bulk_operations/finish",
] as const;

export const COMPLIANCE_TOPICS = ["customers/data_request", "customers/redact", "shop/redact"] as const;

export type SubscribedTopic = (typeof SUBSCRIBED_TOPICS)[number];
export type ComplianceTopic = (typeof COMPLIANCE_TOPICS)[number];
export type WebhookTopic = SubscribedTopic | ComplianceTopic;

const known = new Set<string>([...SUBSCRIBED_TOPICS, ...COMPLIANCE_TOPICS]);

export function isKnownTopic(topic: string): topic is WebhookTopic {
  return known.has(topic);
}

/** "inventory_levels/update" -> "INVENTORY_LEVELS_UPDATE", the Admin API's enum spelling. */
export function topicEnumName(topic: string): string {
  return topic.replace("/", "_").toUpperCase();
}
