import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ProviderPayloadError } from "../../app/tracking/providers/payload";
import {
  parseSeventeenTrackWebhook,
  SEVENTEEN_TRACK_STATUSES,
  SEVENTEEN_TRACK_SUB_STATUSES,
  seventeenTrackStatus,
  verifySeventeenTrackSignature,
} from "../../app/tracking/providers/seventeen-track";
import type { ResolvedStatus } from "../../app/tracking/status";

const fixture = (name: string) => readFileSync(path.resolve(import.meta.dirname, "../fixtures/tracking", name), "utf8");
const securityKey = "17track-security-key-for-tests";
// Computed here, independently of the adapter: hex SHA-256 of "<raw body>/<key>".
const sign = (body: string, key = securityKey) => createHash("sha256").update(`${body}/${key}`, "utf8").digest("hex");

describe("17TRACK webhook signature", () => {
  const raw = fixture("seventeen-track-tracking-updated.json");

  it("accepts the SHA-256 of body + '/' + key in the `sign` header", () => {
    expect(verifySeventeenTrackSignature(raw, new Headers({ sign: sign(raw) }), securityKey)).toBe(true);
    expect(verifySeventeenTrackSignature(Buffer.from(raw), { Sign: sign(raw) }, securityKey)).toBe(true);
    // Hex is hex: upper case is the same signature.
    expect(verifySeventeenTrackSignature(raw, { sign: sign(raw).toUpperCase() }, securityKey)).toBe(true);
  });

  it("hashes the raw bytes, so non-ASCII descriptions sign as sent", () => {
    const body = JSON.stringify({
      event: "TRACKING_UPDATED",
      data: { number: "RR1", description: "已签收 Zugestellt" },
    });
    expect(verifySeventeenTrackSignature(Buffer.from(body, "utf8"), { sign: sign(body) }, securityKey)).toBe(true);
  });

  it("refuses a tampered body", () => {
    const tampered = raw.replace('"InTransit_Arrival"', '"Delivered_Other"');
    expect(tampered).not.toBe(raw);
    expect(verifySeventeenTrackSignature(tampered, { sign: sign(raw) }, securityKey)).toBe(false);
  });

  it("refuses the wrong key, a missing header, an empty key, and look-alike schemes", () => {
    expect(verifySeventeenTrackSignature(raw, { sign: sign(raw, "another-key") }, securityKey)).toBe(false);
    expect(verifySeventeenTrackSignature(raw, {}, securityKey)).toBe(false);
    expect(verifySeventeenTrackSignature(raw, { sign: "" }, securityKey)).toBe(false);
    expect(verifySeventeenTrackSignature(raw, { sign: sign(raw, "") }, "")).toBe(false);
    // Without the slash, or the key first: not 17TRACK's scheme.
    const noSlash = createHash("sha256").update(`${raw}${securityKey}`).digest("hex");
    const keyFirst = createHash("sha256").update(`${securityKey}/${raw}`).digest("hex");
    expect(verifySeventeenTrackSignature(raw, { sign: noSlash }, securityKey)).toBe(false);
    expect(verifySeventeenTrackSignature(raw, { sign: keyFirst }, securityKey)).toBe(false);
    expect(verifySeventeenTrackSignature(raw, { sign: sign(raw).slice(1) }, securityKey)).toBe(false);
  });
});

