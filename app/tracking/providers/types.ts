import type { ExceptionReason, TrackingStatus } from "../status";

// What every tracking provider adapter returns: one normalized update per webhook, or per tracking in a poll.

export const TRACKING_PROVIDERS = ["aftership", "17track", "easypost"] as const;
export type TrackingProvider = (typeof TRACKING_PROVIDERS)[number];

/** Each provider's name as the merchant knows it. */
export const PROVIDER_NAMES: Record<TrackingProvider, string> = { aftership: "AfterShip", "17track": "17TRACK", easypost: "EasyPost" };

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

/** What a provider answered to a poll for a batch of tracking numbers. */
export interface ProviderPollResult {
  updates: ProviderUpdate[];
  /** Numbers the provider answered about without usable tracking (no information yet, unreadable), with why. */
  rejected: { trackingNumber: string; message: string }[];
  /**
   * Numbers the provider does not follow: never registered with it (17TRACK says so; AfterShip and EasyPost
   * simply leave them out of the answer). Asked again, it says the same until they are registered.
   */
  unknown: string[];
}

/** Fetch's Headers, or a plain object such as Node's IncomingHttpHeaders. */
export type WebhookHeaders = Headers | Record<string, string | string[] | undefined>;
