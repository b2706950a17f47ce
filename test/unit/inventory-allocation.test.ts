import { describe, expect, expectTypeOf, it } from "vitest";
import type { z } from "zod";
import {
  type ChannelRule,
  channelRuleSchema,
  DEFAULT_RULE,
  effectiveRule,
  poolFor,
  pushedQuantity,
  sellableKits,
  sellablePacks,
  unitsForSale,
  validateRule,
} from "../../app/inventory/allocation";
import { createRandom } from "../../devstore/seed/random";

// A seeded PRNG (mulberry32, shared with the dev store's seed data) so property tests are reproducible:
// a failure prints its seed and case.
const prng = createRandom;

const rule = (overrides: Partial<ChannelRule> = {}): ChannelRule => ({ ...DEFAULT_RULE, ...overrides });

function randomRule(random: ReturnType<typeof prng>): ChannelRule {
  const min = random.chance(0.4) ? random.int(0, 60) : null;
  const max = random.chance(0.4) ? random.int(min ?? 0, 120) : null;
  return {
    reserve: random.chance(0.5) ? 0 : random.int(0, 50),
    percentage: random.chance(0.3) ? 100 : random.int(0, 100),
    min,
    max,
    zeroOutAt: random.chance(0.5) ? 0 : random.int(0, 30),
  };
}

/** Mostly whole pools, sometimes negative or fractional as a careless caller might pass. */
function randomPool(random: ReturnType<typeof prng>): number {
  if (random.chance(0.05)) return -random.int(0, 10);
  if (random.chance(0.05)) return random.int(0, 200) + random.next();
  return random.int(0, random.chance(0.1) ? 100_000 : 200);
}

const safePool = (pool: number) => Math.floor(Math.max(0, pool));

/**
 * Runs a property over many random cases and asserts once at the end: calling expect() per case is slow, and a
 * list of the first failing cases (with their inputs) is easier to read than the first failure alone.
 */
function property(runs: number, seed: number, check: (random: ReturnType<typeof prng>, run: number) => string | null) {
  const random = prng(seed);
  const failures: string[] = [];
  for (let run = 0; run < runs && failures.length < 5; run += 1) {
    const failure = check(random, run);
    if (failure !== null) failures.push(`seed ${seed} run ${run}: ${failure}`);
  }
  expect(failures).toEqual([]);
}

describe("DEFAULT_RULE and effectiveRule", () => {
  it("sells everything by default", () => {
    expect(DEFAULT_RULE).toEqual({ reserve: 0, percentage: 100, min: null, max: null, zeroOutAt: 0 });
    expect(validateRule(DEFAULT_RULE)).toEqual([]);
    expect(Object.isFrozen(DEFAULT_RULE)).toBe(true);
  });

  const channel = rule({ reserve: 2, percentage: 50, min: 1, max: 10, zeroOutAt: 3 });
  it.each<[string, Parameters<typeof effectiveRule>[1], ChannelRule]>([
    ["no override keeps the channel rule", undefined, channel],
    ["an empty override keeps the channel rule", {}, channel],
    ["an override wins field by field", { reserve: 5, max: 20 }, { ...channel, reserve: 5, max: 20 }],
    ["null removes the channel's min", { min: null }, { ...channel, min: null }],
    ["null removes the channel's max", { max: null }, { ...channel, max: null }],
    ["undefined inherits", { min: undefined, percentage: undefined }, channel],
    ["zero is a value, not 'unset'", { reserve: 0, zeroOutAt: 0 }, { ...channel, reserve: 0, zeroOutAt: 0 }],
    [
      "every field can be overridden",
      { reserve: 0, percentage: 100, min: null, max: null, zeroOutAt: 0 },
      { ...DEFAULT_RULE },
    ],
  ])("%s", (_name, override, expected) => {
    expect(effectiveRule(channel, override)).toEqual(expected);
  });

  it("returns a copy, never the channel rule itself", () => {
    const result = effectiveRule(channel);
    result.reserve = 99;
    expect(channel.reserve).toBe(2);
  });
});

