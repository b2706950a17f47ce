import type { Database } from "../db.server";
import type { Logger } from "../observability/logger.server";
import { isShopDomain } from "../shopify/shop-domain";
import { verifyProxyRequest } from "./signature.server";

// Every storefront request reaches the app as /proxy/<path> through Shopify's app proxy. This router is
// the only way into a proxy handler, and it verifies the signature first: no handler can be reached
// without a valid, fresh, unrepeated signature.

export interface ProxyContext {
  request: Request;
  url: URL;
  /** The shop the request was signed for. Every query a handler makes is scoped to it. */
  shop: string;
  /** The logged-in shopper, or null for an anonymous visitor. */
  loggedInCustomerId: string | null;
  /** What the shopper's URL started with (merchants can rename the prefix and subpath). */
  pathPrefix: string | null;
  params: Record<string, string>;
  db: Database;
  logger: Logger;
}

export type ProxyHandler = (ctx: ProxyContext) => Promise<Response> | Response;

interface ProxyRoute {
  method: "GET" | "POST";
  segments: string[];
  handler: ProxyHandler;
}

export interface ProxyDeps {
  db: Database;
  logger: Logger;
  secret: string;
  customShopDomain?: string;
  now?: () => number;
}

export function json(body: unknown, init: ResponseInit = {}): Response {
  const headers = new Headers(init.headers);
  headers.set("Content-Type", "application/json; charset=utf-8");
  if (!headers.has("Cache-Control")) headers.set("Cache-Control", "private, no-store");
  return new Response(JSON.stringify(body), { ...init, headers });
}

export class ProxyRouter {
  readonly #routes: ProxyRoute[] = [];

  /** Registers a handler for a path such as "availability/:variantId" (relative to /proxy/). */
  on(method: ProxyRoute["method"], path: string, handler: ProxyHandler): this {
    this.#routes.push({ method, segments: path.split("/").filter(Boolean), handler });
    return this;
  }

  async handle(request: Request, path: string, deps: ProxyDeps): Promise<Response> {
    const url = new URL(request.url);
    const verdict = verifyProxyRequest(url.searchParams, deps.secret, deps.now?.());
    if (!verdict.ok) {
      deps.logger.debug("App proxy request refused", { reason: verdict.reason, path });
      return json({ error: "unauthorized" }, { status: 401 });
    }
    if (!isShopDomain(verdict.shop, deps.customShopDomain)) return json({ error: "unauthorized" }, { status: 401 });

    const segments = path.split("/").filter(Boolean);
    const matches = this.#routes
      .map((route) => ({ route, params: matchSegments(route.segments, segments) }))
      .filter((m): m is { route: ProxyRoute; params: Record<string, string> } => m.params !== null);
    if (matches.length === 0) return json({ error: "not_found" }, { status: 404 });
    const match = matches.find((m) => m.route.method === request.method);
    if (!match) {
      return json(
        { error: "method_not_allowed" },
        { status: 405, headers: { Allow: [...new Set(matches.map((m) => m.route.method))].join(", ") } },
      );
    }
    return match.route.handler({
      request,
      url,
      shop: verdict.shop,
      loggedInCustomerId: verdict.loggedInCustomerId,
      pathPrefix: verdict.pathPrefix,
      params: match.params,
      db: deps.db,
      logger: deps.logger.child({ shop: verdict.shop }),
    });
  }
}

function matchSegments(pattern: string[], actual: string[]): Record<string, string> | null {
  if (pattern.length !== actual.length) return null;
  const params: Record<string, string> = {};
  for (const [index, part] of pattern.entries()) {
    const value = actual[index]!;
    if (part.startsWith(":")) params[part.slice(1)] = decodeURIComponent(value);
    else if (part !== value) return null;
  }
  return params;
}
