import { existsSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { db } from "../../app/db.server";
import { readAppToml, EXTENSIONS_DIR } from "../../devstore/app-config";
import { HOME_SHOP, seedDemoShops } from "../../devstore/demo-shops";
import { startDevStore, type RunningDevStore } from "../../devstore/server";
import { DevStore } from "../../devstore/state/store";
import { startHttpServer, type RunningHttpServer } from "../../server/app-server";
import { launchBrowser, screenshotPath, USER_AGENT } from "../support/browser";

// The demo as a person sees it, in Chromium: the embedded admin inside the dev store's admin, and a
// storefront product page.

let devstore: RunningDevStore;
let app: RunningHttpServer;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  const store = new DevStore();
  seedDemoShops(store);
  const toml = readAppToml();
  devstore = await startDevStore(
    {
      app: { apiKey: process.env.SHOPIFY_API_KEY!, apiSecret: process.env.SHOPIFY_API_SECRET!, url: "http://127.0.0.1:9", scopes: toml.scopes },
      topics: toml.topics,
      extensionsDir: EXTENSIONS_DIR,
      storefrontShop: HOME_SHOP,
    },
    store,
  );
  process.env.SHOPIFY_ADMIN_API_ORIGIN = devstore.url;
  process.env.OMNISTOCK_DEMO = "true";
  // The production build (made by the project's global setup), as merchants get it.
  app = await startHttpServer({ port: 0, host: "127.0.0.1", dev: false });
  devstore.setAppUrl(app.url);
  browser = await launchBrowser();
  page = await browser.newPage({ userAgent: USER_AGENT, viewport: { width: 1280, height: 900 } });
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await devstore?.close();
});