describe("17TRACK webhook payload", () => {
  it("normalises a TRACKING_UPDATED push, merging events of every provider", () => {
    const update = parseSeventeenTrackWebhook(JSON.parse(fixture("seventeen-track-tracking-updated.json")));
    expect(update).toEqual({
      provider: "17track",
      trackingNumber: "RR123456789CN",
      carrierCode: "3011",
      status: "in_transit",
      estimatedDelivery: "2026-03-16",
      events: [
        { at: "2026-03-01T08:20:00.000Z", status: "info_received", description: "Electronic information received" },
        {
          at: "2026-03-02T02:05:00.000Z",
          status: "in_transit",
          description: "Posting/Collection [SHENZHEN]",
          location: "SHENZHEN",
        },
        {
          at: "2026-03-05T14:40:00.000Z",
          status: "in_transit",
          description: "Departed from the office of exchange [GUANGZHOU]",
          location: "GUANGZHOU",
        },
        {
          at: "2026-03-09T06:35:00.000Z",
          status: "in_transit",
          description: "Arrived at destination country [PARIS, FR]",
          location: "PARIS, FR",
        },
      ],
    });
  });

  it("returns null for TRACKING_STOPPED, which carries no tracking", () => {
    expect(parseSeventeenTrackWebhook(JSON.parse(fixture("seventeen-track-tracking-stopped.json")))).toBeNull();
  });

  const push = (trackInfo: unknown) => ({
    event: "TRACKING_UPDATED",
    data: { number: "YT2212345678901234", carrier: 190271, track_info: trackInfo },
  });

  it("uses latest_status for the latest event, and sub-status or stage for the others", () => {
    const update = parseSeventeenTrackWebhook(
      push({
        latest_status: { status: "Exception", sub_status: "Exception_Returning" },
        latest_event: {
          time_utc: "2026-04-10T09:00:00Z",
          description: "Returned to sender",
          stage: "Returning",
          sub_status: "Exception_Returning",
        },
        tracking: {
          providers: [
            {
              events: [
                { time_utc: "2026-04-10T09:00:00Z", description: "Returned to sender", stage: "Returning" },
                {
                  time_utc: "2026-04-08T09:00:00Z",
                  description: "Delivery failed: refused",
                  sub_status: "DeliveryFailure_Rejected",
                },
                { time_utc: "2026-04-07T09:00:00Z", description: "Out for delivery", stage: "OutForDelivery" },
                { time_iso: "2026-04-06T09:00:00+02:00", description: "Scan" },
                { time_utc: "2026-04-05T09:00:00Z", description: "Odd stage", stage: "constructor" },
                { description: "no time, skipped" },
              ],
            },
          ],
        },
      })
    );
    expect(update).toMatchObject({ status: "returning_to_sender", carrierCode: "190271" });
    expect(update!.exceptionReason).toBeUndefined();
    expect(update!.events.map((e) => [e.at, e.status, e.reason])).toEqual([
      ["2026-04-05T09:00:00.000Z", "in_transit", undefined],
      ["2026-04-06T07:00:00.000Z", "in_transit", undefined],
      ["2026-04-07T09:00:00.000Z", "out_for_delivery", undefined],
      ["2026-04-08T09:00:00.000Z", "attempt_fail", "refused"],
      ["2026-04-10T09:00:00.000Z", "returning_to_sender", undefined],
    ]);
  });

  it("falls back on latest_event when no provider lists events, and on `from` when there is no `to`", () => {
    const update = parseSeventeenTrackWebhook(
      push({
        latest_status: { status: "Exception", sub_status: "Exception_Lost" },
        latest_event: { time_utc: "2026-04-10T09:00:00Z", description: "Lost" },
        time_metrics: { estimated_delivery_date: { from: "2026-04-12T00:00:00+08:00", to: null } },
        tracking: { providers: [] },
      })
    );
    expect(update).toEqual({
      provider: "17track",
      trackingNumber: "YT2212345678901234",
      carrierCode: "190271",
      status: "exception",
      exceptionReason: "lost",
      estimatedDelivery: "2026-04-12",
      events: [{ at: "2026-04-10T09:00:00.000Z", status: "exception", reason: "lost", description: "Lost" }],
    });
  });

  it("keeps one copy of an event two providers both report", () => {
    const same = { time_utc: "2026-04-10T09:00:00Z", description: "Arrived", sub_status: "InTransit_Arrival" };
    const update = parseSeventeenTrackWebhook(
      push({
        latest_status: { status: "InTransit" },
        tracking: { providers: [{ events: [same] }, { events: [same] }] },
      })
    );
    expect(update!.events).toHaveLength(1);
  });

  it("omits the carrier code when 17TRACK has not detected the carrier", () => {
    const update = parseSeventeenTrackWebhook({
      event: "TRACKING_UPDATED",
      data: {
        number: "X1",
        carrier: 0,
        track_info: { latest_status: { status: "NotFound", sub_status: "NotFound_Other" } },
      },
    });
    expect(update).toEqual({ provider: "17track", trackingNumber: "X1", status: "pending", events: [] });
  });

  it.each<[string, unknown, RegExp]>([
    ["a string", "TRACKING_UPDATED", /Malformed 17TRACK webhook: \(root\)/],
    ["no data", { event: "TRACKING_UPDATED" }, /data/],
    ["no number", { event: "TRACKING_UPDATED", data: { carrier: 3011 } }, /data\.number/],
    ["an update without track_info", { event: "TRACKING_UPDATED", data: { number: "X1" } }, /data\.track_info/],
    [
      "no latest_status",
      { event: "TRACKING_UPDATED", data: { number: "X1", track_info: {} } },
      /data\.track_info\.latest_status/,
    ],
    [
      "an unreadable event time",
      {
        event: "TRACKING_UPDATED",
        data: {
          number: "X1",
          track_info: { latest_status: { status: "InTransit" }, latest_event: { time_utc: "soon", description: "?" } },
        },
      },
      /unreadable time "soon"/,
    ],
  ])("rejects %s with a clear error", (_label, json, message) => {
    expect(() => parseSeventeenTrackWebhook(json)).toThrow(ProviderPayloadError);
    expect(() => parseSeventeenTrackWebhook(json)).toThrow(message);
  });
});

