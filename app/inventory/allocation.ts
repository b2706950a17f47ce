import { z } from "zod";

// What each sales channel may sell. Pure arithmetic, no I/O: the sync engine computes the pool for a channel,
// resolves the rule for the SKU, and pushes `pushedQuantity(pool, rule).quantity`.
//
// The rule (docs/domain.md, combined from Sellbrite, Linnworks, Ordoro, Sellercloud and ChannelAdvisor):
//   pushed = 0 if pool <= zeroOutAt else clamp(floor((pool - reserve) * percentage / 100), min, max)
// plus one safety rule of ours: a minimum never makes a channel sell units that do not exist, so the result
// never exceeds max(0, pool - reserve).

export interface ChannelRule {
  /** Units held back from this channel (for example for the shops or another channel). */
  reserve: number;
  /** Share of what is left after the reserve, 0..100, whole percent; rounds down. */
  percentage: number;
  /** Show at least this many (never more than actually exist after the reserve); null for no minimum. */
  min: number | null;
  /** Show at most this many; null for no maximum. */
  max: number | null;
  /** "End when": at or below this pool the channel shows 0, so the last units go to the other channels. */
  zeroOutAt: number;
}

export const DEFAULT_RULE: Readonly<ChannelRule> = Object.freeze({
  reserve: 0,
  percentage: 100,
  min: null,
  max: null,
  zeroOutAt: 0,
});

/**
 * A per-SKU override of the channel's rule. A field left out (or undefined) inherits the channel's value;
 * `min: null` or `max: null` explicitly removes the channel's minimum or maximum for this SKU.
 */
export type RuleOverride = Partial<ChannelRule>;

export function effectiveRule(channel: ChannelRule, override?: RuleOverride): ChannelRule {
  if (!override) return { ...channel };
  const pick = <K extends keyof ChannelRule>(key: K): ChannelRule[K] => {
    const value = override[key];
    return value === undefined ? channel[key] : (value as ChannelRule[K]);
  };
  return {
    reserve: pick("reserve"),
    percentage: pick("percentage"),
    min: pick("min"),
    max: pick("max"),
    zeroOutAt: pick("zeroOutAt"),
  };
}

// ---------------------------------------------------------------------------------------------------------
// Validation: one list of checks, used by validateRule (plain messages) and channelRuleSchema (form fields).

const FIELD_LABELS: Record<keyof ChannelRule, string> = {
  reserve: "Reserve",
  percentage: "Percentage",
  min: "Minimum",
  max: "Maximum",
  zeroOutAt: "Zero-out threshold",
};

interface RuleIssue {
  field: keyof ChannelRule;
  message: string;
}

/** Whole, non-negative and small enough that the arithmetic stays exact. */
function unitCountIssue(field: keyof ChannelRule, value: unknown): RuleIssue | null {
  const label = FIELD_LABELS[field];
  if (typeof value !== "number" || !Number.isSafeInteger(value)) {
    return { field, message: `${label} must be a whole number of units (got ${String(value)}).` };
  }
  if (value < 0) return { field, message: `${label} cannot be negative (got ${value}).` };
  return null;
}

function ruleIssues(rule: ChannelRule): RuleIssue[] {
  const issues: RuleIssue[] = [];
  const add = (issue: RuleIssue | null) => {
    if (issue) issues.push(issue);
  };

  add(unitCountIssue("reserve", rule.reserve));
  // Whole percentages keep floor((pool - reserve) * percentage / 100) exact in floating point.
  if (typeof rule.percentage !== "number" || !Number.isInteger(rule.percentage)) {
    issues.push({
      field: "percentage",
      message: `Percentage must be a whole number from 0 to 100 (got ${String(rule.percentage)}).`,
    });
  } else if (rule.percentage < 0 || rule.percentage > 100) {
    issues.push({ field: "percentage", message: `Percentage must be from 0 to 100 (got ${rule.percentage}).` });
  }
  if (rule.min !== null) add(unitCountIssue("min", rule.min));
  if (rule.max !== null) add(unitCountIssue("max", rule.max));
  add(unitCountIssue("zeroOutAt", rule.zeroOutAt));

  if (typeof rule.min === "number" && typeof rule.max === "number" && rule.min > rule.max) {
    issues.push({
      field: "min",
      message: `Minimum (${rule.min}) is greater than maximum (${rule.max}); lower the minimum or raise the maximum.`,
    });
  }
  return issues;
}

