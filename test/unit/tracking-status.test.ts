import { readFileSync } from "node:fs";
import path from "node:path";
import { GraphQLEnumType } from "graphql";
import { describe, expect, it } from "vitest";
import {
  EXCEPTION_REASONS,
  fromShopifyFulfillmentDisplayStatus,
  fromShopifyFulfillmentEventStatus,
  isTerminal,
  mergeTimeline,
  PROGRESS_STEPS,
  progressStep,
  type ResolvedStatus,
  SHOPIFY_FULFILLMENT_DISPLAY_STATUS,
  SHOPIFY_FULFILLMENT_EVENT_STATUS,
  type TimelineEvent,
  TRACKING_STATUSES,
  type TrackingStatus,
} from "../../app/tracking/status";
import { createRandom } from "../../devstore/seed/random";
import { adminSchema } from "../support/admin-schema";
import { SHARED } from "../support/shopify";

function enumValues(name: string): string[] {
  const type = adminSchema().getType(name);
  if (!(type instanceof GraphQLEnumType)) throw new Error(`${name} is not an enum in the Admin schema`);
  return type.getValues().map((v) => v.name);
}

describe("Shopify FulfillmentEventStatus", () => {
  const schemaValues = enumValues("FulfillmentEventStatus");

  it("maps every value the Admin schema declares, and nothing it does not", () => {
    expect(schemaValues.length).toBeGreaterThan(0);
    for (const value of schemaValues) expect(fromShopifyFulfillmentEventStatus(value), value).toBeDefined();
    expect(Object.keys(SHOPIFY_FULFILLMENT_EVENT_STATUS).sort()).toEqual([...schemaValues].sort());
  });

  it.each<[string, ResolvedStatus]>([
    ["LABEL_PURCHASED", { status: "info_received" }],
    ["LABEL_PRINTED", { status: "info_received" }],
    ["CONFIRMED", { status: "info_received" }],
    ["READY_FOR_PICKUP", { status: "available_for_pickup" }],
    ["CARRIER_PICKED_UP", { status: "in_transit" }],
    ["IN_TRANSIT", { status: "in_transit" }],
    ["OUT_FOR_DELIVERY", { status: "out_for_delivery" }],
    ["ATTEMPTED_DELIVERY", { status: "attempt_fail" }],
    ["DELAYED", { status: "exception", reason: "delayed" }],
    ["DELIVERED", { status: "delivered" }],
    ["FAILURE", { status: "exception", reason: "carrier_issue" }],
  ])("%s -> %o", (value, expected) => {
    expect(fromShopifyFulfillmentEventStatus(value)).toEqual(expected);
  });

  it("reads the lower-case value the fulfillment_events/create webhook sends", () => {
    const sample = JSON.parse(
      readFileSync(path.join(SHARED, "webhooks", "fulfillment_events__create.json"), "utf8")
    ) as { status: string };
    expect(sample.status).toBe("in_transit");
    expect(fromShopifyFulfillmentEventStatus(sample.status)).toEqual({ status: "in_transit" });
    expect(fromShopifyFulfillmentEventStatus(" out_for_delivery ")).toEqual({ status: "out_for_delivery" });
  });

  it("returns undefined for a value it does not know, including prototype keys", () => {
    expect(fromShopifyFulfillmentEventStatus("TELEPORTED")).toBeUndefined();
    expect(fromShopifyFulfillmentEventStatus("")).toBeUndefined();
    expect(fromShopifyFulfillmentEventStatus("constructor")).toBeUndefined();
    expect(fromShopifyFulfillmentEventStatus("__proto__")).toBeUndefined();
  });

  it("hands out copies, so a caller cannot change the table", () => {
    const first = fromShopifyFulfillmentEventStatus("DELAYED")!;
    first.reason = "lost";
    expect(fromShopifyFulfillmentEventStatus("DELAYED")).toEqual({ status: "exception", reason: "delayed" });
  });
});

