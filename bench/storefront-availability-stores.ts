// The pages Lighthouse measures, served from their own process (so Lighthouse's work in the benchmark process
// and the servers' work do not share an event loop): `node --import tsx bench/storefront-availability-stores.ts`.
// Two dev stores seeded identically with the demo shops: one with the app's theme extensions (the product page
// carries the store-availability block), one with an empty extensions directory (the same page without it).
// The app (production build, background workers off) answers the block's app proxy requests, with the home
// shop's catalog imported into a fresh SQLite database through the mirror (importShop) and the widget key
// published as the install would. Prints `STORES_READY {...}` (a StoresReady) on stdout, then serves until its
// stdin closes.
import { createHmac } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { EXTENSIONS_DIR, readAppToml } from "../devstore/app-config";
import { HOME_SHOP, seedDemoShops } from "../devstore/demo-shops";
import { startDevStore, type RunningDevStore } from "../devstore/server";
import { DevStore } from "../devstore/state/store";
import { widgetKey } from "../app/storefront-proxy/availability";

export interface StoresReady {
  /** The product page with the block. */
  withBlock: string;
  /** The same product page on the store without extensions. */
  withoutBlock: string;
  /** What the widget's own request through the app proxy answered, checked before Lighthouse runs. */
  widgetCheck: { status: number; shopsListed: number; signedSettings: boolean; note: string };
  /** The install step that publishes the widget key, or why it failed (the widget then shows levels only). */
  published: string;
  itemsImported: number;
}

const secret = process.env.SHOPIFY_API_SECRET ?? "";
const apiKey = process.env.SHOPIFY_API_KEY ?? "";
if (secret.length < 16 || !apiKey) throw new Error("SHOPIFY_API_KEY and SHOPIFY_API_SECRET must be set");

/** A product with several variants, the first stocked in at least two boutiques: the widget has rows to show. */
function pickProduct(store: DevStore): { handle: string; variantId: string } {
  const shop = store.shop(HOME_SHOP);
  const boutiques = [...shop.locations.values()].filter((l) => l.kind === "retail").map((l) => l.id);
  for (const product of shop.products.values()) {
    const variants = store.productVariants(HOME_SHOP, product.id);
    if (variants.length < 2 || product.status !== "ACTIVE") continue;
    const stocked = boutiques.filter((id) => (store.level(HOME_SHOP, variants[0]!.inventoryItemId, id)?.quantities.available ?? 0) > 0);
    if (stocked.length >= 2) return { handle: product.handle, variantId: variants[0]!.id };
  }
  throw new Error("The demo catalog has no product stocked in two boutiques");
}

/** The block's proxy request, built from the rendered page as the widget script builds it, and its answer. */
async function checkWidget(store: RunningDevStore, pageUrl: string): Promise<StoresReady["widgetCheck"]> {
  const html = await (await fetch(pageUrl)).text();
  const unescape = (value: string) =>
    value.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
  const attribute = (name: string) => {
    const found = new RegExp(`data-${name}="([^"]*)"`).exec(html)?.[1];
    return found === undefined ? null : unescape(found);
  };
  const proxy = attribute("proxy");
  const settings = attribute("settings");
  const sig = attribute("sig");
  const variant = attribute("variant");
  if (proxy === null || settings === null || sig === null || variant === null) {
    return { status: 0, shopsListed: 0, signedSettings: false, note: "the product page has no store-availability block" };
  }
  // Liquid signed the settings with the published widget key: the app accepts them only if that key is its own.
  const expected = createHmac("sha256", widgetKey(secret, HOME_SHOP)).update(settings).digest("hex");
  const query = new URLSearchParams({ variant, settings, sig });
  const response = await fetch(`${store.url}${proxy}/availability?${query.toString()}`, { headers: { Accept: "application/json" } });
  const text = await response.text();
  if (response.status !== 200) return { status: response.status, shopsListed: 0, signedSettings: false, note: text.slice(0, 200) };
  const body = JSON.parse(text) as { locations: unknown[] };
  return { status: 200, shopsListed: body.locations.length, signedSettings: sig === expected, note: "" };
}

