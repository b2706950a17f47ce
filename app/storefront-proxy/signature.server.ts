import { createHmac, timingSafeEqual } from "node:crypto";

// Shopify signs every app proxy request: drop `signature`, write each remaining key as key=value (several
// values of one key joined by ","), sort, join with no separator, hex HMAC-SHA256 with the client secret.

/** How old a proxy request may be, as in Shopify's own library. */
export const MAX_PROXY_AGE_SECONDS = 90;

/** Parameters that must appear once: a repeat would let a forger pick which value the app reads. */
const SINGLE_PARAMS = ["shop", "signature", "timestamp", "logged_in_customer_id", "path_prefix"];

export function proxySignature(params: URLSearchParams, secret: string): string {
  const grouped = new Map<string, string[]>();
  for (const [key, value] of params) {
    if (key === "signature") continue;
    grouped.set(key, [...(grouped.get(key) ?? []), value]);
  }
  const message = [...grouped]
    .map(([key, values]) => `${key}=${values.join(",")}`)
    .sort()
    .join("");
  return createHmac("sha256", secret).update(message).digest("hex");
}

export type ProxyVerdict =
  | {
      ok: true;
      shop: string;
      loggedInCustomerId: string | null;
      pathPrefix: string | null;
      timestamp: number;
    }
  | { ok: false; reason: "missing" | "repeated" | "signature" | "stale" };

export function verifyProxyRequest(params: URLSearchParams, secret: string, nowMs = Date.now()): ProxyVerdict {
  for (const key of SINGLE_PARAMS) {
    if (params.getAll(key).length > 1) return { ok: false, reason: "repeated" };
  }
  const shop = params.get("shop");
  const signature = params.get("signature");
  const timestamp = params.get("timestamp");
  if (!shop || !signature || !timestamp || !/^\d+$/.test(timestamp)) return { ok: false, reason: "missing" };

  const expected = Buffer.from(proxySignature(params, secret), "hex");
  const given = Buffer.from(/^[0-9a-f]+$/i.test(signature) ? signature : "", "hex");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, reason: "signature" };
  }
  const age = nowMs / 1000 - Number(timestamp);
  // A little slack for clocks that run ahead; never more than the allowed age behind.
  if (age > MAX_PROXY_AGE_SECONDS || age < -MAX_PROXY_AGE_SECONDS) return { ok: false, reason: "stale" };

  return {
    ok: true,
    shop,
    loggedInCustomerId: params.get("logged_in_customer_id") || null,
    pathPrefix: params.get("path_prefix"),
    timestamp: Number(timestamp),
  };
}

/** Signs a proxy query the way Shopify does (tests build signed requests with it). */
export function signProxyParams(params: URLSearchParams, secret: string): URLSearchParams {
  const signed = new URLSearchParams(params);
  signed.delete("signature");
  signed.append("signature", proxySignature(signed, secret));
  return signed;
}
