import { createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  EASYPOST_STATUS_DETAILS,
  EASYPOST_STATUSES,
  easyPostStatus,
  parseEasyPostWebhook,
  verifyEasyPostSignature,
} from "../../app/tracking/providers/easypost";
import { ProviderPayloadError } from "../../app/tracking/providers/payload";
import type { ResolvedStatus } from "../../app/tracking/status";

const fixture = (name: string) => readFileSync(path.resolve(import.meta.dirname, "../fixtures/tracking", name), "utf8");
const secret = "easypost-webhook-secret-for-tests";
// Computed here, independently of the adapter, as EasyPost's client libraries do.
const sign = (body: string | Buffer, key = secret) =>
  `hmac-sha256-hex=${createHmac("sha256", Buffer.from(key.normalize("NFKD"), "utf8"))
    .update(body)
    .digest("hex")}`;

describe("EasyPost webhook signature", () => {
  const raw = fixture("easypost-tracker-updated.json");

  it("accepts hmac-sha256-hex=<hex HMAC-SHA256 of the raw body> in X-Hmac-Signature", () => {
    expect(verifyEasyPostSignature(raw, new Headers({ "X-Hmac-Signature": sign(raw) }), secret)).toBe(true);
    expect(verifyEasyPostSignature(Buffer.from(raw), { "x-hmac-signature": sign(raw) }, secret)).toBe(true);
    expect(verifyEasyPostSignature(raw, { "X-Hmac-Signature": sign(raw).toUpperCase() }, secret)).toBe(true);
  });

  it("normalises the secret with NFKD, so composed and decomposed spellings are one secret", () => {
    const composed = "s\u00e9cret-\ufb01le"; // é as one code point, and the "ﬁ" ligature
    const decomposed = "se\u0301cret-file";
    const header = { "X-Hmac-Signature": sign(raw, composed) };
    expect(verifyEasyPostSignature(raw, header, composed)).toBe(true);
    expect(verifyEasyPostSignature(raw, header, decomposed)).toBe(true);
    // Signing with the raw UTF-8 of the composed secret is a different key.
    const unnormalised = `hmac-sha256-hex=${createHmac("sha256", composed).update(raw).digest("hex")}`;
    expect(unnormalised).not.toBe(header["X-Hmac-Signature"]);
    expect(verifyEasyPostSignature(raw, { "X-Hmac-Signature": unnormalised }, composed)).toBe(false);
  });

  it("refuses a tampered body, and a body re-serialised from JSON (weight 16.0 becomes 16)", () => {
    const tampered = raw.replace('"status": "out_for_delivery"', '"status": "delivered"');
    expect(tampered).not.toBe(raw);
    expect(verifyEasyPostSignature(tampered, { "X-Hmac-Signature": sign(raw) }, secret)).toBe(false);
    const reencoded = JSON.stringify(JSON.parse(raw));
    expect(reencoded).toContain('"weight":16,');
    expect(verifyEasyPostSignature(reencoded, { "X-Hmac-Signature": sign(raw) }, secret)).toBe(false);
  });

  it("refuses the wrong secret, a missing header, an empty secret, a bare hex digest and other prefixes", () => {
    expect(verifyEasyPostSignature(raw, { "X-Hmac-Signature": sign(raw, "other") }, secret)).toBe(false);
    expect(verifyEasyPostSignature(raw, {}, secret)).toBe(false);
    expect(verifyEasyPostSignature(raw, { "X-Hmac-Signature": "" }, secret)).toBe(false);
    expect(verifyEasyPostSignature(raw, { "X-Hmac-Signature": sign(raw, "") }, "")).toBe(false);
    const hex = sign(raw).slice("hmac-sha256-hex=".length);
    expect(verifyEasyPostSignature(raw, { "X-Hmac-Signature": hex }, secret)).toBe(false);
    expect(verifyEasyPostSignature(raw, { "X-Hmac-Signature": `sha256=${hex}` }, secret)).toBe(false);
    expect(verifyEasyPostSignature(raw, { "X-Hmac-Signature": [sign(raw), sign(raw)] }, secret)).toBe(false);
  });
});

