// The app proxy's answer to GET {proxy}/tracking (the contract the server side is written to).
// The status and reason lists restate app/tracking/status.ts, because the bundle must not import server
// code; test/unit/order-tracking-vocabulary.test.ts fails when they drift apart.

/** Type source only: nothing in the widget reads it at run time, so the bundler drops it. */
export const SHIPMENT_STATUSES = [
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
export type ShipmentStatus = (typeof SHIPMENT_STATUSES)[number];

/** Why a shipment needs attention; the widget explains each one in the shopper's language (locales: reason_*). */
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

export interface TrackingEvent {
  /** ISO 8601 with an offset. */
  at: string;
  status: ShipmentStatus;
  description: string;
  location: string | null;
}

export interface Shipment {
  id: string;
  carrier: { code: string; name: string } | null;
  trackingNumber: string | null;
  trackingUrl: string | null;
  status: ShipmentStatus;
  /** Exception reason code; a code this widget doesn't know yet is explained as "unknown". */
  reason: string | null;
  /** 0..4 on ordered, shipped, in transit, out for delivery, delivered; null when off the happy path. */
  step: number | null;
  /** YYYY-MM-DD */
  estimatedDelivery: string | null;
  late: boolean;
  pickup: { name: string; address: string | null; hours: string | null } | null;
  items: { title: string; quantity: number }[];
  events: TrackingEvent[];
}

export interface Order {
  /** "#1001" */
  name: string;
  placedAt: string | null;
  destination: string | null;
  shipments: Shipment[];
}

export interface TrackingResponse {
  orders: Order[];
}

export type TrackingError =
  | { error: "not_found" }
  | { error: "rate_limited"; retryAfter: number }
  | { error: "invalid_request"; message: string };
