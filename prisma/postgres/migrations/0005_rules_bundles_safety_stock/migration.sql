-- AlterTable
ALTER TABLE "InventoryRefresh" ADD COLUMN     "lockedBy" TEXT,
ADD COLUMN     "lockedUntil" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "Location" ADD COLUMN     "address1" TEXT,
ADD COLUMN     "country" TEXT,
ADD COLUMN     "openingHours" TEXT,
ADD COLUMN     "safetyStock" INTEGER,
ADD COLUMN     "storefrontVisible" BOOLEAN NOT NULL DEFAULT true,
ADD COLUMN     "zip" TEXT;

-- CreateTable
CREATE TABLE "ListingComponent" (
    "shop" TEXT NOT NULL,
    "listingId" TEXT NOT NULL,
    "inventoryItemId" TEXT NOT NULL,
    "quantity" INTEGER NOT NULL,

    CONSTRAINT "ListingComponent_pkey" PRIMARY KEY ("listingId","inventoryItemId")
);

-- CreateTable
CREATE TABLE "ChannelRuleOverride" (
    "shop" TEXT NOT NULL,
    "channelId" TEXT NOT NULL,
    "inventoryItemId" TEXT NOT NULL,
    "rule" TEXT NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ChannelRuleOverride_pkey" PRIMARY KEY ("channelId","inventoryItemId")
);

-- CreateIndex
CREATE INDEX "ListingComponent_shop_inventoryItemId_idx" ON "ListingComponent"("shop", "inventoryItemId");

-- CreateIndex
CREATE INDEX "ChannelRuleOverride_shop_idx" ON "ChannelRuleOverride"("shop");

