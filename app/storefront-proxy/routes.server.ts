import { json, ProxyRouter } from "./router.server";

// The storefront endpoints behind /apps/omnistock/* (Shopify forwards them to /proxy/*).
export const proxyRouter = new ProxyRouter().on("GET", "status", async ({ shop, loggedInCustomerId, pathPrefix, db }) => {
  const installed = await db.shop.findUnique({ where: { shop }, select: { uninstalledAt: true } });
  return json({
    shop,
    installed: Boolean(installed && !installed.uninstalledAt),
    loggedIn: loggedInCustomerId !== null,
    pathPrefix,
  });
});
