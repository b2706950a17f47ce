import BetterSqlite3 from "better-sqlite3";
import { createPgPool } from "../db/adapters";
import { databaseKindOf, sqliteFilePath } from "../db/url";
import { logger } from "../observability/logger.server";

// A storefront availability cache miss is the endpoint's hot path: every shopper opening a product nobody looked
// at in the last seconds costs one. Through the ORM it took two queries, each compiled in WASM (~3 ms of CPU per
// miss); this reader keeps one prepared statement on its own read-only connection that returns the item and all
// its levels in one round trip. Everything else reads InventoryItem and InventoryLevel through Prisma; the
// columns here must match prisma/schema.prisma (a test compares this reader's answers with Prisma's).

export interface LevelStock {
  locationId: string;
  available: number;
  /** When the mirror last read this level from Shopify. */
  observedAt: Date;
}

export interface ItemStock {
  inventoryItemId: string;
  tracked: boolean;
  inventoryPolicy: string;
  levels: LevelStock[];
}

export interface StockReader {
  /** The shop's item for a variant with all its levels; null when the shop has no item for it. */
  read(shop: string, variantId: string): Promise<ItemStock | null>;
  close(): Promise<void>;
}

/** One row of the join: the item's columns, and one level's (all null for an item without levels). */
export interface StockRow {
  inventoryItemId: string;
  tracked: boolean;
  inventoryPolicy: string;
  locationId: string | null;
  available: number | null;
  observedAt: Date | null;
}

// Scoped to the shop on both tables: a variant id of another shop finds nothing. Uses InventoryItem's
// [shop, variantId] index, then InventoryLevel's primary key [shop, inventoryItemId, locationId]. No ORDER BY:
// ordering by item id leads SQLite to walk all the shop's items in primary key order instead of using the
// variant index (0.18 ms a read instead of 0.045 ms at 600 items a shop, and growing with the catalogue).
function sql(placeholder: (index: number) => string, observedAt: string): string {
  return `SELECT i."inventoryItemId", i."tracked", i."inventoryPolicy", l."locationId", l."available", ${observedAt} AS "observedAt"
          FROM "InventoryItem" i
          LEFT JOIN "InventoryLevel" l ON l."shop" = i."shop" AND l."inventoryItemId" = i."inventoryItemId"
          WHERE i."shop" = ${placeholder(1)} AND i."variantId" = ${placeholder(2)}`;
}

/**
 * The item and its levels from the join's rows (levels in no particular order). Shopify gives a variant one
 * inventory item; should the mirror ever hold two for one variant, the one whose id sorts first is taken.
 */
export function itemStockFrom(rows: readonly StockRow[]): ItemStock | null {
  let first = rows[0];
  if (!first) return null;
  for (const row of rows) if (row.inventoryItemId < first.inventoryItemId) first = row;
  const levels: LevelStock[] = [];
  for (const row of rows) {
    if (row.inventoryItemId !== first.inventoryItemId || row.locationId === null || row.observedAt === null) continue;
    levels.push({ locationId: row.locationId, available: row.available ?? 0, observedAt: row.observedAt });
  }
  return { inventoryItemId: first.inventoryItemId, tracked: first.tracked, inventoryPolicy: first.inventoryPolicy, levels };
}

const SQLITE_UTC_WITHOUT_ZONE = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/;

/**
 * A DateTime as SQLite holds it: Prisma's adapter writes ISO 8601 text with an explicit +00:00 (or epoch
 * milliseconds with its unixepoch-ms format); SQL's CURRENT_TIMESTAMP writes UTC text without a zone.
 */
export function sqliteDate(value: string | number | bigint): Date {
  if (typeof value !== "string") return new Date(Number(value));
  return new Date(SQLITE_UTC_WITHOUT_ZONE.test(value) ? `${value.replace(" ", "T")}Z` : value);
}

interface SqliteRow {
  inventoryItemId: string;
  tracked: number;
  inventoryPolicy: string;
  locationId: string | null;
  available: number | null;
  observedAt: string | number | null;
}

interface PgRow {
  inventoryItemId: string;
  tracked: boolean;
  inventoryPolicy: string;
  locationId: string | null;
  available: number | null;
  observedAt: number | null;
}

export function createStockReader(url: string): StockReader {
  if (databaseKindOf(url) === "postgresql") {
    const pool = createPgPool(url, 4, (error) =>
      logger.warn("PostgreSQL closed an idle storefront stock-reader connection; the next availability read opens a new one", { error }),
    );
    // Epoch milliseconds computed by the server: Prisma's timestamp(3) columns hold UTC without a zone, which
    // node-postgres would otherwise read in the process's local time zone.
    const text = sql((i) => `$${i}`, `(extract(epoch from l."observedAt") * 1000)::float8`);
    return {
      read: async (shop, variantId) => {
        // Named: each pooled connection prepares it once, then only binds and executes.
        const { rows } = await pool.query<PgRow>({ name: "omnistock_storefront_stock", text, values: [shop, variantId] });
        return itemStockFrom(rows.map((row) => ({ ...row, observedAt: row.observedAt === null ? null : new Date(row.observedAt) })));
      },
      close: () => pool.end(),
    };
  }
  // Read-only: this connection can never write. The busy timeout makes it wait, not fail, in the rare moments
  // SQLite locks readers out (recovering the WAL after a crash).
  const connection = new BetterSqlite3(sqliteFilePath(url), { readonly: true, timeout: 10_000 });
  const statement = connection.prepare<[string, string], SqliteRow>(sql(() => "?", `l."observedAt"`));
  return {
    read: async (shop, variantId) =>
      itemStockFrom(
        statement.all(shop, variantId).map((row) => ({
          ...row,
          tracked: row.tracked !== 0,
          observedAt: row.observedAt === null ? null : sqliteDate(row.observedAt),
        })),
      ),
    close: async () => void connection.close(),
  };
}

// On globalThis: Remix's server build and server/main.ts load their own copies of this module, and both should
// share one connection (SQLite) or pool (PostgreSQL) per database.
const KEY = Symbol.for("omnistock.stockReaders");
const readers = ((globalThis as unknown as Record<symbol, Map<string, StockReader>>)[KEY] ??= new Map());

/** The process-wide stock reader for a database URL. */
export function stockReader(url: string): StockReader {
  let reader = readers.get(url);
  if (!reader) readers.set(url, (reader = createStockReader(url)));
  return reader;
}

export async function closeStockReaders(): Promise<void> {
  await Promise.all([...readers.values()].map((r) => r.close()));
  readers.clear();
}
