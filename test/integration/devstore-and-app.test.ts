import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "../../app/db.server";
import { signProxyQuery } from "../../devstore/auth";
import type { RunningDevStore } from "../../devstore/server";
import { startHttpServer, type RunningHttpServer } from "../../server/app-server";
import { processRefreshQueue } from "../../app/inventory/hints.server";
import { importShop } from "../../app/inventory/mirror.server";
import { adminClientFor } from "../../app/shopify/admin-session.server";
import { drainWebhooks, quietLogger } from "../support/app";
import { adminRequest, startFixtureDevStore, type Fixture } from "../support/devstore";
import { BROWSER_USER_AGENT } from "../support/session-token";

// The app and the dev store talking over HTTP as they would in production: webhooks delivered with chaos,
// storefront requests through the app proxy, and installation through token exchange.

let devstore: RunningDevStore & { fixture: Fixture };
let app: RunningHttpServer;

beforeAll(async () => {
  devstore = await startFixtureDevStore();
  process.env.SHOPIFY_ADMIN_API_ORIGIN = devstore.url;
  process.env.OMNISTOCK_DEMO = "true"; // every URL is on loopback, so the app accepts demo mode
  app = await startHttpServer({ port: 0, host: "127.0.0.1", dev: true });
  devstore.setAppUrl(app.url);
  // Warm the app's routes so the first webhooks do not wait for Vite to compile them.
  await fetch(`${app.url}/healthz`);
}, 60_000);
afterAll(async () => {
  await app?.close();
  await devstore?.close();
});

async function sell(variantId: string, quantity: number, locationId?: string) {
  const response = await fetch(`${devstore.url}/_devstore/shops/${devstore.fixture.shop}/sales`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ lineItems: [{ variantId, quantity }], ...(locationId ? { locationId } : {}) }),
  });
  expect(response.status, await response.clone().text()).toBe(201);
}

describe("webhooks from the dev store", () => {
  it("stores every delivered webhook exactly once while deliveries are duplicated, delayed and reordered", async () => {
    devstore.dispatcher.chaos = { duplicate: 0.4, drop: 0.05, delayMs: [0, 120] };
    const start = devstore.dispatcher.deliveries.length;
    // The cap may oversell (inventory policy CONTINUE), so every sale goes through.
    for (let i = 0; i < 12; i += 1) await sell(devstore.fixture.items.cap.variantId, 1, i % 2 ? devstore.fixture.retail : undefined);
    await devstore.dispatcher.settle();
    devstore.dispatcher.chaos = { duplicate: 0, drop: 0, delayMs: [0, 0] };

    const sent = devstore.dispatcher.deliveries.slice(start);
    const delivered = sent.filter((d) => d.outcome === "delivered");
    const dropped = sent.filter((d) => d.outcome === "dropped");
    expect(sent.some((d) => d.duplicated), "chaos duplicated some deliveries").toBe(true);
    expect(delivered.length + dropped.length).toBe(sent.length);

    const rows = await db().webhookDelivery.findMany({
      where: { shop: devstore.fixture.shop, webhookId: { in: sent.map((d) => d.webhookId) } },
      orderBy: { id: "asc" },
    });
    expect(rows.map((r) => r.webhookId).sort()).toEqual(delivered.map((d) => d.webhookId).sort());
    expect(new Set(rows.map((r) => r.webhookId)).size).toBe(rows.length);
    for (const row of rows) {
      const record = delivered.find((d) => d.webhookId === row.webhookId)!;
      expect(row.topic).toBe(record.topic);
    }
    // Arrival order differs from the order Shopify triggered them in.
    const triggered = rows.map((r) => r.triggeredAt!.getTime());
    expect(triggered.some((t, i) => i > 0 && t < triggered[i - 1]!), "deliveries arrived out of order").toBe(true);
  });
});

describe("the app proxy through the dev storefront", () => {
  it("forwards a signed request that the app verifies, with the logged-in shopper", async () => {
    const login = await fetch(`${devstore.url}/account/login`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: "email=ada%40example.com&password=shopper-1",
      redirect: "manual",
    });
    expect(login.status).toBe(303);
    const cookie = login.headers.get("set-cookie")!.split(";")[0]!;

    const anonymous = await fetch(`${devstore.url}/apps/omnistock/status`);
    expect(anonymous.status).toBe(200);
    expect(anonymous.headers.get("set-cookie")).toBeNull();
    expect(await anonymous.json()).toMatchObject({ shop: devstore.fixture.shop, loggedIn: false, pathPrefix: "/apps/omnistock" });

    const loggedIn = await fetch(`${devstore.url}/fr/apps/omnistock/status`, { headers: { Cookie: cookie } });
    expect(await loggedIn.json()).toMatchObject({ shop: devstore.fixture.shop, loggedIn: true });
  });

  it("a request signed by the dev store but tampered with afterwards is refused", async () => {
    const params: [string, string][] = [
      ["shop", devstore.fixture.shop],
      ["logged_in_customer_id", ""],
      ["path_prefix", "/apps/omnistock"],
      ["timestamp", String(Math.floor(Date.now() / 1000))],
    ];
    params.push(["signature", signProxyQuery(params, process.env.SHOPIFY_API_SECRET!)]);
    const signed = new URLSearchParams(params);
    expect((await fetch(`${app.url}/proxy/status?${signed}`)).status).toBe(200);
    signed.set("logged_in_customer_id", "900");
    expect((await fetch(`${app.url}/proxy/status?${signed}`)).status).toBe(401);
  });
});

