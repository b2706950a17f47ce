import { describe, expect, it } from "vitest";
import {
  type DeliveredShipment,
  detectLateness,
  estimateDelivery,
  type LatenessInput,
  percentileOf,
  STALL_DAYS,
  transitDays,
} from "../../app/tracking/estimate";

// Shipments that took `days` calendar days, all shipped on 2026-04-01 at 15:00 UTC.
const delivered = (carrier: string, from: string, to: string, ...days: number[]): DeliveredShipment[] =>
  days.map((d) => ({
    carrier,
    fromCountry: from,
    toCountry: to,
    shippedAt: "2026-04-01T15:00:00Z",
    deliveredAt: new Date(Date.parse("2026-04-01T15:00:00Z") + d * 86_400_000).toISOString(),
  }));

const base = { shippedAt: "2026-05-04T17:00:00Z", carrier: "ups", route: { fromCountry: "US", toCountry: "US" } };

describe("transitDays", () => {
  it.each<[string, string, boolean, number | null]>([
    ["2026-05-04T08:00:00Z", "2026-05-04T20:00:00Z", false, 0],
    ["2026-05-04T23:30:00Z", "2026-05-05T00:30:00Z", false, 1],
    ["2026-05-04T17:00:00Z", "2026-05-08T09:00:00Z", false, 4],
    // Friday to Tuesday: Monday and Tuesday are the business days.
    ["2026-05-08T17:00:00Z", "2026-05-12T09:00:00Z", true, 2],
    ["2026-05-08T17:00:00Z", "2026-05-12T09:00:00Z", false, 4],
    // Saturday to Sunday: no business day.
    ["2026-05-09T10:00:00Z", "2026-05-10T10:00:00Z", true, 0],
    ["2026-05-04T17:00:00Z", "2026-05-03T17:00:00Z", false, null],
    ["yesterday", "2026-05-03T17:00:00Z", false, null],
  ])("%s -> %s (business days: %s) = %s", (from, to, business, expected) => {
    expect(transitDays(from, to, business)).toBe(expected);
  });
});

describe("percentileOf (nearest rank)", () => {
  const oneToTen = [10, 9, 8, 7, 6, 5, 4, 3, 2, 1];
  it.each<[number, number]>([
    [80, 8],
    [50, 5],
    [100, 10],
    [1, 1],
    [95, 10],
  ])("p%s of 1..10 is %s", (p, expected) => {
    expect(percentileOf(oneToTen, p)).toBe(expected);
  });

  it("of one value is that value", () => {
    expect(percentileOf([3], 80)).toBe(3);
  });
});

