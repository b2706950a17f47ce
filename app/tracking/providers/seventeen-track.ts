import { createHash } from "node:crypto";
import { z } from "zod";
import type { ResolvedStatus } from "../status";
import { isoDate, isoInstant, parsePayload, type PayloadKind, ProviderPayloadError } from "./payload";
import { headerValue, rawBytes, sameSignature } from "./signature";
import type { ProviderEvent, ProviderPollResult, ProviderUpdate, WebhookHeaders } from "./types";

// 17TRACK Tracking API v2.2: webhooks, and the gettrackinfo API the poller reads (both carry the same track_info).
// Docs: https://asset.17track.net/api/document/v2.2_en/index.html (webhook push: { event, data }, events
//   TRACKING_UPDATED and TRACKING_STOPPED; data = { number, carrier, param, tag, track_info }).
// Signature: header `sign` = hex SHA-256 of `<raw body>/<security key>` (the API key sent as `17token`). Not a
//   keyed HMAC: the key is appended to the body after a slash.
// Statuses: https://help.17track.net/hc/en-us/articles/37471096573337-Understanding-Tracking-Status-Main-Status-Substatus
//   (9 main statuses, 30 sub-statuses).

export const SEVENTEEN_TRACK_SIGNATURE_HEADER = "sign";

export function seventeenTrackSignature(rawBody: Buffer | string, securityKey: string): string {
  return createHash("sha256").update(rawBytes(rawBody)).update(`/${securityKey}`, "utf8").digest("hex");
}

export function verifySeventeenTrackSignature(
  rawBody: Buffer | string,
  headers: WebhookHeaders,
  secret: string
): boolean {
  const given = headerValue(headers, SEVENTEEN_TRACK_SIGNATURE_HEADER);
  if (!given || !secret) return false;
  return sameSignature(given.toLowerCase(), seventeenTrackSignature(rawBody, secret));
}

// ---------------------------------------------------------------------------------------------------------
// Status mapping. The main status decides, except where a sub-status says more (a return, a final loss, a
// customs hold waiting on the shipper).

export const SEVENTEEN_TRACK_STATUSES = {
  NotFound: { status: "pending" },
  InfoReceived: { status: "info_received" },
  InTransit: { status: "in_transit" },
  Expired: { status: "expired" },
  AvailableForPickup: { status: "available_for_pickup" },
  OutForDelivery: { status: "out_for_delivery" },
  DeliveryFailure: { status: "attempt_fail" },
  Delivered: { status: "delivered" },
  Exception: { status: "exception", reason: "unknown" },
} as const satisfies Record<string, ResolvedStatus>;
export type SeventeenTrackStatus = keyof typeof SEVENTEEN_TRACK_STATUSES;

export const SEVENTEEN_TRACK_SUB_STATUSES = {
  NotFound_Other: { status: "pending" },
  NotFound_InvalidCode: { status: "exception", reason: "invalid_tracking" },
  InfoReceived: { status: "info_received" },
  InTransit_PickedUp: { status: "in_transit" },
  InTransit_Other: { status: "in_transit" },
  InTransit_Departure: { status: "in_transit" },
  InTransit_Arrival: { status: "in_transit" },
  InTransit_CustomsProcessing: { status: "in_transit" },
  InTransit_CustomsReleased: { status: "in_transit" },
  // Customs wants more information: it will not move until someone acts.
  InTransit_CustomsRequiringInformation: { status: "exception", reason: "customs_hold" },
  Expired_Other: { status: "expired" },
  AvailableForPickup_Other: { status: "available_for_pickup" },
  OutForDelivery_Other: { status: "out_for_delivery" },
  DeliveryFailure_Other: { status: "attempt_fail" },
  DeliveryFailure_NoBody: { status: "attempt_fail", reason: "recipient_unavailable" },
  DeliveryFailure_Security: { status: "attempt_fail", reason: "customs_hold" },
  DeliveryFailure_Rejected: { status: "attempt_fail", reason: "refused" },
  DeliveryFailure_InvalidAddress: { status: "attempt_fail", reason: "address_issue" },
  Delivered_Other: { status: "delivered" },
  Exception_Other: { status: "exception", reason: "unknown" },
  Exception_Returning: { status: "returning_to_sender" },
  Exception_Returned: { status: "exception", reason: "returned" },
  Exception_NoBody: { status: "exception", reason: "recipient_unavailable" },
  Exception_Security: { status: "exception", reason: "customs_hold" },
  Exception_Damage: { status: "exception", reason: "damaged" },
  Exception_Rejected: { status: "exception", reason: "refused" },
  Exception_Delayed: { status: "exception", reason: "delayed" },
  Exception_Lost: { status: "exception", reason: "lost" },
  Exception_Destroyed: { status: "exception", reason: "destroyed" },
  Exception_Cancel: { status: "exception", reason: "cancelled" },
} as const satisfies Record<string, ResolvedStatus>;
export type SeventeenTrackSubStatus = keyof typeof SEVENTEEN_TRACK_SUB_STATUSES;