async function main() {
  const started = performance.now();
  const directory = mkdtempSync(path.join(os.tmpdir(), "omnistock-lighthouse-"));
  const noExtensions = path.join(directory, "no-extensions");
  const databaseUrl = `file:${path.join(directory, "app.sqlite")}`;
  process.env.DATABASE_URL = databaseUrl;
  const closers: (() => Promise<unknown>)[] = [];
  try {
    mkdirSync(noExtensions);
    const { migrateDatabase } = await import("../app/db/migrations.server");
    const { db } = await import("../app/db.server");
    const { importShop } = await import("../app/inventory/mirror.server");
    const { createAdminClient } = await import("../app/shopify/admin-client.server");
    const { publishStorefrontSettings } = await import("../app/storefront-proxy/storefront-settings.server");
    const { startHttpServer } = await import("../server/app-server");
    await migrateDatabase(databaseUrl);

    // Identical catalogs: the same seed at the same instant.
    const now = new Date();
    const toml = readAppToml();
    const stores: RunningDevStore[] = [];
    for (const extensionsDir of [EXTENSIONS_DIR, noExtensions]) {
      const state = new DevStore();
      seedDemoShops(state, now);
      const store = await startDevStore(
        {
          app: { apiKey, apiSecret: secret, url: "http://127.0.0.1:9", scopes: toml.scopes },
          topics: toml.topics,
          extensionsDir,
          storefrontShop: HOME_SHOP,
          // No Admin API rate limit: the catalog import is set-up here, not what is measured.
          bucket: { maximumAvailable: 1_000_000, restoreRate: 1_000_000 },
        },
        state,
      );
      closers.push(() => store.close());
      stores.push(store);
    }
    const [withBlock, withoutBlock] = stores as [RunningDevStore, RunningDevStore];
    console.error(`Dev stores seeded and started in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    const app = await startHttpServer({ port: 0, host: "127.0.0.1", dev: false });
    closers.push(() => app.close());
    for (const store of stores) store.setAppUrl(app.url);

    // Installed as Shopify-managed installation would: a token, the catalog read through the mirror, the widget key published.
    const installation = withBlock.install(HOME_SHOP);
    const admin = createAdminClient({ shop: HOME_SHOP, accessToken: installation.accessToken, origin: withBlock.url });
    console.error("Importing the demo shop's catalog into the app...");
    const importStarted = performance.now();
    const imported = await importShop(db(), admin, "benchmark install");
    console.error(`Imported ${imported.itemsRead} items in ${((performance.now() - importStarted) / 1000).toFixed(1)} s`);
    let published = "widget key and proxy path published as app-data metafields";
    try {
      await publishStorefrontSettings(admin, secret);
    } catch (error) {
      published = `publishing the widget settings failed, the widget shows levels only: ${(error as Error).message}`;
    }

    const product = pickProduct(withBlock.store);
    const pagePath = `/products/${product.handle}?variant=${product.variantId}`;
    const ready: StoresReady = {
      withBlock: `${withBlock.url}${pagePath}`,
      withoutBlock: `${withoutBlock.url}${pagePath}`,
      widgetCheck: await checkWidget(withBlock, `${withBlock.url}${pagePath}`),
      published,
      itemsImported: imported.itemsRead,
    };
    const plain = await (await fetch(ready.withoutBlock)).text();
    if (plain.includes("data-osa")) throw new Error("The store without extensions still renders the block");
    console.error(`Stores ready in ${((performance.now() - started) / 1000).toFixed(1)} s: ${ready.withBlock} and ${ready.withoutBlock}`);
    process.stdout.write(`STORES_READY ${JSON.stringify(ready)}\n`);

    // Serve until the benchmark closes stdin (or goes away).
    await new Promise<void>((resolve) => {
      process.stdin.on("end", resolve).on("close", resolve).on("error", () => resolve());
      process.stdin.resume();
    });
    await db().$disconnect();
  } finally {
    for (const close of closers.reverse()) await close().catch(() => {});
    rmSync(directory, { recursive: true, force: true });
  }
}

await main();
