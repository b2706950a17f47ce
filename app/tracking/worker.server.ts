import { runDueBackfill } from "./backfill.server";
import { processNotificationOutbox, type OutboxDeps } from "./notifications.server";
import { runDuePolls } from "./poller.server";
import type { TrackingProvider } from "./providers/types";
import { sweepShipments } from "./sweep.server";

// The tracking worker: one batch backfills a shop that needs it, sends due emails, about once a minute polls
// the tracking providers for parcels that are due, and every few minutes sweeps parcels in flight for the ones
// that stalled or went late without any event to say so.

export interface TrackingWorkDeps extends OutboxDeps {
  /** Each tracking provider's API, for polling (OMNISTOCK_<PROVIDER>_API_URL). */
  providerApiUrls: Record<TrackingProvider, string>;
}

/** How often a process sweeps parcels in flight. */
export const SWEEP_EVERY_MS = 15 * 60_000;
/** How often a process looks for parcels due a poll (each parcel's own interval is in poll-quota.ts). */
export const POLL_EVERY_MS = 60_000;

let lastSweep = 0;
let lastPoll = 0;

/** One batch of tracking work; returns how much it did (0 lets the loop rest). */
export async function runTrackingWork(deps: TrackingWorkDeps, options: { sweepEveryMs?: number; pollEveryMs?: number } = {}): Promise<number> {
  const now = deps.now?.() ?? new Date();
  let handled = await runDueBackfill(deps);
  handled += await processNotificationOutbox(deps);
  if (now.getTime() - lastPoll >= (options.pollEveryMs ?? POLL_EVERY_MS)) {
    lastPoll = now.getTime();
    const polled = await runDuePolls({ db: deps.db, logger: deps.logger, box: deps.box, apiUrls: deps.providerApiUrls }, now);
    if (polled) deps.logger.info("Tracking poller asked providers about parcels", { polled });
    handled += polled;
  }
  if (now.getTime() - lastSweep >= (options.sweepEveryMs ?? SWEEP_EVERY_MS)) {
    lastSweep = now.getTime();
    const changed = await sweepShipments(deps.db, now);
    if (changed) deps.logger.info("Tracking sweep updated parcels in flight", { changed });
  }
  return handled;
}
