-- AlterTable
ALTER TABLE "Shipment" ADD COLUMN "fulfillmentOrderId" TEXT;
ALTER TABLE "Shipment" ADD COLUMN "lastPolledAt" DATETIME;
ALTER TABLE "Shipment" ADD COLUMN "lastPushAt" DATETIME;

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_ProviderAccount" (
    "shop" TEXT NOT NULL,
    "provider" TEXT NOT NULL,
    "webhookSecret" TEXT NOT NULL,
    "apiKey" TEXT,
    "pollPerHour" INTEGER NOT NULL DEFAULT 0,
    "pollHourStart" DATETIME,
    "pollUsed" INTEGER NOT NULL DEFAULT 0,
    "pollError" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,

    PRIMARY KEY ("shop", "provider")
);
INSERT INTO "new_ProviderAccount" ("apiKey", "createdAt", "provider", "shop", "updatedAt", "webhookSecret") SELECT "apiKey", "createdAt", "provider", "shop", "updatedAt", "webhookSecret" FROM "ProviderAccount";
DROP TABLE "ProviderAccount";
ALTER TABLE "new_ProviderAccount" RENAME TO "ProviderAccount";
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "Shipment_shop_fulfillmentOrderId_idx" ON "Shipment"("shop", "fulfillmentOrderId");

-- CreateIndex
CREATE INDEX "Shipment_status_lastPolledAt_idx" ON "Shipment"("status", "lastPolledAt");

