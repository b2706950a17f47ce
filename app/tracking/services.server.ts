import { config } from "../config.server";
import { databaseKind, db } from "../db.server";
import { logger } from "../observability/logger.server";
import { SecretBox } from "../security/secrets.server";
import { adminClientFor } from "../shopify/admin-session.server";
import { providerApiUrls } from "./poller.server";
import type { ProviderWebhookDeps } from "./provider-webhooks.server";
import type { TrackingWorkDeps } from "./worker.server";

// Wires tracking to this process's configuration. Routes and the background loop take their dependencies here.

let box: SecretBox | undefined;

/** Seals SMTP passwords, provider secrets and email recipients with OMNISTOCK_ENCRYPTION_KEY. */
export function trackingSecretBox(): SecretBox {
  box ??= new SecretBox(config().OMNISTOCK_ENCRYPTION_KEY);
  return box;
}

export function providerWebhookDeps(): ProviderWebhookDeps {
  return { db: db(), logger, box: trackingSecretBox(), customShopDomain: config().SHOP_CUSTOM_DOMAIN };
}

export function trackingWorkDeps(): TrackingWorkDeps {
  return {
    db: db(),
    kind: databaseKind(),
    logger,
    box: trackingSecretBox(),
    adminFor: adminClientFor,
    // Demo mode sends nothing: emails are captured and shown on the Notifications page.
    capture: config().OMNISTOCK_DEMO,
    providerApiUrls: providerApiUrls(config()),
  };
}
