// What a polling sync would have done with the same order stream: a discrete-event simulation, no I/O.
//
// The stores behave like the dev store (inventory policy DENY everywhere):
//   - the home store's online orders take stock from the first location (warehouse, then shop) that has all of
//     the line, its till (POS) sales from the shop; both refuse what the location does not have;
//   - a linked store accepts an order when the quantity it DISPLAYS covers it, and lowers that display.
// The poller, every `period`: reads each linked store's orders since its last poll and takes their units
// from the home store (from the location with the most units, as Omnistock does), then writes the home
// store's absolute sellable quantity (the sum over locations, a negative location counting 0) to every linked
// store. Polls are instantaneous and never fail: the most generous reading of a poller.
//
// Phase: the stream lasts a few minutes, far less than a 15-minute period, so when the last poll happened
// matters. At the start every store shows the home store's stock (the last poll was at a uniformly random
// time before the stream, with no sales in between); the first poll during the stream comes `firstPollAt`
// after its start, uniform over [0, period). expectedOversold averages over evenly spaced phases, which is
// the expectation over that uniform phase (stratified sampling), not one lucky or unlucky draw.
import { initialStock, type PlannedOrder, type Scenario, type Sku } from "./flash-sale-scenario";

export interface Outcome {
  sku: number;
  quantity: number;
  accepted: boolean;
}

export interface OversoldSummary {
  /** Units sold beyond the home store's stock: sum over SKUs of max(0, accepted units - initial stock). */
  oversoldUnits: number;
  /** SKUs with at least one oversold unit. */
  oversoldSkus: number;
  acceptedOrders: number;
  acceptedUnits: number;
}

/** The same accounting for every approach: per SKU, units accepted on all channels against the stock there was. */
export function oversold(skus: readonly Sku[], outcomes: readonly Outcome[]): OversoldSummary {
  const units = new Array<number>(skus.length).fill(0);
  let acceptedOrders = 0;
  for (const outcome of outcomes) {
    if (!outcome.accepted) continue;
    acceptedOrders += 1;
    units[outcome.sku]! += outcome.quantity;
  }
  let oversoldUnits = 0;
  let oversoldSkus = 0;
  skus.forEach((sku, index) => {
    const over = Math.max(0, units[index]! - initialStock(sku));
    oversoldUnits += over;
    if (over > 0) oversoldSkus += 1;
  });
  return { oversoldUnits, oversoldSkus, acceptedOrders, acceptedUnits: units.reduce((a, b) => a + b, 0) };
}

/** Sellable at the home store, as written to the linked stores: an oversold (negative) location counts 0. */
const pool = (levels: readonly number[]) => levels.reduce((sum, units) => sum + Math.max(0, units), 0);

/** Location index [warehouse, shop] a linked store's sale is taken from: most units first, warehouse on ties. */
function takeFrom(levels: readonly number[], units: number): number {
  const order = [0, 1].sort((a, b) => levels[b]! - levels[a]! || a - b);
  return order.find((index) => levels[index]! >= units) ?? order[0]!;
}

/**
 * One run of a polling sync over the stream. `periodMs` 0 is an ideal instant sync (a poll after every
 * order), the floor of what any sync can do with these stores' rules.
 */
export function simulatePolling(scenario: Scenario, periodMs: number, firstPollAt: number): Outcome[] {
  const home = scenario.skus.map((sku) => [sku.warehouse, sku.shop]);
  const shown = [null, scenario.skus.map(initialStock), scenario.skus.map(initialStock)] as const;
  const unsynced: { channel: 1 | 2; sku: number; quantity: number }[] = [];
  let nextPoll = periodMs > 0 ? firstPollAt : Number.POSITIVE_INFINITY;

  const poll = () => {
    for (const sale of unsynced.splice(0)) {
      const levels = home[sale.sku]!;
      levels[takeFrom(levels, sale.quantity)]! -= sale.quantity;
    }
    for (const channel of [1, 2] as const) home.forEach((levels, sku) => (shown[channel][sku] = pool(levels)));
  };

  const outcomes: Outcome[] = [];
  const accept = (order: PlannedOrder): boolean => {
    if (order.channel === 0) {
      const levels = home[order.sku]!;
      const location = order.pos ? (levels[1]! >= order.quantity ? 1 : -1) : levels.findIndex((units) => units >= order.quantity);
      if (location < 0) return false;
      levels[location]! -= order.quantity;
      return true;
    }
    const display = shown[order.channel];
    if (display[order.sku]! < order.quantity) return false;
    display[order.sku]! -= order.quantity;
    unsynced.push({ channel: order.channel, sku: order.sku, quantity: order.quantity });
    return true;
  };

  for (const order of scenario.orders) {
    while (nextPoll <= order.at) {
      poll();
      nextPoll += periodMs;
    }
    outcomes.push({ sku: order.sku, quantity: order.quantity, accepted: accept(order) });
    if (periodMs === 0) poll();
  }
  return outcomes;
}

export interface PollingEstimate extends OversoldSummary {
  periodMs: number;
  phases: number;
  /** Fewest and most oversold units over the phases tried. */
  min: number;
  max: number;
  /** Share of phases in which at least one poll fell inside the stream. */
  pollsDuringStream: number;
}

/** Oversold units of a polling sync, averaged over `phases` evenly spaced poll phases (see the top). */
export function expectedOversold(scenario: Scenario, periodMs: number, phases = 240): PollingEstimate {
  let min = Number.POSITIVE_INFINITY;
  let max = 0;
  let withPoll = 0;
  const total = { oversoldUnits: 0, oversoldSkus: 0, acceptedOrders: 0, acceptedUnits: 0 };
  for (let i = 0; i < phases; i += 1) {
    const firstPollAt = ((i + 0.5) / phases) * periodMs;
    if (firstPollAt < scenario.durationMs) withPoll += 1;
    const summary = oversold(scenario.skus, simulatePolling(scenario, periodMs, firstPollAt));
    min = Math.min(min, summary.oversoldUnits);
    max = Math.max(max, summary.oversoldUnits);
    for (const key of Object.keys(total) as (keyof typeof total)[]) total[key] += summary[key];
  }
  const mean = (value: number) => Math.round((value / phases) * 10) / 10;
  return {
    periodMs,
    phases,
    oversoldUnits: mean(total.oversoldUnits),
    oversoldSkus: mean(total.oversoldSkus),
    acceptedOrders: mean(total.acceptedOrders),
    acceptedUnits: mean(total.acceptedUnits),
    min,
    max,
    pollsDuringStream: withPoll / phases,
  };
}
