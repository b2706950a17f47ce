import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Session } from "@shopify/shopify-app-remix/server";
import { PrismaSessionStorage } from "@shopify/shopify-app-session-storage-prisma";
import { EncryptedSessionStorage } from "../../app/auth/encrypted-session-storage.server";
import { db } from "../../app/db.server";
import { SecretBox } from "../../app/security/secrets.server";
import { startHttpServer, type RunningHttpServer } from "../../server/app-server";
import { drainWebhooks } from "../support/app";
import { BROWSER_USER_AGENT, adminHost, sessionToken } from "../support/session-token";
import { proxyUrl, samplePayload, testShop, webhookRequest } from "../support/shopify";

// The whole stack over real HTTP: Express, Remix (through Vite's dev server) and the database.

let server: RunningHttpServer;
beforeAll(async () => {
  server = await startHttpServer({ port: 0, host: "127.0.0.1", dev: true });
}, 60_000);
afterAll(() => server?.close());

async function send(request: Request): Promise<Response> {
  const url = new URL(request.url);
  return fetch(`${server.url}${url.pathname}${url.search}`, {
    method: request.method,
    headers: request.headers,
    body: request.method === "GET" ? undefined : await request.arrayBuffer(),
  });
}

describe("over HTTP", () => {
  it("GET /healthz answers JSON", async () => {
    const response = await fetch(`${server.url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: "ok", database: { migrationsCurrent: true } });
  });

  it("POST /webhooks verifies the raw body, stores once, and the worker processes it", async () => {
    const shop = testShop();
    const init = { topic: "shop/redact", shop, body: samplePayload("shop/redact", shop), webhookId: "http-1" };
    expect((await send(webhookRequest(init))).status).toBe(200);
    expect((await send(webhookRequest(init))).status).toBe(200);
    expect((await send(webhookRequest({ ...init, webhookId: "http-2", hmac: "AAAA" }))).status).toBe(401);
    expect(await db().webhookDelivery.count({ where: { shop } })).toBe(1);
    await drainWebhooks();
    expect(await db().complianceRequest.count({ where: { shop, topic: "shop/redact" } })).toBe(1);
  });

  it("/proxy/* answers a signed storefront request and refuses a tampered one", async () => {
    const shop = testShop();
    const url = proxyUrl({ shop, origin: server.url });
    const ok = await fetch(url);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ shop });
    expect((await fetch(url.replace("shop=", "shop=x"))).status).toBe(401);
  });

  it("renders the embedded admin for a shop with a valid session token", async () => {
    const shop = testShop();
    const storage = new EncryptedSessionStorage(new PrismaSessionStorage(db()), new SecretBox(process.env.OMNISTOCK_ENCRYPTION_KEY!));
    await storage.storeSession(
      new Session({ id: `offline_${shop}`, shop, state: "", isOnline: false, scope: "read_inventory", accessToken: "shpat_test" }),
    );
    const token = sessionToken(shop, process.env.SHOPIFY_API_KEY!, process.env.SHOPIFY_API_SECRET!);
    const query = new URLSearchParams({ embedded: "1", shop, host: adminHost(shop), id_token: token });
    const response = await fetch(`${server.url}/app?${query}`, { headers: { "User-Agent": BROWSER_USER_AGENT } });
    const html = await response.text();
    expect(response.status, html.slice(0, 500)).toBe(200);
    expect(html).toContain("Webhooks waiting");
    expect(html).toContain(shop);
  });

  it("refuses the embedded admin without a valid session token", async () => {
    const shop = testShop();
    const token = sessionToken(shop, process.env.SHOPIFY_API_KEY!, "not-the-app-secret");
    const query = new URLSearchParams({ embedded: "1", shop, host: adminHost(shop), id_token: token });
    const response = await fetch(`${server.url}/app?${query}`, { headers: { "User-Agent": BROWSER_USER_AGENT } });
    const html = await response.text();
    // Shopify's library answers a document request with its "bounce" page, which asks App Bridge for a
    // fresh token; the admin itself is not rendered.
    expect(html).not.toContain("Webhooks waiting");
    expect(html).toContain("app-bridge.js");
  });
});
