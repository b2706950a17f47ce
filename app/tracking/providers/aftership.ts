import { createHmac } from "node:crypto";
import { z } from "zod";
import type { ResolvedStatus } from "../status";
import { isoDate, isoInstant, joinLocation, parsePayload, type PayloadKind, ProviderPayloadError } from "./payload";
import { headerValue, rawBytes, sameSignature } from "./signature";
import type { ProviderEvent, ProviderPollResult, ProviderUpdate, WebhookHeaders } from "./types";

// AfterShip Tracking: webhooks, and the get-trackings API the poller reads (both carry the same Tracking).
// Signature: https://www.aftership.com/docs/tracking/webhook/webhook-signature
//   `aftership-hmac-sha256` = base64(HMAC-SHA256(raw body, webhook secret)).
// Payload:   https://www.aftership.com/docs/tracking/2025-01/webhook/webhook-specifications
//   { ts, event, event_id, is_tracking_first_tag, msg: <Tracking> }; events tracking_update, edd_revise,
//   tracking_pending_time all carry the tracking.
// Statuses:  https://www.aftership.com/docs/tracking/enum/delivery-statuses
// Subtags:   https://www.aftership.com/docs/tracking/2026-07/enum/delivery-sub-statuses and
//   https://tracking-helpcenter.aftership.com/en/article/learn-about-delivery-sub-status-1b0hdlx (Exception_016..021,
//   from 2026-03-27; listed in https://www.aftership.com/docs/tracking/2026-07/webhook/webhook-changelog).

export const AFTERSHIP_SIGNATURE_HEADER = "aftership-hmac-sha256";

export function aftershipSignature(rawBody: Buffer | string, secret: string): string {
  return createHmac("sha256", secret).update(rawBytes(rawBody)).digest("base64");
}

export function verifyAftershipSignature(rawBody: Buffer | string, headers: WebhookHeaders, secret: string): boolean {
  const given = headerValue(headers, AFTERSHIP_SIGNATURE_HEADER);
  if (!given || !secret) return false;
  return sameSignature(given, aftershipSignature(rawBody, secret));
}

// ---------------------------------------------------------------------------------------------------------
// Status mapping: the tag decides the status; an Exception's subtag gives the reason (or sends it home).

export const AFTERSHIP_TAGS = {
  Pending: { status: "pending" },
  InfoReceived: { status: "info_received" },
  InTransit: { status: "in_transit" },
  OutForDelivery: { status: "out_for_delivery" },
  AttemptFail: { status: "attempt_fail" },
  Delivered: { status: "delivered" },
  AvailableForPickup: { status: "available_for_pickup" },
  Exception: { status: "exception", reason: "unknown" },
  Expired: { status: "expired" },
} as const satisfies Record<string, ResolvedStatus>;
export type AftershipTag = keyof typeof AFTERSHIP_TAGS;

export const AFTERSHIP_EXCEPTION_SUBTAGS = {
  Exception_001: { status: "exception", reason: "unknown" }, // Exception
  Exception_002: { status: "exception", reason: "address_issue" }, // Customer moved
  Exception_003: { status: "exception", reason: "refused" }, // Customer refused delivery
  Exception_004: { status: "exception", reason: "customs_hold" }, // Delayed (Customs clearance)
  Exception_005: { status: "exception", reason: "delayed" }, // Delayed (External factors)
  Exception_006: { status: "exception", reason: "payment_due" }, // Held for payment
  Exception_007: { status: "exception", reason: "address_issue" }, // Incorrect Address
  Exception_008: { status: "exception", reason: "pickup_missed" }, // Pick up missed
  Exception_009: { status: "exception", reason: "carrier_issue" }, // Rejected by carrier
  Exception_010: { status: "returning_to_sender" }, // Returning to sender
  Exception_011: { status: "exception", reason: "returned" }, // Returned to sender
  Exception_012: { status: "exception", reason: "damaged" }, // Shipment damage
  Exception_013: { status: "exception", reason: "lost" }, // Shipment lost
  Exception_016: { status: "exception", reason: "carrier_issue" }, // Delayed (Processing issue)
  Exception_017: { status: "exception", reason: "delayed" }, // Delayed (Extreme weather)
  Exception_018: { status: "exception", reason: "customs_hold" }, // Incorrect / missing documents
  Exception_019: { status: "exception", reason: "delayed" }, // Delayed (Late flight)
  Exception_020: { status: "exception", reason: "cancelled" }, // Shipment cancelled
  Exception_021: { status: "exception", reason: "destroyed" }, // Shipment disposed
} as const satisfies Record<string, ResolvedStatus>;

