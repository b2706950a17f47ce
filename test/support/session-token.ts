import { signSessionToken } from "../../devstore/auth";

/** An App Bridge session token (id_token) for an admin user of a shop, signed like Shopify signs it. */
export function sessionToken(shop: string, apiKey: string, secret: string, userId = "1"): string {
  return signSessionToken(shop, apiKey, secret, userId);
}

/** Shopify's admin passes the shop's admin host, base64-encoded, as ?host=. */
export function adminHost(shop: string): string {
  return Buffer.from(`admin.shopify.com/store/${shop.replace(".myshopify.com", "")}`).toString("base64url");
}

export const BROWSER_USER_AGENT =
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
