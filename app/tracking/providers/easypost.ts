import { createHmac } from "node:crypto";
import { z } from "zod";
import type { ResolvedStatus } from "../status";
import { isoDate, isoInstant, joinLocation, parsePayload, type PayloadKind, ProviderPayloadError } from "./payload";
import { headerValue, rawBytes, sameSignature } from "./signature";
import type { ProviderEvent, ProviderPollResult, ProviderUpdate, WebhookHeaders } from "./types";

// EasyPost trackers: webhooks, and the list-trackers API the poller reads (both carry the same Tracker).
// Signature: https://docs.easypost.com/docs/webhooks (HMAC validation, `X-Hmac-Signature`); the scheme itself is
//   only in the client libraries' validateWebhook (github.com/EasyPost/easypost-node src/utils/util.ts):
//   header = "hmac-sha256-hex=" + hex(HMAC-SHA256(raw body, UTF-8 of secret.normalize("NFKD"))).
// Events:   https://docs.easypost.com/guides/webhooks-guide ({ object: "Event", description, result, ... });
//   tracker.created and tracker.updated carry a Tracker in `result`.
// Tracker:  https://docs.easypost.com/docs/trackers (status: 10 values; status_detail: 28 values).

export const EASYPOST_SIGNATURE_HEADER = "x-hmac-signature";

export function easyPostSignature(rawBody: Buffer | string, secret: string): string {
  const key = Buffer.from(secret.normalize("NFKD"), "utf8");
  return `hmac-sha256-hex=${createHmac("sha256", key).update(rawBytes(rawBody)).digest("hex")}`;
}

export function verifyEasyPostSignature(rawBody: Buffer | string, headers: WebhookHeaders, secret: string): boolean {
  const given = headerValue(headers, EASYPOST_SIGNATURE_HEADER);
  if (!given || !secret) return false;
  return sameSignature(given.toLowerCase(), easyPostSignature(rawBody, secret));
}

// ---------------------------------------------------------------------------------------------------------
// Status mapping. The status decides, unless the detail names a problem the status does not (EasyPost keeps
// `in_transit` through a weather delay or a lost parcel).

export const EASYPOST_STATUSES = {
  unknown: { status: "pending" },
  pre_transit: { status: "info_received" },
  in_transit: { status: "in_transit" },
  out_for_delivery: { status: "out_for_delivery" },
  delivered: { status: "delivered" },
  available_for_pickup: { status: "available_for_pickup" },
  return_to_sender: { status: "returning_to_sender" },
  failure: { status: "exception", reason: "unknown" },
  cancelled: { status: "exception", reason: "cancelled" },
  error: { status: "exception", reason: "carrier_issue" },
} as const satisfies Record<string, ResolvedStatus>;
export type EasyPostStatus = keyof typeof EASYPOST_STATUSES;

/** null: the detail only describes the journey; the status stands. */
export const EASYPOST_STATUS_DETAILS = {
  address_correction: null,
  arrived_at_destination: null,
  arrived_at_facility: null,
  arrived_at_pickup_location: { status: "available_for_pickup" },
  awaiting_information: null,
  cancelled: { status: "exception", reason: "cancelled" },
  damaged: { status: "exception", reason: "damaged" },
  delayed: { status: "exception", reason: "delayed" },
  delivery_exception: { status: "exception", reason: "carrier_issue" },
  departed_facility: null,
  departed_origin_facility: null,
  expired: { status: "expired" },
  failure: null,
  held: { status: "exception", reason: "delayed" },
  in_transit: null,
  label_created: null,
  lost: { status: "exception", reason: "lost" },
  missorted: { status: "exception", reason: "carrier_issue" },
  out_for_delivery: null,
  received_at_destination_facility: null,
  received_at_origin_facility: null,
  refused: { status: "exception", reason: "refused" },
  return: { status: "returning_to_sender" },
  status_update: null,
  transferred_to_destination_carrier: null,
  transit_exception: { status: "exception", reason: "carrier_issue" },
  unknown: null,
  weather_delay: { status: "exception", reason: "delayed" },
} as const satisfies Record<string, ResolvedStatus | null>;
export type EasyPostStatusDetail = keyof typeof EASYPOST_STATUS_DETAILS;

// These statuses already say everything; a detail cannot turn a delivery into a delay.
const DETAIL_CANNOT_OVERRIDE: ReadonlySet<string> = new Set(["delivered", "return_to_sender", "cancelled"]);

