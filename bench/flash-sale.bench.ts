// Flash sale: a home store (warehouse + shop, 300 SKUs with scarce stock) and two linked Shopify stores, all in
// the local dev store; shoppers order on all three at 5, 20 and 50 orders/s, mostly the same hot SKUs. Every
// store refuses what it does not show (inventory policy DENY), so a linked store that still shows units the
// home store has sold sells them again: that is overselling. Omnistock runs as in production (its own process,
// production build, startBackgroundWork) and keeps the stores in step through webhooks and pushes.
//
// Reported, against the identical order stream:
//   - oversold units with Omnistock, and with a polling sync every 15 minutes and every minute (simulated, see
//     flash-sale-sim.ts for the model and how the poll phase is averaged), plus an instant-sync floor;
//   - sale-to-channel latency: from an order's creation to each other channel showing a quantity that accounts
//     for it (flash-sale-latency.ts), p50/p95/p99;
//   - Admin API points the app spent per quantity change it made, and THROTTLED answers it got.
// Targets (2 cores): p95 < 1 s, no THROTTLED, Omnistock oversells <= 1% of what the 15-minute poller does.
//
// Environment: FLASH_SALE_SEED (default 20251128); FLASH_SALE_DATABASES=sqlite,postgresql to also run on
// PostgreSQL (BENCH_DATABASE_URL, default postgresql://root@127.0.0.1:5432/test); BENCH_SKIP_BUILD=1 to use
// the existing production build.
import { spawnSync } from "node:child_process";
import path from "node:path";
import { analyseLatency, type OrderInfo } from "./flash-sale-latency";
import { APP_KEY, runFlashSale, SHOPS, type DatabaseKind, type RunResult } from "./flash-sale-run";
import { DEFAULT_SCENARIO, describePhases, generateScenario, initialStock, type Scenario } from "./flash-sale-scenario";
import { expectedOversold, oversold, type PollingEstimate } from "./flash-sale-sim";
import { atMost, percentile, projectRoot, type Metric } from "./harness";

export const name = "flash-sale";
export const description =
  "Flash sale on 3 stores (300 scarce SKUs, 5/20/50 orders/s): oversold units vs 15-min and 1-min polling, sale-to-channel latency, Admin API points, THROTTLED";

const TARGET_P95_MS = 1000;
/** Omnistock may oversell at most this share of what the 15-minute poller oversells. */
const OVERSOLD_SHARE = 0.01;

function build() {
  if (process.env.BENCH_SKIP_BUILD === "1") return;
  console.error("Building the app (remix vite:build)...");
  const result = spawnSync(path.join(projectRoot, "node_modules", ".bin", "remix"), ["vite:build"], {
    cwd: projectRoot,
    encoding: "utf8",
    env: { ...process.env, NODE_ENV: "production" },
  });
  if (result.status !== 0) throw new Error(`The app build failed:\n${result.stderr || result.stdout}`);
}

const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;
const info = (metricName: string, value: number, unit: string, note?: string): Metric => ({ name: metricName, value, unit, ...(note ? { note } : {}) });

function scenarioNote(scenario: Scenario): string {
  const o = scenario.options;
  const units = scenario.skus.reduce((sum, sku) => sum + initialStock(sku), 0);
  const soldOutAtStart = scenario.skus.filter((sku) => initialStock(sku) === 0).length;
  const byChannel = [0, 1, 2].map((c) => scenario.orders.filter((order) => order.channel === c).length);
  return (
    `seed ${o.seed}; ${o.skus} SKUs, ${units} units (0-${o.stockWeights.length - 1} per SKU, ${soldOutAtStart} at 0; ` +
    `${Math.round(o.shopShare * 100)}% of units at the shop, the rest at the warehouse); demand ~ rank^-${o.demandSkew}; ` +
    `${describePhases(o.phases)}; orders: ${byChannel[0]} home (${Math.round((o.channelMix.homePos / (o.channelMix.homeOnline + o.channelMix.homePos)) * 100)}% at the till), ` +
    `${byChannel[1]} outlet A, ${byChannel[2]} outlet B; ${Math.round(o.twoUnitShare * 100)}% for 2 units`
  );
}

