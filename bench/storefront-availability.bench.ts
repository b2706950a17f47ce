// Store availability widget (issue #5). Two parts:
//
// 1. GET /proxy/availability, the endpoint the block calls through Shopify's app proxy (signed query, settings
//    signed with the shop's widget key). Target: p99 under 20 ms at 1,000 requests/s, with cache hits (a hot set
//    of 20 variants) and with cache misses (every request a shop + variant not asked for in the last 4.8 s, past
//    the 2 s cache), plus the 304 path (If-None-Match) and hits while the mirror changes the hot variants' stock
//    (50 changes/s, each dropping a cache entry). Open loop at 1,000/s and a 64-connection closed loop for the
//    maximum throughput; on SQLite and on PostgreSQL.
//    Layout (2 cores): this process builds the app once, then per database runs storefront-availability-app.ts
//    (fresh database, seeded; the app server, production build, background workers off), which runs
//    storefront-availability-load.ts (the load generator, its own process).
//
// 2. Lighthouse performance score of the demo product page with and without the block (target: at most 2 points
//    lower with it): storefront-availability-stores.ts serves two identically seeded dev stores (one with the
//    theme extensions, one without) and the app; this process runs Lighthouse against both, alternating.
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import path from "node:path";
import { createInterface } from "node:readline";
import { atLeast, atMost, benchDirectory, projectRoot, type Metric } from "./harness";
import type { AppPhase, AppResult } from "./storefront-availability-app";
import { APP_CACHE_TTL_MS, HOT_SET_SIZE, SHOP_COUNT, VARIANTS_PER_SHOP, WRITES_PER_SECOND } from "./storefront-availability-catalog";
import { lighthouseRun, median, type LighthouseRun } from "./storefront-availability-lighthouse";
import type { PhaseResult } from "./storefront-availability-load";
import type { StoresReady } from "./storefront-availability-stores";

export const name = "storefront-availability";
export const description =
  "GET /proxy/availability (signed app proxy): cache hits, misses, 304 at 1,000/s and max throughput; Lighthouse with/without the block";

const TARGET_RATE = 1000;
const TARGET_P99_MS = 20;
// The achieved rate is measured until the last answer arrives, so a server that keeps up exactly scores a hair
// under 1,000/s: 1% is allowed for that. Falling behind shows as a growing queue and a p99 far over 20 ms.
const RATE_TOLERANCE = 0.99;
const MAX_SCORE_DROP = 2;
const LIGHTHOUSE_RUNS = Math.max(1, Number(process.env.BENCH_LIGHTHOUSE_RUNS ?? 5));

/** The production build the server serves, made from the current sources. */
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

/** The app's configuration, as server/main.ts would get it (fresh secrets each run). */
function appEnvironment(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    SHOPIFY_API_KEY: "omnistock-bench",
    SHOPIFY_API_SECRET: randomBytes(24).toString("hex"),
    SHOPIFY_APP_URL: "http://127.0.0.1:3999",
    OMNISTOCK_ENCRYPTION_KEY: randomBytes(32).toString("base64"),
    OMNISTOCK_WORKERS: "false",
    LOG_LEVEL: "error",
    NODE_ENV: "production",
  };
  delete env.DATABASE_URL; // each child sets its own fresh database
  delete env.SHOP_CUSTOM_DOMAIN;
  delete env.OMNISTOCK_DEMO;
  delete env.SHOPIFY_ADMIN_API_ORIGIN;
  return env;
}

const waitForExit = (child: ReturnType<typeof spawn>) =>
  new Promise<number | null>((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    else child.once("exit", resolve);
  });

// ------------------------------------------------------------------ the endpoint

