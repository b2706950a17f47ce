// Parcel status: one vocabulary for Shopify fulfillment events and every tracking provider, plus the timeline
// that merges them. Pure code, no I/O.

export const TRACKING_STATUSES = [
  "pending",
  "info_received",
  "in_transit",
  "out_for_delivery",
  "available_for_pickup",
  "attempt_fail",
  "delivered",
  "exception",
  "expired",
  "returning_to_sender",
] as const;
export type TrackingStatus = (typeof TRACKING_STATUSES)[number];

/** How the admin names each status for the merchant (shoppers read the widget's and the emails' own words). */
export const TRACKING_STATUS_LABELS: Record<TrackingStatus, string> = {
  pending: "Pending",
  info_received: "Shipped",
  in_transit: "In transit",
  out_for_delivery: "Out for delivery",
  available_for_pickup: "Ready for pickup",
  attempt_fail: "Delivery attempt failed",
  delivered: "Delivered",
  exception: "Exception",
  expired: "Tracking expired",
  returning_to_sender: "Returning to sender",
};

/**
 * Why a parcel needs attention. Plain codes: the UI translates them. Set on `exception`, and on `attempt_fail`
 * when the carrier says why the attempt failed.
 */
export const EXCEPTION_REASONS = [
  "address_issue",
  "recipient_unavailable",
  "refused",
  "customs_hold",
  "payment_due",
  "pickup_missed",
  "delayed",
  "damaged",
  "lost",
  "destroyed",
  "cancelled",
  "returned",
  "carrier_issue",
  "invalid_tracking",
  "stalled",
  "late",
  "unknown",
] as const;
export type ExceptionReason = (typeof EXCEPTION_REASONS)[number];

export interface ResolvedStatus {
  status: TrackingStatus;
  reason?: ExceptionReason;
}

// An exception with one of these reasons is the end of the parcel's journey: nothing more will happen to it.
const FINAL_EXCEPTION_REASONS: ReadonlySet<ExceptionReason> = new Set([
  "lost",
  "destroyed",
  "cancelled",
  "returned",
  "invalid_tracking",
]);

/** Nothing more will happen to the parcel: stop polling it, never call it late. */
export function isTerminal(status: TrackingStatus, reason?: ExceptionReason): boolean {
  if (status === "delivered" || status === "expired") return true;
  return status === "exception" && reason !== undefined && FINAL_EXCEPTION_REASONS.has(reason);
}

// ---------------------------------------------------------------------------------------------------------
// Shopify. FulfillmentEventStatus is what fulfillment events (and the fulfillment_events/create webhook, in
// lower case) carry; FulfillmentDisplayStatus is Fulfillment.displayStatus. Both enums are read from the
// Admin schema by the tests, so a value Shopify adds fails the build until it is mapped here.

export const SHOPIFY_FULFILLMENT_EVENT_STATUS = {
  LABEL_PURCHASED: { status: "info_received" },
  LABEL_PRINTED: { status: "info_received" },
  CONFIRMED: { status: "info_received" },
  READY_FOR_PICKUP: { status: "available_for_pickup" },
  CARRIER_PICKED_UP: { status: "in_transit" },
  IN_TRANSIT: { status: "in_transit" },
  OUT_FOR_DELIVERY: { status: "out_for_delivery" },
  ATTEMPTED_DELIVERY: { status: "attempt_fail" },
  DELAYED: { status: "exception", reason: "delayed" },
  DELIVERED: { status: "delivered" },
  FAILURE: { status: "exception", reason: "carrier_issue" },
} as const satisfies Record<string, ResolvedStatus>;
export type ShopifyFulfillmentEventStatus = keyof typeof SHOPIFY_FULFILLMENT_EVENT_STATUS;

export const SHOPIFY_FULFILLMENT_DISPLAY_STATUS = {
  // A fulfillment request sent to a fulfillment service that has not accepted it yet.
  SUBMITTED: { status: "pending" },
  CONFIRMED: { status: "info_received" },
  LABEL_PURCHASED: { status: "info_received" },
  LABEL_PRINTED: { status: "info_received" },
  // Fulfilled without carrier events (marked by hand, or no tracking): shipped, nothing more known.
  FULFILLED: { status: "info_received" },
  MARKED_AS_FULFILLED: { status: "info_received" },
  CARRIER_PICKED_UP: { status: "in_transit" },
  IN_TRANSIT: { status: "in_transit" },
  OUT_FOR_DELIVERY: { status: "out_for_delivery" },
  READY_FOR_PICKUP: { status: "available_for_pickup" },
  ATTEMPTED_DELIVERY: { status: "attempt_fail" },
  DELIVERED: { status: "delivered" },
  // Collected by the customer at a pickup point.
  PICKED_UP: { status: "delivered" },
  DELAYED: { status: "exception", reason: "delayed" },
  FAILURE: { status: "exception", reason: "carrier_issue" },
  NOT_DELIVERED: { status: "exception", reason: "unknown" },
  CANCELED: { status: "exception", reason: "cancelled" },
  LABEL_VOIDED: { status: "exception", reason: "cancelled" },
} as const satisfies Record<string, ResolvedStatus>;
export type ShopifyFulfillmentDisplayStatus = keyof typeof SHOPIFY_FULFILLMENT_DISPLAY_STATUS;

function lookup(table: Readonly<Record<string, ResolvedStatus>>, value: string): ResolvedStatus | undefined {
  const key = value.trim().toUpperCase();
  return Object.hasOwn(table, key) ? { ...table[key]! } : undefined;
}

