// Sale-to-channel latency, from the dev store's own record of every change to `available` (with the time it
// happened and who made it). No I/O.
//
// For an order o of q units of SKU s accepted on channel c at time t0, every other channel c' must come to
// show a quantity that accounts for it. With I the home store's stock before the sale, U the units sold on all
// channels up to and including o, and own(t) the units c' itself sold after o up to t:
//   home store:   shown(t) <= I - U - own(t)            (its locations' available, summed; may go negative)
//   linked store: shown(t) <= max(0, I - U - own(t))    (a store cannot show less than 0)
// A pair (o, c') needs a change when that does not hold right after o. Its latency is the time from t0 to the
// first change made BY THE APP after which it holds. When instead c' got there through its own sale (it sold
// its last displayed units, typically overselling), the pair is "overtaken", and when it never holds by the
// end of the run, "never reflected"; both are counted, not timed. Units are fungible: a later sale applied
// first counts towards an earlier one, as it does for the shopper looking at the number.
import type { ChannelIndex } from "./flash-sale-scenario";

export interface ChangeRecord {
  /** performance.now() in the dev store's process. */
  at: number;
  channel: ChannelIndex;
  sku: number;
  delta: number;
  /** The app's API key, or "shopify" for the store's own changes (orders). */
  actor: string;
  /** Set on the change an order made (its claim of stock). */
  orderSeq?: number;
}

export interface OrderInfo {
  seq: number;
  channel: ChannelIndex;
  phase: number;
  quantity: number;
}

export interface ReflectedPair {
  orderSeq: number;
  channel: ChannelIndex;
  phase: number;
  latencyMs: number;
}

export interface LatencyAnalysis {
  reflected: ReflectedPair[];
  /** Pairs that needed a change. */
  needed: number;
  /** Pairs already right when the order was placed (the channel showed little enough). */
  notNeeded: number;
  overtaken: number;
  never: number;
  /** Orders with a pair that was overtaken or never reflected (no all-channels time for them). */
  unresolvedOrders: number[];
  /** Changes the app made to `available` (non-zero), and writes that changed nothing. */
  appChanges: number;
  appNoopWrites: number;
  /** App changes that RAISED a linked store above what truly remained (I - units sold so far). */
  raisedAboveTruth: number;
  /** Per channel and SKU, what was shown at the end (after the app settled), and what truly remained. */
  finalShown: number[][];
  finalRemaining: number[];
}

interface OpenPair {
  order: OrderInfo;
  t0: number;
  unitsThrough: number;
  ownAtOrder: number;
}

export function analyseLatency(input: {
  initial: readonly number[];
  /** What each channel showed when the stream started: [channel][sku]. */
  shownAtStart: readonly (readonly number[])[];
  changes: readonly ChangeRecord[];
  orders: ReadonlyMap<number, OrderInfo>;
  appKey: string;
}): LatencyAnalysis {
  const skuCount = input.initial.length;
  const shown = input.shownAtStart.map((row) => [...row]);
  const sold = new Array<number>(skuCount).fill(0);
  const own = [0, 1, 2].map(() => new Array<number>(skuCount).fill(0));
  const open = [0, 1, 2].map(() => Array.from({ length: skuCount }, (): OpenPair[] => []));
  const result: LatencyAnalysis = {
    reflected: [],
    needed: 0,
    notNeeded: 0,
    overtaken: 0,
    never: 0,
    unresolvedOrders: [],
    appChanges: 0,
    appNoopWrites: 0,
    raisedAboveTruth: 0,
    finalShown: shown,
    finalRemaining: [],
  };

  const holds = (channel: ChannelIndex, sku: number, pair: OpenPair) => {
    const target = input.initial[sku]! - pair.unitsThrough - (own[channel]![sku]! - pair.ownAtOrder);
    return shown[channel]![sku]! <= (channel === 0 ? target : Math.max(0, target));
  };

  for (const change of input.changes) {
    const { channel, sku } = change;
    shown[channel]![sku]! += change.delta;
    const byApp = change.actor === input.appKey;
    if (byApp) {
      if (change.delta === 0) result.appNoopWrites += 1;
      else result.appChanges += 1;
      if (channel !== 0 && change.delta > 0 && shown[channel]![sku]! > Math.max(0, input.initial[sku]! - sold[sku]!)) {
        result.raisedAboveTruth += 1;
      }
    }

    const order = change.orderSeq === undefined ? undefined : input.orders.get(change.orderSeq);
    if (order) {
      sold[sku]! += order.quantity;
      own[channel]![sku]! += order.quantity;
    }

    // Pairs waiting on this channel and SKU: does it show little enough now?
    const waiting = open[channel]![sku]!;
    for (let i = waiting.length - 1; i >= 0; i -= 1) {
      const pair = waiting[i]!;
      if (!holds(channel, sku, pair)) continue;
      waiting.splice(i, 1);
      if (byApp) result.reflected.push({ orderSeq: pair.order.seq, channel, phase: pair.order.phase, latencyMs: change.at - pair.t0 });
      else {
        result.overtaken += 1;
        result.unresolvedOrders.push(pair.order.seq);
      }
    }

    if (order) {
      for (const other of [0, 1, 2] as const) {
        if (other === channel) continue;
        const pair: OpenPair = { order, t0: change.at, unitsThrough: sold[sku]!, ownAtOrder: own[other]![sku]! };
        if (holds(other, sku, pair)) result.notNeeded += 1;
        else {
          result.needed += 1;
          open[other]![sku]!.push(pair);
        }
      }
    }
  }
  for (const channel of open) {
    for (const pairs of channel) {
      result.never += pairs.length;
      for (const pair of pairs) result.unresolvedOrders.push(pair.order.seq);
    }
  }
  result.finalRemaining = input.initial.map((units, sku) => units - sold[sku]!);
  return result;
}
