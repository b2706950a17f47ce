import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { EXTENSIONS_DIR } from "../../devstore/app-config";
import { HOME_SHOP } from "../../devstore/demo-shops";
import type { RunningDevStore } from "../../devstore/server";
import type { Product, Variant } from "../../devstore/state/model";
import type { DevStore } from "../../devstore/state/store";
import { screenshotPath } from "../support/browser";
import { startDemoStorefront, waitForCatalogImport, type DemoStorefront } from "../support/demo-storefront";

// The store-availability block on the demo storefront, in Chromium: the shops for the selected variant, live
// after a sale in a shop, following variant changes, "my shop" kept across reloads, sorted by distance after
// the shopper shares a location, accessible (axe-core), no layout shift, in several languages.

const root = path.resolve(import.meta.dirname, "../..");
let demo: DemoStorefront;
let devstore: RunningDevStore;
let page: Page;
let product: Product;
let variants: Variant[];
let shopLocation: string;

/** A product with two variants, the first stocked in at least two of the boutiques. */
function pickProduct(store: DevStore) {
  const shop = store.shop(HOME_SHOP);
  const boutiques = [...shop.locations.values()].filter((l) => l.kind === "retail").map((l) => l.id);
  for (const candidate of shop.products.values()) {
    const options = store.productVariants(HOME_SHOP, candidate.id);
    if (options.length < 2) continue;
    const stocked = boutiques.filter((id) => (store.level(HOME_SHOP, options[0]!.inventoryItemId, id)?.quantities.available ?? 0) > 0);
    if (stocked.length >= 2 && options[0]!.inventoryPolicy === "DENY") return { product: candidate, variants: options, shopLocation: stocked[0]! };
  }
  throw new Error("The demo catalog has no product stocked in two boutiques");
}

/** Records layout shifts from the first paint on (the CLS the page would report). */
const LAYOUT_SHIFT_PROBE = `
  window.__shifts = 0;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) if (!entry.hadRecentInput) window.__shifts += entry.value;
  }).observe({ type: "layout-shift", buffered: true });
`;

const rows = () => page.locator("[data-osa] li.osa__shop:not(.osa__skeleton)");
const rowFor = (name: string) => rows().filter({ has: page.locator(".osa__name", { hasText: name }) });

beforeAll(async () => {
  // A shopper in Lyon, for the distance test.
  demo = await startDemoStorefront({ geolocation: { latitude: 45.7797, longitude: 4.8278 }, permissions: ["geolocation"] });
  ({ devstore, page } = demo);
  ({ product, variants, shopLocation } = pickProduct(devstore.store));
  await page.addInitScript(LAYOUT_SHIFT_PROBE);
  await waitForCatalogImport(demo);
}, 180_000);

afterAll(() => demo?.close(), 120_000);