describe("estimateDelivery", () => {
  it("takes the carrier's date when it gives one", () => {
    expect(estimateDelivery({ ...base, carrierDate: "2026-05-09", history: [] })).toEqual({
      date: "2026-05-09",
      source: "carrier",
      basis: { samples: 0, percentile: null },
    });
    // A date-time keeps the date as the carrier wrote it.
    expect(estimateDelivery({ ...base, carrierDate: "2026-05-09T23:00:00-05:00", history: [] }).date).toBe(
      "2026-05-09"
    );
  });

  it("ignores an unreadable carrier date and falls back on history", () => {
    const history = delivered("ups", "US", "US", 2, 3, 3, 4, 5);
    expect(estimateDelivery({ ...base, carrierDate: "TBD", history }).source).toBe("history");
    expect(estimateDelivery({ ...base, carrierDate: null, history }).source).toBe("history");
  });

  it("uses the 80th percentile of the same carrier and route", () => {
    const history = [...delivered("ups", "US", "US", 2, 3, 3, 4, 5), ...delivered("ups", "US", "CA", 9, 9, 9, 9, 9)];
    expect(estimateDelivery({ ...base, history })).toEqual({
      date: "2026-05-08",
      source: "history",
      basis: { samples: 5, percentile: 80, scope: "carrier_route", transitDays: 4 },
    });
  });

  it("falls back to the carrier on any route when its route has too few samples", () => {
    const history = [...delivered("ups", "US", "US", 1, 1), ...delivered("ups", "US", "CA", 6, 6, 7, 7)];
    expect(estimateDelivery({ ...base, history })).toEqual({
      date: "2026-05-11",
      source: "history",
      basis: { samples: 6, percentile: 80, scope: "carrier", transitDays: 7 },
    });
  });

  it("falls back to every carrier on the route when the carrier itself is new", () => {
    const history = [
      ...delivered("UPS", "us", "us", 2),
      ...delivered("fedex", "US", "US", 3, 3),
      ...delivered("usps", "US", "US", 4, 4, 5),
    ];
    expect(estimateDelivery({ ...base, history })).toMatchObject({
      source: "history",
      basis: { samples: 6, scope: "route", transitDays: 4 },
      date: "2026-05-08",
    });
  });

  it("matches carriers and countries regardless of case", () => {
    const history = delivered("UPS", "us", "Us", 2, 2, 2, 2, 2);
    expect(estimateDelivery({ ...base, history }).basis.scope).toBe("carrier_route");
  });

  it("claims nothing without history", () => {
    expect(estimateDelivery({ ...base, history: [] })).toEqual({
      date: null,
      source: "none",
      basis: { samples: 0, percentile: null },
    });
  });

  it("claims nothing with too few samples everywhere, and says how many it had", () => {
    const history = [
      ...delivered("ups", "US", "US", 2, 2),
      ...delivered("ups", "DE", "FR", 3),
      ...delivered("dhl", "US", "US", 4),
    ];
    expect(estimateDelivery({ ...base, history })).toEqual({
      date: null,
      source: "none",
      basis: { samples: 3, percentile: null },
    });
  });

  it("ignores impossible history rows", () => {
    const broken: DeliveredShipment[] = [
      {
        carrier: "ups",
        fromCountry: "US",
        toCountry: "US",
        shippedAt: "2026-04-05T00:00:00Z",
        deliveredAt: "2026-04-01T00:00:00Z",
      },
      { carrier: "ups", fromCountry: "US", toCountry: "US", shippedAt: "garbage", deliveredAt: "2026-04-01T00:00:00Z" },
    ];
    const history = [...broken, ...delivered("ups", "US", "US", 3, 3, 3, 3)];
    expect(estimateDelivery({ ...base, history }).source).toBe("none");
    expect(estimateDelivery({ ...base, history, minSamples: 4 }).basis).toMatchObject({ samples: 4, transitDays: 3 });
  });

  it("takes another percentile and minimum when asked", () => {
    const history = delivered("ups", "US", "US", 1, 2, 3, 4, 10);
    expect(estimateDelivery({ ...base, history, percentile: 50 }).basis.transitDays).toBe(3);
    expect(estimateDelivery({ ...base, history, percentile: 100 }).basis.transitDays).toBe(10);
    expect(estimateDelivery({ ...base, history: history.slice(0, 1), minSamples: 1 }).basis.transitDays).toBe(1);
  });

  it("counts business days when the carrier does not deliver at weekends", () => {
    // Five shipments, Friday to the following Tuesday: 2 business days each.
    const history: DeliveredShipment[] = Array.from({ length: 5 }, () => ({
      carrier: "ups",
      fromCountry: "US",
      toCountry: "US",
      shippedAt: "2026-05-08T17:00:00Z",
      deliveredAt: "2026-05-12T12:00:00Z",
    }));
    // Shipped Thursday 2026-05-14: two business days later is Monday the 18th.
    const shippedAt = "2026-05-14T16:00:00Z";
    expect(estimateDelivery({ ...base, shippedAt, history, businessDays: true })).toMatchObject({
      date: "2026-05-18",
      basis: { transitDays: 2 },
    });
    // In calendar days the same history reads as 4: Monday the 18th as well.
    expect(estimateDelivery({ ...base, shippedAt, history })).toMatchObject({
      date: "2026-05-18",
      basis: { transitDays: 4 },
    });
  });

  it("refuses nonsense settings", () => {
    expect(() => estimateDelivery({ ...base, history: [], percentile: 0 })).toThrow(RangeError);
    expect(() => estimateDelivery({ ...base, history: [], percentile: 101 })).toThrow(RangeError);
    expect(() => estimateDelivery({ ...base, shippedAt: "soon", history: [] })).toThrow(RangeError);
  });
});

