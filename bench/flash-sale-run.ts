// One flash sale against Omnistock, on one database. This process runs the dev store (three shops) and the
// shoppers; the app runs in bench/flash-sale-app.ts, its own process, as it would in production.
// Returns the raw observations (which orders were accepted, every change to `available` with its time and
// author, the Admin API usage); flash-sale.bench.ts turns them into metrics.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { createInterface } from "node:readline";
import { setTimeout as sleep } from "node:timers/promises";
import { ACCESS_SCOPES } from "../app/shopify/scopes";
import { EXTENSIONS_DIR, readAppToml } from "../devstore/app-config";
import type { ShopUsage } from "../devstore/admin/usage";
import { startDevStore, type RunningDevStore } from "../devstore/server";
import { emptyQuantities, type Location } from "../devstore/state/model";
import { DevStore, StoreError } from "../devstore/state/store";
import type { ChangeRecord } from "./flash-sale-latency";
import type { AppToBench, BenchToApp, WorkCounts } from "./flash-sale-protocol";
import { initialStock, type ChannelIndex, type Scenario } from "./flash-sale-scenario";
import { benchDirectory, projectRoot } from "./harness";

export type DatabaseKind = "sqlite" | "postgresql";

export const SHOPS = ["flash-home.myshopify.com", "flash-outlet-a.myshopify.com", "flash-outlet-b.myshopify.com"] as const;
export const APP_KEY = "omnistock-flash-sale";
const LOCATIONS = { warehouse: "11", shop: "12", outletA: "21", outletB: "31" } as const;

export interface OrderOutcome {
  seq: number;
  accepted: boolean;
  /** When it was placed, ms after the stream started, and how late that was against the plan. */
  at: number;
  lagMs: number;
}

export interface RunResult {
  kind: DatabaseKind;
  setupMs: number;
  outcomes: OrderOutcome[];
  /** Every change to `available` of a sale SKU, from the stream's start until the app settled. */
  changes: ChangeRecord[];
  shownAtStart: number[][];
  /** Admin API usage per shop during the stream and until the app settled. */
  usage: Record<string, ShopUsage>;
  /** THROTTLED answers during setup (installation, reconciliation, first pushes). */
  setupThrottled: number;
  /** From the last order to the app having nothing left to do; null when it never settled. */
  settleMs: number | null;
  streamMs: number;
  counts: WorkCounts;
  failures: string[];
  webhooks: { sent: number; notDelivered: number };
  /** The app's own log lines (warn and error) during the run, by level and message. */
  appLog: Record<string, number>;
  /** Orders the dev store holds per shop (a cross-check of the accepted outcomes). */
  ordersInStore: number[];
}

/** The dev store, recording every change to `available` with when it happened and who made it. */
class RecordingDevStore extends DevStore {
  readonly log: { at: number; shop: string; itemId: string; delta: number; actor: string; orderSeq?: number }[] = [];
  /** The order being placed, so its change is marked as that order's. */
  placing: number | undefined;

  override changeQuantity(domain: string, change: Parameters<DevStore["changeQuantity"]>[1]) {
    const level = super.changeQuantity(domain, change);
    if (change.name === "available") {
      this.log.push({
        at: performance.now(),
        shop: domain,
        itemId: change.inventoryItemId,
        delta: change.delta,
        actor: change.actor ?? "shopify",
        ...(this.placing === undefined ? {} : { orderSeq: this.placing }),
      });
    }
    return level;
  }
}

const ids = (channel: number, sku: number) => {
  const base = (channel + 1) * 100_000;
  return { product: String(base + sku), variant: String(base + 20_000 + sku), item: String(base + 40_000 + sku) };
};

