import type { Database } from "../db.server";
import type { Logger } from "../observability/logger.server";
import type { AdminClient } from "../shopify/admin-client.server";
import { derivedKey } from "../sync/keys";
import { moveQuantities, type MoveTerminal } from "./admin-operations";
import { refreshItems } from "./mirror.server";

// Store safety stock: a shop keeps N units of each item for walk-in customers. Shopify has a quantity state
// for exactly that (safety_stock): units moved there leave `available`, so no online channel can sell them,
// yet they stay on hand for the shop's POS. We move units in with inventoryMoveQuantities up to the target
// (as far as stock allows) and out again when the target is lowered, with compare-and-swap on both sides.

export interface SafetyStockMove {
  inventoryItemId: string;
  locationId: string;
  from: "available" | "safety_stock";
  to: "available" | "safety_stock";
  quantity: number;
  available: number;
  held: number;
  /** When the mirror last wrote the level (part of the idempotency key). */
  version?: number;
}

/** The moves that bring one level to its target: pure, so the rules are tested on their own. */
export function safetyStockMove(level: { inventoryItemId: string; locationId: string; available: number; safetyStock: number }, target: number): SafetyStockMove | null {
  const base = { inventoryItemId: level.inventoryItemId, locationId: level.locationId, available: level.available, held: level.safetyStock };
  if (level.safetyStock < target && level.available > 0) {
    return { ...base, from: "available", to: "safety_stock", quantity: Math.min(target - level.safetyStock, level.available) };
  }
  if (level.safetyStock > target) return { ...base, from: "safety_stock", to: "available", quantity: level.safetyStock - target };
  return null;
}

const MOVES_PER_WRITE = 250;
const ledger = (locationId: string) => `gid://omnistock/SafetyStock/${locationId}`;

export interface SafetyStockDeps {
  db: Database;
  logger: Logger;
  adminFor: (shop: string) => Promise<AdminClient | null>;
}

/**
 * Brings the shop's levels (all, or those of some items) to each location's safety stock target. Returns the
 * items whose quantities changed (their channels need a push). A location without a target holds nothing.
 */
export async function applySafetyStock(deps: SafetyStockDeps, shop: string, inventoryItemIds?: string[]): Promise<string[]> {
  const locations = await deps.db.location.findMany({ where: { shop }, select: { locationId: true, name: true, safetyStock: true } });
  const targetOf = new Map(locations.map((l) => [l.locationId, l.safetyStock ?? 0]));
  const levels = await deps.db.inventoryLevel.findMany({
    where: { shop, ...(inventoryItemIds ? { inventoryItemId: { in: inventoryItemIds } } : {}), OR: [{ safetyStock: { gt: 0 } }, { locationId: { in: locations.filter((l) => (l.safetyStock ?? 0) > 0).map((l) => l.locationId) } }] },
    select: { inventoryItemId: true, locationId: true, available: true, safetyStock: true, updatedAt: true },
  });
  const tracked = new Set((await deps.db.inventoryItem.findMany({ where: { shop, tracked: true, inventoryItemId: { in: [...new Set(levels.map((l) => l.inventoryItemId))] } }, select: { inventoryItemId: true } })).map((i) => i.inventoryItemId));
  const moves = levels
    .filter((l) => tracked.has(l.inventoryItemId))
    .flatMap((level) => {
      const move = safetyStockMove(level, targetOf.get(level.locationId) ?? 0);
      return move ? [{ ...move, version: level.updatedAt.getTime() }] : [];
    });
  if (moves.length === 0) return [];

  const admin = await deps.adminFor(shop);
  if (!admin) throw new Error(`No Admin API access to ${shop}; safety stock waits until the merchant opens Omnistock`);
  const changed = new Set<string>();
  for (let start = 0; start < moves.length; start += MOVES_PER_WRITE) {
    const batch = moves.slice(start, start + MOVES_PER_WRITE);
    // Derived from the rows we act on, as last written: a retry after a crash sends the same key and applies
    // once, while the same quantities seen again later (after a sale and a restock) make a new key, which
    // Shopify would otherwise answer with the old move's result without moving anything.
    const key = derivedKey("safety-stock", shop, ...batch.flatMap((m) => [m.inventoryItemId, m.locationId, m.from, m.quantity, m.available, m.held, m.version ?? 0]));
    const terminal = (m: SafetyStockMove, name: "available" | "safety_stock"): MoveTerminal => ({
      locationId: `gid://shopify/Location/${m.locationId}`,
      name,
      ledgerDocumentUri: name === "available" ? null : ledger(m.locationId),
      changeFromQuantity: name === "available" ? m.available : m.held,
    });
    const { data } = await admin.run(moveQuantities, {
      key,
      input: {
        reason: "safety_stock",
        referenceDocumentUri: `gid://omnistock/SafetyStockRun/${key}`,
        changes: batch.map((m) => ({ inventoryItemId: `gid://shopify/InventoryItem/${m.inventoryItemId}`, quantity: m.quantity, from: terminal(m, m.from), to: terminal(m, m.to) })),
      },
    });
    const items = [...new Set(batch.map((m) => m.inventoryItemId))];
    const errors = data.inventoryMoveQuantities.userErrors;
    if (errors.length > 0) {
      // Stale (a sale we had not seen) or refused: learn the truth; the next pass works it out again.
      deps.logger.warn("Shopify refused a safety stock move; re-reading the items and trying again later", {
        shop,
        items: items.length,
        error: errors.map((e) => e.message).join("; "),
      });
      await refreshItems(deps.db, admin, items, "safety stock move refused");
      continue;
    }
    const names = new Map(locations.map((l) => [l.locationId, l.name]));
    const where = [...new Set(batch.map((m) => names.get(m.locationId) ?? m.locationId))].join(", ");
    const result = await refreshItems(deps.db, admin, items, `safety stock at ${where}`);
    for (const id of result.changedItemIds) changed.add(id);
  }
  return [...changed];
}
