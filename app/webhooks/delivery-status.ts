// The life of a stored webhook delivery.
export const DELIVERY_STATUSES = ["pending", "processing", "done", "skipped", "failed"] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** Attempts before a delivery is parked as failed for the merchant to see and retry. */
export const MAX_DELIVERY_ATTEMPTS = 8;

/** Exponential backoff with full jitter: about 1 s, 2 s, 4 s ... capped at 5 minutes. */
export function retryDelayMs(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(300_000, 1000 * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
