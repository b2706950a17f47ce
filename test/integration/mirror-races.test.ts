import pg from "pg";
import { describe, expect, it } from "vitest";
import { db } from "../../app/db.server";
import type { ShopifyInventoryItem } from "../../app/inventory/admin-operations";
import { recordApplied, refreshItems } from "../../app/inventory/mirror.server";
import type { AdminClient } from "../../app/shopify/admin-client.server";
import { testShop } from "../support/shopify";

// Two writers of one inventory level: a worker recording a change we made in Shopify (from the mutation's
// answer) and another worker storing a re-read. SQLite lets one writer in at a time; PostgreSQL lets both read
// the same old row, so each must compare-and-set or the ledger counts a change twice.

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function ledgerSum(key: { shop: string; inventoryItemId: string; locationId: string }) {
  const sum = await db().inventoryLedgerEntry.aggregate({ where: { ...key, quantityName: "available" }, _sum: { delta: true } });
  return sum._sum.delta ?? 0;
}

describe.runIf(process.env.OMNISTOCK_TEST_DATABASE === "postgresql")("recording our own change while a re-read writes the level", () => {
  it("counts each change once: the ledger still adds up to the level", async () => {
    const key = { shop: testShop(), inventoryItemId: "501", locationId: "11" };
    await db().inventoryLevel.create({ data: { ...key, available: 10, onHand: 10, observedAt: new Date(Date.now() - 60_000) } });
    await db().inventoryLedgerEntry.create({
      data: { ...key, quantityName: "available", delta: 10, quantityAfter: 10, kind: "observed", cause: "initial import", idempotencyKey: `seed:${key.shop}` },
    });

    // Another worker stores a re-read that found a sale at the till (10 -> 7) and holds the row, uncommitted.
    const other = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await other.connect();
    try {
      await other.query("BEGIN");
      await other.query(
        `UPDATE "InventoryLevel" SET "available" = 7, "onHand" = 7, "observedAt" = now() WHERE "shop" = $1 AND "inventoryItemId" = $2 AND "locationId" = $3`,
        [key.shop, key.inventoryItemId, key.locationId],
      );
      await other.query(
        `INSERT INTO "InventoryLedgerEntry" ("shop", "inventoryItemId", "locationId", "quantityName", "delta", "quantityAfter", "kind", "cause", "idempotencyKey")
         VALUES ($1, $2, $3, 'available', -3, 7, 'observed', 'webhook inventory_levels/update', $4)`,
        [key.shop, key.inventoryItemId, key.locationId, `observed:${key.shop}`],
      );

      // Meanwhile our sale of 2 was applied in Shopify after the till's sale: 7 -> 5. Recording it reads the
      // level as committed (10) and then waits for the other worker's row lock.
      const recording = recordApplied(db(), { ...key, delta: -2, quantityAfter: 5, cause: "sale #1001 on Outlet", idempotencyKey: `sale:${key.shop}` });
      await sleep(300);
      await other.query("COMMIT");
      await recording;
    } finally {
      await other.end();
    }

    const level = await db().inventoryLevel.findUniqueOrThrow({ where: { shop_inventoryItemId_locationId: key } });
    expect(level.available).toBe(5);
    // 10 (import) - 3 (the till, seen once) - 2 (our sale) = 5; a double count of the till's sale would give 2.
    expect(await ledgerSum(key)).toBe(5);
    const entries = await db().inventoryLedgerEntry.findMany({ where: { ...key, quantityName: "available" }, orderBy: { id: "asc" } });
    expect(entries.map((e) => [e.kind, e.delta])).toEqual([
      ["observed", 10],
      ["observed", -3],
      ["applied", -2],
    ]);
  });
});

/** An Admin API that answers an item read with `available` once `release` is called: a read on its way. */
function slowAdmin(shop: string, inventoryItemId: string, locationId: string, available: number) {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const item: ShopifyInventoryItem = {
    id: `gid://shopify/InventoryItem/${inventoryItemId}`,
    sku: "TEE-BLK-M",
    tracked: true,
    variants: { nodes: [{ id: "gid://shopify/ProductVariant/7001", title: "M", barcode: null, inventoryPolicy: "DENY", product: { id: "gid://shopify/Product/70", title: "Tee" } }] },
    inventoryLevels: {
      nodes: [{ location: { id: `gid://shopify/Location/${locationId}` }, quantities: [{ name: "available", quantity: available }, { name: "on_hand", quantity: available }] }],
    },
  };
  const admin = {
    shop,
    run: async () => {
      await released;
      return { data: { nodes: [item] } };
    },
  } as unknown as AdminClient;
  return { admin, release };
}

describe("a re-read that crosses our own write", () => {
  it("keeps the newer level and asks for a fresh read instead of storing what the older read said", async () => {
    const key = { shop: testShop(), inventoryItemId: "601", locationId: "11" };
    await db().inventoryItem.create({ data: { shop: key.shop, inventoryItemId: key.inventoryItemId, sku: "TEE-BLK-M", tracked: true } });
    await db().inventoryLevel.create({ data: { ...key, available: 10, onHand: 10, observedAt: new Date(Date.now() - 60_000) } });
    await db().inventoryLedgerEntry.create({
      data: { ...key, quantityName: "available", delta: 10, quantityAfter: 10, kind: "observed", cause: "initial import", idempotencyKey: `seed:${key.shop}` },
    });

    // A re-read is asked for; Shopify answers with the level as it was (10) before our sale of 2 landed...
    const { admin, release } = slowAdmin(key.shop, key.inventoryItemId, key.locationId, 10);
    const reading = refreshItems(db(), admin, [key.inventoryItemId], "webhook inventory_levels/update");
    await sleep(20);
    // ...and our sale is recorded from its mutation's answer (10 -> 8) before that answer is stored.
    await recordApplied(db(), { ...key, delta: -2, quantityAfter: 8, cause: "sale #1002 on Outlet", idempotencyKey: `sale:${key.shop}` });
    release();
    await reading;

    const level = await db().inventoryLevel.findUniqueOrThrow({ where: { shop_inventoryItemId_locationId: key } });
    expect(level.available).toBe(8);
    expect(await ledgerSum(key)).toBe(8);
    // Not trusted, not dropped: the item is read again.
    const refresh = await db().inventoryRefresh.findUnique({ where: { shop_inventoryItemId: { shop: key.shop, inventoryItemId: key.inventoryItemId } } });
    expect(refresh?.cause).toContain("read again");
  });

  it("stores a read asked for after our write as usual", async () => {
    const key = { shop: testShop(), inventoryItemId: "602", locationId: "11" };
    await db().inventoryItem.create({ data: { shop: key.shop, inventoryItemId: key.inventoryItemId, sku: "TEE-BLK-L", tracked: true } });
    await db().inventoryLevel.create({ data: { ...key, available: 10, onHand: 10, observedAt: new Date(Date.now() - 60_000) } });
    await recordApplied(db(), { ...key, delta: -2, quantityAfter: 8, cause: "sale #1003 on Outlet", idempotencyKey: `sale:${key.shop}` });
    await sleep(5);
    const { admin, release } = slowAdmin(key.shop, key.inventoryItemId, key.locationId, 7);
    release();
    await refreshItems(db(), admin, [key.inventoryItemId], "webhook inventory_levels/update");
    const level = await db().inventoryLevel.findUniqueOrThrow({ where: { shop_inventoryItemId_locationId: key } });
    expect(level.available).toBe(7);
    expect(await db().inventoryRefresh.count({ where: { shop: key.shop } })).toBe(0);
  });
});