function seedShops(store: DevStore, scenario: Scenario) {
  const now = new Date().toISOString();
  const location = (id: string, name: string, kind: Location["kind"], city: string): Location => ({
    id,
    name,
    kind,
    address: { address1: `${id} Main Street`, city, zip: "10000", country: "France", countryCode: "FR", latitude: 45.75, longitude: 4.85 },
    isActive: true,
    fulfillsOnlineOrders: true, // the shop ships online orders too when the warehouse has none left
    localPickup: null,
    openingHours: null,
    createdAt: now,
    updatedAt: now,
  });
  const names = ["Flash Home", "Flash Outlet A", "Flash Outlet B"];
  SHOPS.forEach((domain, channel) => {
    store.createShop({ domain, name: names[channel]!, currencyCode: "EUR" });
    if (channel === 0) {
      store.addLocation(domain, location(LOCATIONS.warehouse, "Warehouse", "warehouse", "Lyon"));
      store.addLocation(domain, location(LOCATIONS.shop, "Flagship shop", "retail", "Lyon"));
    } else {
      store.addLocation(domain, location(channel === 1 ? LOCATIONS.outletA : LOCATIONS.outletB, "Stockroom", "warehouse", "Köln"));
    }
    for (const sku of scenario.skus) {
      const id = ids(channel, sku.index);
      store.addProduct(
        domain,
        { id: id.product, title: sku.title, handle: sku.sku.toLowerCase(), productType: "Drop", vendor: "Flash", descriptionHtml: "", tags: [], status: "ACTIVE", options: ["Title"], imageUrl: null, createdAt: now, updatedAt: now },
        [{ id: id.variant, productId: id.product, title: "Default Title", sku: sku.sku, barcode: null, price: "49.00", compareAtPrice: null, selectedOptions: ["Default Title"], inventoryPolicy: "DENY", inventoryItemId: id.item, position: 1, createdAt: now, updatedAt: now }],
        [{ id: id.item, variantId: id.variant, sku: sku.sku, tracked: true, requiresShipping: true, unitCost: "20.00", createdAt: now, updatedAt: now }],
      );
      const level = (locationId: string, available: number) =>
        store.putLevel(domain, { inventoryItemId: id.item, locationId, quantities: { ...emptyQuantities(), available }, updatedAt: now });
      if (channel === 0) {
        level(LOCATIONS.warehouse, sku.warehouse);
        level(LOCATIONS.shop, sku.shop);
      } else {
        level(channel === 1 ? LOCATIONS.outletA : LOCATIONS.outletB, 0); // the first push fills it
      }
    }
  });
}

/** What each channel shows now, per SKU: the home store's locations summed, a linked store's one location. */
function shownNow(store: DevStore, scenario: Scenario): number[][] {
  return SHOPS.map((domain, channel) =>
    scenario.skus.map((sku) => {
      const item = ids(channel, sku.index).item;
      const locations = channel === 0 ? [LOCATIONS.warehouse, LOCATIONS.shop] : [channel === 1 ? LOCATIONS.outletA : LOCATIONS.outletB];
      return locations.reduce((sum, location) => sum + (store.level(domain, item, location)?.quantities.available ?? 0), 0);
    }),
  );
}

/** What Omnistock should show in the linked stores: the home store's sellable units (negative locations count 0). */
function homePool(store: DevStore, scenario: Scenario): number[] {
  return scenario.skus.map((sku) => {
    const item = ids(0, sku.index).item;
    return [LOCATIONS.warehouse, LOCATIONS.shop].reduce((sum, l) => sum + Math.max(0, store.level(SHOPS[0], item, l)?.quantities.available ?? 0), 0);
  });
}

