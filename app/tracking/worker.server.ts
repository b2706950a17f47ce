import { runDueBackfill } from "./backfill.server";
import { processNotificationOutbox, type OutboxDeps } from "./notifications.server";
import { sweepShipments } from "./sweep.server";

// The tracking worker: one batch backfills a shop that needs it, sends due emails and, every few minutes,
// sweeps parcels in flight for the ones that stalled or went late without any event to say so.

export type TrackingWorkDeps = OutboxDeps;

/** How often a process sweeps parcels in flight. */
export const SWEEP_EVERY_MS = 15 * 60_000;

let lastSweep = 0;

/** One batch of tracking work; returns how much it did (0 lets the loop rest). */
export async function runTrackingWork(deps: TrackingWorkDeps, options: { sweepEveryMs?: number } = {}): Promise<number> {
  const now = deps.now?.() ?? new Date();
  let handled = await runDueBackfill(deps);
  handled += await processNotificationOutbox(deps);
  if (now.getTime() - lastSweep >= (options.sweepEveryMs ?? SWEEP_EVERY_MS)) {
    lastSweep = now.getTime();
    const changed = await sweepShipments(deps.db, now);
    if (changed) deps.logger.info("Tracking sweep updated parcels in flight", { changed });
  }
  return handled;
}
