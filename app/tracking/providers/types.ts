import type { ExceptionReason, TrackingStatus } from "../status";

// What every tracking provider adapter returns: one normalized update per webhook.

export const TRACKING_PROVIDERS = ["aftership", "17track", "easypost"] as const;
export type TrackingProvider = (typeof TRACKING_PROVIDERS)[number];

export interface ProviderEvent {
  /** ISO 8601 instant (UTC). */
  at: string;
  status: TrackingStatus;
  reason?: ExceptionReason;
  description: string;
  location?: string;
}

export interface ProviderUpdate {
  provider: TrackingProvider;
  trackingNumber: string;
  /** The provider's own carrier code: an AfterShip slug, a 17TRACK carrier number, an EasyPost carrier name. */
  carrierCode?: string;
  status: TrackingStatus;
  exceptionReason?: ExceptionReason;
  /** ISO date (YYYY-MM-DD): the latest date the provider expects delivery. */
  estimatedDelivery?: string;
  /** Oldest first. */
  events: ProviderEvent[];
}

/** Fetch's Headers, or a plain object such as Node's IncomingHttpHeaders. */
export type WebhookHeaders = Headers | Record<string, string | string[] | undefined>;