describe("Shopify FulfillmentDisplayStatus", () => {
  const schemaValues = enumValues("FulfillmentDisplayStatus");

  it("maps every value the Admin schema declares, and nothing it does not", () => {
    expect(schemaValues.length).toBeGreaterThan(0);
    for (const value of schemaValues) expect(fromShopifyFulfillmentDisplayStatus(value), value).toBeDefined();
    expect(Object.keys(SHOPIFY_FULFILLMENT_DISPLAY_STATUS).sort()).toEqual([...schemaValues].sort());
  });

  it.each<[string, ResolvedStatus]>([
    ["SUBMITTED", { status: "pending" }],
    ["CONFIRMED", { status: "info_received" }],
    ["LABEL_PURCHASED", { status: "info_received" }],
    ["LABEL_PRINTED", { status: "info_received" }],
    ["FULFILLED", { status: "info_received" }],
    ["MARKED_AS_FULFILLED", { status: "info_received" }],
    ["CARRIER_PICKED_UP", { status: "in_transit" }],
    ["IN_TRANSIT", { status: "in_transit" }],
    ["OUT_FOR_DELIVERY", { status: "out_for_delivery" }],
    ["READY_FOR_PICKUP", { status: "available_for_pickup" }],
    ["ATTEMPTED_DELIVERY", { status: "attempt_fail" }],
    ["DELIVERED", { status: "delivered" }],
    ["PICKED_UP", { status: "delivered" }],
    ["DELAYED", { status: "exception", reason: "delayed" }],
    ["FAILURE", { status: "exception", reason: "carrier_issue" }],
    ["NOT_DELIVERED", { status: "exception", reason: "unknown" }],
    ["CANCELED", { status: "exception", reason: "cancelled" }],
    ["LABEL_VOIDED", { status: "exception", reason: "cancelled" }],
  ])("%s -> %o", (value, expected) => {
    expect(fromShopifyFulfillmentDisplayStatus(value)).toEqual(expected);
  });

  it("returns undefined for a value it does not know", () => {
    expect(fromShopifyFulfillmentDisplayStatus("BEAMED_UP")).toBeUndefined();
  });
});

describe("mapped reasons", () => {
  it("only ever uses declared statuses and reasons", () => {
    const all = [
      ...Object.values(SHOPIFY_FULFILLMENT_EVENT_STATUS),
      ...Object.values(SHOPIFY_FULFILLMENT_DISPLAY_STATUS),
    ];
    for (const resolved of all as ResolvedStatus[]) {
      expect(TRACKING_STATUSES).toContain(resolved.status);
      if (resolved.reason) expect(EXCEPTION_REASONS).toContain(resolved.reason);
    }
  });
});

describe("progressStep", () => {
  it("has five steps, ordered to delivered", () => {
    expect(PROGRESS_STEPS).toEqual(["ordered", "shipped", "in_transit", "out_for_delivery", "delivered"]);
  });

  it.each<[TrackingStatus, number | null]>([
    ["pending", 0],
    ["info_received", 1],
    ["in_transit", 2],
    ["out_for_delivery", 3],
    ["available_for_pickup", 3],
    ["attempt_fail", 3],
    ["delivered", 4],
    ["exception", null],
    ["expired", null],
    ["returning_to_sender", null],
  ])("%s is step %s", (status, step) => {
    expect(progressStep(status)).toBe(step);
  });

  it("covers every status", () => {
    for (const status of TRACKING_STATUSES) expect(progressStep(status)).not.toBeUndefined();
  });
});

describe("isTerminal", () => {
  it.each<[TrackingStatus, ResolvedStatus["reason"], boolean]>([
    ["delivered", undefined, true],
    ["expired", undefined, true],
    ["exception", "lost", true],
    ["exception", "destroyed", true],
    ["exception", "cancelled", true],
    ["exception", "returned", true],
    ["exception", "invalid_tracking", true],
    ["exception", "delayed", false],
    ["exception", "customs_hold", false],
    ["exception", "unknown", false],
    ["exception", undefined, false],
    ["returning_to_sender", undefined, false],
    ["pending", undefined, false],
    ["info_received", undefined, false],
    ["in_transit", undefined, false],
    ["out_for_delivery", undefined, false],
    ["available_for_pickup", undefined, false],
    ["attempt_fail", "recipient_unavailable", false],
  ])("%s (%s) -> %s", (status, reason, terminal) => {
    expect(isTerminal(status, reason)).toBe(terminal);
  });
});