describe("installing from the dev store admin", () => {
  it("embeds the app, which exchanges the session token for an access token and reads the shop", async () => {
    const page = await (await fetch(`${devstore.url}/store/fixture/apps/omnistock`)).text();
    const src = /<iframe[^>]+src="([^"]+)"/.exec(page)?.[1]?.replaceAll("&amp;", "&");
    expect(src).toContain(`${app.url}/app?`);

    const response = await fetch(src!, { headers: { "User-Agent": BROWSER_USER_AGENT } });
    const body = await response.text();
    expect(response.status, body.slice(0, 300)).toBe(200);
    expect(body).toContain("Webhooks waiting");
    expect(response.headers.get("content-security-policy")).toContain(devstore.url);

    const session = await db().session.findFirstOrThrow({ where: { shop: devstore.fixture.shop, isOnline: false } });
    expect(session.accessToken).not.toMatch(/^shpat_/); // encrypted at rest
    const shop = await db().shop.findUniqueOrThrow({ where: { shop: devstore.fixture.shop } });
    expect(shop).toMatchObject({ name: "Fixture Goods", currencyCode: "EUR", uninstalledAt: null });
  });
});

describe("inventory hints from webhooks", () => {
  it("queues the items a sale touched and re-reads them, so the mirror follows the dev store", async () => {
    const admin = await adminClientFor(devstore.fixture.shop);
    expect(admin).not.toBeNull();
    await importShop(db(), admin!, "initial import");
    const { tee } = devstore.fixture.items;
    devstore.dispatcher.chaos = { duplicate: 0.5, drop: 0, delayMs: [0, 50] };
    await sell(tee.variantId, 1);
    await sell(tee.variantId, 2, devstore.fixture.retail);
    await devstore.dispatcher.settle();
    devstore.dispatcher.chaos = { duplicate: 0, drop: 0, delayMs: [0, 0] };
    await drainWebhooks();

    // Many deliveries (duplicates included, and the cap sales of the first test) make one re-read per item.
    const queued = await db().inventoryRefresh.findMany({ where: { shop: devstore.fixture.shop } });
    expect(queued.map((q) => q.inventoryItemId).sort()).toEqual([devstore.fixture.items.cap.inventoryItemId, tee.inventoryItemId].sort());
    const handled = await processRefreshQueue({ db: db(), logger: quietLogger, adminFor: adminClientFor });
    expect(handled).toBe(2);
    expect(await db().inventoryRefresh.count({ where: { shop: devstore.fixture.shop } })).toBe(0);

    const shop = devstore.store.shop(devstore.fixture.shop);
    for (const locationId of [devstore.fixture.warehouse, devstore.fixture.retail]) {
      const truth = shop.inventoryLevels.get(`${tee.inventoryItemId}:${locationId}`)!.quantities;
      const mirrored = await db().inventoryLevel.findUniqueOrThrow({
        where: { shop_inventoryItemId_locationId: { shop: shop.domain, inventoryItemId: tee.inventoryItemId, locationId } },
      });
      expect([mirrored.available, mirrored.committed]).toEqual([truth.available, truth.committed]);
    }
  });
});

describe("uninstalling in the dev store", () => {
  it("sends app/uninstalled; the app drops its sessions and the old token stops working", async () => {
    const token = devstore.installations.values().next().value?.accessToken;
    expect(token).toBeDefined();
    const response = await fetch(`${devstore.url}/_devstore/shops/${devstore.fixture.shop}/uninstall`, { method: "POST" });
    expect(response.status).toBe(200);
    await devstore.dispatcher.settle();
    await drainWebhooks();

    expect(await db().session.count({ where: { shop: devstore.fixture.shop } })).toBe(0);
    expect((await db().shop.findUniqueOrThrow({ where: { shop: devstore.fixture.shop } })).uninstalledAt).toBeInstanceOf(Date);
    expect((await adminRequest(devstore, token!, "query { shop { name } }")).status).toBe(401);
  });
});
