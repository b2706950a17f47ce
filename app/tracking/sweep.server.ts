import type { Database } from "../db.server";
import { POLL_DAYS } from "./poll-quota";
import { pruneRateLimits } from "./rate-limit.server";
import { HistoryCache, refreshShipment } from "./shipments.server";

// Parcels in flight change state without any event: they stall, they go late. The sweep re-derives them now.

/** Parcels shipped longer ago than this are not swept any more. */
const DAY_MS = 86_400_000;
const PAGE = 200;

/** Re-derives lateness and estimates of every parcel in flight (of one shop, or all); returns how many changed. */
export async function sweepShipments(db: Database, now = new Date(), shop?: string): Promise<number> {
  let changed = 0;
  let cursor: string | undefined;
  const histories = new Map<string, HistoryCache>();
  for (;;) {
    const page = await db.shipment.findMany({
      where: {
        ...(shop ? { shop } : {}),
        redactedAt: null,
        status: { notIn: ["delivered", "expired"] },
        shippedAt: { gte: new Date(now.getTime() - POLL_DAYS * DAY_MS) },
        ...(cursor ? { id: { gt: cursor } } : {}),
      },
      orderBy: { id: "asc" },
      take: PAGE,
      select: { id: true, shop: true, lateness: true, estimatedDelivery: true },
    });
    for (const row of page) {
      let history = histories.get(row.shop);
      if (!history) histories.set(row.shop, (history = new HistoryCache(db, row.shop)));
      const after = await refreshShipment(db, row.id, { now, history });
      if (after && (after.lateness !== row.lateness || after.estimatedDelivery !== row.estimatedDelivery)) changed += 1;
    }
    if (page.length < PAGE) break;
    cursor = page.at(-1)!.id;
  }
  if (!shop) await pruneRateLimits(db, new Date(now.getTime() - DAY_MS));
  return changed;
}
