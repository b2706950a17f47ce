import { config } from "../config.server";
import { createAdminClient, type AdminClient } from "./admin-client.server";

/**
 * An Admin API client for background work on a shop, with the shop's offline token (refreshed by Shopify's
 * library when it expires). Null when the shop has no session: it uninstalled, or never finished installing.
 */
export async function adminClientFor(shop: string): Promise<AdminClient | null> {
  const { unauthenticated } = await import("../shopify.server");
  try {
    const { session } = await unauthenticated.admin(shop);
    if (!session.accessToken) return null;
    return createAdminClient({ shop, accessToken: session.accessToken, origin: config().SHOPIFY_ADMIN_API_ORIGIN });
  } catch {
    return null;
  }
}
