import { type ExceptionReason, isTerminal, type TrackingStatus } from "./status";
import { nextDay, startOfLocalDay } from "./time-zone";

// When will it arrive, and is it late? Pure arithmetic over our own delivery history, no I/O.
//
// Estimate: the carrier's date when it gives one; otherwise the p-th percentile (default 80th) of transit days
// of shipments we delivered before, narrowing from the most specific history that has enough samples:
//   1. same carrier, same route   2. same carrier, any route   3. any carrier, same route
// Fewer than `minSamples` (default 5) everywhere: no estimate rather than a guess.

const DAY_MS = 86_400_000;

export interface DeliveredShipment {
  carrier: string;
  fromCountry: string;
  toCountry: string;
  /** ISO 8601. */
  shippedAt: string;
  /** ISO 8601. */
  deliveredAt: string;
}

export interface Route {
  fromCountry: string;
  toCountry: string;
}

export interface EstimateInput {
  /** The carrier's (or provider's) own estimate, a date or date-time. Wins when present and readable. */
  carrierDate?: string | null;
  shippedAt: string;
  carrier: string;
  route: Route;
  history: readonly DeliveredShipment[];
  /** 1..100; default 80: four in five parcels arrive by the date. */
  percentile?: number;
  /** Default 5. */
  minSamples?: number;
  /** Count Monday to Friday only (UTC), for carriers that do not deliver at weekends. Default false. */
  businessDays?: boolean;
}

export type EstimateScope = "carrier_route" | "carrier" | "route";

export interface DeliveryEstimate {
  /** ISO date (YYYY-MM-DD), or null when there is no estimate. */
  date: string | null;
  source: "carrier" | "history" | "none";
  basis: {
    /** Shipments behind the estimate; for "none", the most we found in any scope. */
    samples: number;
    percentile: number | null;
    scope?: EstimateScope;
    transitDays?: number;
  };
}

export const DEFAULT_PERCENTILE = 80;
export const DEFAULT_MIN_SAMPLES = 5;

const utcDay = (time: number) => Math.floor(time / DAY_MS);
const isWeekend = (day: number) => {
  const weekday = new Date(day * DAY_MS).getUTCDay();
  return weekday === 0 || weekday === 6;
};
const dateOf = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);

/** Whole days from the ship date to the delivery date (UTC calendar dates), or weekdays after the ship date. */
export function transitDays(shippedAt: string, deliveredAt: string, businessDays = false): number | null {
  const from = Date.parse(shippedAt);
  const to = Date.parse(deliveredAt);
  if (Number.isNaN(from) || Number.isNaN(to) || to < from) return null;
  const start = utcDay(from);
  const end = utcDay(to);
  if (!businessDays) return end - start;
  let count = 0;
  for (let day = start + 1; day <= end; day++) if (!isWeekend(day)) count++;
  return count;
}

function addDays(shippedAt: string, days: number, businessDays: boolean): string {
  let day = utcDay(Date.parse(shippedAt));
  if (!businessDays) return dateOf(day + days);
  for (let left = days; left > 0; ) {
    day++;
    if (!isWeekend(day)) left--;
  }
  return dateOf(day);
}

/** Nearest-rank percentile of a non-empty list. */
export function percentileOf(values: readonly number[], percentile: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((percentile / 100) * sorted.length)));
  return sorted[rank - 1]!;
}

const same = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

function dateOnly(value: string | null | undefined): string | null {
  const match = value?.trim().match(/^(\d{4}-\d{2}-\d{2})/);
  return match && !Number.isNaN(Date.parse(`${match[1]}T00:00:00Z`)) ? match[1]! : null;
}

