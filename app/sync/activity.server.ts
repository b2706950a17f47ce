import type { Database } from "../db.server";

// Sync activity for the admin: what is waiting, what failed (with a retry), and the last reconciliation.

export async function syncActivity(db: Database, shop: string) {
  const [pending, failedCount, failed, refreshes, lastRun, items, lastPush] = await Promise.all([
    db.pushJob.count({ where: { shop, status: { in: ["pending", "processing"] } } }),
    db.pushJob.count({ where: { shop, status: "failed" } }),
    db.pushJob.findMany({ where: { shop, status: "failed" }, orderBy: { updatedAt: "desc" }, take: 20 }),
    db.inventoryRefresh.count({ where: { shop } }),
    db.reconciliationRun.findFirst({ where: { shop }, orderBy: { startedAt: "desc" } }),
    db.inventoryItem.count({ where: { shop } }),
    db.channelListing.findFirst({ where: { shop, lastPushedAt: { not: null } }, orderBy: { lastPushedAt: "desc" } }),
  ]);
  const listings = await db.channelListing.findMany({ where: { id: { in: failed.map((f) => f.listingId) } } });
  return {
    pushesWaiting: pending,
    pushesFailed: failedCount,
    itemsToReread: refreshes,
    lastPushAt: lastPush?.lastPushedAt ?? null,
    failures: failed.map((job) => ({
      id: job.id,
      sku: listings.find((l) => l.id === job.listingId)?.remoteSku ?? null,
      error: job.lastError,
      attempts: job.attempts,
      at: job.updatedAt,
    })),
    reconciliation: lastRun
      ? {
          status: lastRun.status,
          trigger: lastRun.trigger,
          startedAt: lastRun.startedAt,
          finishedAt: lastRun.finishedAt,
          itemsRead: lastRun.itemsRead,
          itemsTotal: Math.max(items, lastRun.itemsRead),
          changes: lastRun.changes,
          salesFound: lastRun.salesFound,
          error: lastRun.error,
        }
      : null,
  };
}

/** Puts failed pushes back in the queue (the merchant fixed the cause). Returns how many. */
export async function retryFailedPushes(db: Database, shop: string, ids?: number[]): Promise<number> {
  const { count } = await db.pushJob.updateMany({
    where: { shop, status: "failed", ...(ids ? { id: { in: ids } } : {}) },
    data: { status: "pending", attempts: 0, availableAt: new Date(), lastError: null },
  });
  return count;
}
