-- CreateTable
CREATE TABLE "Shipment" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "fulfillmentId" TEXT NOT NULL,
    "orderId" TEXT,
    "orderName" TEXT,
    "orderNumber" INTEGER,
    "orderPlacedAt" TIMESTAMP(3),
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
    "shippedAt" TIMESTAMP(3),
    "deliveredAt" TIMESTAMP(3),
    "lastEventAt" TIMESTAMP(3),
    "originCountry" TEXT,
    "destinationCity" TEXT,
    "destinationCountry" TEXT,
    "isPickup" BOOLEAN NOT NULL DEFAULT false,
    "pickupLocationId" TEXT,
    "lineItems" TEXT NOT NULL DEFAULT '[]',
    "source" TEXT NOT NULL DEFAULT 'shopify',
    "providerCarrier" TEXT,
    "shopifyUpdatedAt" TIMESTAMP(3),
    "redactedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Shipment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ShipmentEvent" (
    "id" SERIAL NOT NULL,
    "shop" TEXT NOT NULL,
    "shipmentId" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,
    "status" TEXT NOT NULL,
    "reason" TEXT,
    "description" TEXT NOT NULL DEFAULT '',
    "location" TEXT,
    "source" TEXT NOT NULL,
    "dedupeKey" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ShipmentEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TrackingNotification" (
    "id" SERIAL NOT NULL,
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
    "availableAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lockedBy" TEXT,
    "lockedUntil" TIMESTAMP(3),
    "lastError" TEXT,
    "transport" TEXT,
    "messageId" TEXT,
    "sentAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "TrackingNotification_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "NotificationSetting" (
    "shop" TEXT NOT NULL,
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
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "NotificationSetting_pkey" PRIMARY KEY ("shop")
);

-- CreateTable
CREATE TABLE "ProviderAccount" (
    "shop" TEXT NOT NULL,
    "provider" TEXT NOT NULL,
    "webhookSecret" TEXT NOT NULL,
    "apiKey" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ProviderAccount_pkey" PRIMARY KEY ("shop","provider")
);

-- CreateTable
CREATE TABLE "TrackingRateLimit" (
    "shop" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "windowStart" TIMESTAMP(3) NOT NULL,
    "count" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "TrackingRateLimit_pkey" PRIMARY KEY ("shop","key")
);

-- CreateTable
CREATE TABLE "TrackingBackfill" (
    "shop" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "since" TEXT,
    "cursor" TEXT,
    "shipments" INTEGER NOT NULL DEFAULT 0,
    "error" TEXT,
    "lockedUntil" TIMESTAMP(3),
    "startedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "TrackingBackfill_pkey" PRIMARY KEY ("shop")
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