/** Human-readable problems with a rule; empty when the rule is usable. */
export function validateRule(rule: ChannelRule): string[] {
  return ruleIssues(rule).map((issue) => issue.message);
}

// Form input arrives as strings. A plain decimal number is converted; anything else ("1,5", "ten", "1e3") is
// left as it is so the schema reports it instead of guessing what the merchant meant.
const NUMERIC_TEXT = /^[+-]?\d+(\.\d+)?$/;

function numberFromInput(value: unknown): unknown {
  if (typeof value !== "string") return value;
  const text = value.trim();
  return NUMERIC_TEXT.test(text) ? Number(text) : text;
}

/** Blank means "none" for min and max: an empty form field removes the limit. */
function optionalNumberFromInput(value: unknown): unknown {
  if (value === undefined || value === null) return null;
  if (typeof value === "string" && value.trim() === "") return null;
  return numberFromInput(value);
}

const requiredNumber = (field: keyof ChannelRule) =>
  z.preprocess(
    numberFromInput,
    z.number({ error: (issue) => `${FIELD_LABELS[field]} must be a number (got ${describeInput(issue.input)}).` }),
  );

const optionalNumber = (field: keyof ChannelRule) =>
  z.preprocess(
    optionalNumberFromInput,
    z
      .number({
        error: (issue) =>
          `${FIELD_LABELS[field]} must be a number, or blank for none (got ${describeInput(issue.input)}).`,
      })
      .nullable(),
  );

function describeInput(input: unknown): string {
  if (input === undefined) return "nothing";
  return typeof input === "string" ? `"${input}"` : String(input);
}

/**
 * The same checks as validateRule, for admin forms: numeric strings are accepted ("12", " 50 "), blank
 * min/max mean "no limit", and every problem is attached to its field.
 */
export const channelRuleSchema = z
  .object({
    reserve: requiredNumber("reserve"),
    percentage: requiredNumber("percentage"),
    min: optionalNumber("min"),
    max: optionalNumber("max"),
    zeroOutAt: requiredNumber("zeroOutAt"),
  })
  .superRefine((rule, context) => {
    for (const issue of ruleIssues(rule)) {
      context.addIssue({ code: "custom", path: [issue.field], message: issue.message });
    }
  });

// ---------------------------------------------------------------------------------------------------------
// The pushed quantity.

/** Units are whole and never negative; anything else (NaN, Infinity, -3, 4.7) counts as what it safely is. */
function wholeUnits(value: number): number {
  if (!Number.isFinite(value) || value <= 0) return 0;
  return Math.floor(value);
}

function assertValidRule(rule: ChannelRule): void {
  const problems = validateRule(rule);
  if (problems.length > 0) throw new RangeError(`Invalid channel rule: ${problems.join(" ")}`);
}

export interface PushedQuantity {
  quantity: number;
  /** Which rule decided the number, for the merchant ("12 available, 2 reserved, 50% -> 5"). */
  reason: string;
}

/**
 * How many units a channel may show for a pool. Throws RangeError for an invalid rule (validate rules when
 * they are saved, including the effective rule of a per-SKU override, so this never happens during a sync).
 */
