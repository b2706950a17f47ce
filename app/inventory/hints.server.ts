import { randomUUID } from "node:crypto";
import { z } from "zod";
import { databaseKind, type Database } from "../db.server";
import type { DatabaseKind } from "../db/url";
import type { Logger } from "../observability/logger.server";
import type { AdminClient } from "../shopify/admin-client.server";
import { defineHandler, type TopicHandler } from "../webhooks/topic-handler";
import { notifyWorkQueued } from "../jobs/signals.server";
import { applyChannelRestock, applyChannelSale } from "../sync/sales.server";
import { enqueuePushes } from "../sync/push.server";
import { refreshItems } from "./mirror.server";
import { applySafetyStock } from "./safety-stock.server";

// Webhooks are hints: they say an item may have changed, not what it is now (inventory_levels/update carries
// `available` only, and arrives late, twice or out of order). Each hint queues the item; a worker re-reads
// queued items from the Admin API in batches, so a burst of webhooks for one item costs one read.

const levelGid = /^gid:\/\/shopify\/InventoryLevel\/\d+\?inventory_item_id=(\d+)$/;
const itemGid = /^gid:\/\/shopify\/InventoryItem\/(\d+)$/;

const levelHint = z.looseObject({
  admin_graphql_api_id: z.string().regex(levelGid, "not an InventoryLevel gid"),
  available: z.number().int().nullable().optional(),
});
const levelLocation = /^gid:\/\/shopify\/InventoryLevel\/(\d+)\?/;
const itemHint = z.looseObject({ admin_graphql_api_id: z.string().regex(itemGid, "not an InventoryItem gid") });
const orderHint = z.looseObject({
  admin_graphql_api_id: z.string().optional(),
  name: z.string().optional(),
  line_items: z
    .array(
      z.looseObject({
        admin_graphql_api_id: z.string().optional(),
        id: z.number().optional(),
        variant_id: z.number().int().nullable().optional(),
        quantity: z.number().int().optional(),
      }),
    )
    .default([]),
});

const idOf = (gidValue: string | undefined, fallback: number | undefined) => gidValue?.split("/").pop() ?? String(fallback ?? "");

/** Queues items for a re-read; a newer hint for a queued item only refreshes its cause. */
export async function queueRefresh(db: Database, shop: string, inventoryItemIds: string[], cause: string) {
  if (inventoryItemIds.length) process.nextTick(notifyWorkQueued, "refresh");
  for (const inventoryItemId of new Set(inventoryItemIds)) {
    await db.inventoryRefresh.upsert({
      where: { shop_inventoryItemId: { shop, inventoryItemId } },
      create: { shop, inventoryItemId, cause },
      // A worker reading the item now may have read it too early: let the next one take it at once.
      update: { cause, requestedAt: new Date(), lockedBy: null, lockedUntil: null },
    });
  }
}

async function itemsOfVariants(db: Database, shop: string, variantIds: string[]): Promise<string[]> {
  if (variantIds.length === 0) return [];
  const items = await db.inventoryItem.findMany({ where: { shop, variantId: { in: variantIds } }, select: { inventoryItemId: true } });
  return items.map((item) => item.inventoryItemId);
}

const levelHandler = defineHandler({
  schema: levelHint,
  async handle(payload, ctx) {
    const inventoryItemId = levelGid.exec(payload.admin_graphql_api_id)![1]!;
    // The echo of our own write (a push, a linked sale), or a change a read already found: the mirror shows
    // that `available` already, and a re-read would spend points to learn nothing that channels sell from.
    // Not while a read of the item is queued or running: it may store an older value after this hint.
    const queued = await ctx.db.inventoryRefresh.findUnique({ where: { shop_inventoryItemId: { shop: ctx.shop, inventoryItemId } }, select: { cause: true } });
    if (typeof payload.available === "number" && !queued) {
      const locationId = levelLocation.exec(payload.admin_graphql_api_id)![1]!;
      const level = await ctx.db.inventoryLevel.findUnique({
        where: { shop_inventoryItemId_locationId: { shop: ctx.shop, inventoryItemId, locationId } },
        select: { available: true },
      });
      if (level?.available === payload.available) return "skipped";
    }
    await queueRefresh(ctx.db, ctx.shop, [inventoryItemId], `webhook ${ctx.topic}`);
    return "done";
  },
});