async function runApp(kind: "sqlite" | "postgresql", env: NodeJS.ProcessEnv): Promise<AppResult> {
  const child = spawn(process.execPath, ["--import", "tsx", path.join(benchDirectory, "storefront-availability-app.ts"), kind], {
    cwd: projectRoot,
    env,
    stdio: ["ignore", "pipe", "inherit"],
  });
  const deadline = setTimeout(() => child.kill("SIGKILL"), 10 * 60_000);
  let result: AppResult | undefined;
  for await (const line of createInterface({ input: child.stdout! })) {
    if (line.startsWith("BENCH_RESULT ")) result = JSON.parse(line.slice("BENCH_RESULT ".length)) as AppResult;
    else console.error(`[${kind}] ${line}`); // the app's own (error) logs
  }
  const code = await waitForExit(child);
  clearTimeout(deadline);
  if (!result) throw new Error(`The ${kind} benchmark process failed (exit code ${code}); see its output above`);
  return result;
}

const statusList = (statuses: Record<string, number>, expected: number) =>
  Object.entries(statuses)
    .filter(([status]) => Number(status) !== expected)
    .map(([status, count]) => `${count} x ${status === "0" ? "no answer (10 s timeout or connection error)" : `HTTP ${status}`}`)
    .join(", ");

const LABELS = {
  hits: { label: "cache_hit", expected: 200 },
  misses: { label: "cache_miss", expected: 200 },
  notModified: { label: "304_if_none_match", expected: 304 },
  hitsWithWrites: { label: "hit+mirror_writes", expected: 200 },
  serialHits: { label: "cache_hit", expected: 200 },
  serialMisses: { label: "cache_miss", expected: 200 },
  maxHits: { label: "cache_hit", expected: 200 },
  maxMisses: { label: "cache_miss", expected: 200 },
} as const;

/** Item reads per request if each hot variant were read exactly once per cache lifetime. */
const expectedHitReads = (phase: PhaseResult) =>
  Math.round(((phase.distinctKeys * 1000) / APP_CACHE_TTL_MS / Math.max(1, phase.rate)) * 1000) / 1000;

/** The app's CPU time per request of the phase (all of it: HTTP, Remix, the handler, the database client, GC). */
const cpuPerRequest = (side: AppPhase | undefined, phase: PhaseResult) =>
  side === undefined || phase.requests === 0 ? Number.NaN : Math.round((side.cpuMs / phase.requests) * 100) / 100;

const readsPerRequest = (reads: number | undefined, phase: PhaseResult) =>
  reads === undefined || phase.requests === 0 ? Number.NaN : Math.round((reads / phase.requests) * 1000) / 1000;