describe("detectLateness", () => {
  const now = "2026-05-20T12:00:00Z";
  const daysAgo = (d: number) => new Date(Date.parse(now) - d * 86_400_000).toISOString();
  const input = (overrides: Partial<LatenessInput>): LatenessInput => ({ status: "in_transit", now, ...overrides });

  it("stalls after five days by default, three for express, ten for postal", () => {
    expect(STALL_DAYS).toEqual({ express: 3, standard: 5, postal: 10 });
  });

  it.each<[string, Partial<LatenessInput>, "stalled" | "late" | null]>([
    ["in transit, quiet for 6 days", { lastEventAt: daysAgo(6) }, "stalled"],
    ["in transit, quiet for exactly 5 days", { lastEventAt: daysAgo(5) }, "stalled"],
    ["in transit, quiet for 4 days", { lastEventAt: daysAgo(4) }, null],
    ["express, quiet for 4 days", { lastEventAt: daysAgo(4), carrierClass: "express" }, "stalled"],
    ["postal, quiet for 6 days", { lastEventAt: daysAgo(6), carrierClass: "postal" }, null],
    [
      "explicit stallDays beats the class",
      { lastEventAt: daysAgo(2), carrierClass: "postal", stallDays: 2 },
      "stalled",
    ],
    ["label created, never scanned for a week", { status: "info_received", lastEventAt: daysAgo(7) }, "stalled"],
    ["out for delivery for 6 days", { status: "out_for_delivery", lastEventAt: daysAgo(6) }, "stalled"],
    ["after a failed attempt, quiet for 6 days", { status: "attempt_fail", lastEventAt: daysAgo(6) }, "stalled"],
    ["no last event: cannot tell", { lastEventAt: null }, null],
    ["past the promised date", { lastEventAt: daysAgo(1), promisedDate: "2026-05-19" }, "late"],
    ["on the promised day itself", { lastEventAt: daysAgo(1), promisedDate: "2026-05-20" }, null],
    ["promised as a date-time", { promisedDate: "2026-05-19T09:00:00-07:00" }, "late"],
    ["past the estimate, nothing promised", { estimate: { date: "2026-05-18" } }, "late"],
    ["the promise beats the estimate", { promisedDate: "2026-05-22", estimate: { date: "2026-05-18" } }, null],
    ["no estimate", { estimate: { date: null } }, null],
    ["both stalled and late: stalled", { lastEventAt: daysAgo(9), promisedDate: "2026-05-10" }, "stalled"],
    ["delivered is never late", { status: "delivered", lastEventAt: daysAgo(30), promisedDate: "2026-05-01" }, null],
    ["expired", { status: "expired", lastEventAt: daysAgo(30), promisedDate: "2026-05-01" }, null],
    ["lost: final, not late", { status: "exception", reason: "lost", promisedDate: "2026-05-01" }, null],
    [
      "waiting at a pickup point",
      { status: "available_for_pickup", lastEventAt: daysAgo(8), promisedDate: "2026-05-01" },
      null,
    ],
    ["on its way back", { status: "returning_to_sender", lastEventAt: daysAgo(8), promisedDate: "2026-05-01" }, null],
    [
      "a customs hold past the promise is late",
      { status: "exception", reason: "customs_hold", promisedDate: "2026-05-01" },
      "late",
    ],
    [
      "an exception does not also stall",
      { status: "exception", reason: "customs_hold", lastEventAt: daysAgo(8) },
      null,
    ],
    ["not yet with the carrier, past the promise", { status: "pending", promisedDate: "2026-05-15" }, "late"],
    ["not yet with the carrier does not stall", { status: "pending", lastEventAt: daysAgo(8) }, null],
  ])("%s -> %s", (_label, overrides, expected) => {
    expect(detectLateness(input(overrides))).toBe(expected);
  });

  it.each<[string, string, string | null, "late" | null]>([
    // Promised the 12th: in Los Angeles that day ends at 07:00 UTC on the 13th, in Tokyo at 15:00 UTC on the 12th.
    ["Los Angeles, the 12th just before its midnight", "2026-05-13T06:59:00Z", "America/Los_Angeles", null],
    ["Los Angeles, the 13th just after its midnight", "2026-05-13T07:01:00Z", "America/Los_Angeles", "late"],
    ["Tokyo, the 12th just before its midnight", "2026-05-12T14:59:00Z", "Asia/Tokyo", null],
    ["Tokyo, the 13th just after its midnight", "2026-05-12T15:01:00Z", "Asia/Tokyo", "late"],
    ["Paris in winter (UTC+1)", "2026-01-12T23:01:00Z", "Europe/Paris", "late"],
    ["no zone: UTC's midnight", "2026-05-13T00:01:00Z", null, "late"],
    ["an unknown zone: UTC's midnight", "2026-05-12T23:59:00Z", "Nowhere/Land", null],
  ])("the promised day ends at the shop's midnight: %s", (_label, at, timeZone, expected) => {
    const promisedDate = at.startsWith("2026-01") ? "2026-01-12" : "2026-05-12";
    expect(detectLateness({ status: "in_transit", now: at, lastEventAt: at, promisedDate, timeZone })).toBe(expected);
  });

  it("takes now as a Date or a string", () => {
    expect(detectLateness(input({ now: new Date(now), promisedDate: "2026-05-19" }))).toBe("late");
    expect(() => detectLateness(input({ now: "whenever" }))).toThrow(RangeError);
  });

  it("is never late for a delivered parcel, whatever the dates (sweep)", () => {
    for (let d = 0; d < 60; d++) {
      expect(
        detectLateness({ status: "delivered", now, lastEventAt: daysAgo(d), promisedDate: daysAgo(d).slice(0, 10) })
      ).toBeNull();
    }
  });
});
