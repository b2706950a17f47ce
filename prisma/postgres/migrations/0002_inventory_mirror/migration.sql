-- CreateTable
CREATE TABLE "Location" (
    "shop" TEXT NOT NULL,
    "locationId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "isActive" BOOLEAN NOT NULL DEFAULT true,
    "fulfillsOnlineOrders" BOOLEAN NOT NULL DEFAULT false,
    "city" TEXT,
    "countryCode" TEXT,
    "latitude" DOUBLE PRECISION,
    "longitude" DOUBLE PRECISION,
    "pickupTime" TEXT,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Location_pkey" PRIMARY KEY ("shop","locationId")
);

-- CreateTable
CREATE TABLE "InventoryItem" (
    "shop" TEXT NOT NULL,
    "inventoryItemId" TEXT NOT NULL,
    "variantId" TEXT,
    "productId" TEXT,
    "productTitle" TEXT,
    "variantTitle" TEXT,
    "sku" TEXT,
    "skuKey" TEXT,
    "barcode" TEXT,
    "tracked" BOOLEAN NOT NULL DEFAULT true,
    "inventoryPolicy" TEXT NOT NULL DEFAULT 'DENY',
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "InventoryItem_pkey" PRIMARY KEY ("shop","inventoryItemId")
);

-- CreateTable
CREATE TABLE "InventoryLevel" (
    "shop" TEXT NOT NULL,
    "inventoryItemId" TEXT NOT NULL,
    "locationId" TEXT NOT NULL,
    "available" INTEGER NOT NULL DEFAULT 0,
    "committed" INTEGER NOT NULL DEFAULT 0,
    "reserved" INTEGER NOT NULL DEFAULT 0,
    "incoming" INTEGER NOT NULL DEFAULT 0,
    "onHand" INTEGER NOT NULL DEFAULT 0,
    "damaged" INTEGER NOT NULL DEFAULT 0,
    "qualityControl" INTEGER NOT NULL DEFAULT 0,
    "safetyStock" INTEGER NOT NULL DEFAULT 0,
    "observedAt" TIMESTAMP(3) NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "InventoryLevel_pkey" PRIMARY KEY ("shop","inventoryItemId","locationId")
);

-- CreateTable
CREATE TABLE "InventoryLedgerEntry" (
    "id" SERIAL NOT NULL,
    "shop" TEXT NOT NULL,
    "inventoryItemId" TEXT NOT NULL,
    "locationId" TEXT NOT NULL,
    "quantityName" TEXT NOT NULL,
    "delta" INTEGER NOT NULL,
    "quantityAfter" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "cause" TEXT NOT NULL,
    "idempotencyKey" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "InventoryLedgerEntry_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "InventoryRefresh" (
    "shop" TEXT NOT NULL,
    "inventoryItemId" TEXT NOT NULL,
    "cause" TEXT NOT NULL,
    "requestedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "InventoryRefresh_pkey" PRIMARY KEY ("shop","inventoryItemId")
);

-- CreateIndex
CREATE INDEX "InventoryItem_shop_skuKey_idx" ON "InventoryItem"("shop", "skuKey");

-- CreateIndex
CREATE INDEX "InventoryLevel_shop_locationId_idx" ON "InventoryLevel"("shop", "locationId");

-- CreateIndex
CREATE UNIQUE INDEX "InventoryLedgerEntry_idempotencyKey_key" ON "InventoryLedgerEntry"("idempotencyKey");

-- CreateIndex
CREATE INDEX "InventoryLedgerEntry_shop_inventoryItemId_locationId_id_idx" ON "InventoryLedgerEntry"("shop", "inventoryItemId", "locationId", "id");

-- CreateIndex
CREATE INDEX "InventoryRefresh_requestedAt_idx" ON "InventoryRefresh"("requestedAt");

