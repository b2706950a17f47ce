import { isUniqueViolation, type Database } from "../db.server";

// Fixed-window counters in the database, so every app instance counts the same hits. A counter is one row per
// shop and key; a hit increments it atomically, and the first hit after the window ran out starts a new window
// (compare-and-swap on the window's start, so two instances cannot both reset it).

export interface Limit {
  max: number;
  windowMs: number;
}

export interface WindowCount {
  count: number;
  /** When the current window ends. */
  resetAt: Date;
  /** The start of the window the hit was counted in. */
  windowStart: Date;
}

/** Counts one hit for `key` and returns the count in the current window, this hit included. */
export async function countHit(db: Database, shop: string, key: string, windowMs: number, now: Date): Promise<WindowCount> {
  for (let attempt = 0; attempt < 5; attempt += 1) {
    try {
      const row = await db.trackingRateLimit.upsert({
        where: { shop_key: { shop, key } },
        create: { shop, key, windowStart: now, count: 1 },
        update: { count: { increment: 1 } },
      });
      const end = row.windowStart.getTime() + windowMs;
      if (end > now.getTime()) return { count: row.count, resetAt: new Date(end), windowStart: row.windowStart };
      const { count } = await db.trackingRateLimit.updateMany({
        where: { shop, key, windowStart: row.windowStart },
        data: { windowStart: now, count: 1 },
      });
      if (count === 1) return { count: 1, resetAt: new Date(now.getTime() + windowMs), windowStart: now };
      // Another request started the new window first: count this hit in it.
    } catch (error) {
      // Two first hits at once: the other one created the row; increment it.
      if (!isUniqueViolation(error)) throw error;
    }
  }
  throw new Error(`Rate limit counter ${key} kept changing under us`);
}

/** Takes back a hit counted by countHit, if its window is still the current one (a new window owes it nothing). */
export async function releaseHit(db: Database, shop: string, key: string, hit: Pick<WindowCount, "windowStart">): Promise<void> {
  await db.trackingRateLimit.updateMany({
    where: { shop, key, windowStart: hit.windowStart, count: { gt: 0 } },
    data: { count: { decrement: 1 } },
  });
}

/** Drops counters whose window ended long ago (the tracking worker calls it now and then). */
export async function pruneRateLimits(db: Database, olderThan: Date): Promise<number> {
  const { count } = await db.trackingRateLimit.deleteMany({ where: { windowStart: { lt: olderThan } } });
  return count;
}