// Milestone key stages on individual events (v2.2 `stage`), for events that carry no sub-status.
const STAGES: Record<string, ResolvedStatus> = {
  InfoReceived: { status: "info_received" },
  PickedUp: { status: "in_transit" },
  Departure: { status: "in_transit" },
  Arrival: { status: "in_transit" },
  AvailableForPickup: { status: "available_for_pickup" },
  OutForDelivery: { status: "out_for_delivery" },
  Delivered: { status: "delivered" },
  Returning: { status: "returning_to_sender" },
  Returned: { status: "exception", reason: "returned" },
};

/** Main status (and sub-status) as ours. An unknown main status reads as an exception for a person to look at. */
export function seventeenTrackStatus(status: string, subStatus?: string | null): ResolvedStatus {
  if (subStatus && Object.hasOwn(SEVENTEEN_TRACK_SUB_STATUSES, subStatus)) {
    const bySub = SEVENTEEN_TRACK_SUB_STATUSES[subStatus as SeventeenTrackSubStatus];
    // A sub-status belongs to its main status; a mismatch (Delivered with Exception_Lost) trusts the main one.
    if (subStatus === status || subStatus.startsWith(`${status}_`)) return { ...bySub };
  }
  if (Object.hasOwn(SEVENTEEN_TRACK_STATUSES, status))
    return { ...SEVENTEEN_TRACK_STATUSES[status as SeventeenTrackStatus] };
  return { status: "exception", reason: "unknown" };
}

// ---------------------------------------------------------------------------------------------------------
// Payload.

const text = z.string().nullish();

const event = z.looseObject({
  time_iso: text,
  time_utc: text,
  description: text,
  location: text,
  stage: text,
  sub_status: text,
});

const trackInfo = z.looseObject({
  latest_status: z.looseObject({ status: z.string().min(1), sub_status: text }),
  latest_event: event.nullish(),
  time_metrics: z
    .looseObject({
      estimated_delivery_date: z.looseObject({ from: text, to: text }).nullish(),
    })
    .nullish(),
  tracking: z
    .looseObject({
      providers: z.array(z.looseObject({ events: z.array(event).nullish() })).nullish(),
    })
    .nullish(),
});

const webhook = z.looseObject({
  event: z.string().min(1),
  data: z.looseObject({
    number: z.string().min(1),
    carrier: z.union([z.number().int(), z.string().min(1)]).nullish(),
    track_info: trackInfo.nullish(),
  }),
});

type Event = z.infer<typeof event>;

const eventTime = (e: Event) => e.time_utc?.trim() || e.time_iso?.trim() || undefined;

/**
 * A TRACKING_UPDATED push as a ProviderUpdate; null for a push without tracking (TRACKING_STOPPED: 17TRACK
 * stopped following the number). Throws ProviderPayloadError.
 */