/** FulfillmentEventStatus, as `IN_TRANSIT` (GraphQL) or `in_transit` (webhook). Undefined for a value we do not know. */
export function fromShopifyFulfillmentEventStatus(status: string): ResolvedStatus | undefined {
  return lookup(SHOPIFY_FULFILLMENT_EVENT_STATUS, status);
}

/** Fulfillment.displayStatus. Undefined for a value we do not know. */
export function fromShopifyFulfillmentDisplayStatus(status: string): ResolvedStatus | undefined {
  return lookup(SHOPIFY_FULFILLMENT_DISPLAY_STATUS, status);
}

// ---------------------------------------------------------------------------------------------------------
// Progress bar: ordered -> shipped -> in transit -> out for delivery -> delivered.

export const PROGRESS_STEPS = ["ordered", "shipped", "in_transit", "out_for_delivery", "delivered"] as const;
export type ProgressStep = (typeof PROGRESS_STEPS)[number];

const STEP_OF: Record<TrackingStatus, number | null> = {
  pending: 0,
  info_received: 1,
  in_transit: 2,
  out_for_delivery: 3,
  // Both mean the parcel reached the last mile.
  available_for_pickup: 3,
  attempt_fail: 3,
  delivered: 4,
  // Off the happy path: the bar shows how far the parcel got (mergeTimeline's `step`), plus a flag.
  exception: null,
  expired: null,
  returning_to_sender: null,
};

/** Index into PROGRESS_STEPS, or null for a status that is off the happy path (exception, expired, returning). */
export function progressStep(status: TrackingStatus): number | null {
  return STEP_OF[status];
}

// ---------------------------------------------------------------------------------------------------------
// Timeline: events from Shopify and providers, sorted, deduplicated, and the current status derived.

export interface TimelineEvent {
  /** ISO 8601 instant. */
  at: string;
  status: TrackingStatus;
  reason?: ExceptionReason;
  description: string;
  location?: string;
  /** Where the event came from: "shopify", "aftership", "17track", "easypost", ... */
  source: string;
}

export interface Timeline {
  events: TimelineEvent[];
  status: TrackingStatus;
  reason?: ExceptionReason;
  /** Furthest PROGRESS_STEPS index any event reached, so an exception still shows how far the parcel got. */
  step: number;
  lastEventAt?: string;
}

/** Two reports of one scan from different sources rarely carry the same timestamp to the second. */
export const DUPLICATE_WINDOW_MS = 10 * 60_000;

const normalise = (text: string) => text.trim().replace(/\s+/g, " ").toLowerCase();

function sameScan(a: TimelineEvent, b: TimelineEvent, window: number): boolean {
  if (a.status !== b.status || a.reason !== b.reason) return false;
  if (Math.abs(Date.parse(a.at) - Date.parse(b.at)) > window) return false;
  // One source reporting two scans with the same status minutes apart ("Arrived at facility", "Departed
  // facility") is two events; the same scan reported by two sources is one.
  return a.source !== b.source || normalise(a.description) === normalise(b.description);
}

/** Of two reports of one scan, keep the one that tells the customer more. */
function richer(a: TimelineEvent, b: TimelineEvent): TimelineEvent {
  const score = (e: TimelineEvent) => (e.location ? 1000 : 0) + e.description.trim().length;
  const diff = score(b) - score(a);
  if (diff !== 0) return diff > 0 ? b : a;
  return tieBreak(b, a) < 0 ? b : a;
}

// A total order for events at the same time, so the result never depends on the order they arrived in.
const tieBreak = (a: TimelineEvent, b: TimelineEvent) =>
  (STEP_OF[a.status] ?? -1) - (STEP_OF[b.status] ?? -1) ||
  a.status.localeCompare(b.status) ||
  a.source.localeCompare(b.source) ||
  a.description.localeCompare(b.description) ||
  (a.location ?? "").localeCompare(b.location ?? "") ||
  (a.reason ?? "").localeCompare(b.reason ?? "");

// Once delivered, a later event only changes the status when it says the parcel is going back.
function overridesDelivered(event: TimelineEvent): boolean {
  return event.status === "returning_to_sender" || (event.status === "exception" && event.reason === "returned");
}

export function mergeTimeline(events: readonly TimelineEvent[], window = DUPLICATE_WINDOW_MS): Timeline {
  const valid = events.filter((e) => !Number.isNaN(Date.parse(e.at)));
  const sorted = [...valid].sort((a, b) => Date.parse(a.at) - Date.parse(b.at) || tieBreak(a, b));

  const merged: TimelineEvent[] = [];
  for (const event of sorted) {
    let duplicateOf = -1;
    for (let i = merged.length - 1; i >= 0; i--) {
      const earlier = merged[i]!;
      if (Date.parse(event.at) - Date.parse(earlier.at) > window) break;
      if (sameScan(earlier, event, window)) {
        duplicateOf = i;
        break;
      }
    }
    if (duplicateOf === -1) {
      merged.push({ ...event });
    } else {
      const kept = merged[duplicateOf]!;
      // The earliest report keeps its time; the richer one gives the words.
      merged[duplicateOf] = { ...richer(kept, event), at: kept.at };
    }
  }

  let current: ResolvedStatus = { status: "pending" };
  let step = 0;
  for (const event of merged) {
    step = Math.max(step, STEP_OF[event.status] ?? 0);
    if (current.status === "delivered" && !overridesDelivered(event)) continue;
    current = event.reason === undefined ? { status: event.status } : { status: event.status, reason: event.reason };
  }

  const last = merged.at(-1);
  return {
    events: merged,
    ...current,
    step,
    ...(last ? { lastEventAt: last.at } : {}),
  };
}
