-- CreateTable
CREATE TABLE "Channel" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "remoteAccount" TEXT,
    "remoteLocationId" TEXT,
    "credentials" TEXT,
    "feedingLocationIds" TEXT NOT NULL DEFAULT '[]',
    "reserve" INTEGER NOT NULL DEFAULT 0,
    "percentage" INTEGER NOT NULL DEFAULT 100,
    "minQuantity" INTEGER,
    "maxQuantity" INTEGER,
    "zeroOutAt" INTEGER NOT NULL DEFAULT 0,
    "status" TEXT NOT NULL DEFAULT 'active',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Channel_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ConnectionCode" (
    "codeHash" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ConnectionCode_pkey" PRIMARY KEY ("codeHash")
);

-- CreateTable
CREATE TABLE "ChannelListing" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "channelId" TEXT NOT NULL,
    "remoteListingId" TEXT NOT NULL,
    "remoteSku" TEXT,
    "inventoryItemId" TEXT,
    "packSize" INTEGER NOT NULL DEFAULT 1,
    "matchedVia" TEXT,
    "conflict" TEXT,
    "lastPushed" INTEGER,
    "lastPushedAt" TIMESTAMP(3),
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ChannelListing_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PushJob" (
    "id" SERIAL NOT NULL,
    "shop" TEXT NOT NULL,
    "channelId" TEXT NOT NULL,
    "listingId" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "availableAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lockedBy" TEXT,
    "lockedUntil" TIMESTAMP(3),
    "lastError" TEXT,
    "enqueuedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "PushJob_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Reservation" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "channelId" TEXT NOT NULL,
    "externalRef" TEXT NOT NULL,
    "inventoryItemId" TEXT NOT NULL,
    "locationId" TEXT NOT NULL,
    "quantity" INTEGER NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'applied',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Reservation_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Channel_shop_idx" ON "Channel"("shop");

-- CreateIndex
CREATE UNIQUE INDEX "Channel_shop_kind_remoteAccount_key" ON "Channel"("shop", "kind", "remoteAccount");

-- CreateIndex
CREATE INDEX "ConnectionCode_shop_idx" ON "ConnectionCode"("shop");

-- CreateIndex
CREATE INDEX "ChannelListing_shop_inventoryItemId_idx" ON "ChannelListing"("shop", "inventoryItemId");

-- CreateIndex
CREATE UNIQUE INDEX "ChannelListing_channelId_remoteListingId_key" ON "ChannelListing"("channelId", "remoteListingId");

-- CreateIndex
CREATE UNIQUE INDEX "PushJob_listingId_key" ON "PushJob"("listingId");

-- CreateIndex
CREATE INDEX "PushJob_status_availableAt_idx" ON "PushJob"("status", "availableAt");

-- CreateIndex
CREATE INDEX "PushJob_shop_channelId_idx" ON "PushJob"("shop", "channelId");

-- CreateIndex
CREATE INDEX "Reservation_shop_inventoryItemId_idx" ON "Reservation"("shop", "inventoryItemId");

-- CreateIndex
CREATE UNIQUE INDEX "Reservation_channelId_externalRef_key" ON "Reservation"("channelId", "externalRef");

