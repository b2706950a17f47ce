import { createHmac, timingSafeEqual } from "node:crypto";

/** Base64 HMAC-SHA256 of the raw body with the app's client secret, as in X-Shopify-Hmac-Sha256. */
export function webhookHmac(rawBody: Uint8Array | string, secret: string): string {
  return createHmac("sha256", secret).update(rawBody).digest("base64");
}

/** Constant-time check of X-Shopify-Hmac-Sha256 against the raw body. Never parse the body before this. */
export function isValidWebhookHmac(rawBody: Uint8Array, header: string | null, secret: string): boolean {
  if (!header) return false;
  const expected = Buffer.from(webhookHmac(rawBody, secret), "base64");
  const given = Buffer.from(header, "base64");
  return given.length === expected.length && timingSafeEqual(given, expected);
}
