import type { Database } from "../db.server";

type Tx = Omit<Database, "$connect" | "$disconnect" | "$on" | "$transaction" | "$extends">;

/**
 * Every table that holds a shop's data, and how to erase that shop from it. A test checks that each model
 * with a `shop` column is listed here, so a new table cannot be forgotten by shop/redact.
 * ComplianceRequest is kept on purpose: it is the record that we did what was asked.
 */
export const SHOP_DATA_ERASERS: Record<string, (tx: Tx, shop: string) => Promise<{ count: number }>> = {
  Session: (tx, shop) => tx.session.deleteMany({ where: { shop } }),
  WebhookDelivery: (tx, shop) => tx.webhookDelivery.deleteMany({ where: { shop } }),
  Shop: (tx, shop) => tx.shop.deleteMany({ where: { shop } }),
  Location: (tx, shop) => tx.location.deleteMany({ where: { shop } }),
  InventoryItem: (tx, shop) => tx.inventoryItem.deleteMany({ where: { shop } }),
  InventoryLevel: (tx, shop) => tx.inventoryLevel.deleteMany({ where: { shop } }),
  InventoryLedgerEntry: (tx, shop) => tx.inventoryLedgerEntry.deleteMany({ where: { shop } }),
  InventoryRefresh: (tx, shop) => tx.inventoryRefresh.deleteMany({ where: { shop } }),
  Channel: (tx, shop) => tx.channel.deleteMany({ where: { shop } }),
  ConnectionCode: (tx, shop) => tx.connectionCode.deleteMany({ where: { shop } }),
  ChannelListing: (tx, shop) => tx.channelListing.deleteMany({ where: { shop } }),
  PushJob: (tx, shop) => tx.pushJob.deleteMany({ where: { shop } }),
  Reservation: (tx, shop) => tx.reservation.deleteMany({ where: { shop } }),
  ReconciliationRun: (tx, shop) => tx.reconciliationRun.deleteMany({ where: { shop } }),
  ListingComponent: (tx, shop) => tx.listingComponent.deleteMany({ where: { shop } }),
  ChannelRuleOverride: (tx, shop) => tx.channelRuleOverride.deleteMany({ where: { shop } }),
  Shipment: (tx, shop) => tx.shipment.deleteMany({ where: { shop } }),
  ShipmentEvent: (tx, shop) => tx.shipmentEvent.deleteMany({ where: { shop } }),
  TrackingNotification: (tx, shop) => tx.trackingNotification.deleteMany({ where: { shop } }),
  NotificationSetting: (tx, shop) => tx.notificationSetting.deleteMany({ where: { shop } }),
  ProviderAccount: (tx, shop) => tx.providerAccount.deleteMany({ where: { shop } }),
  TrackingRateLimit: (tx, shop) => tx.trackingRateLimit.deleteMany({ where: { shop } }),
  TrackingBackfill: (tx, shop) => tx.trackingBackfill.deleteMany({ where: { shop } }),
};

export const SHOP_DATA_KEPT = new Set(["ComplianceRequest"]);

/** Deletes everything Omnistock holds for a shop, in one transaction. Returns rows erased per table. */
export async function eraseShopData(db: Database, shop: string): Promise<Record<string, number>> {
  return db.$transaction(async (tx) => {
    const erased: Record<string, number> = {};
    for (const [table, erase] of Object.entries(SHOP_DATA_ERASERS)) {
      erased[table] = (await erase(tx, shop)).count;
    }
    return erased;
  });
}