function pollingNote(estimate: PollingEstimate): string {
  return (
    `mean over ${estimate.phases} evenly spaced poll phases (range ${estimate.min}-${estimate.max}); ` +
    `${Math.round(estimate.pollsDuringStream * 100)}% of phases have a poll during the stream; ` +
    `${estimate.oversoldSkus} SKUs oversold, ${estimate.acceptedUnits} units accepted`
  );
}

function metricsOf(result: RunResult, scenario: Scenario, polling: { slow: PollingEstimate; fast: PollingEstimate; instant: PollingEstimate }): Metric[] {
  const p = result.kind;
  const metrics: Metric[] = [];

  // ---- orders and overselling, all with the same accounting
  const accepted = new Map(result.outcomes.map((o) => [o.seq, o.accepted]));
  const omnistock = oversold(
    scenario.skus,
    scenario.orders.map((order) => ({ sku: order.sku, quantity: order.quantity, accepted: accepted.get(order.seq) ?? false })),
  );
  const acceptedBy = [0, 1, 2].map((c) => scenario.orders.filter((o) => o.channel === c && accepted.get(o.seq)).length);
  const storeAgrees = acceptedBy.every((count, channel) => count === result.ordersInStore[channel]);
  metrics.push(
    info(`${p}.orders_accepted`, omnistock.acceptedOrders, "orders", `of ${scenario.orders.length} placed (home ${acceptedBy[0]}, outlet A ${acceptedBy[1]}, outlet B ${acceptedBy[2]}; ${omnistock.acceptedUnits} units)` +
      (storeAgrees ? "" : `; the dev store holds ${result.ordersInStore.join("/")} orders: MISMATCH`) + `; scenario: ${scenarioNote(scenario)}`),
  );
  // Which orders sold units that were gone: the ones that took a SKU past its stock, by phase and channel.
  const soldSoFar = new Array<number>(scenario.skus.length).fill(0);
  const overByPhase = scenario.options.phases.map(() => 0);
  const overByChannel = [0, 0, 0];
  for (const order of scenario.orders) {
    if (!accepted.get(order.seq)) continue;
    const stock = initialStock(scenario.skus[order.sku]!);
    const before = Math.max(0, soldSoFar[order.sku]! - stock);
    soldSoFar[order.sku]! += order.quantity;
    const over = Math.max(0, soldSoFar[order.sku]! - stock) - before;
    overByPhase[order.phase]! += over;
    overByChannel[order.channel]! += over;
  }
  const limit = round(polling.slow.oversoldUnits * OVERSOLD_SHARE, 2);
  metrics.push({
    ...atMost(`${p}.oversold.omnistock`, omnistock.oversoldUnits, "units", limit),
    note:
      `${omnistock.oversoldSkus} SKUs; ${polling.slow.oversoldUnits > 0 ? round((omnistock.oversoldUnits / polling.slow.oversoldUnits) * 100, 2) : 0}% ` +
      `of the 15-minute poller's (target <= ${OVERSOLD_SHARE * 100}%); by phase ${scenario.options.phases.map((ph, i) => `${ph.rate}/s: ${overByPhase[i]}`).join(", ")}; ` +
      `sold by home ${overByChannel[0]}, outlet A ${overByChannel[1]}, outlet B ${overByChannel[2]}`,
  });
  metrics.push(info(`${p}.oversold.poll_15min`, polling.slow.oversoldUnits, "units", pollingNote(polling.slow)));
  metrics.push(info(`${p}.oversold.poll_1min`, polling.fast.oversoldUnits, "units", pollingNote(polling.fast)));
  metrics.push(
    info(`${p}.oversold.instant_sync`, polling.instant.oversoldUnits, "units", "reference: an ideal sync with zero latency and the same stock rules (the floor for any sync)"),
  );

  // ---- latency
  const orders = new Map<number, OrderInfo>(scenario.orders.map((o) => [o.seq, { seq: o.seq, channel: o.channel, phase: o.phase, quantity: o.quantity }]));
  const latency = analyseLatency({
    initial: scenario.skus.map(initialStock),
    shownAtStart: result.shownAtStart,
    changes: result.changes,
    orders,
    appKey: APP_KEY,
  });
  const sorted = latency.reflected.map((r) => r.latencyMs).sort((a, b) => a - b);
  const pairsNote =
    `${latency.needed} (order, channel) pairs needed a change: ${latency.reflected.length} reflected by the app, ` +
    `${latency.overtaken} overtaken (the channel sold out on its own first), ${latency.never} never reflected; ` +
    `${latency.notNeeded} needed none`;
  metrics.push(info(`${p}.latency.p50`, round(percentile(sorted, 50)), "ms", pairsNote));
  metrics.push(atMost(`${p}.latency.p95`, round(percentile(sorted, 95)), "ms", TARGET_P95_MS));
  metrics.push(info(`${p}.latency.p99`, round(percentile(sorted, 99)), "ms"));
  metrics.push(info(`${p}.latency.max`, round(sorted.at(-1) ?? Number.NaN), "ms"));
  // Per order: until the LAST other channel reflects it (orders whose every needed pair the app reflected).
  const unresolved = new Set(latency.unresolvedOrders);
  const perOrder = new Map<number, number>();
  for (const pair of latency.reflected) perOrder.set(pair.orderSeq, Math.max(perOrder.get(pair.orderSeq) ?? 0, pair.latencyMs));
  const orderLatencies = [...perOrder].filter(([seq]) => !unresolved.has(seq)).map(([, ms]) => ms).sort((a, b) => a - b);
  metrics.push(
    info(`${p}.latency.all_channels_p95`, round(percentile(orderLatencies, 95)), "ms", `per order, until every other channel reflects it (${orderLatencies.length} orders; p50 ${round(percentile(orderLatencies, 50))} ms)`),
  );
  scenario.options.phases.forEach((phase, index) => {
    const inPhase = latency.reflected.filter((r) => r.phase === index).map((r) => r.latencyMs).sort((a, b) => a - b);
    metrics.push(info(`${p}.latency.p95_at_${phase.rate}/s`, round(percentile(inPhase, 95)), "ms", `${inPhase.length} pairs; p50 ${round(percentile(inPhase, 50))} ms`));
  });
  metrics.push(info(`${p}.latency.pairs_never_reflected`, latency.never, "pairs"));
  metrics.push(info(`${p}.latency.pairs_overtaken`, latency.overtaken, "pairs"));

  // ---- what the app spent
  const shops = Object.entries(result.usage);
  const points = shops.reduce((sum, [, u]) => sum + u.actualQueryCost, 0);
  const requests = shops.reduce((sum, [, u]) => sum + u.requests, 0);
  const byOperation = new Map<string, { points: number; requests: number; throttled: number }>();
  for (const [, usage] of shops) {
    for (const [operation, counts] of Object.entries(usage.byOperation)) {
      if (counts.requests === 0) continue;
      const entry = byOperation.get(operation) ?? { points: 0, requests: 0, throttled: 0 };
      entry.points += counts.actualQueryCost;
      entry.requests += counts.requests;
      entry.throttled += counts.throttled;
      byOperation.set(operation, entry);
    }
  }
  const operations = [...byOperation]
    .sort((a, b) => b[1].points - a[1].points)
    .map(([operation, e]) => `${operation} ${e.points} pts/${e.requests} req`)
    .join(", ");
  const perShop = SHOPS.map((shop) => `${shop.split(".")[0]} ${result.usage[shop]?.actualQueryCost ?? 0}`).join(", ");
  metrics.push(
    info(
      `${p}.points_per_change`,
      latency.appChanges > 0 ? round(points / latency.appChanges, 2) : Number.NaN,
      "points",
      `${points} points (actualQueryCost) in ${requests} requests for ${latency.appChanges} quantity changes` +
        `${latency.appNoopWrites ? ` (+${latency.appNoopWrites} writes that changed nothing)` : ""}; per shop: ${perShop}; by operation: ${operations}`,
    ),
  );
  const throttled = shops.reduce((sum, [, u]) => sum + u.throttled, 0);
  const throttledWhere = [
    ...SHOPS.map((shop) => `${shop.split(".")[0]} ${result.usage[shop]?.throttled ?? 0}`),
    ...[...byOperation].filter(([, e]) => e.throttled > 0).map(([operation, e]) => `${operation} ${e.throttled}`),
  ].join(", ");
  metrics.push({
    ...atMost(`${p}.throttled`, throttled, "responses", 0),
    note: `during the sale and until settled (${throttledWhere}); ${result.setupThrottled} during setup`,
  });

  // ---- did it end right, and how long did it take
  const wrong: string[] = [];
  let offBy = 0;
  let showsMore = 0;
  for (const channel of [1, 2] as const) {
    latency.finalShown[channel]!.forEach((shown, sku) => {
      const truth = Math.max(0, latency.finalRemaining[sku]!);
      if (shown === truth) return;
      offBy += 1;
      if (shown > truth) showsMore += 1;
      if (wrong.length < 4) wrong.push(`${scenario.skus[sku]!.sku} on ${channel === 1 ? "A" : "B"} shows ${shown}, ${truth} left`);
    });
  }
  metrics.push(
    info(
      `${p}.linked_listings_wrong_at_end`,
      offBy,
      "listings",
      offBy ? `${showsMore} show MORE than is left, e.g. ${wrong.join("; ")}` : "every linked listing shows what is left once the app settled",
    ),
  );
  metrics.push(info(`${p}.raised_above_stock`, latency.raisedAboveTruth, "writes", "app writes that raised a linked store above the units truly left at that moment"));
  metrics.push(
    info(
      `${p}.settle_time`,
      result.settleMs === null ? Number.NaN : round(result.settleMs / 1000, 2),
      "s",
      result.settleMs === null ? "the app still had work queued 120 s after the last order" : "from the last order to the app's last change",
    ),
  );
  const lags = result.outcomes.map((o) => o.lagMs).sort((a, b) => a - b);
  const appLog = Object.entries(result.appLog).sort((a, b) => b[1] - a[1]).slice(0, 4).map(([line, n]) => `${n} x ${line.slice(0, 160)}`);
  metrics.push(
    info(
      `${p}.order_schedule_lag_p99`,
      round(percentile(lags, 99)),
      "ms",
      `how late orders were placed against the plan (max ${round(lags.at(-1) ?? 0)} ms); ${result.webhooks.sent} webhooks sent, ` +
        `${result.webhooks.notDelivered} not delivered; app: ${result.counts.failedWebhooks} failed webhooks, ${result.counts.failedPushes} failed pushes, ` +
        `${result.counts.reservations} linked sale lines applied; setup ${round(result.setupMs / 1000)} s` +
        (result.failures.length ? `; failures: ${result.failures.slice(0, 3).join(" | ").slice(0, 300)}` : "") +
        (appLog.length ? `; app log: ${appLog.join(" | ")}` : ""),
    ),
  );
  return metrics;
}