describe("validateRule", () => {
  it.each<[string, Partial<ChannelRule>, string[]]>([
    ["a full rule", { reserve: 3, percentage: 40, min: 2, max: 8, zeroOutAt: 1 }, []],
    ["min equal to max", { min: 5, max: 5 }, []],
    ["percentage 0 (channel paused)", { percentage: 0 }, []],
    ["negative reserve", { reserve: -1 }, ["Reserve cannot be negative (got -1)."]],
    ["fractional reserve", { reserve: 1.5 }, ["Reserve must be a whole number of units (got 1.5)."]],
    ["NaN reserve", { reserve: Number.NaN }, ["Reserve must be a whole number of units (got NaN)."]],
    ["infinite reserve", { reserve: Infinity }, ["Reserve must be a whole number of units (got Infinity)."]],
    ["reserve beyond exact arithmetic", { reserve: 2 ** 60 }, [`Reserve must be a whole number of units (got ${2 ** 60}).`]],
    ["percentage above 100", { percentage: 120 }, ["Percentage must be from 0 to 100 (got 120)."]],
    ["negative percentage", { percentage: -5 }, ["Percentage must be from 0 to 100 (got -5)."]],
    ["fractional percentage", { percentage: 12.5 }, ["Percentage must be a whole number from 0 to 100 (got 12.5)."]],
    ["negative min", { min: -2 }, ["Minimum cannot be negative (got -2)."]],
    ["fractional max", { max: 2.5 }, ["Maximum must be a whole number of units (got 2.5)."]],
    ["negative zero-out threshold", { zeroOutAt: -1 }, ["Zero-out threshold cannot be negative (got -1)."]],
    [
      "min above max",
      { min: 10, max: 5 },
      ["Minimum (10) is greater than maximum (5); lower the minimum or raise the maximum."],
    ],
    [
      "several problems at once, in field order",
      { reserve: -1, percentage: 101, zeroOutAt: 0.5 },
      [
        "Reserve cannot be negative (got -1).",
        "Percentage must be from 0 to 100 (got 101).",
        "Zero-out threshold must be a whole number of units (got 0.5).",
      ],
    ],
  ])("%s", (_name, fields, problems) => {
    expect(validateRule(rule(fields))).toEqual(problems);
  });
});

describe("channelRuleSchema (admin forms)", () => {
  it("has ChannelRule as its output type", () => {
    expectTypeOf<z.output<typeof channelRuleSchema>>().toEqualTypeOf<ChannelRule>();
  });

  it("coerces numeric strings and treats blank min/max as no limit", () => {
    const parsed = channelRuleSchema.parse({ reserve: " 2 ", percentage: "50", min: "", max: "10", zeroOutAt: "0" });
    expect(parsed).toEqual({ reserve: 2, percentage: 50, min: null, max: 10, zeroOutAt: 0 });
  });

  it("accepts numbers and missing min/max", () => {
    expect(channelRuleSchema.parse({ reserve: 0, percentage: 100, zeroOutAt: 3 })).toEqual(rule({ zeroOutAt: 3 }));
  });

  it.each<[string, Record<string, unknown>, Record<string, string>]>([
    ["a word", { reserve: "ten" }, { reserve: 'Reserve must be a number (got "ten").' }],
    ["a decimal comma", { percentage: "1,5" }, { percentage: 'Percentage must be a number (got "1,5").' }],
    ["exponent notation", { max: "1e3" }, { max: 'Maximum must be a number, or blank for none (got "1e3").' }],
    ["a missing required field", { zeroOutAt: undefined }, { zeroOutAt: "Zero-out threshold must be a number (got nothing)." }],
    ["a blank required field", { reserve: "" }, { reserve: 'Reserve must be a number (got "").' }],
    ["a negative string", { reserve: "-3" }, { reserve: "Reserve cannot be negative (got -3)." }],
    ["a fractional string", { min: "2.5" }, { min: "Minimum must be a whole number of units (got 2.5)." }],
    ["percentage out of range", { percentage: "101" }, { percentage: "Percentage must be from 0 to 100 (got 101)." }],
    [
      "min above max, reported on min",
      { min: "9", max: "3" },
      { min: "Minimum (9) is greater than maximum (3); lower the minimum or raise the maximum." },
    ],
  ])("rejects %s with the same wording as validateRule, on the field", (_name, fields, expected) => {
    const result = channelRuleSchema.safeParse({ reserve: "0", percentage: "100", min: "", max: "", zeroOutAt: "0", ...fields });
    expect(result.success).toBe(false);
    const byField = Object.fromEntries((result.error?.issues ?? []).map((issue) => [issue.path.join("."), issue.message]));
    expect(byField).toEqual(expected);
  });

  it("agrees with validateRule on random rules", () => {
    const random = prng(7);
    for (let run = 0; run < 500; run += 1) {
      const candidate = randomRule(random);
      // Break some of them on purpose.
      if (random.chance(0.2)) candidate.reserve = -random.int(1, 5);
      if (random.chance(0.2)) candidate.percentage = random.int(101, 300);
      if (random.chance(0.2)) candidate.min = random.int(0, 200);
      const problems = validateRule(candidate);
      const asForm = Object.fromEntries(Object.entries(candidate).map(([key, value]) => [key, value === null ? "" : String(value)]));
      const parsed = channelRuleSchema.safeParse(asForm);
      expect(parsed.success, JSON.stringify(candidate)).toBe(problems.length === 0);
      if (parsed.success) expect(parsed.data).toEqual(candidate);
      else expect(parsed.error.issues.map((issue) => issue.message)).toEqual(problems);
    }
  });
});

