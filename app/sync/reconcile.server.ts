import { randomUUID } from "node:crypto";
import type { Database } from "../db.server";
import {
  BULK_READ_THRESHOLD,
  bulkImportShop,
  BulkReadUnavailable,
  catalogItemCount,
  type BulkReadOptions,
} from "../inventory/bulk-read.server";
import { importShop, type ImportProgress } from "../inventory/mirror.server";
import type { Logger } from "../observability/logger.server";
import type { AdminClient } from "../shopify/admin-client.server";
import { ordersSince } from "./admin-operations";
import { syncShopifyStoreListings } from "../channels/listings.server";
import { enqueuePushes } from "./push.server";
import { applyAdapterSale, applyChannelSale } from "./sales.server";
import { adapterFor } from "../channels/adapters";
import { applySafetyStock } from "../inventory/safety-stock.server";

// Reconciliation catches what webhooks missed: it re-reads every item of the shop (differences go to the
// ledger with the run as their cause), looks for sales in linked stores and marketplaces whose notification
// never came, and re-pushes every listing so channels that drifted are set right. Each run reports what it
// found. Small catalogs are read in pages of the Admin API (cost-limited batches); from BULK_READ_THRESHOLD
// items on, with a bulk operation (no cost limit, no points taken from live sync), falling back to pages when
// the bulk operation fails or takes too long.

const readOrders = async (admin: AdminClient, since: string, after: string | null) =>
  (await admin.run(ordersSince, { query: `created_at:>=${since}`, after })).data;

export interface ReconcileDeps {
  db: Database;
  logger: Logger;
  adminFor: (shop: string) => Promise<AdminClient | null>;
  /** Bulk reads of the catalog: from how many items (default BULK_READ_THRESHOLD; tests lower it), how long to wait. */
  bulkRead?: BulkReadOptions & { threshold?: number };
}

/**
 * Reads every item of the shop: a bulk operation for a large catalog, pages otherwise or when the bulk operation
 * cannot deliver (`note` then says why, for the merchant).
 */
async function readCatalog(
  deps: ReconcileDeps,
  admin: AdminClient,
  cause: string,
  onProgress: (progress: ImportProgress) => void,
): Promise<{ progress: ImportProgress; note: string | null }> {
  const { threshold = BULK_READ_THRESHOLD, ...options } = deps.bulkRead ?? {};
  const items = await catalogItemCount(deps.db, admin);
  if (items < threshold) return { progress: await importShop(deps.db, admin, cause, onProgress), note: null };
  try {
    return { progress: await bulkImportShop(deps.db, admin, cause, onProgress, options), note: null };
  } catch (error) {
    if (!(error instanceof BulkReadUnavailable)) throw error;
    const note = `Reading your ${items} items in one bulk operation did not work: ${error.message}. They were read page by page instead, which took longer.`;
    deps.logger.warn("Bulk read of the catalog unavailable; reading it page by page instead", { shop: admin.shop, items, reason: error.message });
    const paged = await importShop(deps.db, admin, cause, onProgress);
    // Items the bulk read stored before it stopped are in the ledger already; paging finds them unchanged.
    return { progress: { itemsRead: paged.itemsRead, changes: paged.changes + error.progress.changes }, note };
  }
}

/** How far back a run looks for missed sales in linked stores (webhooks retry for 4 hours). */
export const SALES_LOOKBACK_MS = 6 * 60 * 60 * 1000;

