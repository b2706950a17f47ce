import { describe, expect, it } from "vitest";
import { itemStockFrom, sqliteDate, type StockRow } from "../../app/storefront-proxy/stock-reader.server";

// The storefront stock reader's row handling, without a database (test/integration/storefront-stock-reader.test.ts
// compares its answers with Prisma's on SQLite and PostgreSQL).

describe("sqliteDate", () => {
  it.each<[string, string | number | bigint]>([
    ["Prisma's ISO text with +00:00", "2026-11-20T10:11:12.345+00:00"],
    ["ISO text with Z", "2026-11-20T10:11:12.345Z"],
    ["epoch milliseconds (the adapter's unixepoch-ms format)", Date.UTC(2026, 10, 20, 10, 11, 12, 345)],
    ["epoch milliseconds as a bigint", BigInt(Date.UTC(2026, 10, 20, 10, 11, 12, 345))],
    ["CURRENT_TIMESTAMP's UTC text without a zone", "2026-11-20 10:11:12.345"],
  ])("reads %s as the same instant", (_label, stored) => {
    expect(sqliteDate(stored).toISOString()).toBe("2026-11-20T10:11:12.345Z");
  });

  it("keeps an explicit offset", () => {
    expect(sqliteDate("2026-11-20T12:11:12.345+02:00").toISOString()).toBe("2026-11-20T10:11:12.345Z");
  });
});

describe("itemStockFrom", () => {
  const row = (inventoryItemId: string, level: [string, number] | null): StockRow => ({
    inventoryItemId,
    tracked: true,
    inventoryPolicy: "DENY",
    locationId: level?.[0] ?? null,
    available: level?.[1] ?? null,
    observedAt: level ? new Date(0) : null,
  });

  it("gives null for no rows, and no levels for the single row of an item without levels", () => {
    expect(itemStockFrom([])).toBeNull();
    expect(itemStockFrom([row("1", null)])).toEqual({ inventoryItemId: "1", tracked: true, inventoryPolicy: "DENY", levels: [] });
  });

  it("keeps the levels of the item whose id sorts first, whatever order the rows come in", () => {
    const stock = itemStockFrom([row("2", ["c", 9]), row("1", ["a", 3]), row("2", ["d", 1]), row("1", ["b", 0])]);
    expect(stock!.inventoryItemId).toBe("1");
    expect(stock!.levels.map((l) => [l.locationId, l.available])).toEqual([["a", 3], ["b", 0]]);
  });
});
