-- AlterTable
ALTER TABLE "ProviderAccount" ADD COLUMN     "pollError" TEXT,
ADD COLUMN     "pollHourStart" TIMESTAMP(3),
ADD COLUMN     "pollPerHour" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "pollUsed" INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "Shipment" ADD COLUMN     "fulfillmentOrderId" TEXT,
ADD COLUMN     "lastPolledAt" TIMESTAMP(3),
ADD COLUMN     "lastPushAt" TIMESTAMP(3);

-- CreateIndex
CREATE INDEX "Shipment_shop_fulfillmentOrderId_idx" ON "Shipment"("shop", "fulfillmentOrderId");

-- CreateIndex
CREATE INDEX "Shipment_status_lastPolledAt_idx" ON "Shipment"("status", "lastPolledAt");

