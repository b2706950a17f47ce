import { setAbstractFetchFunc } from "@shopify/shopify-api/runtime";

// With SHOPIFY_ADMIN_API_ORIGIN set (the demo and tests point it at the local dev store), every request
// Shopify's library makes to https://{shop}/admin/... (token exchange, GraphQL) goes to that origin instead.
// Our own Admin client reads the same setting, so one variable moves the whole app.

const SHOP_HOST = /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/;

export function routeAdminRequestsTo(origin: string, baseFetch: typeof fetch = globalThis.fetch): void {
  setAbstractFetchFunc(async (input, init) => {
    const url = new URL(typeof input === "string" ? input : input instanceof URL ? input.href : input.url);
    if (SHOP_HOST.test(url.hostname) && url.pathname.startsWith("/admin/")) {
      return baseFetch(`${origin}${url.pathname}${url.search}`, init);
    }
    return baseFetch(input, init);
  });
}
