import { config } from "../config.server";
import { adminClientFor } from "../shopify/admin-session.server";
import { availabilityHandler } from "./availability.server";
import { json, ProxyRouter } from "./router.server";
import { noticeProxyPath } from "./storefront-settings.server";
import { trackingLookup } from "./tracking.server";

// The storefront endpoints behind /apps/omnistock/* (Shopify forwards them to /proxy/*).
export const proxyRouter = new ProxyRouter()
  .on("GET", "availability", (ctx) => {
    const secret = config().SHOPIFY_API_SECRET;
    noticeProxyPath(ctx.shop, ctx.pathPrefix, { adminFor: adminClientFor, appSecret: secret, logger: ctx.logger });
    return availabilityHandler(ctx, secret);
  })
  .on("GET", "status", async ({ shop, loggedInCustomerId, pathPrefix, db }) => {
    const installed = await db.shop.findUnique({ where: { shop }, select: { uninstalledAt: true } });
    return json({
      shop,
      installed: Boolean(installed && !installed.uninstalledAt),
      loggedIn: loggedInCustomerId !== null,
      pathPrefix,
    });
  })
  .on("GET", "tracking", trackingLookup());