const itemHandler = defineHandler({
  schema: itemHint,
  async handle(payload, ctx) {
    await queueRefresh(ctx.db, ctx.shop, [itemGid.exec(payload.admin_graphql_api_id)![1]!], `webhook ${ctx.topic}`);
    return "done";
  },
});

const orderHandler = defineHandler({
  schema: orderHint,
  async handle(payload, ctx) {
    const variants = payload.line_items.flatMap((line) => (line.variant_id ? [String(line.variant_id)] : []));
    // A new order in a store linked to another takes its units from that home store right away.
    let sold = 0;
    if (ctx.topic === "orders/create" && ctx.adminFor) {
      sold = await applyChannelSale({ db: ctx.db, logger: ctx.logger, adminFor: ctx.adminFor }, ctx.shop, {
        id: idOf(payload.admin_graphql_api_id, undefined),
        name: payload.name ?? "an order",
        lines: payload.line_items.flatMap((line) =>
          line.variant_id && line.quantity
            ? [{ lineItemId: idOf(line.admin_graphql_api_id, line.id), variantId: String(line.variant_id), quantity: line.quantity }]
            : [],
        ),
      });
    }
    // Fulfilment and edits move units between committed and on hand, not what channels sell: only a new or
    // cancelled order is worth a re-read (a backstop for a lost inventory_levels/update).
    if (ctx.topic !== "orders/create" && ctx.topic !== "orders/cancelled") return sold > 0 ? "done" : "skipped";
    const items = await itemsOfVariants(ctx.db, ctx.shop, variants);
    if (items.length === 0) return sold > 0 ? "done" : "skipped";
    await queueRefresh(ctx.db, ctx.shop, items, `webhook ${ctx.topic}`);
    return "done";
  },
});

const RESTOCKED = new Set(["cancel", "return", "legacy_restock"]);
const refundHint = z.looseObject({
  id: z.union([z.number(), z.string()]),
  order_id: z.union([z.number(), z.string()]),
  admin_graphql_api_id: z.string().optional(),
  refund_line_items: z
    .array(
      z.looseObject({
        line_item_id: z.union([z.number(), z.string()]),
        quantity: z.number().int().min(0),
        restock_type: z.string().nullable().optional(),
        line_item: z.looseObject({ variant_id: z.number().int().nullable().optional(), quantity: z.number().int().min(1).optional() }).optional(),
      }),
    )
    .default([]),
});

const refundHandler = defineHandler({
  schema: refundHint,
  async handle(payload, ctx) {
    const restocked = payload.refund_line_items.filter((line) => RESTOCKED.has(line.restock_type ?? "") && line.quantity > 0);
    // Units a linked store's sale took from a home store go back when that store restocks them.
    let applied = 0;
    if (restocked.length > 0 && ctx.adminFor) {
      applied = await applyChannelRestock({ db: ctx.db, logger: ctx.logger, adminFor: ctx.adminFor }, ctx.shop, {
        orderId: String(payload.order_id),
        orderName: `order ${String(payload.order_id)}`,
        refundId: String(payload.id),
        lines: restocked.map((line) => ({
          lineItemId: String(line.line_item_id),
          quantity: line.quantity,
          orderedQuantity: line.line_item?.quantity ?? line.quantity,
        })),
      });
    }
    const variants = restocked.flatMap((line) => (line.line_item?.variant_id ? [String(line.line_item.variant_id)] : []));
    const items = await itemsOfVariants(ctx.db, ctx.shop, variants);
    if (items.length > 0) await queueRefresh(ctx.db, ctx.shop, items, `webhook ${ctx.topic}`);
    return applied > 0 || items.length > 0 ? "done" : "skipped";
  },
});

export const INVENTORY_HINT_HANDLERS: Record<string, TopicHandler> = {
  "inventory_levels/update": levelHandler,
  "inventory_levels/connect": levelHandler,
  "inventory_levels/disconnect": levelHandler,
  "inventory_items/create": itemHandler,
  "inventory_items/update": itemHandler,
  "inventory_items/delete": itemHandler,
  "orders/create": orderHandler,
  "orders/updated": orderHandler,
  "orders/cancelled": orderHandler,
  "orders/fulfilled": orderHandler,
  "orders/partially_fulfilled": orderHandler,
  "refunds/create": refundHandler,
};