function endpointMetrics(result: AppResult): Metric[] {
  const db = result.kind;
  if ("skipped" in result) return [{ name: `${db}.skipped`, value: 1, unit: "1/0", skipped: true, note: result.skipped }];
  const { load, phases: app } = result;
  const keys = SHOP_COUNT * VARIANTS_PER_SHOP;
  const metrics: Metric[] = [];
  const check = load.preflight;
  const checked = check.settingsAccepted && check.forgeryRefused;
  metrics.push({
    name: `${db}.signed_requests_checked`,
    value: checked ? 1 : 0,
    unit: "1/0",
    target: "1",
    ok: checked,
    note:
      `${result.seeded.shops} shops, ${result.seeded.items} variants, ${result.seeded.levels} levels seeded in ${result.seeded.seconds} s; ` +
      `a 200 answer is ${check.bodyBytes} bytes listing ${check.shopsListed} shops; signed settings ${check.settingsAccepted ? "accepted" : "NOT accepted"}; ` +
      `forged proxy signature ${check.forgeryRefused ? "refused (401)" : "NOT refused"}`,
  });
  for (const phaseName of ["serialHits", "serialMisses"] as const) {
    const phase = load.phases[phaseName];
    const { label, expected } = LABELS[phaseName];
    const prefix = `${db}.serial_${label}(1 conn)`;
    metrics.push(
      { name: `${prefix}.p50`, value: phase.p50, unit: "ms", note: `${phase.requests} requests one after another, ${phase.rate}/s` },
      { name: `${prefix}.p99`, value: phase.p99, unit: "ms" },
      phase.errors > 0
        ? { ...atMost(`${prefix}.errors`, phase.errors, "requests", 0), note: statusList(phase.statuses, expected) }
        : atMost(`${prefix}.errors`, phase.errors, "requests", 0),
      { name: `${prefix}.server_cpu_per_request`, value: cpuPerRequest(app[phaseName], phase), unit: "ms" },
    );
  }
  for (const phaseName of ["hits", "misses", "notModified", "hitsWithWrites"] as const) {
    const phase = load.phases[phaseName];
    const side = app[phaseName];
    const { label, expected } = LABELS[phaseName];
    const prefix = `${db}.${label}@${load.fixedRateTarget}/s`;
    const reads = readsPerRequest(side?.itemReads, phase);
    const behind =
      phase.unsent || phase.aborted
        ? `the server fell behind: ${phase.unsent ?? 0} requests not sent (2 s worth already in flight), ${phase.aborted ?? 0} aborted unanswered 30 s after the last send`
        : undefined;
    metrics.push(
      { ...atLeast(`${prefix}.achieved`, phase.rate, expected === 304 ? "304s/s" : "requests/s", TARGET_RATE * RATE_TOLERANCE), note: behind },
      { name: `${prefix}.p50`, value: phase.p50, unit: "ms" },
      { name: `${prefix}.p95`, value: phase.p95, unit: "ms" },
      atMost(`${prefix}.p99`, phase.p99, "ms", TARGET_P99_MS),
      { name: `${prefix}.max`, value: phase.max, unit: "ms" },
      phase.errors > 0
        ? { ...atMost(`${prefix}.errors`, phase.errors, "requests", 0), note: statusList(phase.statuses, expected) }
        : atMost(`${prefix}.errors`, phase.errors, "requests", 0),
      { name: `${prefix}.server_cpu`, value: side?.serverCpu ?? Number.NaN, unit: "% of 1 core" },
      { name: `${prefix}.server_cpu_per_request`, value: cpuPerRequest(side, phase), unit: "ms" },
      {
        name: `${prefix}.db_reads_per_request`,
        value: reads,
        unit: "item reads",
        note:
          phaseName === "misses"
            ? `${phase.distinctKeys} distinct shop+variant keys of ${keys}; 1 = every request missed the cache (each miss also reads levels and locations)`
            : phaseName === "hitsWithWrites"
              ? `${side?.writes ?? 0} stock changes written through the mirror (recordApplied, ${WRITES_PER_SECOND}/s target), each dropping a hot variant's cache entry`
              : `${phase.distinctKeys} hot variants: one read per variant per ${APP_CACHE_TTL_MS / 1000} s would be ` +
                `${expectedHitReads(phase)}; more means requests that arrive while an expired variant is being read read it too`,
      },
    );
  }
  for (const phaseName of ["maxHits", "maxMisses"] as const) {
    const phase = load.phases[phaseName];
    const side = app[phaseName];
    const { label, expected } = LABELS[phaseName];
    const prefix = `${db}.max_${label}(${load.connections} conns)`;
    const reads = readsPerRequest(side?.itemReads, phase);
    const hitPossible = phaseName === "maxMisses" && phase.rate > keys / (APP_CACHE_TTL_MS / 1000);
    metrics.push(
      atLeast(`${prefix}.throughput`, phase.rate, "requests/s", TARGET_RATE),
      { name: `${prefix}.p50`, value: phase.p50, unit: "ms" },
      { name: `${prefix}.p99`, value: phase.p99, unit: "ms" },
      phase.errors > 0
        ? { ...atMost(`${prefix}.errors`, phase.errors, "requests", 0), note: statusList(phase.statuses, expected) }
        : atMost(`${prefix}.errors`, phase.errors, "requests", 0),
      { name: `${prefix}.server_cpu`, value: side?.serverCpu ?? Number.NaN, unit: "% of 1 core" },
      { name: `${prefix}.server_cpu_per_request`, value: cpuPerRequest(side, phase), unit: "ms" },
      { name: `${prefix}.loader_cpu`, value: phase.loaderCpu, unit: "% of 1 core" },
      { name: `${prefix}.machine_cpu`, value: side?.machineCpu ?? Number.NaN, unit: "% of all cores" },
      {
        name: `${prefix}.db_reads_per_request`,
        value: reads,
        unit: "item reads",
        note:
          phaseName === "maxHits"
            ? `one read per hot variant per ${APP_CACHE_TTL_MS / 1000} s would be ${expectedHitReads(phase)}`
            : hitPossible
              ? `above ${keys / (APP_CACHE_TTL_MS / 1000)}/s keys come round within the cache TTL: some requests hit`
              : `${phase.distinctKeys} distinct keys; 1 = every request missed`,
      },
    );
  }
  return metrics;
}

