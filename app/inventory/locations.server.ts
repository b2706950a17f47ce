import { z } from "zod";
import type { Database } from "../db.server";
import type { Logger } from "../observability/logger.server";
import type { AdminClient } from "../shopify/admin-client.server";
import { enqueuePushes } from "../sync/push.server";
import { applySafetyStock } from "./safety-stock.server";

// The merchant's settings for each location: units held back for walk-in customers (store safety stock),
// whether shoppers see it in the storefront availability widget, and its opening hours as shoppers read them.

export const locationSettingsSchema = z.object({
  locationId: z.string().regex(/^\d+$/),
  safetyStock: z.preprocess(
    (v) => (v === "" || v === undefined || v === null ? null : v),
    z.coerce.number({ error: "Safety stock is a whole number of units" }).int("Safety stock is a whole number of units").min(0, "Safety stock cannot be negative").max(10_000, "Safety stock is at most 10,000 units").nullable(),
  ),
  storefrontVisible: z.preprocess((v) => v === "on" || v === "true" || v === true, z.boolean()),
  openingHours: z.preprocess((v) => (typeof v === "string" && v.trim() === "" ? null : v), z.string().trim().max(300, "Opening hours are at most 300 characters").nullable()),
});

export async function listLocations(db: Database, shop: string) {
  return db.location.findMany({
    where: { shop },
    orderBy: [{ isActive: "desc" }, { name: "asc" }],
    select: { locationId: true, name: true, isActive: true, city: true, pickupTime: true, safetyStock: true, storefrontVisible: true, openingHours: true },
  });
}

/**
 * Saves a location's settings. A changed safety stock is applied in the background (it may move units for
 * every item at the location) and the channels are told; returns false when the location is not this shop's.
 */
export async function updateLocationSettings(
  deps: { db: Database; logger: Logger; adminFor: (shop: string) => Promise<AdminClient | null> },
  shop: string,
  input: unknown,
): Promise<{ ok: true } | { ok: false; message: string }> {
  const parsed = locationSettingsSchema.safeParse(input);
  if (!parsed.success) return { ok: false, message: parsed.error.issues.map((i) => i.message).join("; ") };
  const { locationId, ...settings } = parsed.data;
  const before = await deps.db.location.findFirst({ where: { shop, locationId }, select: { safetyStock: true } });
  if (!before) return { ok: false, message: "That location is not in this store; reload the page." };
  await deps.db.location.update({ where: { shop_locationId: { shop, locationId } }, data: settings });
  if ((before.safetyStock ?? 0) !== (settings.safetyStock ?? 0)) {
    void applySafetyStock(deps, shop)
      .then((changed) => enqueuePushes(deps.db, shop, changed))
      .catch((error: unknown) =>
        deps.logger.error("Safety stock could not be applied; it is tried again at the next reconciliation", {
          shop,
          location: locationId,
          error: error instanceof Error ? error.message : String(error),
        }),
      );
  }
  return { ok: true };
}