export function estimateDelivery(input: EstimateInput): DeliveryEstimate {
  const percentile = input.percentile ?? DEFAULT_PERCENTILE;
  const minSamples = Math.max(1, input.minSamples ?? DEFAULT_MIN_SAMPLES);
  const businessDays = input.businessDays ?? false;
  if (!(percentile > 0 && percentile <= 100)) throw new RangeError(`percentile must be in (0, 100], got ${percentile}`);

  const fromCarrier = dateOnly(input.carrierDate);
  if (fromCarrier) return { date: fromCarrier, source: "carrier", basis: { samples: 0, percentile: null } };
  if (Number.isNaN(Date.parse(input.shippedAt))) throw new RangeError(`shippedAt is not a date: ${input.shippedAt}`);

  const { carrier, route } = input;
  const scopes: [EstimateScope, (s: DeliveredShipment) => boolean][] = [
    [
      "carrier_route",
      (s) => same(s.carrier, carrier) && same(s.fromCountry, route.fromCountry) && same(s.toCountry, route.toCountry),
    ],
    ["carrier", (s) => same(s.carrier, carrier)],
    ["route", (s) => same(s.fromCountry, route.fromCountry) && same(s.toCountry, route.toCountry)],
  ];

  let most = 0;
  for (const [scope, matches] of scopes) {
    const days = input.history
      .filter(matches)
      .map((s) => transitDays(s.shippedAt, s.deliveredAt, businessDays))
      .filter((d): d is number => d !== null);
    most = Math.max(most, days.length);
    if (days.length < minSamples) continue;
    const transit = percentileOf(days, percentile);
    return {
      date: addDays(input.shippedAt, transit, businessDays),
      source: "history",
      basis: { samples: days.length, percentile, scope, transitDays: transit },
    };
  }
  return { date: null, source: "none", basis: { samples: most, percentile: null } };
}

// ---------------------------------------------------------------------------------------------------------
// Lateness. "stalled": no carrier event for N days while moving (N by carrier class). "late": past the promised
// date (or, without one, the estimate) and not delivered. Stalled wins when both hold: it is the one to act on.

export const STALL_DAYS = { express: 3, standard: 5, postal: 10 } as const;
export type CarrierClass = keyof typeof STALL_DAYS;
export const DEFAULT_STALL_DAYS = STALL_DAYS.standard;

// Moving, so a long silence means something is wrong. Pickup points and returns wait on people, not carriers.
const CAN_STALL: ReadonlySet<TrackingStatus> = new Set([
  "info_received",
  "in_transit",
  "out_for_delivery",
  "attempt_fail",
]);
const CANNOT_BE_LATE: ReadonlySet<TrackingStatus> = new Set(["available_for_pickup", "returning_to_sender"]);

export interface LatenessInput {
  status: TrackingStatus;
  reason?: ExceptionReason;
  /** Time of the last carrier event, ISO 8601. */
  lastEventAt?: string | null;
  /** The date promised to the customer (YYYY-MM-DD or a date-time); beats the estimate. */
  promisedDate?: string | null;
  estimate?: Pick<DeliveryEstimate, "date"> | null;
  now: Date | string;
  /** Overrides the carrier class. */
  stallDays?: number;
  carrierClass?: CarrierClass;
  /** The shop's IANA time zone: the promised day ends at its midnight there (UTC when unknown). */
  timeZone?: string | null;
}

export function detectLateness(input: LatenessInput): Extract<ExceptionReason, "stalled" | "late"> | null {
  const { status } = input;
  if (isTerminal(status, input.reason) || CANNOT_BE_LATE.has(status)) return null;
  const now = typeof input.now === "string" ? Date.parse(input.now) : input.now.getTime();
  if (Number.isNaN(now)) throw new RangeError("now is not a date");

  const stallDays = input.stallDays ?? (input.carrierClass ? STALL_DAYS[input.carrierClass] : DEFAULT_STALL_DAYS);
  const last = input.lastEventAt ? Date.parse(input.lastEventAt) : Number.NaN;
  if (CAN_STALL.has(status) && !Number.isNaN(last) && now - last >= stallDays * DAY_MS) return "stalled";

  const deadline = dateOnly(input.promisedDate) ?? dateOnly(input.estimate?.date);
  // The whole promised day counts, in the shop's time zone: a parcel due on the 12th is late from the 13th there.
  if (deadline && now >= startOfLocalDay(nextDay(deadline), input.timeZone)) return "late";
  return null;
}