describe("mergeTimeline", () => {
  const ev = (
    at: string,
    status: TrackingStatus,
    description: string,
    source = "aftership",
    extra: Partial<TimelineEvent> = {}
  ) => ({
    at,
    status,
    description,
    source,
    ...extra,
  });

  it("with no events, the parcel is pending at the first step", () => {
    expect(mergeTimeline([])).toEqual({ events: [], status: "pending", step: 0 });
  });

  it("sorts by time across time zones, and the latest event sets the status", () => {
    const timeline = mergeTimeline([
      ev("2026-05-08T14:22:00-05:00", "delivered", "Delivered"),
      ev("2026-05-04T09:05:00-07:00", "info_received", "Label created"),
      ev("2026-05-06T07:10:00Z", "in_transit", "Arrived at facility"),
    ]);
    expect(timeline.events.map((e) => e.status)).toEqual(["info_received", "in_transit", "delivered"]);
    expect(timeline.status).toBe("delivered");
    expect(timeline.step).toBe(4);
    expect(timeline.lastEventAt).toBe("2026-05-08T14:22:00-05:00");
  });

  it("keeps one event for the same scan reported by Shopify and a provider, with the richer words", () => {
    const timeline = mergeTimeline([
      ev("2026-05-06T07:10:00Z", "in_transit", "In transit", "shopify"),
      ev("2026-05-06T07:14:00Z", "in_transit", "Arrived at Facility", "aftership", { location: "Dallas, TX, US" }),
    ]);
    expect(timeline.events).toEqual([
      {
        at: "2026-05-06T07:10:00Z",
        status: "in_transit",
        description: "Arrived at Facility",
        source: "aftership",
        location: "Dallas, TX, US",
      },
    ]);
  });

  it("keeps two scans with the same status from one source when they say different things", () => {
    const timeline = mergeTimeline([
      ev("2026-05-06T07:10:00Z", "in_transit", "Arrived at Facility"),
      ev("2026-05-06T07:15:00Z", "in_transit", "Departed Facility"),
    ]);
    expect(timeline.events).toHaveLength(2);
  });

  it("drops an exact repeat from one source (a webhook retried) and spaces beyond the window are new events", () => {
    const timeline = mergeTimeline([
      ev("2026-05-06T07:10:00Z", "in_transit", "Arrived at Facility"),
      ev("2026-05-06T07:10:00Z", "in_transit", "  arrived at   facility "),
      ev("2026-05-06T07:10:00Z", "in_transit", "In transit", "shopify"),
      ev("2026-05-06T09:00:00Z", "in_transit", "In transit", "shopify"),
    ]);
    expect(timeline.events.map((e) => [e.at, e.source])).toEqual([
      ["2026-05-06T07:10:00Z", "aftership"],
      ["2026-05-06T09:00:00Z", "shopify"],
    ]);
  });

  it("does not merge the same status with different exception reasons", () => {
    const timeline = mergeTimeline([
      ev("2026-06-09T11:30:00Z", "exception", "Customs", "aftership", { reason: "customs_hold" }),
      ev("2026-06-09T11:31:00Z", "exception", "Delayed", "shopify", { reason: "delayed" }),
    ]);
    expect(timeline.events).toHaveLength(2);
    expect(timeline).toMatchObject({ status: "exception", reason: "delayed" });
  });

  it("does not regress from delivered because of a late in_transit", () => {
    const timeline = mergeTimeline([
      ev("2026-05-08T19:22:00Z", "delivered", "Delivered", "shopify"),
      ev("2026-05-08T20:40:00Z", "in_transit", "Package in transit", "17track"),
      ev("2026-05-09T08:00:00Z", "out_for_delivery", "Out for delivery", "17track"),
    ]);
    expect(timeline.status).toBe("delivered");
    expect(timeline.step).toBe(4);
    // The events stay in the history; only the derived status ignores them.
    expect(timeline.events).toHaveLength(3);
  });

  it("does not let a late delay or attempt undo a delivery either", () => {
    const timeline = mergeTimeline([
      ev("2026-05-08T19:22:00Z", "delivered", "Delivered"),
      ev("2026-05-08T23:00:00Z", "exception", "Delayed", "shopify", { reason: "delayed" }),
      ev("2026-05-09T10:00:00Z", "attempt_fail", "Attempted", "shopify"),
    ]);
    expect(timeline.status).toBe("delivered");
    expect(timeline.reason).toBeUndefined();
  });

  it("after delivery, a return to the sender is news", () => {
    const timeline = mergeTimeline([
      ev("2026-05-08T19:22:00Z", "delivered", "Delivered"),
      ev("2026-05-15T10:00:00Z", "returning_to_sender", "Return to sender"),
    ]);
    expect(timeline.status).toBe("returning_to_sender");
    const returned = mergeTimeline([
      ev("2026-05-08T19:22:00Z", "delivered", "Delivered"),
      ev("2026-05-20T10:00:00Z", "exception", "Returned", "aftership", { reason: "returned" }),
    ]);
    expect(returned).toMatchObject({ status: "exception", reason: "returned" });
  });

  it("an exception keeps the furthest step reached and carries its reason", () => {
    const timeline = mergeTimeline([
      ev("2026-06-01T08:02:00Z", "in_transit", "Processed"),
      ev("2026-06-09T11:30:00Z", "exception", "Customs delayed", "aftership", { reason: "customs_hold" }),
    ]);
    expect(timeline).toMatchObject({ status: "exception", reason: "customs_hold", step: 2 });
  });

  it("a later event clears an earlier exception's reason", () => {
    const timeline = mergeTimeline([
      ev("2026-06-09T11:30:00Z", "exception", "Customs delayed", "aftership", { reason: "customs_hold" }),
      ev("2026-06-11T09:00:00Z", "out_for_delivery", "Out for delivery"),
    ]);
    expect(timeline.status).toBe("out_for_delivery");
    expect(timeline.reason).toBeUndefined();
  });

  it("at the same instant, the further status wins", () => {
    const timeline = mergeTimeline([
      ev("2026-05-08T19:22:00Z", "delivered", "Delivered", "17track"),
      ev("2026-05-08T19:22:00Z", "out_for_delivery", "Out for delivery", "17track"),
    ]);
    expect(timeline.events.map((e) => e.status)).toEqual(["out_for_delivery", "delivered"]);
    expect(timeline.status).toBe("delivered");
  });

  it("ignores events whose time cannot be read", () => {
    const timeline = mergeTimeline([ev("not a date", "delivered", "?"), ev("2026-05-06T07:10:00Z", "in_transit", "x")]);
    expect(timeline.status).toBe("in_transit");
    expect(timeline.events).toHaveLength(1);
  });

  it("does not change its input", () => {
    const input = [ev("2026-05-08T19:22:00Z", "delivered", "Delivered"), ev("2026-05-06T07:10:00Z", "in_transit", "x")];
    const copy = structuredClone(input);
    mergeTimeline(input);
    expect(input).toEqual(copy);
  });

  it("gives the same timeline whatever order the events arrive in (seeded shuffles)", () => {
    const sources = ["shopify", "aftership", "17track"];
    const statuses: TrackingStatus[] = ["info_received", "in_transit", "in_transit", "out_for_delivery", "delivered"];
    for (let seed = 1; seed <= 200; seed++) {
      const random = createRandom(seed);
      const base = Date.parse("2026-05-01T00:00:00Z");
      const events: TimelineEvent[] = [];
      for (let i = 0; i < random.int(1, 12); i++) {
        events.push(
          ev(
            new Date(base + random.int(0, 96) * 15 * 60_000).toISOString(),
            random.pick(statuses),
            random.pick(["In transit", "Arrived", "Departed", "Scan"]),
            random.pick(sources),
            random.chance(0.3) ? { location: random.pick(["Dallas", "Austin"]) } : {}
          )
        );
      }
      const expected = mergeTimeline(events);
      for (let round = 0; round < 3; round++) {
        expect(mergeTimeline(random.shuffle(events)), `seed ${seed}`).toEqual(expected);
      }
      // The derived status never goes back from delivered.
      const sorted = [...expected.events];
      const deliveredAt = sorted.findIndex((e) => e.status === "delivered");
      if (deliveredAt !== -1) expect(expected.status, `seed ${seed}`).toBe("delivered");
    }
  });
});
