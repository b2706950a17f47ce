import type { Logger } from "../observability/logger.server";
import type { AdminClient } from "../shopify/admin-client.server";
import { currentInstallation, setAppMetafields } from "./admin-operations";
import { widgetKey } from "./availability";

// What the theme app extensions need from the app, published as app-data metafields (namespace "omnistock"):
// `widget_key`, the key blocks sign their settings with, and `proxy_path`, where the app proxy is. No Liquid
// object gives the proxy path, and merchants can rename it, so the app republishes it whenever a storefront
// request arrives through another path (Shopify's path_prefix tells).

export const DEFAULT_PROXY_PATH = "apps/omnistock";

/** Proxy paths published per shop by this process, so a path is written once, not on every request. */
const published = new Map<string, string>();

export async function publishStorefrontSettings(admin: AdminClient, appSecret: string, proxyPath = DEFAULT_PROXY_PATH): Promise<void> {
  const { data } = await admin.run(currentInstallation, {});
  const ownerId = data.currentAppInstallation.id;
  const field = (key: string, value: string) => ({ ownerId, namespace: "omnistock", key, type: "single_line_text_field" as const, value });
  const result = await admin.run(setAppMetafields, {
    metafields: [field("widget_key", widgetKey(appSecret, admin.shop)), field("proxy_path", proxyPath)],
  });
  const errors = result.data.metafieldsSet.userErrors;
  if (errors.length) throw new Error(`Shopify refused the storefront settings: ${errors.map((e) => e.message).join("; ")}`);
  published.set(admin.shop, proxyPath);
}

/** "/apps/omnistock" (Shopify's path_prefix) as the metafield holds it: "apps/omnistock". */
export function proxyPathOf(pathPrefix: string | null): string | null {
  if (!pathPrefix) return null;
  const path = pathPrefix.replace(/^\/+|\/+$/g, "");
  return /^[A-Za-z0-9_-]+\/[A-Za-z0-9_.-]+$/.test(path) ? path : null;
}

/** Republishes the proxy path when a shopper's request shows the merchant renamed it (at most once per change). */
export function noticeProxyPath(
  shop: string,
  pathPrefix: string | null,
  deps: { adminFor: (shop: string) => Promise<AdminClient | null>; appSecret: string; logger: Logger },
): void {
  const path = proxyPathOf(pathPrefix);
  if (!path || published.get(shop) === path) return;
  published.set(shop, path);
  void (async () => {
    const admin = await deps.adminFor(shop);
    if (admin) await publishStorefrontSettings(admin, deps.appSecret, path);
  })().catch((error: unknown) => {
    published.delete(shop);
    deps.logger.warn("Could not publish the app proxy path for the storefront widgets; they keep the previous one", {
      shop,
      error: error instanceof Error ? error.message : String(error),
    });
  });
}
