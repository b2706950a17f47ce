// `npm run demo`: builds Omnistock and starts, on localhost with SQLite:
//   - the dev store (a local Shopify: Admin API, webhooks, storefront with the app blocks, a stand-in admin),
//     seeded with a Lyon retailer (warehouse + 3 shops, 56 products, 90 days of orders) and a connected store;
//   - the app, pointed at the dev store, installed on both shops.
// Local-only secrets are generated once into .omnistock/demo.env; .omnistock/demo.json tells scripts the
// shops, tokens and URLs. Nothing here is used in production.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { projectPath } from "../app/db/url";
import { EXTENSIONS_DIR, readAppToml } from "../devstore/app-config";
import { seedDemoShops } from "../devstore/demo-shops";
import { startDevStore } from "../devstore/server";
import { DevStore } from "../devstore/state/store";

// OMNISTOCK_DEMO_DIR lets a test run a demo of its own beside a developer's.
const DEMO_DIR = process.env.OMNISTOCK_DEMO_DIR ?? projectPath(".omnistock");
const ENV_FILE = path.join(DEMO_DIR, "demo.env");
const APP_PORT = Number(process.env.DEMO_APP_PORT ?? 3000);
const STORE_PORT = Number(process.env.DEMO_STORE_PORT ?? 4100);
const APP_URL = `http://127.0.0.1:${APP_PORT}`;
const BROWSER_UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
const args = new Set(process.argv.slice(2));

function demoSecrets(): Record<string, string> {
  if (!existsSync(ENV_FILE)) {
    mkdirSync(DEMO_DIR, { recursive: true });
    const settings = {
      SHOPIFY_API_KEY: `demo-${randomBytes(8).toString("hex")}`,
      SHOPIFY_API_SECRET: randomBytes(24).toString("hex"),
      OMNISTOCK_ENCRYPTION_KEY: randomBytes(32).toString("base64"),
    };
    writeFileSync(ENV_FILE, Object.entries(settings).map(([k, v]) => `${k}=${v}`).join("\n") + "\n", { mode: 0o600 });
  }
  return Object.fromEntries(
    readFileSync(ENV_FILE, "utf8")
      .split("\n")
      .filter((line) => line.includes("="))
      .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
  );
}

async function waitFor(url: string, child: ChildProcess, seconds = 60) {
  for (let i = 0; i < seconds * 4; i += 1) {
    if (child.exitCode !== null) throw new Error("The app stopped while starting; see its output above");
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${url} did not answer within ${seconds} s`);
}

async function main() {
  const secrets = demoSecrets();
  const storeUrl = `http://127.0.0.1:${STORE_PORT}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...secrets,
    SHOPIFY_APP_URL: APP_URL,
    SHOPIFY_ADMIN_API_ORIGIN: storeUrl,
    HOST: "127.0.0.1",
    PORT: String(APP_PORT),
    DATABASE_URL: `file:${path.join(DEMO_DIR, "demo.sqlite")}`,
    OMNISTOCK_DEMO: "true",
    NODE_ENV: "production",
  };

  if (!args.has("--no-build")) {
    console.log("Building Omnistock...");
    const build = spawnSync(projectPath("node_modules", ".bin", "remix"), ["vite:build"], { stdio: "inherit", env });
    if (build.status !== 0) process.exit(build.status ?? 1);
  }

  const store = new DevStore();
  const shops = seedDemoShops(store);
  const toml = readAppToml();
  const devstore = await startDevStore(
    {
      port: STORE_PORT,
      app: { apiKey: secrets.SHOPIFY_API_KEY!, apiSecret: secrets.SHOPIFY_API_SECRET!, url: APP_URL, scopes: toml.scopes },
      topics: toml.topics,
      extensionsDir: EXTENSIONS_DIR,
      storefrontShop: shops.home,
    },
    store,
  );

  const app = spawn(projectPath("node_modules", ".bin", "tsx"), [projectPath("server", "main.ts")], { stdio: "inherit", env });
  const stop = async () => {
    devstore.simulator.stop();
    app.kill("SIGTERM");
    await devstore.close();
  };
  process.on("SIGINT", () => void stop().then(() => process.exit(0)));
  process.on("SIGTERM", () => void stop().then(() => process.exit(0)));
  app.on("exit", (code) => {
    void devstore.close().then(() => process.exit(code ?? 0));
  });
  await waitFor(`${APP_URL}/healthz`, app);

  // Install the app on both shops the way Shopify does: the merchant opens it, App Bridge's session token is
  // exchanged for an offline access token.
  for (const shop of [shops.home, shops.connected]) {
    const handle = shop.replace(".myshopify.com", "");
    const page = await (await fetch(`${storeUrl}/store/${handle}/apps/omnistock`)).text();
    const src = /<iframe[^>]+src="([^"]+)"/.exec(page)?.[1]?.replaceAll("&amp;", "&");
    const response = await fetch(src!, { headers: { "User-Agent": BROWSER_UA } });
    if (!response.ok) throw new Error(`Installing on ${shop} failed: HTTP ${response.status}`);
  }

  const summary = {
    app: APP_URL,
    devStore: storeUrl,
    storefront: storeUrl,
    admin: Object.fromEntries(
      [shops.home, shops.connected].map((shop) => [shop, `${storeUrl}/store/${shop.replace(".myshopify.com", "")}/apps/omnistock`]),
    ),
    shops: [...devstore.installations.values()].map((i) => ({ shop: i.shop, accessToken: i.accessToken, scopes: i.scopes })),
    controlApi: `${storeUrl}/_devstore`,
  };
  writeFileSync(path.join(DEMO_DIR, "demo.json"), JSON.stringify(summary, null, 2) + "\n", { mode: 0o600 });

  if (args.has("--sales")) devstore.simulator.configure({ running: true, ordersPerMinute: 30 });
  console.log(`
  Omnistock demo is running.

  Admin (Atelier Rhône):     ${summary.admin[shops.home]}
  Admin (Nordlicht Living):  ${summary.admin[shops.connected]}
  Storefront:                ${storeUrl}/   (demo shoppers are listed at ${storeUrl}/account/login)
  App health:                ${APP_URL}/healthz
  Sale simulator:            npm run demo:sales -- on 30   |   npm run demo:sales -- off
  Scripts:                   .omnistock/demo.json

  Press Ctrl+C to stop.
`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