// ------------------------------------------------------------------ Lighthouse

async function withStores<T>(env: NodeJS.ProcessEnv, work: (ready: StoresReady) => Promise<T>): Promise<T> {
  const child = spawn(process.execPath, ["--import", "tsx", path.join(benchDirectory, "storefront-availability-stores.ts")], {
    cwd: projectRoot,
    env,
    stdio: ["pipe", "pipe", "inherit"],
  });
  const deadline = setTimeout(() => child.kill("SIGKILL"), 15 * 60_000);
  try {
    const lines = createInterface({ input: child.stdout! });
    let ready: StoresReady | undefined;
    for await (const line of lines) {
      if (line.startsWith("STORES_READY ")) {
        ready = JSON.parse(line.slice("STORES_READY ".length)) as StoresReady;
        break;
      }
      console.error(`[stores] ${line}`);
    }
    if (!ready) throw new Error(`The dev stores did not start (exit code ${await waitForExit(child)}); see their output above`);
    // Keep draining (app logs), without blocking the work.
    void (async () => {
      for await (const line of lines) console.error(`[stores] ${line}`);
    })();
    return await work(ready);
  } finally {
    child.stdin!.end();
    const stopped = await Promise.race([waitForExit(child), new Promise((resolve) => setTimeout(() => resolve("timeout"), 20_000))]);
    if (stopped === "timeout") child.kill("SIGKILL");
    clearTimeout(deadline);
  }
}