export const AFTERSHIP_ATTEMPT_FAIL_SUBTAGS = {
  AttemptFail_001: { status: "attempt_fail" }, // Failed Attempt
  AttemptFail_002: { status: "attempt_fail", reason: "recipient_unavailable" }, // Addressee not available
  AttemptFail_003: { status: "attempt_fail", reason: "recipient_unavailable" }, // Business Closed
} as const satisfies Record<string, ResolvedStatus>;

/**
 * A tag (and subtag) as our status. An unknown tag (AfterShip added one) reads as an exception for a person
 * to look at; an unknown subtag falls back to its tag.
 */
export function aftershipStatus(tag: string, subtag?: string | null): ResolvedStatus {
  const bySubtag: Record<string, ResolvedStatus> =
    tag === "Exception" ? AFTERSHIP_EXCEPTION_SUBTAGS : tag === "AttemptFail" ? AFTERSHIP_ATTEMPT_FAIL_SUBTAGS : {};
  if (subtag && Object.hasOwn(bySubtag, subtag)) return { ...bySubtag[subtag]! };
  if (Object.hasOwn(AFTERSHIP_TAGS, tag)) return { ...AFTERSHIP_TAGS[tag as AftershipTag] };
  return { status: "exception", reason: "unknown" };
}

// ---------------------------------------------------------------------------------------------------------
// Payload. Only what we read is validated; AfterShip adds fields with each API version.

const text = z.string().nullish();

const estimate = z
  .looseObject({
    datetime: text,
    datetime_min: text,
    datetime_max: text,
    estimated_delivery_date: text,
    estimated_delivery_date_min: text,
    estimated_delivery_date_max: text,
  })
  .nullish();

const checkpoint = z.looseObject({
  checkpoint_time: z.string().min(1),
  message: text,
  tag: z.string().min(1),
  subtag: text,
  subtag_message: text,
  location: text,
  city: text,
  state: text,
  zip: text,
  country_region: text,
  country_iso3: text,
  country_name: text,
});

const tracking = z.looseObject({
  tracking_number: z.string().min(1),
  slug: text,
  tag: z.string().min(1),
  subtag: text,
  checkpoints: z.array(checkpoint).nullish(),
  expected_delivery: text,
  latest_estimated_delivery: estimate,
  custom_estimated_delivery_date: estimate,
  courier_estimated_delivery_date: estimate,
  aftership_estimated_delivery_date: estimate,
});

const webhook = z.looseObject({
  event: z.string().min(1),
  msg: tracking,
});

type Estimate = z.infer<typeof estimate>;

// The latest end of the window: a customer promised "by the 12th" is not late on the 11th.
function estimateEnd(e: Estimate): string | undefined {
  if (!e) return undefined;
  return (
    isoDate(e.datetime_max) ??
    isoDate(e.estimated_delivery_date_max) ??
    isoDate(e.datetime) ??
    isoDate(e.estimated_delivery_date)
  );
}

/**
 * A tracking webhook as a ProviderUpdate. Every AfterShip Tracking event (tracking_update, edd_revise,
 * tracking_pending_time) carries the whole tracking. Throws ProviderPayloadError.
 */
export function parseAftershipWebhook(json: unknown): ProviderUpdate {
  const { msg } = parsePayload(webhook, json, "AfterShip");
  return aftershipTrackingUpdate(msg, "webhook");
}

