import "@shopify/shopify-app-remix/adapters/node";
import {
  ApiVersion,
  AppDistribution,
  LogSeverity,
  shopifyApp,
} from "@shopify/shopify-app-remix/server";
import { PrismaSessionStorage } from "@shopify/shopify-app-session-storage-prisma";
import { EncryptedSessionStorage } from "./auth/encrypted-session-storage.server";
import { config } from "./config.server";
import { db } from "./db.server";
import { SecretBox } from "./security/secrets.server";
import { logger } from "./observability/logger.server";
import { createAdminClient } from "./shopify/admin-client.server";
import { routeAdminRequestsTo } from "./shopify/admin-origin.server";
import { adminClientFor } from "./shopify/admin-session.server";
import { reconcileShop } from "./sync/reconcile.server";
import { recordInstall, refreshShopDetails } from "./shops/installation.server";
import { ACCESS_SCOPES } from "./shopify/scopes";
import { publishStorefrontSettings } from "./storefront-proxy/storefront-settings.server";


const settings = config();

export const secretBox = new SecretBox(settings.OMNISTOCK_ENCRYPTION_KEY);

if (settings.SHOPIFY_ADMIN_API_ORIGIN) routeAdminRequestsTo(settings.SHOPIFY_ADMIN_API_ORIGIN);

const shopify = shopifyApp({
  apiKey: settings.SHOPIFY_API_KEY,
  apiSecretKey: settings.SHOPIFY_API_SECRET,
  apiVersion: ApiVersion.October26,
  scopes: [...ACCESS_SCOPES],
  appUrl: settings.SHOPIFY_APP_URL,
  authPathPrefix: "/auth",
  sessionStorage: new EncryptedSessionStorage(new PrismaSessionStorage(db()), secretBox),
  distribution: AppDistribution.AppStore,
  future: {
    unstable_newEmbeddedAuthStrategy: true,
    expiringOfflineAccessTokens: true,
  },
  hooks: {
    afterAuth: async ({ session }) => {
      if (session.isOnline) return;
      await recordInstall(db(), session.shop, session.scope);
      const admin = createAdminClient({
        shop: session.shop,
        accessToken: session.accessToken ?? "",
        origin: settings.SHOPIFY_ADMIN_API_ORIGIN,
      });
      await refreshShopDetails(db(), admin, logger);
      // The storefront widgets read their signing key and the proxy path from app-data metafields.
      await publishStorefrontSettings(admin, settings.SHOPIFY_API_SECRET).catch((error: unknown) =>
        logger.warn("Could not publish the storefront widgets' settings; they show levels only until the next install", {
          shop: session.shop,
          error: error instanceof Error ? error.message : String(error),
        }),
      );
      // Read the catalog in the background: the merchant does not wait for it, and its run shows progress.
      void reconcileShop({ db: db(), logger, adminFor: adminClientFor }, session.shop, "install");
    },
  },
  logger: { level: settings.LOG_LEVEL === "debug" ? LogSeverity.Debug : LogSeverity.Warning },
  ...(settings.SHOP_CUSTOM_DOMAIN ? { customShopDomains: [settings.SHOP_CUSTOM_DOMAIN] } : {}),
});

export default shopify;
/**
 * Shopify's headers for documents (CSP frame-ancestors limited to the shop's admin). In demo mode the
 * local dev store's admin embeds the app, so its origin may frame it too.
 */
export function addDocumentResponseHeaders(request: Request, headers: Headers) {
  shopify.addDocumentResponseHeaders(request, headers);
  const csp = headers.get("Content-Security-Policy");
  if (settings.OMNISTOCK_DEMO && settings.SHOPIFY_ADMIN_API_ORIGIN && csp?.includes("frame-ancestors")) {
    headers.set("Content-Security-Policy", csp.replace("frame-ancestors", `frame-ancestors ${settings.SHOPIFY_ADMIN_API_ORIGIN}`));
  }
}
export const authenticate = shopify.authenticate;
export const unauthenticated = shopify.unauthenticated;
export const login = shopify.login;
export const registerWebhooks = shopify.registerWebhooks;
export const sessionStorage = shopify.sessionStorage;
