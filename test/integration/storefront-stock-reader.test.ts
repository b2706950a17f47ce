import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { databaseUrl, db } from "../../app/db.server";
import { recordApplied } from "../../app/inventory/mirror.server";
import { closeStockReaders, stockReader, type ItemStock } from "../../app/storefront-proxy/stock-reader.server";
import { testShop } from "../support/shopify";

// The storefront availability endpoint reads stock through its own prepared query, not Prisma. Whatever Prisma
// wrote (and reads back), the reader must read the same: quantities, policies and observedAt to the millisecond,
// and nothing from another shop.

// Away from UTC, so a date read in the process's local zone (node-postgres does that with timestamp columns)
// would be hours off and fail here.
const zone = process.env.TZ;
beforeAll(() => {
  process.env.TZ = "America/Sao_Paulo";
});
afterAll(async () => {
  if (zone === undefined) delete process.env.TZ;
  else process.env.TZ = zone;
  await closeStockReaders();
});

const reader = () => stockReader(databaseUrl());

/** The same read through Prisma, as availability.server.ts made it before the reader existed. */
async function prismaStock(shop: string, variantId: string): Promise<ItemStock | null> {
  const item = await db().inventoryItem.findFirst({ where: { shop, variantId }, select: { inventoryItemId: true, tracked: true, inventoryPolicy: true } });
  if (!item) return null;
  const levels = await db().inventoryLevel.findMany({
    where: { shop, inventoryItemId: item.inventoryItemId },
    select: { locationId: true, available: true, observedAt: true },
    orderBy: { locationId: "asc" },
  });
  return { ...item, levels };
}

/** The reader's answer, levels sorted by location (it gives them in no particular order). */
async function readSorted(shop: string, variantId: string): Promise<ItemStock | null> {
  const stock = await reader().read(shop, variantId);
  return stock && { ...stock, levels: [...stock.levels].sort((a, b) => a.locationId.localeCompare(b.locationId)) };
}

async function expectReaderAgrees(shop: string, variantId: string): Promise<ItemStock | null> {
  const expected = await prismaStock(shop, variantId);
  const actual = await readSorted(shop, variantId);
  expect(actual).toEqual(expected);
  // toEqual compares Dates by time; say so explicitly, since a zone slip would be whole hours.
  expect(actual?.levels.map((l) => l.observedAt.getTime())).toEqual(expected?.levels.map((l) => l.observedAt.getTime()));
  return actual;
}

async function seedItem(shop: string, variantId: string, levels: [locationId: string, available: number, observedAt: Date][], extra: { tracked?: boolean; inventoryPolicy?: string } = {}) {
  const inventoryItemId = `9${variantId}`;
  await db().inventoryItem.create({ data: { shop, inventoryItemId, variantId, sku: `SKU-${variantId}`, skuKey: `sku-${variantId}`, ...extra } });
  for (const [locationId, available, observedAt] of levels) {
    await db().inventoryLevel.create({ data: { shop, inventoryItemId, locationId, available, onHand: Math.max(0, available), observedAt } });
  }
  return inventoryItemId;
}