describe("EasyPost webhook payload", () => {
  it("normalises a tracker.updated Event", () => {
    expect(parseEasyPostWebhook(JSON.parse(fixture("easypost-tracker-updated.json")))).toEqual({
      provider: "easypost",
      trackingNumber: "9405500207552011812894",
      carrierCode: "USPS",
      status: "out_for_delivery",
      estimatedDelivery: "2026-04-17",
      events: [
        { at: "2026-04-14T18:30:02.000Z", status: "info_received", description: "Pre-Shipment Info Sent to USPS" },
        {
          at: "2026-04-14T19:12:44.000Z",
          status: "info_received",
          description: "Shipping Label Created",
          location: "HOUSTON, TX, 77063",
        },
        {
          at: "2026-04-15T02:31:00.000Z",
          status: "in_transit",
          description: "Arrived at USPS Regional Origin Facility",
          location: "NORTH HOUSTON TX DISTRIBUTION CENTER",
        },
        {
          at: "2026-04-17T10:47:00.000Z",
          status: "in_transit",
          description: "Arrived at Post Office",
          location: "CHARLESTON, SC, 29401",
        },
        {
          at: "2026-04-17T15:01:00.000Z",
          status: "out_for_delivery",
          description: "Out for Delivery",
          location: "CHARLESTON, SC, 29401",
        },
      ],
    });
  });

  it("returns null for events that are not about a tracker", () => {
    expect(parseEasyPostWebhook(JSON.parse(fixture("easypost-batch-created.json")))).toBeNull();
  });

  it("reads a tracker.created with a weather delay as an exception, and sorts details oldest first", () => {
    const update = parseEasyPostWebhook({
      object: "Event",
      description: "tracker.created",
      result: {
        object: "Tracker",
        tracking_code: "1Z999AA10123456784",
        status: "in_transit",
        status_detail: "weather_delay",
        carrier: "UPS",
        est_delivery_date: null,
        tracking_details: [
          {
            status: "in_transit",
            status_detail: "weather_delay",
            datetime: "2026-01-20T12:00:00Z",
            message: "Weather delay",
            tracking_location: null,
          },
          {
            status: "pre_transit",
            status_detail: "label_created",
            datetime: "2026-01-18T12:00:00Z",
            message: null,
            description: "Label",
          },
        ],
      },
    });
    expect(update).toEqual({
      provider: "easypost",
      trackingNumber: "1Z999AA10123456784",
      carrierCode: "UPS",
      status: "exception",
      exceptionReason: "delayed",
      events: [
        { at: "2026-01-18T12:00:00.000Z", status: "info_received", description: "Label" },
        { at: "2026-01-20T12:00:00.000Z", status: "exception", reason: "delayed", description: "Weather delay" },
      ],
    });
  });

  it.each<[string, unknown, RegExp]>([
    ["not an Event", { object: "Tracker", description: "tracker.updated" }, /Malformed EasyPost webhook: object/],
    ["no description", { object: "Event", result: {} }, /description/],
    [
      "a tracker event whose result is not a Tracker",
      { object: "Event", description: "tracker.updated", result: { object: "Batch" } },
      /result\.object/,
    ],
    [
      "a tracker without tracking code",
      { object: "Event", description: "tracker.updated", result: { object: "Tracker", status: "in_transit" } },
      /result\.tracking_code/,
    ],
    [
      "a detail without datetime",
      {
        object: "Event",
        description: "tracker.updated",
        result: {
          object: "Tracker",
          tracking_code: "X",
          status: "in_transit",
          tracking_details: [{ status: "in_transit" }],
        },
      },
      /result\.tracking_details\.0\.datetime/,
    ],
  ])("rejects %s with a clear error", (_label, json, message) => {
    expect(() => parseEasyPostWebhook(json)).toThrow(ProviderPayloadError);
    expect(() => parseEasyPostWebhook(json)).toThrow(message);
  });
});