export function pushedQuantity(pool: number, rule: ChannelRule): PushedQuantity {
  assertValidRule(rule);
  const units = wholeUnits(pool);

  if (units <= rule.zeroOutAt) {
    const reason =
      rule.zeroOutAt === 0
        ? "nothing available -> 0"
        : `${units} available, at or below the zero-out threshold of ${rule.zeroOutAt} -> 0`;
    return { quantity: 0, reason };
  }

  // Everything below is capped by `sellable`: the units that exist once the reserve is held back.
  const sellable = Math.max(0, units - rule.reserve);
  const share = rule.percentage === 100 ? sellable : Math.floor((sellable * rule.percentage) / 100);

  const steps = [`${units} available`];
  if (rule.reserve > 0) steps.push(`${rule.reserve} reserved`);
  if (rule.percentage !== 100) steps.push(`${rule.percentage}%`);
  let reason = `${steps.join(", ")} -> ${share}`;
  let quantity = share;

  if (rule.max !== null && quantity > rule.max) {
    quantity = rule.max;
    reason += `, capped at max ${rule.max}`;
  }
  if (rule.min !== null && quantity < rule.min) {
    if (rule.min <= sellable) {
      quantity = rule.min;
      reason += `, raised to min ${rule.min}`;
    } else {
      // Safety rule: a minimum cannot conjure stock. Show what exists, never more.
      quantity = sellable;
      reason += `, min ${rule.min} limited to the ${sellable} units not reserved -> ${sellable}`;
    }
  }
  // Belt and braces: whatever the arithmetic did, never show units that do not exist.
  quantity = Math.min(quantity, sellable);
  return { quantity, reason };
}

// ---------------------------------------------------------------------------------------------------------
// The pool a channel draws from.

export interface LocationLevel {
  locationId: string;
  available: number;
  /** Units kept at this location for walk-in customers; never offered online. */
  safetyStock?: number;
}

/**
 * Units available to a channel: over the locations that feed it, sum of max(0, available - safetyStock), less
 * the units oversold locations owe, never below 0. A location listed twice would be counted twice and oversell,
 * so that is an error rather than a guess.
 */
export function poolFor(levels: readonly LocationLevel[], feedingLocationIds: ReadonlySet<string>): number {
  const seen = new Set<string>();
  let pool = 0;
  for (const level of levels) {
    if (!feedingLocationIds.has(level.locationId)) continue;
    if (seen.has(level.locationId)) {
      throw new RangeError(`Location ${level.locationId} appears twice in the inventory levels`);
    }
    seen.add(level.locationId);
    // A negative available (an oversold location) is units promised to customers that another location will
    // have to ship: they are no longer for sale anywhere. A negative safety stock is meaningless and counts as 0.
    pool += level.available < 0 ? -wholeUnits(-level.available) : Math.max(0, wholeUnits(level.available) - wholeUnits(level.safetyStock ?? 0));
  }
  return Math.max(0, pool);
}

// ---------------------------------------------------------------------------------------------------------
// Bundles and packs.

export interface KitComponent {
  available: number;
  /** Units of this component in one kit: a positive whole number. */
  quantity: number;
}

/** Kits that can be assembled: min over components of floor(available / quantity); 0 for no components. */
export function sellableKits(components: readonly KitComponent[]): number {
  if (components.length === 0) return 0;
  let kits = Number.POSITIVE_INFINITY;
  for (const [index, component] of components.entries()) {
    if (!Number.isSafeInteger(component.quantity) || component.quantity <= 0) {
      throw new RangeError(
        `Component ${index + 1} of the bundle needs a quantity of at least 1 (got ${String(component.quantity)})`,
      );
    }
    kits = Math.min(kits, Math.floor(wholeUnits(component.available) / component.quantity));
  }
  return kits;
}

function assertPackSize(packSize: number): void {
  if (!Number.isSafeInteger(packSize) || packSize < 1) {
    throw new RangeError(`A pack size must be a whole number of at least 1 (got ${String(packSize)})`);
  }
}

/** Whole packs that can be sold from `units` single units. */
export function sellablePacks(units: number, packSize: number): number {
  assertPackSize(packSize);
  return Math.floor(wholeUnits(units) / packSize);
}

/** Single units consumed when `packs` packs are sold. */
export function unitsForSale(packs: number, packSize: number): number {
  assertPackSize(packSize);
  if (!Number.isSafeInteger(packs) || packs < 0) {
    throw new RangeError(`A number of packs must be a whole number of at least 0 (got ${String(packs)})`);
  }
  return packs * packSize;
}