async function freshDatabase(kind: DatabaseKind): Promise<{ url: string; remove: () => Promise<void> } | { skipped: string }> {
  if (kind === "sqlite") {
    const directory = mkdtempSync(path.join(os.tmpdir(), "omnistock-flash-"));
    return { url: `file:${path.join(directory, "flash.sqlite")}`, remove: async () => rmSync(directory, { recursive: true, force: true }) };
  }
  const { default: pg } = await import("pg");
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
  const name = `omnistock_flash_${randomBytes(5).toString("hex")}`;
  try {
    await admin(`CREATE DATABASE "${name}"`);
  } catch (error) {
    return { skipped: `PostgreSQL at ${new URL(adminUrl).host} is unreachable or refuses CREATE DATABASE (${(error as Error).message}); set BENCH_DATABASE_URL` };
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), remove: () => admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`) };
}

/** The app process and its messages, awaited one type at a time. */
class AppProcess {
  readonly child: ChildProcess;
  readonly log: Record<string, number> = {};
  private readonly inbox: AppToBench[] = [];
  private waiter: (() => void) | undefined;
  private failure: Error | undefined;

  constructor(env: NodeJS.ProcessEnv, label: string) {
    this.child = spawn(process.execPath, ["--import", "tsx", path.join(benchDirectory, "flash-sale-app.ts")], {
      cwd: projectRoot,
      env,
      stdio: ["ignore", "pipe", "pipe", "ipc"],
    });
    this.child.on("message", (message: AppToBench) => {
      if (message.type === "error") this.failure = new Error(`The app process failed: ${message.message}`);
      else this.inbox.push(message);
      this.waiter?.();
    });
    this.child.on("exit", (code) => {
      this.failure ??= new Error(`The app process exited (code ${code})`);
      this.waiter?.();
    });
    // The app logs one JSON object a line; warnings and errors are counted and the first few shown.
    let shown = 0;
    createInterface({ input: this.child.stdout! }).on("line", (line) => {
      let key = line;
      try {
        const entry = JSON.parse(line) as { level?: string; message?: string };
        key = `${entry.level ?? "?"}: ${entry.message ?? line}`;
      } catch {
        // not a log line
      }
      this.log[key] = (this.log[key] ?? 0) + 1;
      if (shown < 8) {
        shown += 1;
        console.error(`[${label} app] ${line.slice(0, 400)}`);
      }
    });
    createInterface({ input: this.child.stderr! }).on("line", (line) => console.error(`[${label} app] ${line}`));
  }

  send(message: BenchToApp) {
    this.child.send(message);
  }

  async next<T extends AppToBench["type"]>(type: T, timeoutMs: number): Promise<Extract<AppToBench, { type: T }>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const index = this.inbox.findIndex((m) => m.type === type);
      if (index >= 0) return this.inbox.splice(index, 1)[0] as Extract<AppToBench, { type: T }>;
      if (this.failure) throw this.failure;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`The app process did not answer "${type}" within ${Math.round(timeoutMs / 1000)} s`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.waiter = undefined;
    }
  }

  async counts(): Promise<WorkCounts> {
    this.send({ type: "counts" });
    return (await this.next("counts", 30_000)).counts;
  }

  kill() {
    if (this.child.exitCode === null) this.child.kill("SIGKILL");
  }
}

async function until(what: string, timeoutMs: number, check: () => boolean | Promise<boolean>, everyMs = 250) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}`);
    await sleep(everyMs);
  }
}

function usageDelta(after: Record<string, ShopUsage>, before: Record<string, ShopUsage>): Record<string, ShopUsage> {
  const out: Record<string, ShopUsage> = {};
  for (const [shop, usage] of Object.entries(after)) {
    const base = before[shop];
    const byOperation: ShopUsage["byOperation"] = {};
    for (const [name, counts] of Object.entries(usage.byOperation)) {
      const previous = base?.byOperation[name];
      byOperation[name] = {
        requests: counts.requests - (previous?.requests ?? 0),
        actualQueryCost: counts.actualQueryCost - (previous?.actualQueryCost ?? 0),
        requestedQueryCost: counts.requestedQueryCost - (previous?.requestedQueryCost ?? 0),
        throttled: counts.throttled - (previous?.throttled ?? 0),
      };
    }
    out[shop] = {
      requests: usage.requests - (base?.requests ?? 0),
      actualQueryCost: usage.actualQueryCost - (base?.actualQueryCost ?? 0),
      requestedQueryCost: usage.requestedQueryCost - (base?.requestedQueryCost ?? 0),
      throttled: usage.throttled - (base?.throttled ?? 0),
      byOperation,
    };
  }
  return out;
}

