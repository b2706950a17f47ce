import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "../../app/db.server";
import { importShop, refreshItems } from "../../app/inventory/mirror.server";
import { createAdminClient, type AdminClient } from "../../app/shopify/admin-client.server";
import type { RunningDevStore } from "../../devstore/server";
import { startFixtureDevStore, type Fixture } from "../support/devstore";

// The mirror against the dev store over HTTP: what Shopify holds, read through the real Admin API path.

let devstore: RunningDevStore & { fixture: Fixture };
let admin: AdminClient;

beforeAll(async () => {
  devstore = await startFixtureDevStore();
  const { accessToken } = devstore.install(devstore.fixture.shop);
  admin = createAdminClient({ shop: devstore.fixture.shop, accessToken, origin: devstore.url });
});
afterAll(() => devstore.close());

async function sell(variantId: string, quantity: number, locationId?: string) {
  const response = await fetch(`${devstore.url}/_devstore/shops/${devstore.fixture.shop}/sales`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ lineItems: [{ variantId, quantity }], ...(locationId ? { locationId } : {}) }),
  });
  expect(response.status).toBe(201);
}

/** The mirror equals the dev store's own state, quantity by quantity. */
async function expectMirrorMatchesDevStore() {
  const shop = devstore.store.shop(devstore.fixture.shop);
  for (const level of shop.inventoryLevels.values()) {
    const mirrored = await db().inventoryLevel.findUniqueOrThrow({
      where: { shop_inventoryItemId_locationId: { shop: shop.domain, inventoryItemId: level.inventoryItemId, locationId: level.locationId } },
    });
    expect(mirrored).toMatchObject({ available: level.quantities.available, committed: level.quantities.committed });
  }
}

/** Every mirrored quantity equals the sum of its ledger entries. */
async function expectLedgerBalances() {
  const levels = await db().inventoryLevel.findMany({ where: { shop: devstore.fixture.shop } });
  const sums = await db().inventoryLedgerEntry.groupBy({
    by: ["inventoryItemId", "locationId", "quantityName"],
    where: { shop: devstore.fixture.shop },
    _sum: { delta: true },
  });
  const sum = (item: string, location: string, name: string) =>
    sums.find((s) => s.inventoryItemId === item && s.locationId === location && s.quantityName === name)?._sum.delta ?? 0;
  for (const level of levels) {
    expect(sum(level.inventoryItemId, level.locationId, "available")).toBe(level.available);
    expect(sum(level.inventoryItemId, level.locationId, "committed")).toBe(level.committed);
    expect(sum(level.inventoryItemId, level.locationId, "on_hand")).toBe(level.onHand);
  }
}

describe("inventory mirror", () => {
  it("imports every location and item with all its named quantities", async () => {
    const progress: number[] = [];
    const result = await importShop(db(), admin, "initial import", (p) => progress.push(p.itemsRead));
    expect(result.itemsRead).toBe(3);
    expect(progress.at(-1)).toBe(3);
    expect(await db().location.count({ where: { shop: devstore.fixture.shop } })).toBe(2);
    const tee = await db().inventoryItem.findUniqueOrThrow({
      where: { shop_inventoryItemId: { shop: devstore.fixture.shop, inventoryItemId: devstore.fixture.items.tee.inventoryItemId } },
    });
    expect(tee).toMatchObject({ sku: "TEE-BLK-M", skuKey: "TEE-BLK-M", variantId: devstore.fixture.items.tee.variantId, productTitle: "Organic Tee" });
    await expectMirrorMatchesDevStore();
    await expectLedgerBalances();
  });

  it("re-reads an item after a sale and records the difference in the ledger, once", async () => {
    const { tee } = devstore.fixture.items;
    await sell(tee.variantId, 2);
    const first = await refreshItems(db(), admin, [tee.inventoryItemId], "webhook orders/create");
    // available -2 and committed +2 at the warehouse; on_hand unchanged.
    expect(first).toEqual({ items: 1, changes: 2, changedItemIds: [tee.inventoryItemId] });
    const again = await refreshItems(db(), admin, [tee.inventoryItemId], "webhook inventory_levels/update");
    expect(again).toEqual({ items: 1, changes: 0, changedItemIds: [] });
    const entries = await db().inventoryLedgerEntry.findMany({
      where: { shop: devstore.fixture.shop, inventoryItemId: tee.inventoryItemId, cause: "webhook orders/create" },
    });
    expect(entries.map((e) => [e.quantityName, e.delta]).sort()).toEqual([
      ["available", -2],
      ["committed", 2],
    ]);
    await expectMirrorMatchesDevStore();
    await expectLedgerBalances();
  });

  it("records a change once when several workers read it at the same time", async () => {
    const { mug, cap } = devstore.fixture.items;
    await sell(cap.variantId, 3, devstore.fixture.retail);
    await sell(mug.variantId, 1);
    const results = await Promise.all(
      Array.from({ length: 4 }, () => refreshItems(db(), admin, [mug.inventoryItemId, cap.inventoryItemId], "concurrent")),
    );
    // Between them, the four readers found the four differences exactly once.
    expect(results.reduce((sum, r) => sum + r.changes, 0)).toBe(4);
    await expectMirrorMatchesDevStore();
    await expectLedgerBalances();
  });
});