function lighthouseMetrics(ready: StoresReady, runs: { with: LighthouseRun[]; without: LighthouseRun[] }): Metric[] {
  const pick = (list: LighthouseRun[], field: "score" | "cls" | "tbt" | "lcp" | "fcp") => list.map((run) => run[field]);
  const withScore = median(pick(runs.with, "score"));
  const withoutScore = median(pick(runs.without, "score"));
  const round = (value: number, digits = 3) => Math.round(value * 10 ** digits) / 10 ** digits;
  const widgetStatuses = runs.with.flatMap((run) => run.availabilityStatuses);
  const widgetOk = widgetStatuses.filter((status) => status === 200 || status === 304).length;
  const check = ready.widgetCheck;
  return [
    {
      name: "lighthouse.with_block.score",
      value: withScore,
      unit: "0-100",
      note:
        `median of ${runs.with.length}: ${pick(runs.with, "score").join(", ")}; the widget's availability requests during the runs: ` +
        `${widgetOk} of ${widgetStatuses.length} answered 200/304 (${runs.with.filter((r) => r.availabilityStatuses.length > 0).length} of ${runs.with.length} runs made one); ` +
        `before the runs the widget's request answered ${check.status} with ${check.shopsListed} shops${check.note ? ` (${check.note})` : ""}, ` +
        `settings ${check.signedSettings ? "signed with the published widget key" : "NOT signed with the app's key (levels only)"}; ${ready.published}; ${ready.itemsImported} items imported`,
    },
    { name: "lighthouse.without_block.score", value: withoutScore, unit: "0-100", note: `median of ${runs.without.length}: ${pick(runs.without, "score").join(", ")}` },
    { ...atMost("lighthouse.score_drop", withoutScore - withScore, "points", MAX_SCORE_DROP), note: "median without the block minus median with it" },
    { name: "lighthouse.with_block.cls", value: round(median(pick(runs.with, "cls")), 4), unit: "CLS" },
    { name: "lighthouse.without_block.cls", value: round(median(pick(runs.without, "cls")), 4), unit: "CLS" },
    { name: "lighthouse.with_block.tbt", value: round(median(pick(runs.with, "tbt")), 0), unit: "ms", note: `runs: ${pick(runs.with, "tbt").map((v) => Math.round(v)).join(", ")}` },
    { name: "lighthouse.without_block.tbt", value: round(median(pick(runs.without, "tbt")), 0), unit: "ms", note: `runs: ${pick(runs.without, "tbt").map((v) => Math.round(v)).join(", ")}` },
    { name: "lighthouse.with_block.lcp", value: round(median(pick(runs.with, "lcp")), 0), unit: "ms (simulated)" },
    { name: "lighthouse.without_block.lcp", value: round(median(pick(runs.without, "lcp")), 0), unit: "ms (simulated)" },
    { name: "lighthouse.with_block.requests", value: median(runs.with.map((r) => r.requests)), unit: "requests" },
    { name: "lighthouse.without_block.requests", value: median(runs.without.map((r) => r.requests)), unit: "requests" },
  ];
}

async function lighthouse(env: NodeJS.ProcessEnv): Promise<Metric[]> {
  try {
    return await withStores(env, async (ready) => {
      const runs = { with: [] as LighthouseRun[], without: [] as LighthouseRun[] };
      // Alternating, so load from other work on the machine falls on both pages alike.
      for (let i = 0; i < LIGHTHOUSE_RUNS; i += 1) {
        for (const side of i % 2 ? (["without", "with"] as const) : (["with", "without"] as const)) {
          const run = await lighthouseRun(side === "with" ? ready.withBlock : ready.withoutBlock);
          runs[side].push(run);
          console.error(
            `  Lighthouse ${side} the block, run ${i + 1}/${LIGHTHOUSE_RUNS}: score ${run.score}, TBT ${Math.round(run.tbt)} ms, CLS ${run.cls.toFixed(3)}, ` +
              `LCP ${Math.round(run.lcp)} ms, ${run.requests} requests${run.availabilityStatuses.length ? `, widget answered ${run.availabilityStatuses.join("/")}` : ""}`,
          );
        }
      }
      return lighthouseMetrics(ready, runs);
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    console.error(`Lighthouse could not run: ${message}`);
    return [{ name: "lighthouse.score_drop", value: Number.NaN, unit: "points", skipped: true, note: `Lighthouse could not run here: ${message}` }];
  }
}

// ------------------------------------------------------------------

export async function run(): Promise<Metric[]> {
  build();
  const env = appEnvironment();
  const metrics: Metric[] = [];
  const databases = (process.env.BENCH_DATABASES ?? "sqlite,postgresql").split(",").filter((kind): kind is "sqlite" | "postgresql" => kind === "sqlite" || kind === "postgresql");
  for (const kind of databases) {
    console.error(`Storefront availability endpoint on ${kind} (${HOT_SET_SIZE} hot variants, ${SHOP_COUNT} x ${VARIANTS_PER_SHOP} keys)...`);
    metrics.push(...endpointMetrics(await runApp(kind, env)));
  }
  if (process.env.BENCH_SKIP_LIGHTHOUSE !== "1") {
    console.error(`Lighthouse, ${LIGHTHOUSE_RUNS} runs with and without the block...`);
    metrics.push(...(await lighthouse(env)));
  }
  return metrics;
}
