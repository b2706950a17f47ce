-- CreateIndex
CREATE INDEX "InventoryItem_shop_variantId_idx" ON "InventoryItem"("shop", "variantId");