export async function run(): Promise<Metric[]> {
  const seed = process.env.FLASH_SALE_SEED ? Number(process.env.FLASH_SALE_SEED) : DEFAULT_SCENARIO.seed;
  if (!Number.isFinite(seed)) throw new Error(`FLASH_SALE_SEED must be a number, got ${process.env.FLASH_SALE_SEED}`);
  const scenario = generateScenario({ ...DEFAULT_SCENARIO, seed });
  const kinds = (process.env.FLASH_SALE_DATABASES ?? "sqlite").split(",").map((k) => k.trim()).filter(Boolean);
  for (const kind of kinds) if (kind !== "sqlite" && kind !== "postgresql") throw new Error(`FLASH_SALE_DATABASES: unknown database ${kind}`);

  // The pollers replay the same stream; they need no app, so they are worked out first.
  const polling = {
    slow: expectedOversold(scenario, 15 * 60_000),
    fast: expectedOversold(scenario, 60_000),
    instant: expectedOversold(scenario, 0, 1),
  };
  console.error(
    `Scenario: ${scenarioNote(scenario)}\nPolling sync, same stream: every 15 min ${polling.slow.oversoldUnits} units oversold, ` +
      `every minute ${polling.fast.oversoldUnits}, instant ${polling.instant.oversoldUnits}`,
  );
  build();
  const metrics: Metric[] = [];
  for (const kind of kinds as DatabaseKind[]) {
    const result = await runFlashSale(kind, scenario);
    if ("skipped" in result) {
      metrics.push({ name: `${kind}.skipped`, value: 1, unit: "1/0", skipped: true, note: result.skipped });
      continue;
    }
    metrics.push(...metricsOf(result, scenario, polling));
  }
  return metrics;
}
