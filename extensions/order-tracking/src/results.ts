import { formatDay, formatEventTime, formatPlaced, formatWait, safeLink } from "./format";
import type { Translate } from "./i18n";
import type { Lookup, Outcome } from "./request";
import { EXCEPTION_REASONS, type Order, type Shipment, type ShipmentStatus } from "./types";

// What the results show, as plain data in the shopper's words: the server's answer becomes one view per
// order and per shipment. Free of the DOM, so every rule here is tested in Node.

export const STEPS = ["ordered", "shipped", "in_transit", "out_for_delivery", "delivered"] as const;

// How far each status takes a parcel on the happy path (the server's `step`, for when it has none to give).
const STEP_OF: Partial<Record<ShipmentStatus, number>> = {
  pending: 0,
  info_received: 1,
  in_transit: 2,
  out_for_delivery: 3,
  available_for_pickup: 3,
  attempt_fail: 3,
  delivered: 4,
};

// Off the happy path without a reason, the status still deserves an explanation.
const REASON_OF_STATUS: Partial<Record<ShipmentStatus, string>> = { exception: "unknown", returning_to_sender: "returned", expired: "stalled" };

export type StepState = "done" | "current" | "todo";

export interface StepView {
  label: string;
  state: StepState;
}

export interface EventView {
  /** The event's ISO instant, for <time datetime>. */
  at: string;
  time: string;
  text: string;
  location: string | null;
}

export interface ShipmentView {
  id: string;
  /** "Shipment 1 of 2", or "Shipment" when the order shipped in one go. */
  title: string;
  status: ShipmentStatus;
  headline: string;
  explanation: string | null;
  estimate: string | null;
  steps: StepView[];
  carrier: string | null;
  number: string | null;
  link: { href: string; text: string } | null;
  pickup: Shipment["pickup"];
  /** "2 × Organic Tee"; empty when the merchant hides items. */
  items: string[];
  /** Newest first. */
  events: EventView[];
}

export interface OrderView {
  name: string;
  placed: string | null;
  destination: string | null;
  shipments: ShipmentView[];
}

export interface ResultsView {
  heading: string;
  orders: OrderView[];
}

export interface ViewOptions {
  t: Translate;
  lang?: string;
  /** The block's "show the item list" setting. */
  items: boolean;
  /** The shopper's own orders (logged in), rather than one they looked up. */
  mine?: boolean;
  /** For tests; the browser's own zone otherwise. */
  timeZone?: string;
  now?: Date;
}

/** The explanation for an exception reason (any unknown code is "unknown"), or for an off-path status without one. */
export function explanation(status: ShipmentStatus, reason: string | null, t: Translate): string | null {
  const code = reason ? ((EXCEPTION_REASONS as readonly string[]).includes(reason) ? reason : "unknown") : REASON_OF_STATUS[status];
  return code ? t(`reason_${code}`) : null;
}

/**
 * The progress bar. On the happy path the server's step is current and those before it are done. Off it
 * (step null: exception, expired, returning), no step is current and the bar shows how far the events got.
 */
export function progress(shipment: Pick<Shipment, "step" | "events">, t: Translate): StepView[] {
  const step = shipment.step;
  const current = step != null && step >= 0 && step <= 4 ? Math.floor(step) : null;
  const reached = current ?? Math.max(0, ...shipment.events.map((event) => STEP_OF[event.status] ?? 0));
  return STEPS.map((key, i) => ({
    label: t(`step_${key}`),
    state: i === current ? "current" : i <= reached ? "done" : "todo",
  }));
}

export function estimateText(shipment: Pick<Shipment, "status" | "estimatedDelivery" | "late">, options: ViewOptions): string | null {
  const { t } = options;
  if (shipment.status == "delivered") return null;
  const date = shipment.estimatedDelivery && formatDay(shipment.estimatedDelivery, options.lang, options.now);
  if (date) return t(shipment.late ? "expected_late" : "expected", { date });
  return shipment.late ? t("running_late") : null;
}

export function timeline(events: Shipment["events"], options: ViewOptions): EventView[] {
  const time = (at: string) => Date.parse(at) || 0;
  return [...events]
    .sort((a, b) => time(b.at) - time(a.at))
    .map((event) => ({
      at: event.at,
      time: formatEventTime(event.at, options.lang, options.timeZone) || event.at,
      text: event.description.trim() || options.t(`status_${event.status}`),
      location: event.location,
    }));
}

export function shipmentView(shipment: Shipment, index: number, count: number, options: ViewOptions): ShipmentView {
  const { t } = options;
  const carrier = shipment.carrier?.name || null;
  const href = safeLink(shipment.trackingUrl);
  return {
    id: shipment.id,
    title: count > 1 ? t("shipment_n", { index: index + 1, count }) : t("shipment"),
    status: shipment.status,
    headline: t(`status_${shipment.status}`),
    explanation: explanation(shipment.status, shipment.reason, t),
    estimate: estimateText(shipment, options),
    steps: progress(shipment, t),
    carrier,
    number: shipment.trackingNumber,
    link: href ? { href, text: carrier ? t("track_with", { carrier }) : t("track") } : null,
    pickup: shipment.pickup,
    items: options.items ? shipment.items.map((item) => t("item", { quantity: item.quantity, title: item.title })) : [],
    events: timeline(shipment.events, options),
  };
}

/** An order with nothing shipped yet: one card at "ordered" that says so. */
function unshipped(order: Order, options: ViewOptions): ShipmentView {
  const { t } = options;
  return {
    ...shipmentView(
      { id: `${order.name}:unshipped`, carrier: null, trackingNumber: null, trackingUrl: null, status: "pending", reason: null, step: 0, estimatedDelivery: null, late: false, pickup: null, items: [], events: [] },
      0,
      1,
      options,
    ),
    explanation: t("not_shipped"),
  };
}

export function orderView(order: Order, options: ViewOptions): OrderView {
  const { t } = options;
  const placed = order.placedAt && formatPlaced(order.placedAt, options.lang, options.timeZone);
  const count = order.shipments.length;
  return {
    name: order.name,
    placed: placed ? t("placed", { date: placed }) : null,
    destination: order.destination ? t("destination", { place: order.destination }) : null,
    shipments: count ? order.shipments.map((shipment, i) => shipmentView(shipment, i, count, options)) : [unshipped(order, options)],
  };
}

/** null when there is nothing to show (no orders): the widget says so in words instead. */
export function resultsView(orders: Order[], options: ViewOptions): ResultsView | null {
  if (!orders.length) return null;
  const { t } = options;
  const heading = options.mine ? t("my_orders") : orders.length == 1 ? t("order", { name: orders[0]!.name }) : t("orders");
  return { heading, orders: orders.map((order) => orderView(order, options)) };
}

/**
 * What the shopper reads when there are no results. Not found says the same whichever of order number and
 * email was wrong: telling them apart would confirm to anyone that an order number exists.
 */
export function outcomeMessage(outcome: Outcome, lookup: Lookup, options: Pick<ViewOptions, "t" | "lang">): string {
  const { t } = options;
  switch (outcome.kind) {
    case "rate_limited":
      return t("rate_limited", { time: formatWait(outcome.retryAfter, options.lang) });
    case "invalid":
      return t("invalid");
    case "failed":
      return t("error");
    default: // not found, or found nothing
      return t(lookup.by == "customer" ? "no_orders" : lookup.by == "number" ? "not_found_number" : "not_found");
  }
}