export function parseSeventeenTrackWebhook(json: unknown): ProviderUpdate | null {
  const { event: name, data } = parsePayload(webhook, json, "17TRACK");
  if (name !== "TRACKING_UPDATED") return null;
  const info = data.track_info;
  if (!info)
    throw new ProviderPayloadError("Malformed 17TRACK webhook: data.track_info: required for TRACKING_UPDATED");
  return trackInfoUpdate(data.number, data.carrier, info, "webhook");
}

// ---------------------------------------------------------------------------------------------------------
// Polling: POST /track/v2.2/gettrackinfo with [{ "number": ... }] (at most 40) answers
//   { code: 0, data: { accepted: [{ number, carrier, track_info }], rejected: [{ number, error: { code, message } }] } }
// https://asset.17track.net/api/document/v2.2_en/index.html#get-tracking-details. A number must be registered
// (register API) before 17TRACK has details; an unregistered one comes back rejected (-18019902).

/** 17TRACK's own error codes we act on (the v2.2 document's "Error code" table). */
export const SEVENTEEN_TRACK_ERRORS = {
  ipNotWhitelisted: -18010001,
  keyInvalid: -18010002,
  accountDisabled: -18010004,
  alreadyRegistered: -18019901,
  notRegistered: -18019902,
} as const;

const trackInfoResponse = z.looseObject({
  code: z.number().int(),
  data: z
    .looseObject({
      accepted: z.array(z.unknown()).nullish(),
      rejected: z
        .array(
          z.looseObject({
            number: z.string().min(1),
            error: z.looseObject({ code: z.number().int().nullish(), message: text }).nullish(),
          }),
        )
        .nullish(),
      errors: z.array(z.looseObject({ code: z.number().int().nullish(), message: text })).nullish(),
    })
    .nullish(),
});

const accepted = z.looseObject({
  number: z.string().min(1),
  carrier: z.union([z.number().int(), z.string().min(1)]).nullish(),
  track_info: trackInfo.nullish(),
});

/**
 * The answer to a gettrackinfo poll: one update per accepted number with tracking; numbers never registered
 * come back as unknown; other rejected numbers (no information yet) and accepted ones we cannot read come back
 * as rejected with 17TRACK's reason. Throws ProviderPayloadError when the envelope is not 17TRACK's or its code
 * is not 0.
 */
export function parseSeventeenTrackTrackInfo(json: unknown): ProviderPollResult {
  const { code, data } = parsePayload(trackInfoResponse, json, "17TRACK", "response");
  if (code !== 0) {
    const why = data?.errors?.map((e) => `${e.message ?? "error"}${e.code ? ` (${e.code})` : ""}`).join("; ");
    throw new ProviderPayloadError(`17TRACK answered code ${code}${why ? `: ${why}` : ""}`);
  }
  const result: ProviderPollResult = { updates: [], rejected: [], unknown: [] };
  for (const r of data?.rejected ?? []) {
    if (r.error?.code === SEVENTEEN_TRACK_ERRORS.notRegistered) {
      result.unknown.push(r.number);
      continue;
    }
    const why = r.error?.message?.trim() || "rejected";
    result.rejected.push({ trackingNumber: r.number, message: r.error?.code ? `${why} (${r.error.code})` : why });
  }
  (data?.accepted ?? []).forEach((item, index) => {
    try {
      const a = parsePayload(accepted, item, "17TRACK", "response");
      if (a.track_info) result.updates.push(trackInfoUpdate(a.number, a.carrier, a.track_info, "response"));
      else result.rejected.push({ trackingNumber: a.number, message: "No tracking information yet" });
    } catch (error) {
      if (!(error instanceof ProviderPayloadError)) throw error;
      const number = (item as { number?: unknown } | null)?.number;
      result.rejected.push({ trackingNumber: typeof number === "string" && number ? number : `#${index}`, message: error.message });
    }
  });
  return result;
}

