// One database variant of the webhook-intake benchmark, in its own process because the app's Prisma client
// is a process-wide singleton chosen from DATABASE_URL at first use:
//   node --import tsx bench/webhook-intake-worker.ts sqlite|postgresql
// Creates and migrates a fresh database, serves the production build in this process, drives it from a
// separate load-generator process, counts the stored rows, cleans up, and prints one line
// `BENCH_RESULT {...}` (a WorkerResult) on stdout. The app's configuration comes from the environment that
// webhook-intake.bench.ts sets.
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { createInterface } from "node:readline";
import pg from "pg";
import { benchDirectory } from "./harness";
import type { LoadResult } from "./webhook-intake-load";

export interface PhaseCpu {
  /** CPU the app process used, in % of one core. */
  serverCpu: number;
  /** CPU the whole machine used (app, load generator, PostgreSQL), in % of all cores. */
  machineCpu: number;
}

export type WorkerResult =
  | { kind: string; skipped: string }
  | { kind: string; load: LoadResult; storedRows: number; cpu: Record<string, PhaseCpu> };

const kind = process.argv[2];
if (kind !== "sqlite" && kind !== "postgresql") throw new Error("usage: webhook-intake-worker.ts sqlite|postgresql");

function report(result: WorkerResult) {
  process.stdout.write(`BENCH_RESULT ${JSON.stringify(result)}\n`);
}

/** A fresh, empty database and how to remove it afterwards. */
async function freshDatabase(): Promise<{ url: string; remove: () => Promise<void> } | { skipped: string }> {
  if (kind === "sqlite") {
    const directory = mkdtempSync(path.join(os.tmpdir(), "omnistock-bench-"));
    return {
      url: `file:${path.join(directory, "bench.sqlite")}`,
      remove: async () => rmSync(directory, { recursive: true, force: true }),
    };
  }
  const adminUrl =
    process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? "postgresql://root@127.0.0.1:5432/test";
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 5_000 });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  const name = `omnistock_bench_${Math.random().toString(36).slice(2, 10)}`;
  try {
    await admin(`CREATE DATABASE "${name}"`);
  } catch (error) {
    const where = new URL(adminUrl);
    return {
      skipped: `PostgreSQL at ${where.host} is unreachable or refuses CREATE DATABASE (${(error as Error).message || String(error)}); set BENCH_DATABASE_URL`,
    };
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), remove: () => admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`) };
}

function cpuTimes() {
  const cores = os.cpus();
  const idle = cores.reduce((sum, core) => sum + core.times.idle, 0);
  const total = cores.reduce((sum, core) => sum + Object.values(core.times).reduce((a, b) => a + b, 0), 0);
  return { idle, total, process: process.cpuUsage(), at: performance.now() };
}

/**
 * BENCH_CPU_PROF=<dir>: a CPU profile of this (the app's) process during the max-throughput phase only, so
 * start-up and migrations do not blur it. Open it in Chrome DevTools or VS Code.
 */
async function profiler(): Promise<{ start(): Promise<void>; stop(): Promise<void> }> {
  const directory = process.env.BENCH_CPU_PROF;
  if (!directory) return { start: async () => {}, stop: async () => {} };
  const session = new Session();
  session.connect();
  await session.post("Profiler.enable");
  return {
    start: () => session.post("Profiler.start"),
    stop: async () => {
      const { profile } = await session.post("Profiler.stop");
      mkdirSync(directory, { recursive: true });
      const file = path.resolve(directory, `webhook-intake-${kind}-maxThroughput.cpuprofile`);
      writeFileSync(file, JSON.stringify(profile));
      session.disconnect();
      console.error(`CPU profile of the app process written to ${file}`);
    },
  };
}

/** Runs the load generator against `url`, sampling this process's and the machine's CPU around each phase. */
async function drive(url: string): Promise<{ load: LoadResult; cpu: Record<string, PhaseCpu> }> {
  const child = spawn(process.execPath, ["--import", "tsx", path.join(benchDirectory, "webhook-intake-load.ts"), url], {
    stdio: ["ignore", "pipe", "inherit"],
    env: process.env,
  });
  // Bounded: the load generator stops by itself well before this; if it hangs, it is ended here.
  const deadline = setTimeout(() => child.kill("SIGKILL"), 5 * 60_000);
  const cpu: Record<string, PhaseCpu> = {};
  const started: Record<string, ReturnType<typeof cpuTimes>> = {};
  let load: LoadResult | undefined;
  const profile = await profiler();
  for await (const line of createInterface({ input: child.stdout })) {
    const message = JSON.parse(line) as { phase?: string; event?: string; result?: LoadResult };
    if (message.phase === "maxThroughput") await (message.event === "start" ? profile.start() : profile.stop());
    if (message.result) load = message.result;
    else if (message.phase && message.event === "start") started[message.phase] = cpuTimes();
    else if (message.phase && message.event === "end" && started[message.phase]) {
      const before = started[message.phase]!;
      const after = cpuTimes();
      const used = process.cpuUsage(before.process);
      cpu[message.phase] = {
        serverCpu: Math.round(((used.user + used.system) / 1000 / (after.at - before.at)) * 100),
        machineCpu: Math.round((1 - (after.idle - before.idle) / (after.total - before.total)) * 100),
      };
    }
  }
  const code = await new Promise<number | null>((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    else child.once("exit", resolve);
  });
  clearTimeout(deadline);
  if (code !== 0 || !load) throw new Error(`The load generator failed (exit code ${code})`);
  return { load, cpu };
}

async function main() {
  const database = await freshDatabase();
  if ("skipped" in database) {
    report({ kind: kind!, skipped: database.skipped });
    return;
  }
  try {
    process.env.DATABASE_URL = database.url;
    // Imported only now: the app reads DATABASE_URL and the rest of its configuration at first use.
    const { migrateDatabase } = await import("../app/db/migrations.server");
    const { db } = await import("../app/db.server");
    const { startHttpServer } = await import("../server/app-server");
    await migrateDatabase(database.url);
    const server = await startHttpServer({ port: 0, host: "127.0.0.1", dev: false });
    try {
      const { load, cpu } = await drive(server.url);
      const storedRows = await db().webhookDelivery.count();
      report({ kind: kind!, load, storedRows, cpu });
    } finally {
      await server.close();
      await db().$disconnect();
    }
  } finally {
    await database.remove();
  }
}

await main();