export async function reconcileShop(deps: ReconcileDeps, shop: string, trigger: "install" | "schedule" | "merchant", now = new Date()) {
  const run = await deps.db.reconciliationRun.create({ data: { id: randomUUID(), shop, trigger } });
  const cause = `reconciliation ${run.id.slice(0, 8)}`;
  try {
    const admin = await deps.adminFor(shop);
    if (!admin) throw new Error("No Admin API access: open Omnistock in the store to re-authorize it");

    // 1. Sales in linked stores that we have not taken from this store yet.
    let salesFound = 0;
    const channels = await deps.db.channel.findMany({ where: { shop, kind: "shopify_store", status: "active" } });
    for (const channel of channels) {
      const remote = channel.remoteAccount ? await deps.adminFor(channel.remoteAccount) : null;
      if (!remote) continue;
      // Orders from before the stores were linked were never this store's to fulfil.
      const since = new Date(Math.max(now.getTime() - SALES_LOOKBACK_MS, channel.createdAt.getTime())).toISOString();
      let after: string | null = null;
      do {
        const data = await readOrders(remote, since, after);
        for (const order of data.orders.nodes) {
          if (order.cancelledAt) continue;
          salesFound += await applyChannelSale(deps, channel.remoteAccount!, {
            id: order.id.split("/").pop()!,
            name: order.name,
            lines: order.lineItems.nodes.flatMap((line) =>
              line.variant ? [{ lineItemId: line.id.split("/").pop()!, variantId: line.variant.id.split("/").pop()!, quantity: line.quantity }] : [],
            ),
          });
        }
        after = data.orders.pageInfo.hasNextPage ? data.orders.pageInfo.endCursor : null;
      } while (after);
    }

    // Marketplaces report their orders through their adapter.
    const marketplaces = await deps.db.channel.findMany({ where: { shop, kind: { not: "shopify_store" }, status: "active" } });
    for (const channel of marketplaces) {
      const adapter = adapterFor(channel.kind);
      if (!adapter) continue;
      const since = new Date(Math.max(now.getTime() - SALES_LOOKBACK_MS, channel.createdAt.getTime()));
      const orders = await adapter.ordersSince({ id: channel.id, remoteAccount: channel.remoteAccount, credentials: null }, since);
      for (const order of orders) salesFound += await applyAdapterSale(deps, channel, order);
    }

    // 2. Every item, re-read; progress is visible while it runs.
    const { progress, note } = await readCatalog(deps, admin, cause, (p) => {
      void deps.db.reconciliationRun.update({ where: { id: run.id }, data: { itemsRead: p.itemsRead, changes: p.changes } }).catch(() => {});
    });

    // 3. Listings matched again (items may have been added, or a link happened while the catalog was read),
    //    then every listing pushed again: a channel that drifted is set right (unchanged ones cost nothing).
    const involved = await deps.db.channel.findMany({
      where: { kind: "shopify_store", status: "active", OR: [{ shop }, { remoteAccount: shop }] },
    });
    for (const channel of involved) await syncShopifyStoreListings(deps.db, channel);
    // Shops holding safety stock top it up (or give back) from what the read found.
    await applySafetyStock(deps, shop);
    const [items, components] = await Promise.all([
      deps.db.channelListing.findMany({ where: { shop, inventoryItemId: { not: null } }, select: { inventoryItemId: true } }),
      deps.db.listingComponent.findMany({ where: { shop }, select: { inventoryItemId: true } }),
    ]);
    const pushesQueued = await enqueuePushes(deps.db, shop, [...new Set([...items.map((i) => i.inventoryItemId!), ...components.map((c) => c.inventoryItemId)])]);

    const differences = await deps.db.inventoryLedgerEntry.findMany({
      where: { shop, cause, quantityName: "available" },
      orderBy: { id: "asc" },
      take: 200,
    });
    const findings: ({ note: string } | { inventoryItemId: string; locationId: string; delta: number; quantityAfter: number })[] = differences
      .sort((a, b) => Math.abs(b.delta) - Math.abs(a.delta))
      .slice(0, 20)
      .map((d) => ({ inventoryItemId: d.inventoryItemId, locationId: d.locationId, delta: d.delta, quantityAfter: d.quantityAfter }));
    if (note) findings.unshift({ note });
    const finished = await deps.db.reconciliationRun.update({
      where: { id: run.id },
      data: {
        status: "done",
        itemsRead: progress.itemsRead,
        changes: progress.changes,
        salesFound,
        pushesQueued,
        findings: JSON.stringify(findings),
        finishedAt: new Date(),
      },
    });
    deps.logger.info("Reconciliation finished", { shop, itemsRead: progress.itemsRead, changes: progress.changes, salesFound });
    return finished;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    deps.logger.error("Reconciliation failed; the next run will try again", { shop, error: message });
    return deps.db.reconciliationRun.update({ where: { id: run.id }, data: { status: "failed", error: message, finishedAt: new Date() } });
  }
}

/** Starts a scheduled run for the first installed shop whose last run is older than the interval. */
export async function reconcileDueShop(deps: ReconcileDeps, intervalMs: number, now = new Date()): Promise<number> {
  const shops = await deps.db.shop.findMany({ where: { uninstalledAt: null }, select: { shop: true } });
  for (const { shop } of shops) {
    const last = await deps.db.reconciliationRun.findFirst({ where: { shop }, orderBy: { startedAt: "desc" } });
    if (last?.status === "running" && now.getTime() - last.startedAt.getTime() < intervalMs) continue;
    if (last && now.getTime() - last.startedAt.getTime() < intervalMs) continue;
    await reconcileShop(deps, shop, "schedule", now);
    return 1;
  }
  return 0;
}