// ---------------------------------------------------------------------------------------------------------
// Registering: POST /track/v2.2/register with [{ "number": ..., "carrier"?: <17TRACK carrier number> }] (at most
// 40) answers the same accepted/rejected envelope (https://asset.17track.net/api/document/v2.2_en/index.html,
// "Register tracking numbers").
// A number registered before comes back rejected with -18019901: it is followed, which is what we wanted.

/** What 17TRACK said to a register request: numbers it follows now (or already did), and the ones it refused, with why. */
export function parseSeventeenTrackRegister(json: unknown): { registered: string[]; refused: { trackingNumber: string; message: string }[] } {
  const { code, data } = parsePayload(trackInfoResponse, json, "17TRACK", "response");
  if (code !== 0) {
    const why = data?.errors?.map((e) => `${e.message ?? "error"}${e.code ? ` (${e.code})` : ""}`).join("; ");
    throw new ProviderPayloadError(`17TRACK answered code ${code}${why ? `: ${why}` : ""}`);
  }
  const registered: string[] = [];
  const refused: { trackingNumber: string; message: string }[] = [];
  (data?.accepted ?? []).forEach((item) => {
    const number = (item as { number?: unknown } | null)?.number;
    if (typeof number === "string" && number) registered.push(number);
  });
  for (const r of data?.rejected ?? []) {
    if (r.error?.code === SEVENTEEN_TRACK_ERRORS.alreadyRegistered) {
      registered.push(r.number);
      continue;
    }
    const why = r.error?.message?.trim() || "rejected";
    refused.push({ trackingNumber: r.number, message: r.error?.code ? `${why} (${r.error.code})` : why });
  }
  return { registered, refused };
}

// ---------------------------------------------------------------------------------------------------------
// track_info -> ProviderUpdate, for webhooks and polls alike.

function trackInfoUpdate(
  number: string,
  carrier: number | string | null | undefined,
  info: z.output<typeof trackInfo>,
  kind: PayloadKind,
): ProviderUpdate {
  const current = seventeenTrackStatus(info.latest_status.status, info.latest_status.sub_status);
  const latestTime = info.latest_event ? eventTime(info.latest_event) : undefined;
  const latestAt = latestTime === undefined ? undefined : isoInstant(latestTime, "17TRACK", kind);

  const seen = new Set<string>();
  const events: ProviderEvent[] = [];
  const all = (info.tracking?.providers ?? []).flatMap((p) => p.events ?? []);
  if (!all.length && info.latest_event) all.push(info.latest_event);
  for (const e of all) {
    const time = eventTime(e);
    if (!time) continue;
    const at = isoInstant(time, "17TRACK", kind);
    const description = e.description?.trim() ?? "";
    const key = `${at}|${description}`;
    if (seen.has(key)) continue;
    seen.add(key);
    // Events carry a sub-status or a milestone stage in v2.2; the latest one is what latest_status describes.
    const resolved: ResolvedStatus =
      at === latestAt
        ? current
        : e.sub_status
        ? seventeenTrackStatus(e.sub_status.split("_")[0]!, e.sub_status)
        : e.stage && Object.hasOwn(STAGES, e.stage)
        ? STAGES[e.stage]!
        : { status: "in_transit" };
    const location = e.location?.trim();
    events.push({ at, ...resolved, description, ...(location ? { location } : {}) });
  }
  events.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));

  const window = info.time_metrics?.estimated_delivery_date;
  const estimatedDelivery = isoDate(window?.to) ?? isoDate(window?.from);

  return {
    provider: "17track",
    trackingNumber: number,
    ...(carrier !== null && carrier !== undefined && carrier !== 0 ? { carrierCode: String(carrier) } : {}),
    status: current.status,
    ...(current.reason ? { exceptionReason: current.reason } : {}),
    ...(estimatedDelivery ? { estimatedDelivery } : {}),
    events,
  };
}
