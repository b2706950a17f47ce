// One database variant of the storefront-availability endpoint benchmark, in its own process because the app's
// Prisma client is a process-wide singleton chosen from DATABASE_URL at first use:
//   node --import tsx bench/storefront-availability-app.ts sqlite|postgresql
// Creates, migrates and fills a fresh database (storefront-availability-catalog.ts), serves the production
// build in this process with the background workers off, drives it from a separate load-generator process,
// and prints one line `BENCH_RESULT {...}` (an AppResult) on stdout. Around each phase it samples CPU and
// counts the endpoint's database reads; during "hitsWithWrites" it changes stock of the hot variants through
// the inventory mirror (recordApplied), which invalidates their cache entries as a real sale would.
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { createInterface } from "node:readline";
import pg from "pg";
import type { Database } from "../app/db.server";
import type { StockReader } from "../app/storefront-proxy/stock-reader.server";
import { benchDirectory } from "./harness";
import {
  availableAt,
  hotVariantIndices,
  inventoryItemId,
  itemPolicy,
  locationsOf,
  productId,
  SHOP_COUNT,
  shopDomain,
  variantId,
  VARIANTS_PER_PRODUCT,
  VARIANTS_PER_SHOP,
  WRITES_PER_SECOND,
} from "./storefront-availability-catalog";
import type { LoadResult, PhaseName } from "./storefront-availability-load";

export interface AppPhase {
  /** CPU the app process used, in % of one core. */
  serverCpu: number;
  /** CPU time the app process used during the phase, ms. */
  cpuMs: number;
  /** CPU the whole machine used (app, load generator, PostgreSQL, other work), in % of all cores. */
  machineCpu: number;
  /** Inventory item look-ups the endpoint made: one per cache miss. */
  itemReads: number;
  /** Stock changes written through the mirror during the phase. */
  writes: number;
}

export type AppResult =
  | { kind: string; skipped: string }
  | {
      kind: string;
      seeded: { shops: number; items: number; levels: number; seconds: number };
      load: LoadResult;
      phases: Partial<Record<PhaseName, AppPhase>>;
    };

const kind = process.argv[2];
if (kind !== "sqlite" && kind !== "postgresql") throw new Error("usage: storefront-availability-app.ts sqlite|postgresql");

const report = (result: AppResult) => process.stdout.write(`BENCH_RESULT ${JSON.stringify(result)}\n`);

