// The flash sale's inputs, generated deterministically from one seed: the catalog (which SKUs, how many units
// at the home store's warehouse and shop) and the order stream (when, on which channel, which SKU, how many).
// The same stream is played on the dev store against Omnistock and replayed in the polling simulations, so
// every approach faces exactly the same shoppers.
import { createRandom, deriveSeed } from "../devstore/seed/random";

export const CHANNELS = ["home", "outletA", "outletB"] as const;
export type Channel = (typeof CHANNELS)[number];
/** Index into CHANNELS: 0 is the home store, 1 and 2 the linked stores. */
export type ChannelIndex = 0 | 1 | 2;

export interface Phase {
  /** Orders per second (all channels together), a Poisson process. */
  rate: number;
  seconds: number;
}

export interface ScenarioOptions {
  seed: number;
  skus: number;
  phases: Phase[];
  /** Probability of each total stock 0, 1, 2, ... units per SKU (scarce: many sell out). */
  stockWeights: number[];
  /** Each unit of a SKU's stock is at the shop (else at the warehouse) with this probability. */
  shopShare: number;
  /** Demand for the SKU of popularity rank r (1 = hottest) is proportional to r^-demandSkew. */
  demandSkew: number;
  /** Where shoppers are: home online store, home shop's till (POS), linked store A, linked store B. */
  channelMix: { homeOnline: number; homePos: number; outletA: number; outletB: number };
  /** Share of orders for 2 units (the rest are for 1). */
  twoUnitShare: number;
}

export const DEFAULT_SCENARIO: ScenarioOptions = {
  seed: 20_251_128,
  skus: 300,
  phases: [
    { rate: 5, seconds: 25 },
    { rate: 20, seconds: 25 },
    { rate: 50, seconds: 20 },
  ],
  stockWeights: [0.06, 0.2, 0.2, 0.16, 0.14, 0.12, 0.12],
  shopShare: 0.35,
  demandSkew: 0.9,
  channelMix: { homeOnline: 0.3, homePos: 0.1, outletA: 0.3, outletB: 0.3 },
  twoUnitShare: 0.15,
};

export interface Sku {
  index: number;
  sku: string;
  title: string;
  /** Units at the home store's warehouse and shop before the sale. */
  warehouse: number;
  shop: number;
  /** Popularity rank, 1 = hottest. */
  rank: number;
}

export interface PlannedOrder {
  seq: number;
  /** Milliseconds after the stream starts. */
  at: number;
  phase: number;
  channel: ChannelIndex;
  /** A sale at the home shop's till (stock taken at the shop); otherwise an online order. */
  pos: boolean;
  sku: number;
  quantity: number;
}

export interface Scenario {
  options: ScenarioOptions;
  skus: Sku[];
  orders: PlannedOrder[];
  durationMs: number;
}

export const initialStock = (sku: Sku) => sku.warehouse + sku.shop;

export function generateScenario(options: ScenarioOptions = DEFAULT_SCENARIO): Scenario {
  const stockRandom = createRandom(deriveSeed(options.seed, "stock"));
  const ranks = createRandom(deriveSeed(options.seed, "ranks")).shuffle(Array.from({ length: options.skus }, (_, i) => i + 1));
  const totals = options.stockWeights.map((weight, units) => ({ weight, units }));
  const skus: Sku[] = Array.from({ length: options.skus }, (_, index) => {
    const total = stockRandom.weighted(totals, (t) => t.weight).units;
    let shop = 0;
    for (let unit = 0; unit < total; unit += 1) if (stockRandom.chance(options.shopShare)) shop += 1;
    return {
      index,
      sku: `FLASH-${String(index + 1).padStart(4, "0")}`,
      title: `Limited drop #${index + 1}`,
      warehouse: total - shop,
      shop,
      rank: ranks[index]!,
    };
  });

  // Cumulative demand weights, for drawing a SKU by popularity in O(log n).
  const cumulative: number[] = [];
  let sum = 0;
  for (const sku of skus) cumulative.push((sum += sku.rank ** -options.demandSkew));
  const drawSku = (u: number) => {
    const target = u * sum;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! > target) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };

  const random = createRandom(deriveSeed(options.seed, "orders"));
  const mix = options.channelMix;
  const mixTotal = mix.homeOnline + mix.homePos + mix.outletA + mix.outletB;
  const orders: PlannedOrder[] = [];
  let phaseStart = 0;
  options.phases.forEach((phase, phaseIndex) => {
    const phaseEnd = phaseStart + phase.seconds * 1000;
    let at = phaseStart;
    for (;;) {
      at += (-Math.log(1 - random.next()) / phase.rate) * 1000; // exponential gaps: Poisson arrivals
      if (at >= phaseEnd) break;
      const roll = random.next() * mixTotal;
      const channel: ChannelIndex = roll < mix.homeOnline + mix.homePos ? 0 : roll < mix.homeOnline + mix.homePos + mix.outletA ? 1 : 2;
      orders.push({
        seq: orders.length,
        at: Math.round(at * 1000) / 1000,
        phase: phaseIndex,
        channel,
        pos: roll >= mix.homeOnline && roll < mix.homeOnline + mix.homePos,
        sku: drawSku(random.next()),
        quantity: random.chance(options.twoUnitShare) ? 2 : 1,
      });
    }
    phaseStart = phaseEnd;
  });
  return { options, skus, orders, durationMs: phaseStart };
}

/** Phase parameters as one line, e.g. "5/s x 25 s, 20/s x 25 s, 50/s x 20 s". */
export const describePhases = (phases: Phase[]) => phases.map((p) => `${p.rate}/s x ${p.seconds} s`).join(", ");