// ---------------------------------------------------------------------------------------------------------
// Polling: GET /tracking/2025-01/trackings?tracking_numbers=a,b,c answers the same Tracking objects.
// https://www.aftership.com/docs/tracking/2025-01/api/get-trackings
//   { meta: { code: 200, message, type }, data: { pagination, trackings: [<Tracking>] } }

const envelope = z.looseObject({ meta: z.looseObject({ code: z.number().int(), message: text }) });

// Registering: POST /tracking/2025-01/trackings with { tracking_number, slug? } creates the tracking AfterShip then
// follows (https://www.aftership.com/docs/tracking/2025-01/api/post-trackings). One already there is refused with
// HTTP 400 and meta.code 4003, "Tracking already exists" (https://www.aftership.com/docs/tracking/quickstart/request-errors):
// followed, which is what we wanted.
export const AFTERSHIP_TRACKING_EXISTS = 4003;
const trackingsResponse = envelope.extend({ data: z.looseObject({ trackings: z.array(z.unknown()) }) });

const numberOf = (item: unknown): string | undefined => {
  const value = (item as { tracking_number?: unknown } | null)?.tracking_number;
  return typeof value === "string" && value ? value : undefined;
};

/**
 * The answer to a get-trackings poll: one update per tracking AfterShip knows. A number it does not follow is
 * simply absent; a tracking we cannot read is reported as rejected rather than failing its neighbours.
 * Throws ProviderPayloadError when the envelope itself is not AfterShip's.
 */
export function parseAftershipTrackings(json: unknown): ProviderPollResult {
  const { meta } = parsePayload(envelope, json, "AfterShip", "response");
  if (meta.code !== 200) {
    throw new ProviderPayloadError(`Malformed AfterShip response: meta.code is ${meta.code}${meta.message ? ` (${meta.message})` : ""}`);
  }
  const { data } = parsePayload(trackingsResponse, json, "AfterShip", "response");
  const result: ProviderPollResult = { updates: [], rejected: [], unknown: [] };
  data.trackings.forEach((item, index) => {
    try {
      const parsed = parsePayload(tracking, item, "AfterShip", "response");
      result.updates.push(aftershipTrackingUpdate(parsed, "response"));
    } catch (error) {
      if (!(error instanceof ProviderPayloadError)) throw error;
      result.rejected.push({ trackingNumber: numberOf(item) ?? `#${index}`, message: error.message });
    }
  });
  return result;
}

// ---------------------------------------------------------------------------------------------------------
// Tracking -> ProviderUpdate, for webhooks and polls alike.

function aftershipTrackingUpdate(msg: z.output<typeof tracking>, kind: PayloadKind): ProviderUpdate {
  const events: ProviderEvent[] = (msg.checkpoints ?? [])
    .map((c) => {
      const resolved = aftershipStatus(c.tag, c.subtag);
      const location =
        c.location?.trim() || joinLocation(c.city, c.state, c.country_region ?? c.country_iso3 ?? c.country_name);
      return {
        at: isoInstant(c.checkpoint_time, "AfterShip", kind),
        ...resolved,
        description: c.message?.trim() || c.subtag_message?.trim() || "",
        ...(location ? { location } : {}),
      };
    })
    .sort((a, b) => Date.parse(a.at) - Date.parse(b.at));

  const current = aftershipStatus(msg.tag, msg.subtag);
  const estimatedDelivery =
    estimateEnd(msg.latest_estimated_delivery) ??
    estimateEnd(msg.custom_estimated_delivery_date) ??
    estimateEnd(msg.courier_estimated_delivery_date) ??
    estimateEnd(msg.aftership_estimated_delivery_date) ??
    isoDate(msg.expected_delivery);

  return {
    provider: "aftership",
    trackingNumber: msg.tracking_number,
    ...(msg.slug ? { carrierCode: msg.slug } : {}),
    status: current.status,
    ...(current.reason ? { exceptionReason: current.reason } : {}),
    ...(estimatedDelivery ? { estimatedDelivery } : {}),
    events,
  };
}