describe("pushedQuantity", () => {
  it.each<[string, number, Partial<ChannelRule>, number, string]>([
    // pool, rule, expected quantity, expected reason
    ["default rule sells the whole pool", 12, {}, 12, "12 available -> 12"],
    ["nothing available", 0, {}, 0, "nothing available -> 0"],
    // (12 - 2) * 50 / 100 = 5
    ["reserve then percentage", 12, { reserve: 2, percentage: 50 }, 5, "12 available, 2 reserved, 50% -> 5"],
    // 12 - 2 = 10
    ["reserve only", 12, { reserve: 2 }, 10, "12 available, 2 reserved -> 10"],
    // floor(7 * 50 / 100) = floor(3.5) = 3
    ["percentages round down", 7, { percentage: 50 }, 3, "7 available, 50% -> 3"],
    // floor(3 * 33 / 100) = floor(0.99) = 0
    ["a small share rounds down to 0", 3, { percentage: 33 }, 0, "3 available, 33% -> 0"],
    // floor(10 * 0 / 100) = 0
    ["0% pauses the channel", 10, { percentage: 0 }, 0, "10 available, 0% -> 0"],
    // max(0, 3 - 5) = 0
    ["reserve larger than the pool", 3, { reserve: 5 }, 0, "3 available, 5 reserved -> 0"],
    // 3 <= 3
    ["at the zero-out threshold", 3, { zeroOutAt: 3 }, 0, "3 available, at or below the zero-out threshold of 3 -> 0"],
    // 2 <= 3
    ["below the zero-out threshold", 2, { zeroOutAt: 3, min: 2 }, 0, "2 available, at or below the zero-out threshold of 3 -> 0"],
    // 4 > 3 so the rule applies: 4 - 0 = 4
    ["one above the zero-out threshold", 4, { zeroOutAt: 3 }, 4, "4 available -> 4"],
    // (100 - 0) * 50 / 100 = 50, then max 10
    ["capped at max", 100, { percentage: 50, max: 10 }, 10, "100 available, 50% -> 50, capped at max 10"],
    // 10 = max: no cap needed
    ["exactly max is not a cap", 10, { max: 10 }, 10, "10 available -> 10"],
    ["max 0 hides the channel", 10, { max: 0 }, 0, "10 available -> 10, capped at max 0"],
    // floor(10 * 10 / 100) = 1, raised to min 3 (3 <= 10 sellable)
    ["raised to min", 10, { percentage: 10, min: 3 }, 3, "10 available, 10% -> 1, raised to min 3"],
    // 2 < min 5, but only 2 exist: safety rule
    ["min never sells units that do not exist", 2, { min: 5 }, 2, "2 available -> 2, min 5 limited to the 2 units not reserved -> 2"],
    // 6 - 4 = 2 sellable, min 5 limited to 2
    ["min is limited by the reserve", 6, { reserve: 4, min: 5 }, 2, "6 available, 4 reserved -> 2, min 5 limited to the 2 units not reserved -> 2"],
    // 4 - 4 = 0 sellable
    ["min with everything reserved", 4, { reserve: 4, min: 1 }, 0, "4 available, 4 reserved -> 0, min 1 limited to the 0 units not reserved -> 0"],
    // (50 - 10) * 25 / 100 = 10, then max 8
    ["every rule at once, max decides", 50, { reserve: 10, percentage: 25, min: 2, max: 8, zeroOutAt: 5 }, 8, "50 available, 10 reserved, 25% -> 10, capped at max 8"],
    // (12 - 10) * 25 / 100 = 0.5 -> 0, raised to min 2 (2 sellable)
    ["every rule at once, min decides", 12, { reserve: 10, percentage: 25, min: 2, max: 8, zeroOutAt: 5 }, 2, "12 available, 10 reserved, 25% -> 0, raised to min 2"],
    ["a min of 0 changes nothing", 5, { percentage: 10, min: 0 }, 0, "5 available, 10% -> 0"],
  ])("%s", (_name, pool, fields, quantity, reason) => {
    expect(pushedQuantity(pool, rule(fields))).toEqual({ quantity, reason });
  });

  it.each<[string, number, number]>([
    ["a negative pool counts as 0", -4, 0],
    ["a fractional pool rounds down", 7.9, 7],
    ["NaN counts as 0", Number.NaN, 0],
    ["Infinity is not a stock level and counts as 0", Infinity, 0],
    ["-Infinity counts as 0", -Infinity, 0],
  ])("%s", (_name, pool, quantity) => {
    expect(pushedQuantity(pool, DEFAULT_RULE).quantity).toBe(quantity);
  });

  it("refuses an invalid rule instead of guessing", () => {
    expect(() => pushedQuantity(10, rule({ min: 8, max: 2 }))).toThrow(RangeError);
    expect(() => pushedQuantity(10, rule({ percentage: 150 }))).toThrow(/Percentage must be from 0 to 100/);
  });

  it("keeps large pools exact", () => {
    // (9_000_000_000 - 1) * 37 / 100 = 3_329_999_999.63 -> 3_329_999_999
    expect(pushedQuantity(9_000_000_000, rule({ reserve: 1, percentage: 37 })).quantity).toBe(3_329_999_999);
  });

  describe("properties over random pools and rules", () => {
    const RUNS = 20_000;

    it("0 <= result <= max(0, pool - reserve), <= max, 0 at or below zeroOutAt, and equals the formula", () => {
      property(RUNS, 20_260_401, (random) => {
        const pool = randomPool(random);
        const channelRule = randomRule(random);
        const { quantity, reason } = pushedQuantity(pool, channelRule);
        const units = safePool(pool);
        const sellable = Math.max(0, units - channelRule.reserve);
        const context = JSON.stringify({ pool, channelRule, quantity, reason });

        if (!Number.isInteger(quantity) || quantity < 0) return `not a whole non-negative number ${context}`;
        if (quantity > sellable) return `more than max(0, pool - reserve) = ${sellable} ${context}`;
        if (channelRule.max !== null && quantity > channelRule.max) return `above max ${context}`;
        if ((pool <= channelRule.zeroOutAt || units <= channelRule.zeroOutAt) && quantity !== 0) {
          return `not 0 at or below zeroOutAt ${context}`;
        }
        if (reason.length === 0) return `no reason ${context}`;

        // An independent statement of domain.md's formula plus our safety cap, in BigInt so rounding cannot hide.
        let expected = 0;
        if (units > channelRule.zeroOutAt) {
          const share = Number((BigInt(sellable) * BigInt(channelRule.percentage)) / 100n);
          const clamped = Math.min(Math.max(share, channelRule.min ?? 0), channelRule.max ?? Number.POSITIVE_INFINITY);
          expected = Math.min(clamped, sellable);
        }
        return quantity === expected ? null : `expected ${expected} ${context}`;
      });
    });

    it("is monotonic non-decreasing in the pool for a fixed rule", () => {
      property(RUNS, 42, (random) => {
        const channelRule = randomRule(random);
        const low = randomPool(random);
        const step = random.chance(0.3) ? random.int(0, 2) : random.int(0, 300);
        const high = low + step + (random.chance(0.1) ? random.next() : 0);
        const [atLow, atHigh] = [pushedQuantity(low, channelRule).quantity, pushedQuantity(high, channelRule).quantity];
        return atHigh >= atLow ? null : JSON.stringify({ low, atLow, high, atHigh, channelRule });
      });
    });

    it("is monotonic along every pool from 0 to 150 for each of 300 rules", () => {
      property(300, 3, (random) => {
        const channelRule = randomRule(random);
        let previous = 0;
        for (let pool = 0; pool <= 150; pool += 1) {
          const { quantity } = pushedQuantity(pool, channelRule);
          if (quantity < previous) return JSON.stringify({ pool, quantity, previous, channelRule });
          previous = quantity;
        }
        return null;
      });
    });
  });
});

