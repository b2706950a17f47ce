import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { launchBrowser, screenshotPath, USER_AGENT } from "../support/browser";

// The README's first command, as a newcomer runs it (the build is made by this project's global setup, so
// the demo starts with --no-build), on free ports and in a directory of its own.

const root = path.resolve(import.meta.dirname, "../..");
let demo: ChildProcess;
let dir: string;
let output = "";
let browser: Browser;

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "omnistock-demo-"));
  const env: NodeJS.ProcessEnv = { ...process.env, OMNISTOCK_DEMO_DIR: dir, DEMO_APP_PORT: String(await freePort()), DEMO_STORE_PORT: String(await freePort()) };
  for (const key of ["DATABASE_URL", "SHOPIFY_API_KEY", "SHOPIFY_API_SECRET", "SHOPIFY_APP_URL", "OMNISTOCK_ENCRYPTION_KEY", "SHOPIFY_ADMIN_API_ORIGIN", "NODE_ENV"]) {
    delete env[key]; // the demo makes its own settings
  }
  demo = spawn(path.join(root, "node_modules", ".bin", "tsx"), [path.join(root, "scripts", "demo.ts"), "--no-build"], { cwd: root, env });
  demo.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  demo.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const started = Date.now();
  while (!output.includes("Omnistock demo is running")) {
    if (demo.exitCode !== null || Date.now() - started > 90_000) throw new Error(`The demo did not start:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  if (demo && demo.exitCode === null) {
    const exited = new Promise((resolve) => demo.once("exit", resolve));
    demo.kill("SIGTERM");
    await exited;
  }
  rmSync(dir, { recursive: true, force: true });
});

describe("npm run demo", () => {
  it("installs the app on both demo shops and writes what scripts need", () => {
    const summary = JSON.parse(readFileSync(path.join(dir, "demo.json"), "utf8")) as {
      app: string;
      storefront: string;
      admin: Record<string, string>;
      shops: { shop: string; accessToken: string }[];
    };
    expect(summary.shops.map((s) => s.shop).sort()).toEqual(["nordlicht-living.myshopify.com", "omnistock-demo.myshopify.com"]);
    expect(summary.shops.every((s) => s.accessToken.startsWith("shpat_"))).toBe(true);
    expect(output).toContain(summary.admin["omnistock-demo.myshopify.com"]);
  });

  it("serves the admin and a storefront product page that load in Chromium", async () => {
    const summary = JSON.parse(readFileSync(path.join(dir, "demo.json"), "utf8")) as { storefront: string; admin: Record<string, string> };
    const page = await browser.newPage({ userAgent: USER_AGENT, viewport: { width: 1280, height: 800 } });
    await page.goto(summary.admin["omnistock-demo.myshopify.com"]!);
    await page.frameLocator("iframe#app").getByText("Sale simulator (demo)").waitFor({ timeout: 30_000 });
    await page.screenshot({ path: screenshotPath("demo-admin") });

    await page.goto(`${summary.storefront}/`);
    await page.locator("ul.grid a").nth(3).click();
    await page.locator("#variant-select").waitFor();
    await page.screenshot({ path: screenshotPath("demo-product"), fullPage: true });
  });

  it("links the connected store to the home store from the admin, and pushes reach it", { timeout: 540_000 }, async () => {
    const summary = JSON.parse(readFileSync(path.join(dir, "demo.json"), "utf8")) as { devStore: string; admin: Record<string, string> };
    const page = await browser.newPage({ userAgent: USER_AGENT, viewport: { width: 1280, height: 900 } });

    await page.goto(`${summary.admin["omnistock-demo.myshopify.com"]}?path=/app/channels`);
    const home = page.frameLocator("iframe#app");
    await home.getByRole("button", { name: "Create a connection code" }).click();
    const banner = await home.getByText(/^Connection code: /).textContent({ timeout: 30_000 });
    const code = banner!.replace("Connection code: ", "").trim();
    expect(code).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$/);

    await page.goto(`${summary.admin["nordlicht-living.myshopify.com"]}?path=/app/channels`);
    const linked = page.frameLocator("iframe#app");
    await linked.getByLabel("Connection code").fill(code);
    await linked.getByRole("button", { name: "Link" }).click();
    await linked.getByText(/^Linked\. \d+ items matched/).waitFor({ timeout: 60_000 });
    await page.screenshot({ path: screenshotPath("demo-linked"), fullPage: true });

    // Items still being read when the stores were linked are matched when that reading finishes.
    await expect
      .poll(async () => {
        await page.goto(`${summary.admin["omnistock-demo.myshopify.com"]}?path=/app/channels`);
        const matched = await home.getByText(/ of \d+ listings matched$/).textContent({ timeout: 30_000 });
        return Number(/^(\d+) of/.exec(matched!)![1]);
      }, { timeout: 60_000, interval: 2000 })
      .toBeGreaterThan(100);

    // The app's workers push what the home store can sell into the connected store.
    await expect
      .poll(async () => {
        const history = (await (await fetch(`${summary.devStore}/_devstore/shops/nordlicht-living.myshopify.com/inventory-history`)).json()) as { actor: string }[];
        return history.filter((h) => h.actor !== "shopify").length;
      }, { timeout: 60_000 })
      .toBeGreaterThan(50);

    await page.goto(`${summary.admin["omnistock-demo.myshopify.com"]}?path=/app/sync`);
    // Enabled once the install's own reconciliation has finished reading the catalog.
    await home.getByRole("button", { name: "Reconcile now" }).click({ timeout: 150_000 });
    await expect
      .poll(async () => {
        await page.goto(`${summary.admin["omnistock-demo.myshopify.com"]}?path=/app/sync`);
        return home.getByText(/^Last run \(you asked\)/).count();
      }, { timeout: 180_000, interval: 2000 })
      .toBe(1);
    // Nothing had drifted: the mirror, the pushes and the stores agree.
    const report = await home.getByText(/^Last run \(you asked\)/).textContent();
    expect(report).toMatch(/items read, 0 differences repaired, 0 missed sales applied/);
    await page.screenshot({ path: screenshotPath("demo-sync-activity"), fullPage: true });
  });
});