describe("the demo in Chromium", () => {
  it("opens Omnistock embedded in the dev store admin, installed by token exchange", async () => {
    await page.goto(`${devstore.url}/store/omnistock-demo/apps/omnistock`);
    const frame = page.frameLocator("iframe#app");
    await frame.getByText("Webhooks waiting").waitFor({ timeout: 30_000 });
    await expect(frame.getByRole("heading", { name: "Omnistock" }).first().isVisible()).resolves.toBe(true);
    await page.screenshot({ path: screenshotPath("admin-overview"), fullPage: true });
    expect(existsSync(screenshotPath("admin-overview"))).toBe(true);
    expect(devstore.installations.size).toBe(1);

    // Data requests from the embedded page carry a fresh session token, as App Bridge adds it.
    const appFrame = page.frames().find((f) => f.url().startsWith(app.url))!;
    const status = await appFrame.evaluate(async () => (await fetch("/app.data")).status);
    expect(status).toBe(200);
    // The app's navigation shows in the admin's chrome, as with App Bridge.
    await page.locator("#app-nav a", { hasText: "Overview" }).waitFor({ timeout: 10_000 });
  });

  it("starts and stops the sale simulator from the admin, which places orders in the dev store", async () => {
    const frame = page.frameLocator("iframe#app");
    const ordersBefore = [...devstore.store.shops.values()].reduce((sum, shop) => sum + shop.orders.size, 0);
    await frame.getByLabel("Orders per minute").selectOption("300");
    await frame.getByRole("button", { name: "Start sales" }).click();
    await frame.getByText("Running", { exact: true }).waitFor();
    await expect.poll(() => devstore.simulator.status.placed, { timeout: 15_000 }).toBeGreaterThan(3);
    expect(devstore.simulator.status).toMatchObject({ running: true, ordersPerMinute: 300 });
    await frame.getByRole("button", { name: "Stop sales" }).click();
    await frame.getByText("Stopped", { exact: true }).waitFor();
    expect(devstore.simulator.status.running).toBe(false);
    const ordersAfter = [...devstore.store.shops.values()].reduce((sum, shop) => sum + shop.orders.size, 0);
    expect(ordersAfter - ordersBefore).toBe(devstore.simulator.status.placed);
    await page.screenshot({ path: screenshotPath("admin-simulator"), fullPage: true });
  });

  it("opens the inventory, SKU mapping, locations and storefront widget pages from the app's navigation", { timeout: 150_000 }, async () => {
    const frame = page.frameLocator("iframe#app");
    // The install's catalog import runs in the background; the pages read what it stored.
    await expect.poll(async () => (await db().reconciliationRun.findFirst({ where: { shop: HOME_SHOP }, orderBy: { startedAt: "desc" } }))?.status, { timeout: 90_000 }).toBe("done");
    const item = await db().inventoryItem.findFirstOrThrow({ where: { shop: HOME_SHOP, sku: { not: null } }, orderBy: { inventoryItemId: "asc" } });

    await page.locator("#app-nav a", { hasText: "Inventory" }).click();
    await frame.getByRole("heading", { name: "Inventory" }).waitFor({ timeout: 20_000 });
    await frame.getByPlaceholder("SKU, barcode or product").fill(item.sku!);
    await frame.getByRole("button", { name: "Search" }).click();
    await frame.getByText(item.sku!, { exact: false }).first().waitFor();
    await frame.getByText("1 item · page 1 of 1").waitFor();
    await page.screenshot({ path: screenshotPath("admin-inventory"), fullPage: true });

    await page.locator("#app-nav a", { hasText: "SKU mapping" }).click();
    await frame.getByRole("heading", { name: "SKU mapping" }).waitFor({ timeout: 20_000 });
    await frame.getByRole("button", { name: "Export CSV" }).waitFor();
    await page.screenshot({ path: screenshotPath("admin-mapping"), fullPage: true });

    await page.locator("#app-nav a", { hasText: "Locations" }).click();
    await frame.getByRole("heading", { name: "Locations" }).waitFor({ timeout: 20_000 });
    const shop = await db().location.findFirstOrThrow({ where: { shop: HOME_SHOP, pickupTime: { not: null } }, orderBy: { name: "asc" } });
    const card = frame.locator("form").filter({ hasText: shop.name });
    await card.getByLabel("Opening hours").fill("Mon–Sat 10:00–19:00");
    await card.getByRole("button", { name: "Save" }).click();
    await frame.getByText("Saved.", { exact: false }).waitFor();
    await expect.poll(async () => (await db().location.findUniqueOrThrow({ where: { shop_locationId: { shop: HOME_SHOP, locationId: shop.locationId } } })).openingHours).toBe("Mon–Sat 10:00–19:00");
    await page.screenshot({ path: screenshotPath("admin-locations"), fullPage: true });

    await page.locator("#app-nav a", { hasText: "Storefront widgets" }).click();
    await frame.getByRole("heading", { name: "Storefront widgets" }).waitFor({ timeout: 20_000 });
    await frame.getByText(shop.name).first().waitFor();
    const deepLink = await frame.getByRole("link", { name: "Add to product pages" }).getAttribute("href");
    expect(deepLink).toBe(`https://${HOME_SHOP}/admin/themes/current/editor?template=product&addAppBlockId=${process.env.SHOPIFY_API_KEY}/store-availability&target=mainSection`);
    await page.screenshot({ path: screenshotPath("admin-storefront-widgets"), fullPage: true });
  });

  it("renders a storefront product page with its variants", async () => {
    await page.goto(`${devstore.url}/`);
    const firstProduct = page.locator("ul.grid a").first();
    const title = (await firstProduct.textContent())!.trim();
    await firstProduct.click();
    await expect(page.getByRole("heading", { level: 1, name: title }).isVisible()).resolves.toBe(true);
    const options = await page.locator("#variant-select option").count();
    expect(options).toBeGreaterThan(0);
    await page.screenshot({ path: screenshotPath("storefront-product"), fullPage: true });
  });

  it("serves storefront pages in the shopper's language and lets a shopper log in", async () => {
    await page.goto(`${devstore.url}/account/login`);
    const demoShopper = (await page.locator("ul li code").first().textContent())!;
    const password = (await page.locator("ul li code").nth(1).textContent())!;
    await page.getByLabel("Email").fill(demoShopper);
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Log in" }).click();
    await page.waitForURL(`${devstore.url}/`);
    await expect(page.getByRole("link", { name: "Log out" }).isVisible()).resolves.toBe(true);
    const proxied = await page.evaluate(async () => (await fetch("/apps/omnistock/status")).json());
    expect(proxied).toMatchObject({ shop: HOME_SHOP, loggedIn: true, installed: true });
    await page.goto(`${devstore.url}/ja/`);
    expect(await page.getAttribute("html", "lang")).toBe("ja");
  });
});
