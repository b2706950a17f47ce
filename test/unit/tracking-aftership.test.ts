import { createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  AFTERSHIP_ATTEMPT_FAIL_SUBTAGS,
  AFTERSHIP_EXCEPTION_SUBTAGS,
  AFTERSHIP_TAGS,
  aftershipStatus,
  parseAftershipWebhook,
  verifyAftershipSignature,
} from "../../app/tracking/providers/aftership";
import { ProviderPayloadError } from "../../app/tracking/providers/payload";
import type { ResolvedStatus } from "../../app/tracking/status";

const fixture = (name: string) => readFileSync(path.resolve(import.meta.dirname, "../fixtures/tracking", name), "utf8");
const secret = "aftership-webhook-secret-for-tests";
// Computed here, independently of the adapter: base64 HMAC-SHA256 of the raw bytes.
const sign = (body: string | Buffer, key = secret) => createHmac("sha256", key).update(body).digest("base64");

describe("AfterShip webhook signature", () => {
  const raw = fixture("aftership-tracking-update-delivered.json");

  it("accepts the base64 HMAC-SHA256 of the raw body, whatever the header's case or container", () => {
    const signature = sign(raw);
    expect(verifyAftershipSignature(raw, new Headers({ "aftership-hmac-sha256": signature }), secret)).toBe(true);
    expect(verifyAftershipSignature(raw, { "Aftership-Hmac-Sha256": signature }, secret)).toBe(true);
    expect(verifyAftershipSignature(Buffer.from(raw), { "aftership-hmac-sha256": signature }, secret)).toBe(true);
  });

  it("refuses a tampered body", () => {
    const signature = sign(raw);
    const tampered = raw.replace('"tag": "Delivered"', '"tag": "Exception"');
    expect(tampered).not.toBe(raw);
    expect(verifyAftershipSignature(tampered, { "aftership-hmac-sha256": signature }, secret)).toBe(false);
  });

  it("refuses a body that was parsed and re-serialised (the signature covers the bytes)", () => {
    const reencoded = JSON.stringify(JSON.parse(raw));
    expect(verifyAftershipSignature(reencoded, { "aftership-hmac-sha256": sign(raw) }, secret)).toBe(false);
  });

  it("refuses the wrong secret, a missing or empty header, an empty secret and garbage", () => {
    const headers = { "aftership-hmac-sha256": sign(raw, "another-secret") };
    expect(verifyAftershipSignature(raw, headers, secret)).toBe(false);
    expect(verifyAftershipSignature(raw, {}, secret)).toBe(false);
    expect(verifyAftershipSignature(raw, new Headers(), secret)).toBe(false);
    expect(verifyAftershipSignature(raw, { "aftership-hmac-sha256": "" }, secret)).toBe(false);
    expect(verifyAftershipSignature(raw, { "aftership-hmac-sha256": undefined }, secret)).toBe(false);
    expect(verifyAftershipSignature(raw, { "aftership-hmac-sha256": sign(raw, "") }, "")).toBe(false);
    expect(verifyAftershipSignature(raw, { "aftership-hmac-sha256": "not base64 at all" }, secret)).toBe(false);
    expect(verifyAftershipSignature(raw, { "aftership-hmac-sha256": sign(raw).slice(0, -4) }, secret)).toBe(false);
  });

  it("does not accept the hex form or another product's header", () => {
    const hex = createHmac("sha256", secret).update(raw).digest("hex");
    expect(verifyAftershipSignature(raw, { "aftership-hmac-sha256": hex }, secret)).toBe(false);
    // AfterShip Returns and Warranty sign with `as-signature-hmac-sha256`: not this endpoint's header.
    expect(verifyAftershipSignature(raw, { "as-signature-hmac-sha256": sign(raw) }, secret)).toBe(false);
  });
});