describe("the storefront stock reader", () => {
  it("reads an item with several levels exactly as Prisma does, observedAt to the millisecond", async () => {
    const shop = testShop();
    await seedItem(shop, "701", [
      ["1", 40, new Date("2026-11-20T10:11:12.345Z")],
      ["2", 0, new Date("2026-11-21T23:59:59.999Z")],
      ["3", -2, new Date("2026-01-01T00:00:00.001Z")],
    ]);
    const stock = await expectReaderAgrees(shop, "701");
    expect(stock).toMatchObject({ inventoryItemId: "9701", tracked: true, inventoryPolicy: "DENY" });
    expect(stock!.levels.map((l) => [l.locationId, l.available, l.observedAt.toISOString()])).toEqual([
      ["1", 40, "2026-11-20T10:11:12.345Z"],
      ["2", 0, "2026-11-21T23:59:59.999Z"],
      ["3", -2, "2026-01-01T00:00:00.001Z"],
    ]);
  });

  it("reads an item without levels, and the policies that make an item always available", async () => {
    const shop = testShop();
    await seedItem(shop, "702", [], { tracked: false });
    await seedItem(shop, "703", [["1", 0, new Date()]], { inventoryPolicy: "CONTINUE" });
    expect(await expectReaderAgrees(shop, "702")).toEqual({ inventoryItemId: "9702", tracked: false, inventoryPolicy: "DENY", levels: [] });
    expect(await expectReaderAgrees(shop, "703")).toMatchObject({ tracked: true, inventoryPolicy: "CONTINUE" });
  });

  it("finds nothing for an unknown variant or another shop's variant, even when this shop has the same item id", async () => {
    const mine = testShop();
    const theirs = testShop();
    await seedItem(theirs, "704", [["1", 5, new Date()]]);
    expect(await reader().read(theirs, "704")).not.toBeNull();
    expect(await expectReaderAgrees(mine, "704")).toBeNull();
    expect(await expectReaderAgrees(theirs, "99999")).toBeNull();

    // Same inventory item id in both shops, different variants: levels never cross shops.
    await db().inventoryItem.create({ data: { shop: mine, inventoryItemId: "9704", variantId: "705" } });
    await db().inventoryLevel.create({ data: { shop: mine, inventoryItemId: "9704", locationId: "7", available: 3, observedAt: new Date() } });
    const own = await expectReaderAgrees(mine, "705");
    expect(own!.levels.map((l) => [l.locationId, l.available])).toEqual([["7", 3]]);
    expect(await expectReaderAgrees(mine, "704")).toBeNull();
  });

  it("sees every change Prisma makes: quantities, a sale through the mirror, levels added and removed, the policy", async () => {
    const shop = testShop();
    const itemId = await seedItem(shop, "706", [
      ["1", 10, new Date("2026-11-20T08:00:00.000Z")],
      ["2", 4, new Date("2026-11-20T08:00:00.000Z")],
    ]);
    await expectReaderAgrees(shop, "706");

    await db().inventoryLevel.update({
      where: { shop_inventoryItemId_locationId: { shop, inventoryItemId: itemId, locationId: "1" } },
      data: { available: 7, observedAt: new Date("2026-11-22T09:30:15.250Z") },
    });
    const before = Date.now();
    await recordApplied(db(), { shop, inventoryItemId: itemId, locationId: "2", delta: -1, quantityAfter: 3, cause: "test sale", idempotencyKey: `sale-${shop}` });
    let stock = await expectReaderAgrees(shop, "706");
    expect(stock!.levels.map((l) => [l.locationId, l.available])).toEqual([["1", 7], ["2", 3]]);
    expect(stock!.levels[1]!.observedAt.getTime()).toBeGreaterThanOrEqual(before - 5);

    await db().inventoryLevel.create({ data: { shop, inventoryItemId: itemId, locationId: "3", available: 12, observedAt: new Date() } });
    await db().inventoryLevel.delete({ where: { shop_inventoryItemId_locationId: { shop, inventoryItemId: itemId, locationId: "1" } } });
    await db().inventoryItem.update({ where: { shop_inventoryItemId: { shop, inventoryItemId: itemId } }, data: { tracked: false, inventoryPolicy: "CONTINUE" } });
    stock = await expectReaderAgrees(shop, "706");
    expect(stock).toMatchObject({ tracked: false, inventoryPolicy: "CONTINUE" });
    expect(stock!.levels.map((l) => [l.locationId, l.available])).toEqual([["2", 3], ["3", 12]]);

    await db().inventoryLevel.deleteMany({ where: { shop, inventoryItemId: itemId } });
    expect(await expectReaderAgrees(shop, "706")).toMatchObject({ levels: [] });
    await db().inventoryItem.delete({ where: { shop_inventoryItemId: { shop, inventoryItemId: itemId } } });
    expect(await expectReaderAgrees(shop, "706")).toBeNull();
  });

  it("takes the item whose id sorts first, with only its levels, should the mirror hold two items for one variant", async () => {
    const shop = testShop();
    await db().inventoryItem.createMany({ data: [{ shop, inventoryItemId: "82", variantId: "707" }, { shop, inventoryItemId: "81", variantId: "707" }] });
    await db().inventoryLevel.createMany({
      data: [
        { shop, inventoryItemId: "82", locationId: "1", available: 1, observedAt: new Date() },
        { shop, inventoryItemId: "81", locationId: "2", available: 2, observedAt: new Date() },
      ],
    });
    const stock = await reader().read(shop, "707");
    expect(stock!.inventoryItemId).toBe("81");
    expect(stock!.levels.map((l) => [l.locationId, l.available])).toEqual([["2", 2]]);
  });

  it("reads committed stock while a writer holds its transaction open, without waiting for it", async () => {
    const shop = testShop();
    const itemId = await seedItem(shop, "708", [["1", 6, new Date("2026-11-20T08:00:00.000Z")]]);
    await db().$transaction(async (tx) => {
      await tx.inventoryLevel.update({
        where: { shop_inventoryItemId_locationId: { shop, inventoryItemId: itemId, locationId: "1" } },
        data: { available: 5, observedAt: new Date() },
      });
      // The write lock is held (SQLite) or the row is locked (PostgreSQL): the reader sees the last commit.
      const during = await reader().read(shop, "708");
      expect(during!.levels.map((l) => [l.available, l.observedAt.toISOString()])).toEqual([[6, "2026-11-20T08:00:00.000Z"]]);
    });
    expect((await expectReaderAgrees(shop, "708"))!.levels[0]!.available).toBe(5);
  });
});

describe.runIf(process.env.OMNISTOCK_TEST_DATABASE === "postgresql")("the storefront stock reader on PostgreSQL", () => {
  it("keeps reading after the server closes its connections (a restart or failover), without crashing the process", async () => {
    const shop = testShop();
    await seedItem(shop, "709", [["1", 6, new Date()]]);
    await expectReaderAgrees(shop, "709");

    const terminated = await db().$queryRawUnsafe<{ n: bigint }[]>(
      `SELECT count(pg_terminate_backend(pid)) AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`,
    );
    expect(Number(terminated[0]!.n)).toBeGreaterThanOrEqual(1);
    await new Promise((resolve) => setTimeout(resolve, 200));

    expect(await expectReaderAgrees(shop, "709")).not.toBeNull();
  });
});
