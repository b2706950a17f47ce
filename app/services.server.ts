import { config } from "./config.server";
import { databaseKind, databaseUrl, db } from "./db.server";
import { notifyWebhookStored } from "./jobs/signals.server";
import { logger } from "./observability/logger.server";
import { adminClientFor } from "./shopify/admin-session.server";
import type { ProxyDeps } from "./storefront-proxy/router.server";
import { deliveryWriter } from "./webhooks/delivery-writer.server";
import type { IntakeDeps } from "./webhooks/intake.server";

// Wires the domain to this process's configuration. Routes take their dependencies from here.

export function webhookIntakeDeps(): IntakeDeps {
  const settings = config();
  return {
    writer: deliveryWriter(databaseUrl()),
    secret: settings.SHOPIFY_API_SECRET,
    logger,
    customShopDomain: settings.SHOP_CUSTOM_DOMAIN,
    onStored: notifyWebhookStored,
  };
}

export function proxyDeps(): ProxyDeps {
  const settings = config();
  return { db: db(), logger, secret: settings.SHOPIFY_API_SECRET, customShopDomain: settings.SHOP_CUSTOM_DOMAIN };
}

export function processorDeps() {
  return { db: db(), kind: databaseKind(), logger, adminFor: adminClientFor };
}
