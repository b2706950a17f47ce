-- CreateTable
CREATE TABLE "Shipment" (
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
    "redactedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "ShipmentEvent" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "shop" TEXT NOT NULL,
    "shipmentId" TEXT NOT NULL,
    "at" DATETIME NOT NULL,
    "status" TEXT NOT NULL,
    "reason" TEXT,
    "description" TEXT NOT NULL DEFAULT '',
    "location" TEXT,
    "source" TEXT NOT NULL,
    "dedupeKey" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "TrackingNotification" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "shop" TEXT NOT NULL,
    "shipmentId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "trigger" TEXT NOT NULL,
    "locale" TEXT NOT NULL,
    "recipient" TEXT,
    "subject" TEXT NOT NULL,
    "textBody" TEXT NOT NULL,
    "htmlBody" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "availableAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lockedBy" TEXT,
    "lockedUntil" DATETIME,
    "lastError" TEXT,
    "transport" TEXT,
    "messageId" TEXT,
    "sentAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "NotificationSetting" (
    "shop" TEXT NOT NULL PRIMARY KEY,
    "shopperStatuses" TEXT,
    "shopperEmails" BOOLEAN NOT NULL DEFAULT true,
    "alertEmail" TEXT,
    "alertOnException" BOOLEAN NOT NULL DEFAULT true,
    "alertOnLate" BOOLEAN NOT NULL DEFAULT true,
    "trackingPageUrl" TEXT,
    "fromAddress" TEXT,
    "fromName" TEXT,
    "smtpHost" TEXT,
    "smtpPort" INTEGER,
    "smtpSecure" BOOLEAN NOT NULL DEFAULT false,
    "smtpUser" TEXT,
    "smtpPassword" TEXT,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "ProviderAccount" (
    "shop" TEXT NOT NULL,
    "provider" TEXT NOT NULL,
    "webhookSecret" TEXT NOT NULL,
    "apiKey" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,

    PRIMARY KEY ("shop", "provider")
);

-- CreateTable
CREATE TABLE "TrackingRateLimit" (
    "shop" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "windowStart" DATETIME NOT NULL,
    "count" INTEGER NOT NULL DEFAULT 0,

    PRIMARY KEY ("shop", "key")
);

-- CreateTable
CREATE TABLE "TrackingBackfill" (
    "shop" TEXT NOT NULL PRIMARY KEY,
    "status" TEXT NOT NULL,
    "since" TEXT,
    "cursor" TEXT,
    "shipments" INTEGER NOT NULL DEFAULT 0,
    "error" TEXT,
    "lockedUntil" DATETIME,
    "startedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" DATETIME
);

-- CreateIndex
CREATE INDEX "Shipment_shop_orderNumber_idx" ON "Shipment"("shop", "orderNumber");

-- CreateIndex
CREATE INDEX "Shipment_shop_trackingNumberKey_idx" ON "Shipment"("shop", "trackingNumberKey");

-- CreateIndex
CREATE INDEX "Shipment_shop_customerId_idx" ON "Shipment"("shop", "customerId");

-- CreateIndex
CREATE INDEX "Shipment_shop_orderId_idx" ON "Shipment"("shop", "orderId");

-- CreateIndex
CREATE INDEX "Shipment_shop_shippedAt_idx" ON "Shipment"("shop", "shippedAt");

-- CreateIndex
CREATE UNIQUE INDEX "Shipment_shop_fulfillmentId_key" ON "Shipment"("shop", "fulfillmentId");

-- CreateIndex
CREATE INDEX "ShipmentEvent_shop_idx" ON "ShipmentEvent"("shop");

-- CreateIndex
CREATE UNIQUE INDEX "ShipmentEvent_shipmentId_dedupeKey_key" ON "ShipmentEvent"("shipmentId", "dedupeKey");

-- CreateIndex
CREATE INDEX "TrackingNotification_status_availableAt_idx" ON "TrackingNotification"("status", "availableAt");

-- CreateIndex
CREATE INDEX "TrackingNotification_shop_createdAt_idx" ON "TrackingNotification"("shop", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "TrackingNotification_shipmentId_kind_trigger_key" ON "TrackingNotification"("shipmentId", "kind", "trigger");

-- CreateIndex
CREATE INDEX "TrackingRateLimit_windowStart_idx" ON "TrackingRateLimit"("windowStart");