describe("AfterShip webhook payload", () => {
  it("normalises a delivered tracking_update", () => {
    const update = parseAftershipWebhook(JSON.parse(fixture("aftership-tracking-update-delivered.json")));
    expect(update).toEqual({
      provider: "aftership",
      trackingNumber: "1Z0A3R2F0354877713",
      carrierCode: "ups",
      status: "delivered",
      estimatedDelivery: "2026-05-08",
      events: [
        {
          at: "2026-05-04T16:05:00.000Z",
          status: "info_received",
          description: "Shipper created a label, UPS has not received the package yet.",
          location: "USA",
        },
        {
          at: "2026-05-05T00:45:00.000Z",
          status: "in_transit",
          description: "Pickup Scan",
          location: "Los Angeles, CA, US",
        },
        {
          at: "2026-05-06T07:10:00.000Z",
          status: "in_transit",
          description: "Arrived at Facility",
          location: "Dallas, TX, USA",
        },
        {
          at: "2026-05-08T12:58:00.000Z",
          status: "out_for_delivery",
          description: "Out For Delivery Today",
          location: "Austin, TX, US",
        },
        { at: "2026-05-08T19:22:00.000Z", status: "delivered", description: "DELIVERED", location: "Austin, TX, US" },
      ],
    });
  });

  it("normalises an exception with its reason and the end of the estimated window", () => {
    const update = parseAftershipWebhook(JSON.parse(fixture("aftership-tracking-update-exception.json")));
    expect(update).toMatchObject({
      trackingNumber: "LX123456785DE",
      carrierCode: "dhl-germany",
      status: "exception",
      exceptionReason: "customs_hold",
      estimatedDelivery: "2026-06-09",
    });
    expect(update.events.map((e) => [e.status, e.reason])).toEqual([
      ["in_transit", undefined],
      ["in_transit", undefined],
      ["exception", "customs_hold"],
    ]);
    expect(update.events.at(-1)).toMatchObject({ at: "2026-06-09T11:30:00.000Z", location: "Zurich, Switzerland" });
  });

  it("sorts checkpoints oldest first, reads a time without offset as UTC, and falls back on older EDD fields", () => {
    const update = parseAftershipWebhook({
      event: "edd_revise",
      msg: {
        tracking_number: "9400111899223100000000",
        tag: "InTransit",
        expected_delivery: "2026-07-03T18:00:00",
        checkpoints: [
          { checkpoint_time: "2026-07-01T10:00:00", tag: "InTransit", message: "Departed", country_iso3: "USA" },
          {
            checkpoint_time: "2026-06-30T10:00:00+00:00",
            tag: "InfoReceived",
            message: null,
            subtag_message: "Info Received",
          },
        ],
      },
    });
    expect(update).toEqual({
      provider: "aftership",
      trackingNumber: "9400111899223100000000",
      status: "in_transit",
      estimatedDelivery: "2026-07-03",
      events: [
        { at: "2026-06-30T10:00:00.000Z", status: "info_received", description: "Info Received" },
        { at: "2026-07-01T10:00:00.000Z", status: "in_transit", description: "Departed", location: "USA" },
      ],
    });
  });

  it("accepts a tracking without checkpoints or estimates", () => {
    expect(parseAftershipWebhook({ event: "tracking_update", msg: { tracking_number: "X1", tag: "Pending" } })).toEqual(
      {
        provider: "aftership",
        trackingNumber: "X1",
        status: "pending",
        events: [],
      }
    );
  });

  it.each<[string, unknown, RegExp]>([
    ["null", null, /Malformed AfterShip webhook: \(root\)/],
    ["an array", [], /\(root\)/],
    ["no msg", { event: "tracking_update" }, /msg/],
    [
      "a numeric tracking number",
      { event: "tracking_update", msg: { tracking_number: 42, tag: "Pending" } },
      /msg\.tracking_number/,
    ],
    ["no tag", { event: "tracking_update", msg: { tracking_number: "X1" } }, /msg\.tag/],
    [
      "a checkpoint without time",
      {
        event: "tracking_update",
        msg: { tracking_number: "X1", tag: "InTransit", checkpoints: [{ tag: "InTransit" }] },
      },
      /msg\.checkpoints\.0\.checkpoint_time/,
    ],
    [
      "an unreadable checkpoint time",
      {
        event: "tracking_update",
        msg: {
          tracking_number: "X1",
          tag: "InTransit",
          checkpoints: [{ tag: "InTransit", checkpoint_time: "yesterday" }],
        },
      },
      /unreadable time "yesterday"/,
    ],
  ])("rejects %s with a clear error", (_label, json, message) => {
    expect(() => parseAftershipWebhook(json)).toThrow(ProviderPayloadError);
    expect(() => parseAftershipWebhook(json)).toThrow(message);
  });
});

