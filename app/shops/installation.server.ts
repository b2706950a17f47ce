import type { Database } from "../db.server";

/** Called after Shopify hands us an offline token: the shop is (again) installed and its work resumes. */
export async function recordInstall(db: Database, shop: string, scopes: string | undefined): Promise<void> {
  const now = new Date();
  await db.shop.upsert({
    where: { shop },
    create: { shop, installedAt: now, scopes: scopes ?? null },
    update: { installedAt: now, uninstalledAt: null, scopes: scopes ?? null },
  });
}
