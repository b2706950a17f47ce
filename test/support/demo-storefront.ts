import type { Browser, BrowserContext, BrowserContextOptions, Page } from "playwright-core";
import { db } from "../../app/db.server";
import { readAppToml, EXTENSIONS_DIR } from "../../devstore/app-config";
import { HOME_SHOP, seedDemoShops } from "../../devstore/demo-shops";
import { startDevStore, type RunningDevStore } from "../../devstore/server";
import { DevStore } from "../../devstore/state/store";
import { startBackgroundWork, type BackgroundWork } from "../../server/background";
import { startHttpServer, type RunningHttpServer } from "../../server/app-server";
import { launchBrowser, USER_AGENT } from "./browser";

// The demo storefront the widget tests run against: the dev store seeded with the demo shops and serving the
// theme app extensions, the app's production build (made by the browser project's global setup) with its
// background work, and Chromium, with the app installed on the home shop through the embedded admin (token
// exchange), as a merchant would. Each test file gets its own, on its own database.

export interface DemoStorefront {
  devstore: RunningDevStore;
  app: RunningHttpServer;
  work: BackgroundWork;
  browser: Browser;
  context: BrowserContext;
  /** Left on the embedded admin after the install. */
  page: Page;
  close(): Promise<void>;
}

/** Starts everything and installs the app on HOME_SHOP; `context` adds to the browser context's options. */
export async function startDemoStorefront(context: BrowserContextOptions = {}): Promise<DemoStorefront> {
  const started: Partial<Omit<DemoStorefront, "page" | "close">> = {};
  const close = async () => {
    await started.work?.stop();
    await started.context?.close();
    await started.browser?.close();
    await started.app?.close();
    await started.devstore?.close();
  };
  try {
    const store = new DevStore();
    seedDemoShops(store);
    const toml = readAppToml();
    const devstore = (started.devstore = await startDevStore(
      {
        app: { apiKey: process.env.SHOPIFY_API_KEY!, apiSecret: process.env.SHOPIFY_API_SECRET!, url: "http://127.0.0.1:9", scopes: toml.scopes },
        topics: toml.topics,
        extensionsDir: EXTENSIONS_DIR,
        storefrontShop: HOME_SHOP,
      },
      store,
    ));
    process.env.SHOPIFY_ADMIN_API_ORIGIN = devstore.url;
    process.env.OMNISTOCK_DEMO = "true";
    const app = (started.app = await startHttpServer({ port: 0, host: "127.0.0.1", dev: false }));
    devstore.setAppUrl(app.url);
    const work = (started.work = startBackgroundWork());
    const browser = (started.browser = await launchBrowser());
    const browserContext = (started.context = await browser.newContext({ userAgent: USER_AGENT, viewport: { width: 1280, height: 900 }, ...context }));
    const page = await browserContext.newPage();
    await page.goto(`${devstore.url}/store/omnistock-demo/apps/omnistock`);
    await page.frameLocator("iframe#app").getByText("Webhooks waiting").waitFor({ timeout: 60_000 });
    return { devstore, app, work, browser, context: browserContext, page, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * Waits for the install's catalog import to finish and checks that the install published the widget settings
 * (key and proxy path), which the availability block needs.
 */
export async function waitForCatalogImport(demo: Pick<DemoStorefront, "devstore">, timeoutMs = 90_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const run = await db().reconciliationRun.findFirst({ where: { shop: HOME_SHOP }, orderBy: { startedAt: "desc" } });
    if (run?.status === "done") break;
    if (run?.status === "failed" || Date.now() > deadline) throw new Error(`The catalog import did not finish: ${JSON.stringify(run)}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  if (demo.devstore.store.appMetafields(HOME_SHOP).omnistock?.proxy_path !== "apps/omnistock") throw new Error("The install did not publish the widget settings");
}