describe("poolFor", () => {
  const feeding = new Set(["warehouse", "lyon-shop"]);
  it.each<[string, Parameters<typeof poolFor>[0], number]>([
    ["no levels", [], 0],
    ["one feeding location", [{ locationId: "warehouse", available: 7 }], 7],
    // 7 + 5
    [
      "sums feeding locations",
      [
        { locationId: "warehouse", available: 7 },
        { locationId: "lyon-shop", available: 5 },
      ],
      12,
    ],
    // 7 + 0: the paris shop does not feed this channel
    [
      "ignores locations that do not feed the channel",
      [
        { locationId: "warehouse", available: 7 },
        { locationId: "paris-shop", available: 40 },
      ],
      7,
    ],
    // 7 + max(0, 5 - 2) = 10
    [
      "keeps the shop's safety stock for walk-in customers",
      [
        { locationId: "warehouse", available: 7 },
        { locationId: "lyon-shop", available: 5, safetyStock: 2 },
      ],
      10,
    ],
    // 7 + max(0, 1 - 2) = 7
    [
      "a location below its safety stock contributes 0, not a negative",
      [
        { locationId: "warehouse", available: 7 },
        { locationId: "lyon-shop", available: 1, safetyStock: 2 },
      ],
      7,
    ],
    // -3 + 5 = 2: the 3 units an oversold location owes will ship from the other location
    [
      "an oversold location's debt comes off the pool",
      [
        { locationId: "warehouse", available: -3 },
        { locationId: "lyon-shop", available: 5 },
      ],
      2,
    ],
    // max(0, -3 + 1) = 0: never negative
    [
      "a pool in debt shows 0",
      [
        { locationId: "warehouse", available: -3 },
        { locationId: "lyon-shop", available: 1 },
      ],
      0,
    ],
    // 5 - max(0, -4) = 5
    ["a negative safety stock counts as 0", [{ locationId: "lyon-shop", available: 5, safetyStock: -4 }], 5],
    // floor(5.8) - 0 = 5
    ["fractional available rounds down", [{ locationId: "lyon-shop", available: 5.8 }], 5],
  ])("%s", (_name, levels, pool) => {
    expect(poolFor(levels, feeding)).toBe(pool);
  });

  it("refuses a feeding location listed twice (it would be counted twice)", () => {
    const levels = [
      { locationId: "warehouse", available: 3 },
      { locationId: "warehouse", available: 3 },
    ];
    expect(() => poolFor(levels, feeding)).toThrow(RangeError);
    // Duplicates of a location that does not feed the channel do not matter.
    expect(poolFor([...levels.map((level) => ({ ...level, locationId: "paris-shop" }))], feeding)).toBe(0);
  });

  it("feeds nothing when no location feeds the channel", () => {
    expect(poolFor([{ locationId: "warehouse", available: 9 }], new Set())).toBe(0);
  });
});

