import { createHmac, timingSafeEqual } from "node:crypto";
import { createReadStream, existsSync, statSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { z } from "zod";
import { BULK_RESULT_PATH, BulkOperations } from "./admin/bulk";
import { executeAdminRequest } from "./admin/execute";
import { IdempotencyRegistry } from "./admin/idempotency";
import { ThrottleRegistry, type BucketOptions } from "./admin/throttle";
import { AdminUsage, operationNameOf } from "./admin/usage";
import { newAccessToken, signProxyQuery, signSessionToken, verifySessionToken } from "./auth";
import type { Customer, ShopState } from "./state/model";
import { DevStore, StoreError } from "./state/store";
import { loadExtensions, type ThemeExtension } from "./storefront/extensions";
import { contentPage, escapeHtml, homePage, layout, loginPage, productPage } from "./storefront/pages";
import { STOREFRONT_LOCALES, type RenderContext } from "./storefront/theme";
import { SaleSimulator } from "./simulator";
import { WebhookDispatcher, type ChaosSettings } from "./webhooks/dispatcher";

// The local Shopify: Admin GraphQL (with auth, cost and throttling), token exchange, signed webhooks to the
// app, a storefront with the app's theme blocks and a signing app proxy, a stand-in for the Shopify admin that
// embeds the app, and a control API (/_devstore/*) for scripts and tests. Dev tooling only: it listens on
// loopback and is never part of the production build.

export const SUPPORTED_API_VERSIONS = new Set(["2025-10", "2026-01", "2026-04", "2026-07", "2026-10"]);
export const PROXY_PREFIX = "/apps/omnistock";

export interface DevStoreOptions {
  port?: number;
  host?: string;
  app: { apiKey: string; apiSecret: string; url: string; scopes: string[] };
  /** The app's webhook topics (shopify.app.toml). */
  topics: Set<string>;
  extensionsDir: string;
  /** The shop the storefront at / serves. */
  storefrontShop?: string;
  chaos?: ChaosSettings;
  bucket?: BucketOptions;
  retryDelaysMs?: number[];
  /** Whether access tokens expire (the app's expiringOfflineAccessTokens). */
  tokenLifetimeSeconds?: number;
  /** How long a bulk operation takes to complete (default 300 ms). */
  bulkDelayMs?: number;
}

export interface Installation {
  shop: string;
  accessToken: string;
  refreshToken: string;
  scopes: string[];
  expiresAt: number | null;
}

export interface RunningDevStore {
  url: string;
  store: DevStore;
  dispatcher: WebhookDispatcher;
  simulator: SaleSimulator;
  throttles: ThrottleRegistry;
  /** Admin API requests, points (extensions.cost) and THROTTLED answers per shop, for benchmarks. */
  usage: AdminUsage;
  /** Bulk operations: their state, and settings tests change (delay, injected failures). */
  bulk: BulkOperations;
  installations: Map<string, Installation>;
  /** Points webhooks and the app proxy at the app (once it is listening). */
  setAppUrl(url: string): void;
  /** Installs the app on a shop directly (what Shopify-managed installation does) and returns the token. */
  install(shop: string): Installation;
  close(): Promise<void>;
}

const json = (res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { "Content-Type": "application/json; charset=utf-8", ...headers });
  res.end(JSON.stringify(body));
};
const html = (res: http.ServerResponse, status: number, body: string) => {
  res.writeHead(status, { "Content-Type": "text/html; charset=utf-8" });
  res.end(body);
};

async function readBody(req: http.IncomingMessage, limit = 10 * 1024 * 1024): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new StoreError("Request body too large", "TOO_LARGE");
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function parseForm(body: Buffer, contentType: string | undefined): Record<string, string> {
  if (contentType?.includes("application/json")) return JSON.parse(body.toString("utf8") || "{}") as Record<string, string>;
  return Object.fromEntries(new URLSearchParams(body.toString("utf8")));
}

const saleSchema = z.object({
  lineItems: z
    .array(z.object({ variantId: z.string().optional(), sku: z.string().optional(), quantity: z.number().int().min(1) }))
    .min(1),
  locationId: z.string().optional(),
  sourceName: z.string().optional(),
  customerId: z.string().optional(),
  inventoryBehaviour: z.enum(["BYPASS", "DECREMENT_IGNORING_POLICY", "DECREMENT_OBEYING_POLICY"]).optional(),
});

