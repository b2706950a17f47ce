import { TRACKING_PROVIDERS, type TrackingProvider } from "./providers/types";
import { type ExceptionReason, isTerminal, type TrackingStatus } from "./status";

// Which shipments to poll now, for sources that do not push. Pure: the poller passes what it knows and the
// time, and gets back a plan; it records the polls it makes against the provider's hourly quota.
//
// - Finished parcels (isTerminal) are never polled.
// - Back-off: a parcel whose status changed recently is polled often; one that has not moved for a week, rarely.
//   Out for delivery is polled most often: it changes today.
// - Each provider spends at most what is left of its hourly quota, oldest poll first (never polled before all).

export interface PollShipment {
  id: string;
  provider: string;
  status: TrackingStatus;
  reason?: ExceptionReason;
  /** ISO 8601; null when never polled. */
  lastPolledAt: string | null;
  /** ISO 8601 of the last status or event change. Unknown: polled at the middle rate. */
  lastChangedAt?: string | null;
}

export interface ProviderQuota {
  perHour: number;
  /** Polls already spent in the current hour. */
  used: number;
}

export type SkipReason = "terminal" | "not_due" | "over_quota" | "no_quota";

export interface PollPlan {
  /** Poll these now, in this order. */
  poll: PollShipment[];
  skipped: { id: string; reason: SkipReason }[];
  /** The earliest time a shipment skipped as not due becomes due (ISO 8601), for the poller's next wake-up. */
  nextDueAt?: string;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Poll intervals by how long ago the parcel last changed. */
export const POLL_INTERVALS = {
  outForDelivery: 30 * MINUTE,
  changedToday: 1 * HOUR,
  changedThisWeek: 3 * HOUR,
  unknownChange: 3 * HOUR,
  quiet: 6 * HOUR,
  stale: 12 * HOUR,
} as const;

/** Parcels shipped longer ago than this are not polled any more (as the sweep). */
export const POLL_DAYS = 60;

const isProvider = (value: string): value is TrackingProvider => (TRACKING_PROVIDERS as readonly string[]).includes(value);

/** The provider that polls a parcel: the one that last reported on it, else the first the shop polls with. */
export function pollingProviderOf(source: string, polling: ReadonlySet<string>): TrackingProvider | undefined {
  if (isProvider(source) && polling.has(source)) return source;
  return TRACKING_PROVIDERS.find((p) => polling.has(p));
}

/** The quota hour `now` falls in: quotas count polls per clock hour (UTC), as the providers' plans do. */
export function quotaHourStart(now: Date): Date {
  return new Date(Math.floor(now.getTime() / HOUR) * HOUR);
}

/** Polls spent in the hour `now` falls in, from a stored counter: one kept for an earlier hour counts nothing. */
export function usedThisHour(counter: { pollHourStart: Date | null; pollUsed: number }, now: Date): number {
  return counter.pollHourStart?.getTime() === quotaHourStart(now).getTime() ? counter.pollUsed : 0;
}

const at = (iso: string | null | undefined) => (iso ? Date.parse(iso) : Number.NaN);

/** How long to wait between two polls of this shipment. */
export function pollInterval(shipment: PollShipment, now: Date): number {
  if (shipment.status === "out_for_delivery") return POLL_INTERVALS.outForDelivery;
  const changed = at(shipment.lastChangedAt);
  if (Number.isNaN(changed)) return POLL_INTERVALS.unknownChange;
  const quietFor = now.getTime() - changed;
  if (quietFor < DAY) return POLL_INTERVALS.changedToday;
  if (quietFor < 3 * DAY) return POLL_INTERVALS.changedThisWeek;
  if (quietFor < 7 * DAY) return POLL_INTERVALS.quiet;
  return POLL_INTERVALS.stale;
}

export function planPolls(input: {
  shipments: readonly PollShipment[];
  quotas: Readonly<Record<string, ProviderQuota>>;
  now: Date;
}): PollPlan {
  const now = input.now.getTime();
  const skipped: PollPlan["skipped"] = [];
  let nextDue = Number.POSITIVE_INFINITY;

  const due: PollShipment[] = [];
  for (const shipment of input.shipments) {
    if (isTerminal(shipment.status, shipment.reason)) {
      skipped.push({ id: shipment.id, reason: "terminal" });
      continue;
    }
    const polled = at(shipment.lastPolledAt);
    const dueAt = Number.isNaN(polled) ? now : polled + pollInterval(shipment, input.now);
    if (dueAt > now) {
      skipped.push({ id: shipment.id, reason: "not_due" });
      nextDue = Math.min(nextDue, dueAt);
      continue;
    }
    due.push(shipment);
  }

  // Oldest poll first; never polled before everything. Ties by id so a plan is reproducible.
  due.sort((a, b) => {
    const pa = at(a.lastPolledAt);
    const pb = at(b.lastPolledAt);
    const ka = Number.isNaN(pa) ? Number.NEGATIVE_INFINITY : pa;
    const kb = Number.isNaN(pb) ? Number.NEGATIVE_INFINITY : pb;
    return ka === kb ? (a.id < b.id ? -1 : a.id > b.id ? 1 : 0) : ka - kb;
  });

  const left = new Map<string, number>();
  for (const [provider, quota] of Object.entries(input.quotas)) {
    const remaining = Math.floor(quota.perHour) - Math.ceil(quota.used);
    left.set(provider, Number.isFinite(remaining) ? Math.max(0, remaining) : 0);
  }

  const poll: PollShipment[] = [];
  for (const shipment of due) {
    const remaining = left.get(shipment.provider);
    if (remaining === undefined) {
      skipped.push({ id: shipment.id, reason: "no_quota" });
    } else if (remaining === 0) {
      skipped.push({ id: shipment.id, reason: "over_quota" });
    } else {
      left.set(shipment.provider, remaining - 1);
      poll.push(shipment);
    }
  }

  return {
    poll,
    skipped,
    ...(Number.isFinite(nextDue) ? { nextDueAt: new Date(nextDue).toISOString() } : {}),
  };
}