describe("EasyPost status mapping", () => {
  it.each<[string, ResolvedStatus]>([
    ["unknown", { status: "pending" }],
    ["pre_transit", { status: "info_received" }],
    ["in_transit", { status: "in_transit" }],
    ["out_for_delivery", { status: "out_for_delivery" }],
    ["delivered", { status: "delivered" }],
    ["available_for_pickup", { status: "available_for_pickup" }],
    ["return_to_sender", { status: "returning_to_sender" }],
    ["failure", { status: "exception", reason: "unknown" }],
    ["cancelled", { status: "exception", reason: "cancelled" }],
    ["error", { status: "exception", reason: "carrier_issue" }],
  ])("status %s -> %o", (status, expected) => {
    expect(easyPostStatus(status)).toEqual(expected);
    expect(easyPostStatus(status, null)).toEqual(expected);
  });

  // All 28 documented status_detail values, on an in_transit tracker.
  const details: [string, ResolvedStatus][] = [
    ["address_correction", { status: "in_transit" }],
    ["arrived_at_destination", { status: "in_transit" }],
    ["arrived_at_facility", { status: "in_transit" }],
    ["arrived_at_pickup_location", { status: "available_for_pickup" }],
    ["awaiting_information", { status: "in_transit" }],
    ["cancelled", { status: "exception", reason: "cancelled" }],
    ["damaged", { status: "exception", reason: "damaged" }],
    ["delayed", { status: "exception", reason: "delayed" }],
    ["delivery_exception", { status: "exception", reason: "carrier_issue" }],
    ["departed_facility", { status: "in_transit" }],
    ["departed_origin_facility", { status: "in_transit" }],
    ["expired", { status: "expired" }],
    ["failure", { status: "in_transit" }],
    ["held", { status: "exception", reason: "delayed" }],
    ["in_transit", { status: "in_transit" }],
    ["label_created", { status: "in_transit" }],
    ["lost", { status: "exception", reason: "lost" }],
    ["missorted", { status: "exception", reason: "carrier_issue" }],
    ["out_for_delivery", { status: "in_transit" }],
    ["received_at_destination_facility", { status: "in_transit" }],
    ["received_at_origin_facility", { status: "in_transit" }],
    ["refused", { status: "exception", reason: "refused" }],
    ["return", { status: "returning_to_sender" }],
    ["status_update", { status: "in_transit" }],
    ["transferred_to_destination_carrier", { status: "in_transit" }],
    ["transit_exception", { status: "exception", reason: "carrier_issue" }],
    ["unknown", { status: "in_transit" }],
    ["weather_delay", { status: "exception", reason: "delayed" }],
  ];

  it.each(details)("in_transit + %s -> %o", (detail, expected) => {
    expect(easyPostStatus("in_transit", detail)).toEqual(expected);
  });

  it("has tables of exactly the 10 statuses and 28 details EasyPost documents", () => {
    expect(Object.keys(EASYPOST_STATUSES)).toHaveLength(10);
    expect(Object.keys(EASYPOST_STATUS_DETAILS).sort()).toEqual(details.map(([d]) => d).sort());
  });

  it.each<[string, string, ResolvedStatus]>([
    // A final status is not undone by its detail.
    ["delivered", "refused", { status: "delivered" }],
    ["delivered", "arrived_at_pickup_location", { status: "delivered" }],
    ["return_to_sender", "return", { status: "returning_to_sender" }],
    ["return_to_sender", "lost", { status: "returning_to_sender" }],
    ["cancelled", "delayed", { status: "exception", reason: "cancelled" }],
    // A failure says more with its detail.
    ["failure", "delivery_exception", { status: "exception", reason: "carrier_issue" }],
    ["failure", "failure", { status: "exception", reason: "unknown" }],
    ["failure", "lost", { status: "exception", reason: "lost" }],
    ["out_for_delivery", "refused", { status: "exception", reason: "refused" }],
    ["pre_transit", "label_created", { status: "info_received" }],
    ["unknown", "unknown", { status: "pending" }],
  ])("%s + %s -> %o", (status, detail, expected) => {
    expect(easyPostStatus(status, detail)).toEqual(expected);
  });

  it("falls back safely on values EasyPost may add", () => {
    expect(easyPostStatus("teleported")).toEqual({ status: "exception", reason: "unknown" });
    expect(easyPostStatus("in_transit", "wormhole")).toEqual({ status: "in_transit" });
    expect(easyPostStatus("valueOf")).toEqual({ status: "exception", reason: "unknown" });
  });
});