const chaosSchema = z.object({
  duplicate: z.number().min(0).max(1).default(0),
  drop: z.number().min(0).max(1).default(0),
  delayMs: z.tuple([z.number().min(0), z.number().min(0)]).default([0, 0]),
});

export async function startDevStore(options: DevStoreOptions, store = new DevStore()): Promise<RunningDevStore> {
  const app = { ...options.app };
  const throttles = new ThrottleRegistry(options.bucket);
  const usage = new AdminUsage();
  const idempotency = new IdempotencyRegistry();
  let origin = "";
  const bulk = new BulkOperations({ store, baseUrl: () => origin, delayMs: options.bulkDelayMs });
  const installations = new Map<string, Installation>();
  const byShop = new Map<string, Installation>();
  const dispatcher = new WebhookDispatcher({
    endpoint: `${app.url}/webhooks`,
    secret: app.apiSecret,
    apiVersion: "2026-10",
    topics: options.topics,
    chaos: options.chaos,
    retryDelaysMs: options.retryDelaysMs,
  });
  store.on("event", (event) => dispatcher.handle(event));
  const cookieSecret = createHmac("sha256", app.apiSecret).update("devstore-cookies").digest();
  let extensions: ThemeExtension[] = loadExtensions(options.extensionsDir);

  const install = (shop: string): Installation => {
    store.shop(shop);
    const previous = byShop.get(shop);
    if (previous) installations.delete(previous.accessToken);
    const installation: Installation = {
      shop,
      accessToken: newAccessToken("shpat"),
      refreshToken: newAccessToken("shprt"),
      scopes: app.scopes,
      expiresAt: options.tokenLifetimeSeconds ? Date.now() + options.tokenLifetimeSeconds * 1000 : null,
    };
    installations.set(installation.accessToken, installation);
    byShop.set(shop, installation);
    return installation;
  };

  const storefrontShop = (): ShopState => store.shop(options.storefrontShop ?? [...store.shops.keys()][0]!);
  const homeDomain = () => storefrontShop().domain;
  const simulator = new SaleSimulator(store, {
    get home() {
      return homeDomain();
    },
    get connected() {
      return [...store.shops.keys()].filter((domain) => domain !== homeDomain());
    },
  });

  const customerFrom = (req: http.IncomingMessage, shop: ShopState): Customer | null => {
    const cookie = /(?:^|;\s*)devstore_customer=([^;]+)/.exec(req.headers.cookie ?? "")?.[1];
    if (!cookie) return null;
    const [id, mac] = decodeURIComponent(cookie).split(".");
    const expected = createHmac("sha256", cookieSecret).update(`${shop.domain}:${id}`).digest("base64url");
    if (!mac || mac.length !== expected.length || !timingSafeEqual(Buffer.from(mac), Buffer.from(expected))) return null;
    return shop.customers.get(id!) ?? null;
  };

  // ------------------------------------------------------------------ Admin API

  async function adminGraphql(req: http.IncomingMessage, res: http.ServerResponse, version: string) {
    if (!SUPPORTED_API_VERSIONS.has(version)) return json(res, 404, { errors: "Not Found" });
    const installation = installations.get(String(req.headers["x-shopify-access-token"] ?? ""));
    if (!installation || (installation.expiresAt !== null && installation.expiresAt < Date.now())) {
      return json(res, 401, { errors: "[API] Invalid API key or access token (unrecognized login or wrong password)" });
    }
    let body: { query?: unknown; variables?: unknown; operationName?: unknown };
    try {
      body = JSON.parse((await readBody(req)).toString("utf8")) as typeof body;
    } catch {
      return json(res, 400, { errors: { query: "Required parameter missing or invalid" } });
    }
    if (typeof body.query !== "string") return json(res, 400, { errors: { query: "Required parameter missing or invalid" } });
    const result = await executeAdminRequest(
      {
        query: body.query,
        variables: (body.variables ?? {}) as Record<string, unknown>,
        operationName: typeof body.operationName === "string" ? body.operationName : undefined,
      },
      { store, shopDomain: installation.shop, appKey: app.apiKey, apiVersion: version },
      { store, throttles, idempotency, bulk },
    );
    usage.record(installation.shop, operationNameOf(body.query, typeof body.operationName === "string" ? body.operationName : null), result.body);
    json(res, result.status, result.body);
  }

  async function tokenExchange(req: http.IncomingMessage, res: http.ServerResponse) {
    const form = parseForm(await readBody(req), req.headers["content-type"]);
    if (form.client_id !== app.apiKey || form.client_secret !== app.apiSecret) {
      return json(res, 400, { error: "invalid_client", error_description: "Client credentials are invalid" });
    }
    let installation: Installation | undefined;
    if (form.grant_type === "urn:ietf:params:oauth:grant-type:token-exchange") {
      const shop = verifySessionToken(String(form.subject_token ?? ""), app.apiKey, app.apiSecret);
      if (!shop || !store.shops.has(shop)) {
        return json(res, 400, { error: "invalid_subject_token", error_description: "The session token is invalid" });
      }
      installation = byShop.get(shop) ?? install(shop);
    } else if (form.grant_type === "refresh_token") {
      const current = [...byShop.values()].find((i) => i.refreshToken === form.refresh_token);
      if (!current) return json(res, 400, { error: "invalid_grant", error_description: "The refresh token is invalid" });
      installation = install(current.shop);
    } else {
      return json(res, 400, { error: "unsupported_grant_type" });
    }
    json(res, 200, {
      access_token: installation.accessToken,
      scope: installation.scopes.join(","),
      ...(installation.expiresAt
        ? {
            expires_in: Math.floor((installation.expiresAt - Date.now()) / 1000),
            refresh_token: installation.refreshToken,
            refresh_token_expires_in: 90 * 24 * 3600,
          }
        : {}),
    });
  }

  // ------------------------------------------------------------------ storefront

  async function appProxy(req: http.IncomingMessage, res: http.ServerResponse, url: URL, rest: string, ctx: RenderContext) {
    const params: [string, string][] = [...url.searchParams.entries()].filter(
      ([key]) => !["shop", "logged_in_customer_id", "path_prefix", "timestamp", "signature"].includes(key),
    );
    params.push(
      ["shop", ctx.shop.domain],
      ["logged_in_customer_id", ctx.customer?.id ?? ""],
      ["path_prefix", PROXY_PREFIX],
      ["timestamp", String(Math.floor(Date.now() / 1000))],
    );
    params.push(["signature", signProxyQuery(params, app.apiSecret)]);
    const target = `${app.url}/proxy/${rest}?${new URLSearchParams(params).toString()}`;
    const headers: Record<string, string> = {
      "X-Forwarded-For": req.socket.remoteAddress ?? "127.0.0.1",
      "X-Forwarded-Host": ctx.shop.domain,
      "User-Agent": String(req.headers["user-agent"] ?? "Shopify/AppProxy"),
      Accept: String(req.headers.accept ?? "*/*"),
    };
    for (const name of ["content-type", "if-none-match", "if-modified-since", "accept-language"]) {
      if (req.headers[name]) headers[name] = String(req.headers[name]);
    }
    let upstream: Response;
    try {
      upstream = await fetch(target, {
        method: req.method,
        headers, // Cookies are stripped both ways, as Shopify does.
        body: req.method === "GET" || req.method === "HEAD" ? undefined : new Uint8Array(await readBody(req)),
        redirect: "manual",
      });
    } catch {
      return html(res, 502, layout("Unavailable", "<h1>The app did not answer</h1>", ctx));
    }
    const type = upstream.headers.get("content-type") ?? "";
    const outHeaders: Record<string, string> = {};
    for (const name of ["content-type", "cache-control", "etag", "last-modified", "location", "vary", "allow"]) {
      const value = upstream.headers.get(name);
      if (value) outHeaders[name] = value;
    }
    if (type.startsWith("application/liquid")) {
      // Shopify renders Liquid answers inside the theme.
      const { Liquid } = await import("liquidjs");
      const rendered = await new Liquid().parseAndRender(await upstream.text(), { shop: { name: ctx.shop.name } });
      return html(res, upstream.status, layout(ctx.shop.name, rendered, ctx));
    }
    res.writeHead(upstream.status, outHeaders);
    res.end(Buffer.from(await upstream.arrayBuffer()));
  }

  async function storefront(req: http.IncomingMessage, res: http.ServerResponse, url: URL) {
    let pathname = url.pathname;
    let locale = "en";
    const localePrefix = /^\/([a-z]{2}(?:-[A-Z]{2})?)(\/.*|$)/.exec(pathname);
    if (localePrefix && (STOREFRONT_LOCALES as readonly string[]).includes(localePrefix[1]!)) {
      locale = localePrefix[1]!;
      pathname = localePrefix[2] || "/";
    }
    const shop = storefrontShop();
    const ctx: RenderContext = { store, shop, locale, customer: customerFrom(req, shop), extensions };

    if (pathname.startsWith(`${PROXY_PREFIX}/`) || pathname === PROXY_PREFIX) {
      return appProxy(req, res, url, pathname.slice(PROXY_PREFIX.length + 1), ctx);
    }
    const asset = /^\/extensions\/([\w-]+)\/assets\/([\w.-]+)$/.exec(pathname);
    if (asset) {
      const file = path.join(options.extensionsDir, asset[1]!, "assets", asset[2]!);
      if (!existsSync(file) || !statSync(file).isFile()) return html(res, 404, "Not found");
      const types: Record<string, string> = { ".js": "text/javascript", ".css": "text/css", ".svg": "image/svg+xml", ".json": "application/json" };
      res.writeHead(200, { "Content-Type": types[path.extname(file)] ?? "application/octet-stream", "Cache-Control": "no-cache" });
      return void createReadStream(file).pipe(res);
    }
    if (pathname === "/") return html(res, 200, homePage(store, ctx));
    const product = /^\/products\/([\w-]+)$/.exec(pathname);
    if (product) {
      const found = [...shop.products.values()].find((p) => p.handle === product[1]);
      if (!found) return html(res, 404, layout("Not found", "<h1>Product not found</h1>", ctx));
      const variantId = url.searchParams.get("variant");
      const variant = variantId ? shop.variants.get(variantId) : undefined;
      extensions = loadExtensions(options.extensionsDir); // pick up rebuilt widgets without a restart
      return html(res, 200, await productPage(store, { ...ctx, extensions }, found, variant?.productId === found.id ? variant : undefined));
    }
    const page = /^\/pages\/([\w-]+)$/.exec(pathname);
    if (page) {
      extensions = loadExtensions(options.extensionsDir);
      return html(res, 200, await contentPage({ ...ctx, extensions }, page[1]!));
    }
    if (pathname === "/account/login" && req.method === "POST") {
      const form = parseForm(await readBody(req), req.headers["content-type"]);
      const customer = [...shop.customers.values()].find((c) => c.email === form.email && c.password === form.password);
      if (!customer) return html(res, 401, loginPage(ctx, "Incorrect email or password."));
      const mac = createHmac("sha256", cookieSecret).update(`${shop.domain}:${customer.id}`).digest("base64url");
      res.writeHead(303, { Location: "/", "Set-Cookie": `devstore_customer=${customer.id}.${mac}; Path=/; HttpOnly; SameSite=Lax` });
      return void res.end();
    }
    if (pathname === "/account/login") return html(res, 200, loginPage(ctx));
    if (pathname === "/account/logout") {
      res.writeHead(303, { Location: "/", "Set-Cookie": "devstore_customer=; Path=/; Max-Age=0" });
      return void res.end();
    }
    html(res, 404, layout("Not found", "<h1>Page not found</h1>", ctx));
  }

  // ------------------------------------------------------------------ stand-in for the Shopify admin

  function adminHome(res: http.ServerResponse) {
    const rows = [...store.shops.values()]
      .map((shop) => {
        const handle = shop.domain.replace(".myshopify.com", "");
        return `<li><a href="/store/${handle}/apps/omnistock">${escapeHtml(shop.name)}</a> <code>${escapeHtml(shop.domain)}</code></li>`;
      })
      .join("");
    html(res, 200, `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Dev store admin</title></head><body style="font-family:system-ui;margin:2rem"><h1>Dev store admin</h1><p>Open Omnistock in a shop:</p><ul>${rows}</ul></body></html>`);
  }

  function embeddedApp(res: http.ServerResponse, shop: ShopState, url: URL) {
    const handle = shop.domain.replace(".myshopify.com", "");
    const host = Buffer.from(`admin.shopify.com/store/${handle}`).toString("base64url");
    const appPath = url.searchParams.get("path") ?? "/app";
    const query = new URLSearchParams({ embedded: "1", shop: shop.domain, host, locale: "en", id_token: signSessionToken(shop.domain, app.apiKey, app.apiSecret) });
    const src = `${app.url}${appPath}?${query.toString()}`;
    html(
      res,
      200,
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(shop.name)} · Omnistock</title>
<style>body{margin:0;font-family:system-ui;display:grid;grid-template-rows:auto 1fr;height:100vh}header{background:#1a1a1a;color:#fff;padding:.6rem 1rem;display:flex;gap:1.5rem;align-items:center}nav a{color:#fff;margin-right:1rem}iframe{border:0;width:100%;height:100%}</style></head>
<body><header><strong>${escapeHtml(shop.name)}</strong> · Shopify admin (dev store) <nav id="app-nav" aria-label="Omnistock"></nav></header>
<iframe id="app" title="Omnistock" src="${escapeHtml(src)}"></iframe>
<script>
  // App Bridge's role: hand the embedded app fresh session tokens when it asks, and show its navigation.
  const freshToken = async () => (await (await fetch("/store/${handle}/id-token")).json()).token;
  addEventListener("message", async (event) => {
    if (event.data?.type === "omnistock:id-token") {
      event.source.postMessage({ type: "omnistock:id-token", id: event.data.id, token: await freshToken() }, event.origin);
    }
    if (event.data?.type === "omnistock:nav") {
      const nav = document.getElementById("app-nav");
      nav.replaceChildren(...event.data.links.map((link) => {
        const a = document.createElement("a");
        a.textContent = link.text;
        a.href = "?path=" + encodeURIComponent(link.href);
        return a;
      }));
    }
  });
</script></body></html>`,
    );
  }

  // ------------------------------------------------------------------ control API for scripts and tests

  async function control(req: http.IncomingMessage, res: http.ServerResponse, url: URL) {
    const parts = url.pathname.split("/").filter(Boolean).slice(1);
    const body = async () => {
      const raw = (await readBody(req)).toString("utf8");
      return raw ? (JSON.parse(raw) as unknown) : {};
    };
    if (parts[0] === "state" && req.method === "GET") {
      return json(res, 200, {
        shops: [...store.shops.values()].map((shop) => ({
          domain: shop.domain,
          name: shop.name,
          products: shop.products.size,
          variants: shop.variants.size,
          locations: [...shop.locations.values()].map((l) => ({ id: l.id, name: l.name, kind: l.kind })),
          orders: shop.orders.size,
          installed: byShop.has(shop.domain),
        })),
      });
    }
    if (parts[0] === "chaos" && req.method === "PUT") {
      const parsed = chaosSchema.safeParse(await body());
      if (!parsed.success) return json(res, 400, { error: parsed.error.issues[0]?.message });
      dispatcher.chaos = parsed.data;
      return json(res, 200, dispatcher.chaos);
    }
    if (parts[0] === "throttle" && req.method === "PUT") {
      const parsed = z.object({ maximumAvailable: z.number().positive().optional(), restoreRate: z.number().positive().optional() }).safeParse(await body());
      if (!parsed.success) return json(res, 400, { error: parsed.error.issues[0]?.message });
      throttles.configureAll(parsed.data);
      return json(res, 200, parsed.data);
    }
    if (parts[0] === "simulator") {
      if (req.method === "PUT") {
        const parsed = z.object({ running: z.boolean().optional(), ordersPerMinute: z.number().min(1).max(6000).optional() }).safeParse(await body());
        if (!parsed.success) return json(res, 400, { error: parsed.error.issues[0]?.message });
        simulator.configure(parsed.data);
      }
      return json(res, 200, simulator.status);
    }
    if (parts[0] === "settle" && req.method === "POST") {
      await dispatcher.settle();
      return json(res, 200, { deliveries: dispatcher.deliveries.length });
    }
    if (parts[0] === "deliveries" && req.method === "GET") return json(res, 200, dispatcher.deliveries);
    if (parts[0] === "bulk-operations") {
      if (req.method === "PUT") {
        const parsed = z
          .object({ delayMs: z.number().min(0).max(3_600_000).optional(), fail: z.enum(["ACCESS_DENIED", "INTERNAL_SERVER_ERROR", "TIMEOUT"]).nullable().optional() })
          .safeParse(await body());
        if (!parsed.success) return json(res, 400, { error: parsed.error.issues[0]?.message });
        if (parsed.data.delayMs !== undefined) bulk.settings.delayMs = parsed.data.delayMs;
        if (parsed.data.fail !== undefined) bulk.settings.fail = parsed.data.fail;
      }
      return json(res, 200, {
        settings: bulk.settings,
        operations: [...bulk.operations.values()].map(({ lines: _lines, isRoot: _roots, body: _body, token: _token, partialToken: _partial, ...op }) => op),
      });
    }
    if (parts[0] === "shops" && parts[1]) {
      const shop = store.shops.get(parts[1]);
      if (!shop) return json(res, 404, { error: `No shop ${parts[1]}` });
      if (parts[2] === "install" && req.method === "POST") {
        const installation = install(shop.domain);
        return json(res, 200, { accessToken: installation.accessToken, scopes: installation.scopes });
      }
      if (parts[2] === "uninstall" && req.method === "POST") {
        // The merchant removes the app: its token stops working and app/uninstalled is sent.
        const installation = byShop.get(shop.domain);
        if (installation) installations.delete(installation.accessToken);
        byShop.delete(shop.domain);
        store.emitEvent(shop.domain, "app/uninstalled", { id: 1, name: shop.name, email: shop.email, domain: null, myshopify_domain: shop.domain });
        return json(res, 200, { uninstalled: true });
      }
      if (parts[2] === "sales" && req.method === "POST") {
        const parsed = saleSchema.safeParse(await body());
        if (!parsed.success) return json(res, 400, { error: parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ") });
        try {
          const lineItems = parsed.data.lineItems.map((line) => {
            const variant = line.variantId
              ? shop.variants.get(line.variantId.replace(/^gid:\/\/shopify\/ProductVariant\//, ""))
              : [...shop.variants.values()].find((v) => v.sku === line.sku);
            if (!variant) throw new StoreError(`No variant ${line.variantId ?? line.sku}`, "INVALID");
            return { variantId: variant.id, quantity: line.quantity };
          });
          const order = store.createOrder(shop.domain, {
            lineItems,
            locationId: parsed.data.locationId,
            sourceName: parsed.data.sourceName,
            customerId: parsed.data.customerId,
            inventoryBehaviour: parsed.data.inventoryBehaviour ?? "DECREMENT_OBEYING_POLICY",
          });
          return json(res, 201, { id: order.id, name: order.name });
        } catch (error) {
          if (error instanceof StoreError) return json(res, 409, { error: error.message, code: error.code });
          throw error;
        }
      }
      if (parts[2] === "webhooks" && parts[3] && parts[4] && req.method === "POST") {
        const topic = `${parts[3]}/${parts[4]}`;
        const payload = (await body()) as Record<string, unknown>;
        const record = dispatcher.handle({ shop: shop.domain, topic, payload, triggeredAt: new Date().toISOString() }, true);
        return json(res, 202, record);
      }
      if (parts[2] === "inventory-history" && req.method === "GET") return json(res, 200, store.inventoryHistory(shop.domain));
    }
    json(res, 404, { error: "Unknown dev store control route" });
  }

  // ------------------------------------------------------------------ routing

  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://devstore.local");
    try {
      const graphqlPath = /^\/admin\/api\/([\w-]+)\/graphql\.json$/.exec(url.pathname);
      if (graphqlPath && req.method === "POST") return await adminGraphql(req, res, graphqlPath[1]!);
      if (url.pathname === "/admin/oauth/access_token" && req.method === "POST") return await tokenExchange(req, res);
      if (url.pathname.startsWith(BULK_RESULT_PATH) && req.method === "GET") {
        // A bulk operation's JSONL: the random path is the only key, as with Shopify's signed storage URLs.
        const file = bulk.file(url.pathname.slice(BULK_RESULT_PATH.length).replace(/\.jsonl$/, ""));
        if (file === undefined) return json(res, 404, { error: "Not found" });
        if (file === "expired") return json(res, 403, { error: "Request has expired" });
        res.writeHead(200, { "Content-Type": "application/jsonl", "Content-Length": String(file.length) });
        return void res.end(file);
      }
      if (url.pathname === "/admin") return adminHome(res);
      const embedded = /^\/store\/([\w-]+)\/(apps\/omnistock|id-token)$/.exec(url.pathname);
      if (embedded) {
        const shop = store.shops.get(`${embedded[1]}.myshopify.com`);
        if (!shop) return json(res, 404, { error: "No such shop" });
        if (embedded[2] === "id-token") return json(res, 200, { token: signSessionToken(shop.domain, app.apiKey, app.apiSecret) });
        if (!byShop.has(shop.domain)) install(shop.domain);
        return embeddedApp(res, shop, url);
      }
      if (url.pathname === "/app-bridge-shim.js") {
        res.writeHead(200, { "Content-Type": "text/javascript", "Cache-Control": "no-cache" });
        return void res.end(APP_BRIDGE_SHIM);
      }
      if (url.pathname.startsWith("/_devstore/")) return await control(req, res, url);
      return await storefront(req, res, url);
    } catch (error) {
      if (!res.headersSent) json(res, error instanceof StoreError ? 400 : 500, { error: (error as Error).message });
      else res.end();
    }
  });
  // Node closes an idle keep-alive connection after 5 s, and a client that reuses it at that moment gets
  // ECONNRESET (a bulk read waits, stores and polls with gaps that long). Shopify keeps connections longer.
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, options.host ?? "127.0.0.1", resolve));
  const address = server.address() as AddressInfo;
  origin = `http://${options.host ?? "127.0.0.1"}:${address.port}`;
  return {
    url: origin,
    store,
    dispatcher,
    simulator,
    throttles,
    usage,
    bulk,
    installations,
    install,
    setAppUrl: (url: string) => {
      app.url = url.replace(/\/+$/, "");
      dispatcher.endpoint = `${app.url}/webhooks`;
    },
    close: async () => {
      simulator.stop();
      bulk.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
    },
  };
}

// Loaded by the embedded app in demo mode: what App Bridge does for session tokens. Same-origin fetches get
// `Authorization: Bearer <session token>`, fetched from the parent (the dev store admin) when needed.
const APP_BRIDGE_SHIM = `(() => {
  if (window.top === window) return;
  let cached = null;
  const waiting = new Map();
  addEventListener("message", (event) => {
    if (event.data?.type !== "omnistock:id-token") return;
    waiting.get(event.data.id)?.(event.data.token);
    waiting.delete(event.data.id);
  });
  const idToken = () => {
    if (cached && cached.expires > Date.now()) return Promise.resolve(cached.token);
    const id = Math.random().toString(36).slice(2);
    return new Promise((resolve) => {
      waiting.set(id, (token) => { cached = { token, expires: Date.now() + 45000 }; resolve(token); });
      window.parent.postMessage({ type: "omnistock:id-token", id }, "*");
    });
  };
  const originalFetch = window.fetch.bind(window);
  window.fetch = async (input, init = {}) => {
    const url = new URL(typeof input === "string" ? input : input.url, location.href);
    if (url.origin !== location.origin) return originalFetch(input, init);
    const headers = new Headers(init.headers || (typeof input === "string" ? undefined : input.headers));
    headers.set("Authorization", "Bearer " + (await idToken()));
    return originalFetch(input, { ...init, headers });
  };
  window.shopify = window.shopify || { idToken, toast: { show: (message) => console.info(message) }, config: {} };
  // The app's <ui-nav-menu> shows in the admin's chrome, not in the page.
  if (!customElements.get("ui-nav-menu")) {
    customElements.define("ui-nav-menu", class extends HTMLElement {
      connectedCallback() {
        this.style.display = "none";
        // Children are parsed after the element connects: report them once the document is complete.
        const report = () => {
          const links = [...this.querySelectorAll("a")].map((a) => ({ href: a.getAttribute("href"), text: a.textContent }));
          window.parent.postMessage({ type: "omnistock:nav", links }, "*");
        };
        if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", report, { once: true });
        else report();
      }
    });
  }
})();`;