describe("bundles and packs", () => {
  it.each<[string, Parameters<typeof sellableKits>[0], number]>([
    ["no components", [], 0],
    // floor(9 / 1) = 9
    ["one component", [{ available: 9, quantity: 1 }], 9],
    // min(floor(10 / 1), floor(7 / 2)) = min(10, 3) = 3
    [
      "the scarcest component decides",
      [
        { available: 10, quantity: 1 },
        { available: 7, quantity: 2 },
      ],
      3,
    ],
    // floor(1 / 2) = 0
    ["not enough for one kit", [{ available: 1, quantity: 2 }], 0],
    // min(floor(20 / 4), floor(0 / 1)) = 0
    [
      "one component out of stock",
      [
        { available: 20, quantity: 4 },
        { available: 0, quantity: 1 },
      ],
      0,
    ],
    // max(0, -2) -> 0 kits
    [
      "an oversold component allows no kit",
      [
        { available: 5, quantity: 1 },
        { available: -2, quantity: 1 },
      ],
      0,
    ],
    // floor(floor(7.9) / 2) = 3
    ["fractional availability rounds down", [{ available: 7.9, quantity: 2 }], 3],
  ])("sellableKits: %s", (_name, components, kits) => {
    expect(sellableKits(components)).toBe(kits);
  });

  it.each([0, -1, 1.5, Number.NaN, Infinity])("sellableKits refuses a component quantity of %s", (quantity) => {
    expect(() => sellableKits([{ available: 5, quantity: 1 }, { available: 5, quantity }])).toThrow(RangeError);
  });

  it("sellableKits never lets a component go negative, and sells every kit it can", () => {
    property(10_000, 99, (random) => {
      const components = Array.from({ length: random.int(1, 6) }, () => ({
        available: random.chance(0.1) ? -random.int(1, 10) : random.int(0, 500),
        quantity: random.int(1, 12),
      }));
      const kits = sellableKits(components);
      const context = JSON.stringify({ components, kits });
      if (!Number.isInteger(kits) || kits < 0) return `not a whole non-negative number ${context}`;
      // An oversold component (available < 0) has 0 units to give, not a debt the kits could deepen.
      if (components.some((component) => kits * component.quantity > Math.max(0, component.available))) {
        return `a component would go negative ${context}`;
      }
      // Maximal: one more kit would take some component below zero.
      const oneMoreFits = components.every((component) => (kits + 1) * component.quantity <= component.available);
      return oneMoreFits ? `one more kit fits ${context}` : null;
    });
  });

  it.each<[number, number, number]>([
    // floor(units / packSize)
    [10, 3, 3],
    [9, 3, 3],
    [2, 3, 0],
    [0, 2, 0],
    [7, 1, 7],
    [-4, 2, 0],
    [7.5, 2, 3],
  ])("sellablePacks(%s units, packs of %s) = %s", (units, packSize, packs) => {
    expect(sellablePacks(units, packSize)).toBe(packs);
  });

  it.each<[number, number, number]>([
    // packs * packSize
    [3, 2, 6],
    [0, 6, 0],
    [4, 1, 4],
  ])("unitsForSale(%s packs of %s) = %s", (packs, packSize, units) => {
    expect(unitsForSale(packs, packSize)).toBe(units);
  });

  it("refuses impossible pack sizes and pack counts", () => {
    expect(() => sellablePacks(10, 0)).toThrow(RangeError);
    expect(() => sellablePacks(10, 2.5)).toThrow(RangeError);
    expect(() => unitsForSale(2, -1)).toThrow(RangeError);
    expect(() => unitsForSale(-1, 2)).toThrow(RangeError);
    expect(() => unitsForSale(1.5, 2)).toThrow(RangeError);
  });

  it("selling every sellable pack never needs more units than exist, and no pack is left unsold", () => {
    property(5_000, 5, (random) => {
      const units = random.int(0, 10_000);
      const packSize = random.int(1, 50);
      const packs = sellablePacks(units, packSize);
      const fits = unitsForSale(packs, packSize) <= units && unitsForSale(packs + 1, packSize) > units;
      return fits ? null : JSON.stringify({ units, packSize, packs });
    });
  });
});
