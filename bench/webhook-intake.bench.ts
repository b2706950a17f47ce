// Webhook intake: POST /webhooks verifies the HMAC over the raw body, validates headers and body, stores one
// row per X-Shopify-Webhook-Id and answers 200. Target: >= 1,000 deliveries/s sustained with p99 < 50 ms,
// on SQLite and on PostgreSQL.
//
// Layout (2 cores): this process builds the app once, then per database runs webhook-intake-worker.ts (the
// app server, one process per database because the Prisma client is a process-wide singleton), which runs
// webhook-intake-load.ts (the load generator, its own process so it does not compete for the app's event loop).
// The app's background workers are not started: this measures intake alone.
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import path from "node:path";
import { createInterface } from "node:readline";
import { atLeast, atMost, benchDirectory, projectRoot, type Metric } from "./harness";
import type { LoadResult } from "./webhook-intake-load";
import type { WorkerResult } from "./webhook-intake-worker";

export const name = "webhook-intake";
export const description =
  "POST /webhooks (HMAC, zod, one row per delivery): 1,000/s open loop and max throughput, SQLite and PostgreSQL";

const TARGET_RATE = 1000;
const TARGET_P99_MS = 50;
// The achieved rate is measured until the last answer arrives, so even a server that keeps up exactly scores
// a hair under 1,000/s; 1% is allowed for that. Falling behind shows as a growing queue and a p99 far over 50 ms.
const RATE_TOLERANCE = 0.99;

/** The production build the server serves, made from the current sources (~12 s). */
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

/** The app's configuration, the way server/main.ts would get it (fresh secrets each run). */
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
  delete env.DATABASE_URL; // the worker sets it to its fresh database
  delete env.SHOP_CUSTOM_DOMAIN;
  delete env.OMNISTOCK_DEMO;
  return env;
}

async function runVariant(kind: "sqlite" | "postgresql", env: NodeJS.ProcessEnv): Promise<WorkerResult> {
  // BENCH_CPU_PROF=<dir> (passed on in env) makes the worker profile the app during the max-throughput phase.
  const child = spawn(process.execPath, ["--import", "tsx", path.join(benchDirectory, "webhook-intake-worker.ts"), kind], {
    cwd: projectRoot,
    env,
    stdio: ["ignore", "pipe", "inherit"],
  });
  const deadline = setTimeout(() => child.kill("SIGKILL"), 6 * 60_000);
  let result: WorkerResult | undefined;
  for await (const line of createInterface({ input: child.stdout })) {
    if (line.startsWith("BENCH_RESULT ")) result = JSON.parse(line.slice("BENCH_RESULT ".length)) as WorkerResult;
    else console.error(`[${kind}] ${line}`); // the app's own (error) logs
  }
  const code = await new Promise<number | null>((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    else child.once("exit", resolve);
  });
  clearTimeout(deadline);
  if (!result) throw new Error(`The ${kind} benchmark process failed (exit code ${code}); see its output above`);
  return result;
}

const statusList = (statuses: Record<string, number>) =>
  Object.entries(statuses)
    .filter(([status]) => !status.startsWith("2"))
    .map(([status, count]) => `${count} x ${status === "0" ? "no answer (10 s socket timeout or connection error)" : `HTTP ${status}`}`)
    .join(", ");

const withErrorNote = (metric: Metric, statuses: Record<string, number>): Metric =>
  metric.value > 0 ? { ...metric, note: statusList(statuses) } : metric;

/**
 * One row per unique webhook id, duplicates stored once. When some requests got no answer, the server may or
 * may not have stored them, so the count can only be bracketed: acknowledged <= rows <= sent.
 */
function storedRowsMatch(db: string, rows: number, load: LoadResult): Metric {
  const exact = rows === load.uniqueWebhookIds;
  let note = `${rows} rows for ${load.uniqueWebhookIds} unique webhook ids sent (${load.duplicates} retries)`;
  if (!exact) {
    const bracketed = rows >= load.acknowledgedWebhookIds && rows <= load.uniqueWebhookIds;
    note +=
      `; ${load.acknowledgedWebhookIds} were answered 2xx` +
      (bracketed ? ": every acknowledged delivery is stored, the rest went unanswered" : ": rows are LOST or DUPLICATED");
  }
  return { name: `${db}.stored_rows_match`, value: exact ? 1 : 0, unit: "1/0", target: "1", ok: exact, note };
}

function metricsOf(result: WorkerResult): Metric[] {
  const db = result.kind;
  if ("skipped" in result) {
    return [{ name: `${db}.skipped`, value: 1, unit: "1/0", skipped: true, note: result.skipped }];
  }
  const { fixedRate, maxThroughput } = result.load;
  const cpu = result.cpu;
  const rate = `${db}.at_${result.load.fixedRateTarget}/s`;
  const max = `${db}.max(${result.load.connections} conns)`;
  return [
    {
      ...atLeast(`${rate}.achieved`, fixedRate.rate, "deliveries/s", TARGET_RATE * RATE_TOLERANCE),
      note:
        fixedRate.unsent || fixedRate.aborted
          ? `the server fell behind: ${fixedRate.unsent ?? 0} requests not sent (2 s worth already in flight), ` +
            `${fixedRate.aborted ?? 0} aborted unanswered 30 s after the last send`
          : undefined,
    },
    { name: `${rate}.p50`, value: fixedRate.p50, unit: "ms" },
    { name: `${rate}.p95`, value: fixedRate.p95, unit: "ms" },
    atMost(`${rate}.p99`, fixedRate.p99, "ms", TARGET_P99_MS),
    { name: `${rate}.max`, value: fixedRate.max, unit: "ms" },
    withErrorNote(atMost(`${rate}.errors`, fixedRate.errors, "requests", 0), fixedRate.statuses),
    { name: `${rate}.server_cpu`, value: cpu.fixedRate?.serverCpu ?? Number.NaN, unit: "% of 1 core" },
    atLeast(`${max}.throughput`, maxThroughput.rate, "deliveries/s", TARGET_RATE),
    { name: `${max}.p50`, value: maxThroughput.p50, unit: "ms" },
    { name: `${max}.p99`, value: maxThroughput.p99, unit: "ms" },
    withErrorNote(atMost(`${max}.errors`, maxThroughput.errors, "requests", 0), maxThroughput.statuses),
    { name: `${max}.server_cpu`, value: cpu.maxThroughput?.serverCpu ?? Number.NaN, unit: "% of 1 core" },
    { name: `${max}.loader_cpu`, value: maxThroughput.loaderCpu, unit: "% of 1 core" },
    { name: `${max}.machine_cpu`, value: cpu.maxThroughput?.machineCpu ?? Number.NaN, unit: "% of all cores" },
    storedRowsMatch(db, result.storedRows, result.load),
  ];
}

export async function run(): Promise<Metric[]> {
  build();
  const env = appEnvironment();
  const metrics: Metric[] = [];
  for (const kind of ["sqlite", "postgresql"] as const) {
    console.error(`Running webhook intake on ${kind}...`);
    metrics.push(...metricsOf(await runVariant(kind, env)));
  }
  return metrics;
}