describe("17TRACK status mapping", () => {
  it.each<[string, ResolvedStatus]>([
    ["NotFound", { status: "pending" }],
    ["InfoReceived", { status: "info_received" }],
    ["InTransit", { status: "in_transit" }],
    ["Expired", { status: "expired" }],
    ["AvailableForPickup", { status: "available_for_pickup" }],
    ["OutForDelivery", { status: "out_for_delivery" }],
    ["DeliveryFailure", { status: "attempt_fail" }],
    ["Delivered", { status: "delivered" }],
    ["Exception", { status: "exception", reason: "unknown" }],
  ])("main status %s -> %o", (status, expected) => {
    expect(seventeenTrackStatus(status)).toEqual(expected);
  });

  // The 30 documented sub-statuses.
  const documented: [string, string, ResolvedStatus][] = [
    ["NotFound", "NotFound_Other", { status: "pending" }],
    ["NotFound", "NotFound_InvalidCode", { status: "exception", reason: "invalid_tracking" }],
    ["InfoReceived", "InfoReceived", { status: "info_received" }],
    ["InTransit", "InTransit_PickedUp", { status: "in_transit" }],
    ["InTransit", "InTransit_Other", { status: "in_transit" }],
    ["InTransit", "InTransit_Departure", { status: "in_transit" }],
    ["InTransit", "InTransit_Arrival", { status: "in_transit" }],
    ["InTransit", "InTransit_CustomsProcessing", { status: "in_transit" }],
    ["InTransit", "InTransit_CustomsReleased", { status: "in_transit" }],
    ["InTransit", "InTransit_CustomsRequiringInformation", { status: "exception", reason: "customs_hold" }],
    ["Expired", "Expired_Other", { status: "expired" }],
    ["AvailableForPickup", "AvailableForPickup_Other", { status: "available_for_pickup" }],
    ["OutForDelivery", "OutForDelivery_Other", { status: "out_for_delivery" }],
    ["DeliveryFailure", "DeliveryFailure_Other", { status: "attempt_fail" }],
    ["DeliveryFailure", "DeliveryFailure_NoBody", { status: "attempt_fail", reason: "recipient_unavailable" }],
    ["DeliveryFailure", "DeliveryFailure_Security", { status: "attempt_fail", reason: "customs_hold" }],
    ["DeliveryFailure", "DeliveryFailure_Rejected", { status: "attempt_fail", reason: "refused" }],
    ["DeliveryFailure", "DeliveryFailure_InvalidAddress", { status: "attempt_fail", reason: "address_issue" }],
    ["Delivered", "Delivered_Other", { status: "delivered" }],
    ["Exception", "Exception_Other", { status: "exception", reason: "unknown" }],
    ["Exception", "Exception_Returning", { status: "returning_to_sender" }],
    ["Exception", "Exception_Returned", { status: "exception", reason: "returned" }],
    ["Exception", "Exception_NoBody", { status: "exception", reason: "recipient_unavailable" }],
    ["Exception", "Exception_Security", { status: "exception", reason: "customs_hold" }],
    ["Exception", "Exception_Damage", { status: "exception", reason: "damaged" }],
    ["Exception", "Exception_Rejected", { status: "exception", reason: "refused" }],
    ["Exception", "Exception_Delayed", { status: "exception", reason: "delayed" }],
    ["Exception", "Exception_Lost", { status: "exception", reason: "lost" }],
    ["Exception", "Exception_Destroyed", { status: "exception", reason: "destroyed" }],
    ["Exception", "Exception_Cancel", { status: "exception", reason: "cancelled" }],
  ];

  it.each(documented)("%s / %s -> %o", (status, subStatus, expected) => {
    expect(seventeenTrackStatus(status, subStatus)).toEqual(expected);
  });

  it("has tables of exactly the 9 main statuses and 30 sub-statuses", () => {
    expect(Object.keys(SEVENTEEN_TRACK_STATUSES)).toHaveLength(9);
    expect(Object.keys(SEVENTEEN_TRACK_SUB_STATUSES).sort()).toEqual(documented.map(([, sub]) => sub).sort());
  });

  it("falls back safely", () => {
    // A sub-status that contradicts its main status: the main status is the one 17TRACK stands behind.
    expect(seventeenTrackStatus("Delivered", "Exception_Lost")).toEqual({ status: "delivered" });
    // New codes.
    expect(seventeenTrackStatus("InTransit", "InTransit_Teleporting")).toEqual({ status: "in_transit" });
    expect(seventeenTrackStatus("Teleported", "Teleported_Other")).toEqual({ status: "exception", reason: "unknown" });
    expect(seventeenTrackStatus("hasOwnProperty")).toEqual({ status: "exception", reason: "unknown" });
  });
});