/** Status and detail as ours. An unknown status (EasyPost added one) reads as an exception for a person to look at. */
export function easyPostStatus(status: string, detail?: string | null): ResolvedStatus {
  const base: ResolvedStatus = Object.hasOwn(EASYPOST_STATUSES, status)
    ? { ...EASYPOST_STATUSES[status as EasyPostStatus] }
    : { status: "exception", reason: "unknown" };
  if (!detail || !Object.hasOwn(EASYPOST_STATUS_DETAILS, detail) || DETAIL_CANNOT_OVERRIDE.has(status)) return base;
  const byDetail: ResolvedStatus | null = EASYPOST_STATUS_DETAILS[detail as EasyPostStatusDetail];
  return byDetail ? { ...byDetail } : base;
}

// ---------------------------------------------------------------------------------------------------------
// Payload.

const text = z.string().nullish();

const trackingDetail = z.looseObject({
  message: text,
  description: text,
  status: z.string().min(1),
  status_detail: text,
  datetime: z.string().min(1),
  tracking_location: z.looseObject({ city: text, state: text, country: text, zip: text }).nullish(),
});

const tracker = z.looseObject({
  object: z.literal("Tracker"),
  tracking_code: z.string().min(1),
  status: z.string().min(1),
  status_detail: text,
  carrier: text,
  est_delivery_date: text,
  tracking_details: z.array(trackingDetail).nullish(),
});

const event = z.looseObject({
  object: z.literal("Event"),
  description: z.string().min(1),
  result: z.unknown(),
});

/**
 * A tracker.created / tracker.updated Event as a ProviderUpdate; null for any other event (batch.created,
 * refund.successful, ...). Throws ProviderPayloadError.
 */
export function parseEasyPostWebhook(json: unknown): ProviderUpdate | null {
  const { description } = parsePayload(event, json, "EasyPost");
  if (!description.startsWith("tracker.")) return null;
  const t = parsePayload(event.extend({ result: tracker }), json, "EasyPost").result;
  return easyPostTrackerUpdate(t, "webhook");
}

// ---------------------------------------------------------------------------------------------------------
// Polling: GET /v2/trackers?tracking_codes[]=a&tracking_codes[]=b answers { trackers: [<Tracker>], has_more }.
// https://docs.easypost.com/docs/trackers#retrieve-a-list-of-trackers (newest first).

const trackersResponse = z.looseObject({ trackers: z.array(z.unknown()) });

/**
 * The answer to a list-trackers poll: one update per tracker. A code EasyPost has no tracker for is simply
 * absent; a tracker we cannot read is reported as rejected rather than failing its neighbours. Throws
 * ProviderPayloadError when the envelope itself is not EasyPost's.
 */
export function parseEasyPostTrackers(json: unknown): ProviderPollResult {
  const { trackers } = parsePayload(trackersResponse, json, "EasyPost", "response");
  const result: ProviderPollResult = { updates: [], rejected: [], unknown: [] };
  trackers.forEach((item, index) => {
    try {
      result.updates.push(easyPostTrackerUpdate(parsePayload(tracker, item, "EasyPost", "response"), "response"));
    } catch (error) {
      if (!(error instanceof ProviderPayloadError)) throw error;
      const code = (item as { tracking_code?: unknown } | null)?.tracking_code;
      result.rejected.push({ trackingNumber: typeof code === "string" && code ? code : `#${index}`, message: error.message });
    }
  });
  return result;
}

// ---------------------------------------------------------------------------------------------------------
// Tracker -> ProviderUpdate, for webhooks and polls alike.

function easyPostTrackerUpdate(t: z.output<typeof tracker>, kind: PayloadKind): ProviderUpdate {
  const events: ProviderEvent[] = (t.tracking_details ?? [])
    .map((d) => {
      const resolved = easyPostStatus(d.status, d.status_detail);
      const where = d.tracking_location;
      const location = where ? joinLocation(where.city, where.state, where.zip, where.country) : undefined;
      return {
        at: isoInstant(d.datetime, "EasyPost", kind),
        ...resolved,
        description: d.message?.trim() || d.description?.trim() || "",
        ...(location ? { location } : {}),
      };
    })
    .sort((a, b) => Date.parse(a.at) - Date.parse(b.at));

  const current = easyPostStatus(t.status, t.status_detail);
  const estimatedDelivery = isoDate(t.est_delivery_date);
  return {
    provider: "easypost",
    trackingNumber: t.tracking_code,
    ...(t.carrier ? { carrierCode: t.carrier } : {}),
    status: current.status,
    ...(current.reason ? { exceptionReason: current.reason } : {}),
    ...(estimatedDelivery ? { estimatedDelivery } : {}),
    events,
  };
}
