import type { Database } from "../db.server";
import type { Logger } from "../observability/logger.server";
import type { AdminClient } from "../shopify/admin-client.server";
import { shopDetails } from "./admin-operations";

/** Called after Shopify hands us an offline token: the shop is (again) installed and its work resumes. */
export async function recordInstall(db: Database, shop: string, scopes: string | undefined): Promise<void> {
  const now = new Date();
  await db.shop.upsert({
    where: { shop },
    create: { shop, installedAt: now, scopes: scopes ?? null },
    update: { installedAt: now, uninstalledAt: null, scopes: scopes ?? null },
  });
}

/** Reads the shop's name, currency, time zone and plan from the Admin API and keeps them. */
export async function refreshShopDetails(db: Database, admin: AdminClient, logger: Logger): Promise<void> {
  try {
    const { data } = await admin.run(shopDetails);
    await db.shop.update({
      where: { shop: admin.shop },
      data: {
        name: data.shop.name,
        currencyCode: data.shop.currencyCode,
        ianaTimezone: data.shop.ianaTimezone,
        planName: data.shop.plan.publicDisplayName,
        shopifyPlus: data.shop.plan.shopifyPlus,
      },
    });
  } catch (error) {
    // Details are a convenience; installation must not fail because of them. The next sign-in retries.
    logger.warn("Could not read the shop's details from Shopify; will retry at the next sign-in", {
      shop: admin.shop,
      error,
    });
  }
}
