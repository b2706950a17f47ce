-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Shipment" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "fulfillmentId" TEXT NOT NULL,
    "orderId" TEXT,
    "orderName" TEXT,
    "orderNumber" INTEGER,
    "orderPlacedAt" DATETIME,
    "emailHash" TEXT,
    "locale" TEXT,
    "customerId" TEXT,
    "trackingCompany" TEXT,
    "trackingNumber" TEXT,
    "trackingNumberKey" TEXT,
    "trackingUrl" TEXT,
    "carrierCode" TEXT,
    "shopifyStatus" TEXT,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "exceptionReason" TEXT,
    "step" INTEGER NOT NULL DEFAULT 0,
    "lateness" TEXT,
    "notifiedStatus" TEXT,
    "carrierEstimate" TEXT,
    "estimatedDelivery" TEXT,
    "estimateSource" TEXT,
    "promisedDate" TEXT,
    "shippedAt" DATETIME,
    "deliveredAt" DATETIME,
    "lastEventAt" DATETIME,
    "originCountry" TEXT,
    "destinationCity" TEXT,
    "destinationCountry" TEXT,
    "isPickup" BOOLEAN NOT NULL DEFAULT false,
    "pickupLocationId" TEXT,
    "lineItems" TEXT NOT NULL DEFAULT '[]',
    "source" TEXT NOT NULL DEFAULT 'shopify',
    "providerCarrier" TEXT,
    "shopifyUpdatedAt" DATETIME,
    "fulfillmentOrderId" TEXT,
    "lastPushAt" DATETIME,
    "lastPolledAt" DATETIME,
    "version" INTEGER NOT NULL DEFAULT 0,
    "redactedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);
INSERT INTO "new_Shipment" ("carrierCode", "carrierEstimate", "createdAt", "customerId", "deliveredAt", "destinationCity", "destinationCountry", "emailHash", "estimateSource", "estimatedDelivery", "exceptionReason", "fulfillmentId", "fulfillmentOrderId", "id", "isPickup", "lastEventAt", "lastPolledAt", "lastPushAt", "lateness", "lineItems", "locale", "notifiedStatus", "orderId", "orderName", "orderNumber", "orderPlacedAt", "originCountry", "pickupLocationId", "promisedDate", "providerCarrier", "redactedAt", "shippedAt", "shop", "shopifyStatus", "shopifyUpdatedAt", "source", "status", "step", "trackingCompany", "trackingNumber", "trackingNumberKey", "trackingUrl", "updatedAt") SELECT "carrierCode", "carrierEstimate", "createdAt", "customerId", "deliveredAt", "destinationCity", "destinationCountry", "emailHash", "estimateSource", "estimatedDelivery", "exceptionReason", "fulfillmentId", "fulfillmentOrderId", "id", "isPickup", "lastEventAt", "lastPolledAt", "lastPushAt", "lateness", "lineItems", "locale", "notifiedStatus", "orderId", "orderName", "orderNumber", "orderPlacedAt", "originCountry", "pickupLocationId", "promisedDate", "providerCarrier", "redactedAt", "shippedAt", "shop", "shopifyStatus", "shopifyUpdatedAt", "source", "status", "step", "trackingCompany", "trackingNumber", "trackingNumberKey", "trackingUrl", "updatedAt" FROM "Shipment";
DROP TABLE "Shipment";
ALTER TABLE "new_Shipment" RENAME TO "Shipment";
CREATE INDEX "Shipment_shop_orderNumber_idx" ON "Shipment"("shop", "orderNumber");
CREATE INDEX "Shipment_shop_trackingNumberKey_idx" ON "Shipment"("shop", "trackingNumberKey");
CREATE INDEX "Shipment_shop_customerId_idx" ON "Shipment"("shop", "customerId");
CREATE INDEX "Shipment_shop_orderId_idx" ON "Shipment"("shop", "orderId");
CREATE INDEX "Shipment_shop_shippedAt_idx" ON "Shipment"("shop", "shippedAt");
CREATE INDEX "Shipment_shop_fulfillmentOrderId_idx" ON "Shipment"("shop", "fulfillmentOrderId");
CREATE INDEX "Shipment_status_lastPolledAt_idx" ON "Shipment"("status", "lastPolledAt");
CREATE UNIQUE INDEX "Shipment_shop_fulfillmentId_key" ON "Shipment"("shop", "fulfillmentId");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