describe("the store availability block", () => {
  it("shows every boutique's stock for the selected variant, in a space reserved before it loads", async () => {
    await page.goto(`${devstore.url}/products/${product.handle}?variant=${variants[0]!.id}`);
    await rows().first().waitFor({ timeout: 20_000 });
    const location = devstore.store.shop(HOME_SHOP).locations.get(shopLocation)!;
    await expect(rowFor(location.name).getAttribute("data-status")).resolves.toMatch(/in_stock|low_stock/);
    // The block's default settings show levels, not quantities: no number is revealed.
    const response = await page.evaluate(async (variant) => {
      const host = document.querySelector<HTMLElement>("[data-osa]")!;
      const url = `${host.dataset.proxy}/availability?variant=${variant}&settings=${encodeURIComponent(host.dataset.settings!)}&sig=${host.dataset.sig}`;
      return (await fetch(url, { headers: { Accept: "application/json" } })).json();
    }, variants[0]!.id);
    expect(response).toMatchObject({ quantities: false, proxyPath: "/apps/omnistock" });
    expect(response.locations.every((l: { quantity: unknown }) => l.quantity === null)).toBe(true);
    expect(await page.evaluate(() => (window as unknown as { __shifts: number }).__shifts)).toBe(0);
    await page.screenshot({ path: screenshotPath("availability-en"), fullPage: true });
  });

  it("is accessible: axe-core finds no serious or critical violation in the block", async () => {
    await page.addScriptTag({ content: readFileSync(path.join(root, "node_modules/axe-core/axe.min.js"), "utf8") });
    const violations = await page.evaluate(async () => {
      const axe = (window as unknown as { axe: { run(context: Element): Promise<{ violations: { id: string; impact: string; nodes: unknown[] }[] }> } }).axe;
      const result = await axe.run(document.querySelector("[data-osa]")!);
      return result.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length }));
    });
    expect(violations.filter((v) => v.impact === "serious" || v.impact === "critical")).toEqual([]);
  });

  it("shows a sale in a boutique within the refresh interval", async () => {
    const location = devstore.store.shop(HOME_SHOP).locations.get(shopLocation)!;
    const units = devstore.store.level(HOME_SHOP, variants[0]!.inventoryItemId, shopLocation)!.quantities.available;
    const response = await fetch(`${devstore.url}/_devstore/shops/${HOME_SHOP}/sales`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ lineItems: [{ variantId: variants[0]!.id, quantity: units }], locationId: shopLocation, sourceName: "pos" }),
    });
    expect(response.status, await response.text()).toBe(201);
    // Sold out there; other locations still hold some, so it can be sent over.
    await expect.poll(() => rowFor(location.name).getAttribute("data-status"), { timeout: 35_000, interval: 1_000 }).toMatch(/transfer|out_of_stock/);
    await expect(page.locator("[data-osa-live]").textContent()).resolves.toContain(location.name);
  });

  it("follows a variant change at once", async () => {
    const before = await page.locator("[data-osa]").getAttribute("data-variant");
    const requests: string[] = [];
    page.on("request", (request) => request.url().includes("/availability") && requests.push(request.url()));
    await page.locator("#variant-select").selectOption(variants[1]!.id);
    await expect.poll(() => requests.some((url) => url.includes(`variant=${variants[1]!.id}`)), { timeout: 5_000 }).toBe(true);
    expect(before).toBe(String(variants[0]!.id));
    await rows().first().waitFor();
  });

  it("remembers the shopper's shop across reloads, first in the list", async () => {
    const name = await rows().last().locator(".osa__name").textContent();
    await rows().last().getByRole("button", { name: /my shop/i }).click();
    await expect(rows().first().locator(".osa__name").textContent()).resolves.toBe(name);
    await page.reload();
    await rows().first().waitFor();
    await expect(rows().first().locator(".osa__name").textContent()).resolves.toBe(name);
    await expect(rows().first().locator(".osa__mine").isVisible()).resolves.toBe(true);
    await rows().first().getByRole("button", { name: /my shop/i }).click(); // back to no shop of their own
  });

  it("sorts by distance once the shopper shares a location", async () => {
    await page.getByRole("button", { name: /use my location/i }).click();
    await page.locator("[data-osa] li.osa__shop .osa__meta", { hasText: "km" }).first().waitFor({ timeout: 10_000 });
    const distances = await rows().evaluateAll((nodes) => nodes.map((node) => Number(/([\d.,]+)\s*km/.exec(node.textContent ?? "")?.[1]?.replace(",", "."))));
    expect(distances.every(Number.isFinite)).toBe(true);
    expect([...distances].sort((a, b) => a - b)).toEqual(distances);
    await page.screenshot({ path: screenshotPath("availability-distance"), fullPage: true });
  });

  it.each(["fr", "de", "ja"])("speaks %s", async (locale) => {
    await page.goto(`${devstore.url}/${locale}/products/${product.handle}?variant=${variants[0]!.id}`);
    await rows().first().waitFor({ timeout: 20_000 });
    const messages = JSON.parse((await page.locator("[data-osa-i18n]").textContent())!) as Record<string, string>;
    const english = JSON.parse(readFileSync(path.join(EXTENSIONS_DIR, "store-availability/locales/en.default.json"), "utf8")).store_availability as Record<string, string>;
    expect(Object.values(messages).join(" ")).not.toBe(Object.values(english).join(" "));
    await expect(page.locator("[data-osa]").getAttribute("data-proxy")).resolves.toBe(`/${locale}/apps/omnistock`);
    expect(await page.evaluate(() => (window as unknown as { __shifts: number }).__shifts)).toBe(0);
    await page.screenshot({ path: screenshotPath(`availability-${locale}`), fullPage: true });
  });
});