export async function runFlashSale(kind: DatabaseKind, scenario: Scenario): Promise<RunResult | { skipped: string }> {
  const database = await freshDatabase(kind);
  if ("skipped" in database) return database;
  const progress = (message: string) => console.error(`[${kind}] ${message}`);
  const apiSecret = randomBytes(24).toString("hex");
  const store = new RecordingDevStore();
  seedShops(store, scenario);
  let devstore: RunningDevStore | undefined;
  let app: AppProcess | undefined;
  try {
    devstore = await startDevStore(
      {
        app: { apiKey: APP_KEY, apiSecret, url: "http://127.0.0.1:9", scopes: [...ACCESS_SCOPES] },
        topics: readAppToml().topics,
        extensionsDir: EXTENSIONS_DIR,
        storefrontShop: SHOPS[0],
        chaos: { duplicate: 0, drop: 0, delayMs: [0, 0] },
        retryDelaysMs: [1000, 5000, 30_000],
      },
      store,
    );
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_ENV: "production",
      DATABASE_URL: database.url,
      SHOPIFY_API_KEY: APP_KEY,
      SHOPIFY_API_SECRET: apiSecret,
      SHOPIFY_APP_URL: "http://127.0.0.1:3999",
      SHOPIFY_ADMIN_API_ORIGIN: devstore.url,
      OMNISTOCK_ENCRYPTION_KEY: randomBytes(32).toString("base64"),
      LOG_LEVEL: "warn",
    };
    delete env.SHOP_CUSTOM_DOMAIN;
    delete env.OMNISTOCK_DEMO;
    delete env.OMNISTOCK_RECONCILE_HOURS; // the default (6 h): no scheduled run falls inside the sale

    // ---- setup: install on three shops, link two, first pushes
    progress(`starting the app (production build, ${kind}) and installing it on ${SHOPS.length} shops...`);
    app = new AppProcess(env, kind);
    const { url } = await app.next("listening", 120_000);
    devstore.setAppUrl(url);
    app.send({
      type: "setup",
      home: SHOPS[0],
      linked: [SHOPS[1], SHOPS[2]],
      scopes: ACCESS_SCOPES.join(","),
      installations: SHOPS.map((shop) => ({ shop, accessToken: devstore!.install(shop).accessToken })),
    });
    const ready = await app.next("ready", 240_000);
    progress(`installed and linked in ${(ready.setupMs / 1000).toFixed(1)} s (SKUs matched: ${Object.values(ready.matched).join(", ")}); waiting for the first pushes...`);
    await until("the linked stores to show the home store's stock", 120_000, () => {
      const shown = shownNow(store, scenario);
      const pool = homePool(store, scenario);
      return pool.every((units, sku) => shown[1]![sku] === units && shown[2]![sku] === units);
    });
    // A steady-state shop: no work queued, and every Admin API bucket full again after the catalog reads.
    await until("the app to go idle after setup", 60_000, async () => {
      const counts = await app!.counts();
      return counts.webhooks + counts.refreshes + counts.pushes === 0;
    }, 500);
    await until("the Admin API buckets to refill", 60_000, () =>
      SHOPS.every((shop) => {
        const status = devstore!.throttles.bucket(APP_KEY, shop).status();
        return status.currentlyAvailable >= status.maximumAvailable - 1;
      }),
    );
    const setupUsage = devstore.usage.snapshot();
    const setupThrottled = Object.values(setupUsage).reduce((sum, u) => sum + u.throttled, 0);

    // ---- the sale
    const itemIndex = new Map<string, { channel: ChannelIndex; sku: number }>();
    SHOPS.forEach((shop, channel) => scenario.skus.forEach((sku) => itemIndex.set(`${shop}|${ids(channel, sku.index).item}`, { channel: channel as ChannelIndex, sku: sku.index })));
    const shownAtStart = shownNow(store, scenario);
    const logStart = store.log.length;
    const deliveriesStart = devstore.dispatcher.deliveries.length;
    const soldUnits = new Array<number>(scenario.skus.length).fill(0);
    const outcomes: OrderOutcome[] = [];
    const phaseEnds = scenario.options.phases.reduce<number[]>((ends, p) => [...ends, (ends.at(-1) ?? 0) + p.seconds * 1000], []);
    progress(`flash sale: ${scenario.orders.length} orders over ${(scenario.durationMs / 1000).toFixed(0)} s on 3 channels`);
    const start = performance.now();
    let nextReport = 5000;
    const report = (now: number) => {
      const accepted = outcomes.filter((o) => o.accepted).length;
      const oversold = soldUnits.reduce((sum, units, sku) => sum + Math.max(0, units - initialStock(scenario.skus[sku]!)), 0);
      const phase = phaseEnds.findIndex((end) => now < end);
      const appChanges = store.log.slice(logStart).filter((c) => c.actor === APP_KEY).length;
      progress(
        `t=${(now / 1000).toFixed(0)} s${phase >= 0 ? ` (${scenario.options.phases[phase]!.rate}/s)` : ""}: ${outcomes.length} orders, ${accepted} accepted, ` +
          `${oversold} units oversold so far; the app changed ${appChanges} quantities`,
      );
    };
    for (const order of scenario.orders) {
      const due = start + order.at;
      const wait = due - performance.now();
      if (wait > 1) await sleep(wait);
      const now = performance.now();
      const shop = SHOPS[order.channel];
      let accepted = true;
      store.placing = order.seq;
      try {
        store.createOrder(shop, {
          lineItems: [{ variantId: ids(order.channel, order.sku).variant, quantity: order.quantity }],
          ...(order.pos ? { locationId: LOCATIONS.shop, sourceName: "pos" } : { sourceName: "web" }),
          inventoryBehaviour: "DECREMENT_OBEYING_POLICY",
        });
      } catch (error) {
        if (!(error instanceof StoreError)) throw error;
        accepted = false; // the store's own stock (or what it displays) did not cover it
      } finally {
        store.placing = undefined;
      }
      if (accepted) soldUnits[order.sku]! += order.quantity;
      outcomes.push({ seq: order.seq, accepted, at: now - start, lagMs: Math.max(0, now - due) });
      if (now - start >= nextReport) {
        report(now - start);
        nextReport += 5000;
      }
    }
    const streamEnd = performance.now();
    report(streamEnd - start);

    // ---- until the app has nothing left to do
    progress("stream done; waiting for the app to settle...");
    let settleMs: number | null = null;
    let quietChecks = 0;
    const settleDeadline = streamEnd + 120_000;
    while (performance.now() < settleDeadline) {
      await sleep(300);
      const inFlight = devstore.dispatcher.deliveries.slice(deliveriesStart).filter((d) => d.outcome === "pending").length;
      const counts = await app.counts();
      const lastChange = store.log.at(-1)?.at ?? 0;
      const quiet = inFlight === 0 && counts.webhooks + counts.refreshes + counts.pushes === 0 && performance.now() - lastChange > 1000;
      quietChecks = quiet ? quietChecks + 1 : 0;
      if (quietChecks >= 2) {
        settleMs = Math.max(0, lastChange - streamEnd);
        break;
      }
    }
    progress(settleMs === null ? "the app did NOT settle within 120 s" : `settled ${(settleMs / 1000).toFixed(1)} s after the last order`);
    const usage = usageDelta(devstore.usage.snapshot(), setupUsage);
    const deliveries = devstore.dispatcher.deliveries.slice(deliveriesStart);

    app.send({ type: "stop" });
    const stopped = await app.next("stopped", 60_000);

    const changes: ChangeRecord[] = [];
    for (const entry of store.log.slice(logStart)) {
      const where = itemIndex.get(`${entry.shop}|${entry.itemId}`);
      if (!where) continue;
      changes.push({ at: entry.at, channel: where.channel, sku: where.sku, delta: entry.delta, actor: entry.actor, ...(entry.orderSeq === undefined ? {} : { orderSeq: entry.orderSeq }) });
    }
    return {
      kind,
      setupMs: ready.setupMs,
      outcomes,
      changes,
      shownAtStart,
      usage,
      setupThrottled,
      settleMs,
      streamMs: streamEnd - start,
      counts: stopped.counts,
      failures: stopped.failures,
      webhooks: { sent: deliveries.length, notDelivered: deliveries.filter((d) => d.outcome !== "delivered").length },
      appLog: app.log,
      ordersInStore: SHOPS.map((shop) => store.shop(shop).orders.size),
    };
  } finally {
    app?.kill();
    await devstore?.close();
    await database.remove().catch((error: unknown) => progress(`could not remove the scratch database: ${String(error)}`));
  }
}