describe("AfterShip status mapping", () => {
  it.each<[string, ResolvedStatus]>([
    ["Pending", { status: "pending" }],
    ["InfoReceived", { status: "info_received" }],
    ["InTransit", { status: "in_transit" }],
    ["OutForDelivery", { status: "out_for_delivery" }],
    ["AttemptFail", { status: "attempt_fail" }],
    ["Delivered", { status: "delivered" }],
    ["AvailableForPickup", { status: "available_for_pickup" }],
    ["Exception", { status: "exception", reason: "unknown" }],
    ["Expired", { status: "expired" }],
  ])("tag %s -> %o", (tag, expected) => {
    expect(aftershipStatus(tag)).toEqual(expected);
  });

  it("knows exactly the nine documented tags", () => {
    expect(Object.keys(AFTERSHIP_TAGS).sort()).toEqual(
      [
        "AttemptFail",
        "AvailableForPickup",
        "Delivered",
        "Exception",
        "Expired",
        "InTransit",
        "InfoReceived",
        "OutForDelivery",
        "Pending",
      ].sort()
    );
  });

  // Every documented subtag (delivery-sub-statuses, 2026-07). Non-exception subtags only describe the tag.
  const documented: [string, ResolvedStatus][] = [
    ["Delivered_001", { status: "delivered" }],
    ["Delivered_002", { status: "delivered" }],
    ["Delivered_003", { status: "delivered" }],
    ["Delivered_004", { status: "delivered" }],
    ["Delivered_005", { status: "delivered" }],
    ["AvailableForPickup_001", { status: "available_for_pickup" }],
    ["Exception_001", { status: "exception", reason: "unknown" }],
    ["Exception_002", { status: "exception", reason: "address_issue" }],
    ["Exception_003", { status: "exception", reason: "refused" }],
    ["Exception_004", { status: "exception", reason: "customs_hold" }],
    ["Exception_005", { status: "exception", reason: "delayed" }],
    ["Exception_006", { status: "exception", reason: "payment_due" }],
    ["Exception_007", { status: "exception", reason: "address_issue" }],
    ["Exception_008", { status: "exception", reason: "pickup_missed" }],
    ["Exception_009", { status: "exception", reason: "carrier_issue" }],
    ["Exception_010", { status: "returning_to_sender" }],
    ["Exception_011", { status: "exception", reason: "returned" }],
    ["Exception_012", { status: "exception", reason: "damaged" }],
    ["Exception_013", { status: "exception", reason: "lost" }],
    ["Exception_016", { status: "exception", reason: "carrier_issue" }],
    ["Exception_017", { status: "exception", reason: "delayed" }],
    ["Exception_018", { status: "exception", reason: "customs_hold" }],
    ["Exception_019", { status: "exception", reason: "delayed" }],
    ["Exception_020", { status: "exception", reason: "cancelled" }],
    ["Exception_021", { status: "exception", reason: "destroyed" }],
    ["AttemptFail_001", { status: "attempt_fail" }],
    ["AttemptFail_002", { status: "attempt_fail", reason: "recipient_unavailable" }],
    ["AttemptFail_003", { status: "attempt_fail", reason: "recipient_unavailable" }],
    ...Array.from({ length: 9 }, (_, i): [string, ResolvedStatus] => [
      `InTransit_00${i + 1}`,
      { status: "in_transit" },
    ]),
    ["InTransit_011", { status: "in_transit" }],
    ["InTransit_012", { status: "in_transit" }],
    ["InTransit_013", { status: "in_transit" }],
    ["InfoReceived_001", { status: "info_received" }],
    ["OutForDelivery_001", { status: "out_for_delivery" }],
    ["OutForDelivery_003", { status: "out_for_delivery" }],
    ["OutForDelivery_004", { status: "out_for_delivery" }],
    ...Array.from({ length: 6 }, (_, i): [string, ResolvedStatus] => [`Pending_00${i + 1}`, { status: "pending" }]),
    ["Expired_001", { status: "expired" }],
  ];

  it.each(documented)("subtag %s -> %o", (subtag, expected) => {
    const tag = subtag.split("_")[0]!;
    expect(aftershipStatus(tag, subtag)).toEqual(expected);
  });

  it("maps every subtag in its tables, and the tables hold only documented codes", () => {
    const codes = new Set(documented.map(([code]) => code));
    for (const code of [...Object.keys(AFTERSHIP_EXCEPTION_SUBTAGS), ...Object.keys(AFTERSHIP_ATTEMPT_FAIL_SUBTAGS)]) {
      expect(codes, code).toContain(code);
    }
  });

  it("falls back safely on codes AfterShip may add", () => {
    expect(aftershipStatus("Exception", "Exception_099")).toEqual({ status: "exception", reason: "unknown" });
    expect(aftershipStatus("InTransit", "InTransit_099")).toEqual({ status: "in_transit" });
    expect(aftershipStatus("Teleported")).toEqual({ status: "exception", reason: "unknown" });
    // A subtag never moves a parcel to another tag's status.
    expect(aftershipStatus("Delivered", "Exception_013")).toEqual({ status: "delivered" });
    expect(aftershipStatus("toString")).toEqual({ status: "exception", reason: "unknown" });
  });
});
