-- AlterTable
ALTER TABLE "InventoryRefresh" ADD COLUMN "lockedBy" TEXT;
ALTER TABLE "InventoryRefresh" ADD COLUMN "lockedUntil" DATETIME;

-- CreateTable
CREATE TABLE "ListingComponent" (
    "shop" TEXT NOT NULL,
    "listingId" TEXT NOT NULL,
    "inventoryItemId" TEXT NOT NULL,
    "quantity" INTEGER NOT NULL,

    PRIMARY KEY ("listingId", "inventoryItemId")
);

-- CreateTable
CREATE TABLE "ChannelRuleOverride" (
    "shop" TEXT NOT NULL,
    "channelId" TEXT NOT NULL,
    "inventoryItemId" TEXT NOT NULL,
    "rule" TEXT NOT NULL,
    "updatedAt" DATETIME NOT NULL,

    PRIMARY KEY ("channelId", "inventoryItemId")
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Location" (
    "shop" TEXT NOT NULL,
    "locationId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "isActive" BOOLEAN NOT NULL DEFAULT true,
    "fulfillsOnlineOrders" BOOLEAN NOT NULL DEFAULT false,
    "city" TEXT,
    "countryCode" TEXT,
    "latitude" REAL,
    "longitude" REAL,
    "pickupTime" TEXT,
    "address1" TEXT,
    "zip" TEXT,
    "country" TEXT,
    "safetyStock" INTEGER,
    "storefrontVisible" BOOLEAN NOT NULL DEFAULT true,
    "openingHours" TEXT,
    "updatedAt" DATETIME NOT NULL,

    PRIMARY KEY ("shop", "locationId")
);
INSERT INTO "new_Location" ("city", "countryCode", "fulfillsOnlineOrders", "isActive", "latitude", "locationId", "longitude", "name", "pickupTime", "shop", "updatedAt") SELECT "city", "countryCode", "fulfillsOnlineOrders", "isActive", "latitude", "locationId", "longitude", "name", "pickupTime", "shop", "updatedAt" FROM "Location";
DROP TABLE "Location";
ALTER TABLE "new_Location" RENAME TO "Location";
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "ListingComponent_shop_inventoryItemId_idx" ON "ListingComponent"("shop", "inventoryItemId");

-- CreateIndex
CREATE INDEX "ChannelRuleOverride_shop_idx" ON "ChannelRuleOverride"("shop");