/** A fresh, empty database and how to remove it afterwards. */
async function freshDatabase(): Promise<{ url: string; remove: () => Promise<void> } | { skipped: string }> {
  if (kind === "sqlite") {
    const directory = mkdtempSync(path.join(os.tmpdir(), "omnistock-availability-"));
    return { url: `file:${path.join(directory, "bench.sqlite")}`, remove: async () => rmSync(directory, { recursive: true, force: true }) };
  }
  const adminUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? "postgresql://root@127.0.0.1:5432/test";
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 5_000 });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  const name = `omnistock_availability_${Math.random().toString(36).slice(2, 10)}`;
  try {
    await admin(`CREATE DATABASE "${name}"`);
  } catch (error) {
    return {
      skipped: `PostgreSQL at ${new URL(adminUrl).host} is unreachable or refuses CREATE DATABASE (${(error as Error).message || String(error)}); set BENCH_DATABASE_URL`,
    };
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), remove: () => admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`) };
}

/** The mirror as an import would leave it: shops, four locations each, items and a level per item and location. */
async function seed(database: Database) {
  const started = performance.now();
  const sizes = ["XS", "S", "M", "L"];
  let items = 0;
  let levels = 0;
  for (let shop = 0; shop < SHOP_COUNT; shop += 1) {
    const domain = shopDomain(shop);
    const locations = locationsOf(shop);
    await database.shop.create({ data: { shop: domain, name: `Bench shop ${shop}`, currencyCode: "EUR", ianaTimezone: "Europe/Paris", planName: "Grow" } });
    await database.location.createMany({
      data: locations.map((l) => ({
        shop: domain,
        locationId: l.id,
        name: l.name,
        fulfillsOnlineOrders: l.fulfillsOnlineOrders,
        storefrontVisible: l.storefrontVisible,
        pickupTime: l.pickupTime,
        address1: l.address1,
        city: l.city,
        zip: l.zip,
        country: "France",
        countryCode: "FR",
        latitude: l.latitude,
        longitude: l.longitude,
        openingHours: l.openingHours,
      })),
    });
    const itemRows = Array.from({ length: VARIANTS_PER_SHOP }, (_, n) => {
      const product = Math.floor(n / VARIANTS_PER_PRODUCT);
      const sku = `AR-${String(product).padStart(4, "0")}-${sizes[n % VARIANTS_PER_PRODUCT]}`;
      return {
        shop: domain,
        inventoryItemId: inventoryItemId(shop, n),
        variantId: variantId(shop, n),
        productId: productId(shop, n),
        productTitle: `Linen shirt no. ${product}`,
        variantTitle: sizes[n % VARIANTS_PER_PRODUCT]!,
        sku,
        skuKey: sku.toLowerCase(),
        barcode: String(3_760_000_000_000 + shop * 10_000 + n),
        ...itemPolicy(n),
      };
    });
    await database.inventoryItem.createMany({ data: itemRows });
    const observed = Date.now() - 3_600_000;
    const levelRows = itemRows.flatMap((item, n) =>
      locations.map((location, l) => {
        const available = availableAt(shop, n, l);
        return {
          shop: domain,
          inventoryItemId: item.inventoryItemId,
          locationId: location.id,
          available,
          onHand: available + (n % 5 === 0 ? 1 : 0),
          committed: n % 5 === 0 ? 1 : 0,
          observedAt: new Date(observed - ((n * 4 + l) % 3_000) * 1000),
        };
      }),
    );
    await database.inventoryLevel.createMany({ data: levelRows });
    items += itemRows.length;
    levels += levelRows.length;
  }
  return { shops: SHOP_COUNT, items, levels, seconds: Math.round((performance.now() - started) / 100) / 10 };
}

/**
 * Counts the endpoint's item look-ups (one stock read per cache miss: the item and its levels, through the
 * process-wide stock reader the server shares) without changing what it does.
 */
function countingItemReads(database: Database, reader: StockReader): { database: Database; count: () => number } {
  let reads = 0;
  const read = reader.read.bind(reader);
  reader.read = (shop, variantId) => {
    reads += 1;
    return read(shop, variantId);
  };
  return { database, count: () => reads };
}

/**
 * Stock changes on the hot variants at the three boutiques, written as Omnistock records a change it applied
 * (recordApplied: ledger entries, level update, then the in-process "stock changed" event the cache listens to).
 */
function startWriter(database: Database, recordApplied: typeof import("../app/inventory/mirror.server").recordApplied) {
  const shop = shopDomain(0);
  const locations = locationsOf(0);
  const hot = hotVariantIndices();
  const current = new Map<string, number>();
  let stopped = false;
  let writes = 0;
  const loop = (async () => {
    const start = performance.now();
    for (let i = 0; !stopped; i += 1) {
      const wait = start + (i * 1000) / WRITES_PER_SECOND - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      if (stopped) break;
      const n = hot[(i * 7) % hot.length]!;
      const l = 1 + (i % 3);
      const key = `${n}:${l}`;
      const before = current.get(key) ?? availableAt(0, n, l);
      const delta = before > 2 ? -1 : 3; // sold one, or restocked
      current.set(key, before + delta);
      await recordApplied(database, {
        shop,
        inventoryItemId: inventoryItemId(0, n),
        locationId: locations[l]!.id,
        delta,
        quantityAfter: before + delta,
        cause: delta < 0 ? `bench sale ${i}` : `bench restock ${i}`,
        idempotencyKey: `bench:${process.pid}:${i}`,
      });
      writes += 1;
    }
  })();
  return async () => {
    stopped = true;
    await loop;
    return writes;
  };
}

function cpuTimes() {
  const cores = os.cpus();
  const idle = cores.reduce((sum, core) => sum + core.times.idle, 0);
  const total = cores.reduce((sum, core) => sum + Object.values(core.times).reduce((a, b) => a + b, 0), 0);
  return { idle, total, process: process.cpuUsage(), at: performance.now() };
}

/** BENCH_CPU_PROF=<dir>: CPU profiles of this (the app's) process during the phases in BENCH_CPU_PROF_PHASES. */
async function profiler() {
  const directory = process.env.BENCH_CPU_PROF;
  const phases = new Set((process.env.BENCH_CPU_PROF_PHASES ?? "maxHits,maxMisses").split(","));
  if (!directory) return { start: async (_phase: string) => {}, stop: async (_phase: string) => {} };
  const session = new Session();
  session.connect();
  await session.post("Profiler.enable");
  return {
    start: async (phase: string) => {
      if (phases.has(phase)) await session.post("Profiler.start");
    },
    stop: async (phase: string) => {
      if (!phases.has(phase)) return;
      const { profile } = await session.post("Profiler.stop");
      mkdirSync(directory, { recursive: true });
      const file = path.resolve(directory, `storefront-availability-${kind}-${phase}.cpuprofile`);
      writeFileSync(file, JSON.stringify(profile));
      console.error(`CPU profile of the app process written to ${file}`);
    },
  };
}

async function drive(url: string, database: Database, itemReads: () => number, recordApplied: Parameters<typeof startWriter>[1]) {
  const child = spawn(process.execPath, ["--import", "tsx", path.join(benchDirectory, "storefront-availability-load.ts"), url], {
    stdio: ["ignore", "pipe", "inherit"],
    env: process.env,
  });
  // Bounded: the load generator stops by itself well before this; if it hangs, it is ended here.
  const deadline = setTimeout(() => child.kill("SIGKILL"), 8 * 60_000);
  const phases: Partial<Record<PhaseName, AppPhase>> = {};
  const started = new Map<string, { cpu: ReturnType<typeof cpuTimes>; reads: number }>();
  let stopWriter: (() => Promise<number>) | null = null;
  let load: LoadResult | undefined;
  const profile = await profiler();
  for await (const line of createInterface({ input: child.stdout })) {
    const message = JSON.parse(line) as { phase?: PhaseName; event?: "start" | "end"; result?: LoadResult };
    if (message.result) load = message.result;
    if (!message.phase) continue;
    if (message.event === "start") {
      await profile.start(message.phase);
      started.set(message.phase, { cpu: cpuTimes(), reads: itemReads() });
      if (message.phase === "hitsWithWrites") stopWriter = startWriter(database, recordApplied);
    } else if (message.event === "end" && started.has(message.phase)) {
      const writes = stopWriter ? await stopWriter() : 0;
      stopWriter = null;
      const before = started.get(message.phase)!;
      const after = cpuTimes();
      const used = process.cpuUsage(before.cpu.process);
      phases[message.phase] = {
        serverCpu: Math.round(((used.user + used.system) / 1000 / (after.at - before.cpu.at)) * 100),
        cpuMs: Math.round((used.user + used.system) / 1000),
        machineCpu: Math.round((1 - (after.idle - before.cpu.idle) / (after.total - before.cpu.total)) * 100),
        itemReads: itemReads() - before.reads,
        writes,
      };
      await profile.stop(message.phase);
    }
  }
  const code = await new Promise<number | null>((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    else child.once("exit", resolve);
  });
  clearTimeout(deadline);
  if (code !== 0 || !load) throw new Error(`The load generator failed (exit code ${code})`);
  return { load, phases };
}

async function main() {
  const fresh = await freshDatabase();
  if ("skipped" in fresh) {
    report({ kind: kind!, skipped: fresh.skipped });
    return;
  }
  try {
    process.env.DATABASE_URL = fresh.url;
    // Imported only now: the app reads DATABASE_URL and the rest of its configuration at first use.
    const { migrateDatabase } = await import("../app/db/migrations.server");
    const { db } = await import("../app/db.server");
    const { recordApplied } = await import("../app/inventory/mirror.server");
    const { startHttpServer } = await import("../server/app-server");
    await migrateDatabase(fresh.url);
    console.error(`Seeding ${kind}...`);
    const seeded = await seed(db());
    // The production build reaches the client through this same global (app/db.server.ts), so it gets the counting one.
    const { closeStockReaders, stockReader } = await import("../app/storefront-proxy/stock-reader.server");
    const counting = countingItemReads(db(), stockReader(fresh.url));
    const base = db();
    globalThis.omnistockDatabase = counting.database;
    const server = await startHttpServer({ port: 0, host: "127.0.0.1", dev: false });
    try {
      const { load, phases } = await drive(server.url, counting.database, counting.count, recordApplied);
      report({ kind: kind!, seeded, load, phases });
    } finally {
      await server.close();
      await closeStockReaders();
      await base.$disconnect();
    }
  } finally {
    await fresh.remove();
  }
}

await main();
