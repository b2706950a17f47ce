import { z } from "zod";
import type { Database } from "../db.server";
import type { Logger } from "../observability/logger.server";
import type { AdminClient } from "../shopify/admin-client.server";
import { defineHandler, type TopicHandler } from "../webhooks/topic-handler";
import { applyChannelSale } from "../sync/sales.server";
import { enqueuePushes } from "../sync/push.server";
import { refreshItems } from "./mirror.server";

// Webhooks are hints: they say an item may have changed, not what it is now (inventory_levels/update carries
// `available` only, and arrives late, twice or out of order). Each hint queues the item; a worker re-reads
// queued items from the Admin API in batches, so a burst of webhooks for one item costs one read.

const levelGid = /^gid:\/\/shopify\/InventoryLevel\/\d+\?inventory_item_id=(\d+)$/;
const itemGid = /^gid:\/\/shopify\/InventoryItem\/(\d+)$/;

const levelHint = z.looseObject({ admin_graphql_api_id: z.string().regex(levelGid, "not an InventoryLevel gid") });
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
  for (const inventoryItemId of new Set(inventoryItemIds)) {
    await db.inventoryRefresh.upsert({
      where: { shop_inventoryItemId: { shop, inventoryItemId } },
      create: { shop, inventoryItemId, cause },
      update: { cause, requestedAt: new Date() },
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
    await queueRefresh(ctx.db, ctx.shop, [levelGid.exec(payload.admin_graphql_api_id)![1]!], `webhook ${ctx.topic}`);
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
    const items = await itemsOfVariants(ctx.db, ctx.shop, variants);
    if (items.length === 0) return sold > 0 ? "done" : "skipped";
    await queueRefresh(ctx.db, ctx.shop, items, `webhook ${ctx.topic}`);
    return "done";
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
};

export interface RefreshDeps {
  db: Database;
  logger: Logger;
  adminFor: (shop: string) => Promise<AdminClient | null>;
}

/** Items re-read per shop per batch (5 Admin requests at most). */
const ITEMS_PER_BATCH = 30;

/** Re-reads queued items, oldest shop first; returns how many items it handled. */
export async function processRefreshQueue(deps: RefreshDeps): Promise<number> {
  const oldest = await deps.db.inventoryRefresh.findFirst({ orderBy: { requestedAt: "asc" } });
  if (!oldest) return 0;
  const queued = await deps.db.inventoryRefresh.findMany({
    where: { shop: oldest.shop },
    orderBy: { requestedAt: "asc" },
    take: ITEMS_PER_BATCH,
  });
  const admin = await deps.adminFor(oldest.shop);
  if (!admin) {
    deps.logger.warn("Inventory re-read skipped: no Admin API access for the shop; it may have uninstalled", { shop: oldest.shop });
    await deps.db.inventoryRefresh.deleteMany({ where: { shop: oldest.shop } });
    return queued.length;
  }
  const causes = [...new Set(queued.map((q) => q.cause))].join(", ");
  const result = await refreshItems(deps.db, admin, queued.map((q) => q.inventoryItemId), causes);
  // What changed here must reach every channel that sells it.
  await enqueuePushes(deps.db, oldest.shop, result.changedItemIds);
  // A hint that arrived during the read keeps its row (newer requestedAt) and is read again.
  for (const row of queued) {
    await deps.db.inventoryRefresh.deleteMany({
      where: { shop: row.shop, inventoryItemId: row.inventoryItemId, requestedAt: { lte: row.requestedAt } },
    });
  }
  return queued.length;
}