export interface RefreshDeps {
  db: Database;
  /** Defaults to the configured database's kind. */
  kind?: DatabaseKind;
  logger: Logger;
  adminFor: (shop: string) => Promise<AdminClient | null>;
}

/** How long a shop's items wait after its re-read failed. */
const REFRESH_RETRY_MS = 30_000;

/** Items re-read per shop per batch (5 Admin requests at most). */
const ITEMS_PER_BATCH = 30;

/**
 * Claims queued items: the oldest first, each for one worker at a time (FOR UPDATE SKIP LOCKED on
 * PostgreSQL; SQLite has one writer). A claim runs out after `leaseMs`, so a crashed worker's items come back.
 */
async function claimRefreshes(db: Database, kind: DatabaseKind, limit: number, leaseMs: number) {
  const token = randomUUID();
  const now = new Date();
  let n = 0;
  const p = () => (kind === "postgresql" ? `$${++n}` : "?");
  const rows = await db.$queryRawUnsafe<{ shop: string; inventoryItemId: string; cause: string; requestedAt: Date | string | number }[]>(
    `UPDATE "InventoryRefresh" SET "lockedBy" = ${p()}, "lockedUntil" = ${p()}
      WHERE (shop, "inventoryItemId") IN (
        SELECT shop, "inventoryItemId" FROM "InventoryRefresh"
         WHERE "lockedUntil" IS NULL OR "lockedUntil" < ${p()}
         ORDER BY "requestedAt" LIMIT ${p()} ${kind === "postgresql" ? "FOR UPDATE SKIP LOCKED" : ""})
      RETURNING shop, "inventoryItemId", cause, "requestedAt"`,
    token,
    new Date(now.getTime() + leaseMs),
    now,
    limit,
  );
  return { token, rows: rows.map((row) => ({ ...row, requestedAt: new Date(row.requestedAt) })) };
}

/** Re-reads queued items, oldest first, a batch per shop; returns how many items it handled. */
export async function processRefreshQueue(deps: RefreshDeps, options: { leaseMs?: number } = {}): Promise<number> {
  const claim = await claimRefreshes(deps.db, deps.kind ?? databaseKind(), ITEMS_PER_BATCH, options.leaseMs ?? 60_000);
  const byShop = new Map<string, typeof claim.rows>();
  for (const row of claim.rows) byShop.set(row.shop, [...(byShop.get(row.shop) ?? []), row]);
  for (const [shop, queued] of byShop) {
    const admin = await deps.adminFor(shop);
    if (!admin) {
      deps.logger.warn("Inventory re-read skipped: no Admin API access for the shop; it may have uninstalled", { shop });
      await deps.db.inventoryRefresh.deleteMany({ where: { shop, lockedBy: claim.token } });
      continue;
    }
    try {
      const causes = [...new Set(queued.map((q) => q.cause))].join(", ");
      const result = await refreshItems(deps.db, admin, queued.map((q) => q.inventoryItemId), causes);
      // Shops that keep units for walk-in customers top them up (or give them back) from what changed.
      const held = await applySafetyStock(deps, shop, result.changedItemIds);
      // What changed here must reach every channel that sells it.
      await enqueuePushes(deps.db, shop, [...new Set([...result.changedItemIds, ...held])]);
    } catch (error) {
      // This shop's items wait a while (a shop that keeps failing must not hold up the others); the rest of
      // the batch goes on.
      await deps.db.inventoryRefresh.updateMany({ where: { shop, lockedBy: claim.token }, data: { lockedBy: null, lockedUntil: new Date(Date.now() + REFRESH_RETRY_MS) } });
      deps.logger.error("Inventory re-read failed for a shop; its items are tried again in 30 seconds", {
        shop,
        items: queued.length,
        error: error instanceof Error ? error.message : String(error),
      });
      continue;
    }
    // A hint that arrived during the read renewed its row (newer requestedAt, lock cleared): it is read again.
    for (const row of queued) {
      await deps.db.inventoryRefresh.deleteMany({
        where: { shop, inventoryItemId: row.inventoryItemId, lockedBy: claim.token, requestedAt: { lte: row.requestedAt } },
      });
    }
  }
  return claim.rows.length;
}
