import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

// What Shopify does for an embedded app's authentication: it signs App Bridge session tokens (id_token,
// HS256 with the app's client secret) and exchanges them for access tokens.

const b64url = (value: string | Buffer) => Buffer.from(value).toString("base64url");

export function signSessionToken(shop: string, apiKey: string, secret: string, userId = "1", lifetimeSeconds = 60): string {
  const now = Math.floor(Date.now() / 1000);
  const header = b64url(JSON.stringify({ alg: "HS256", typ: "JWT" }));
  const payload = b64url(
    JSON.stringify({
      iss: `https://${shop}/admin`,
      dest: `https://${shop}`,
      aud: apiKey,
      sub: userId,
      exp: now + lifetimeSeconds,
      nbf: now - 5,
      iat: now,
      jti: randomBytes(8).toString("hex"),
      sid: randomBytes(8).toString("hex"),
    }),
  );
  const signature = createHmac("sha256", secret).update(`${header}.${payload}`).digest("base64url");
  return `${header}.${payload}.${signature}`;
}

/** The shop a valid session token was issued for, or null. */
export function verifySessionToken(token: string, apiKey: string, secret: string): string | null {
  const [header, payload, signature] = token.split(".");
  if (!header || !payload || !signature) return null;
  const expected = createHmac("sha256", secret).update(`${header}.${payload}`).digest();
  const given = Buffer.from(signature, "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  try {
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as { aud?: string; exp?: number; dest?: string };
    if (claims.aud !== apiKey || !claims.exp || claims.exp < Date.now() / 1000 - 5 || !claims.dest) return null;
    return new URL(claims.dest).hostname;
  } catch {
    return null;
  }
}

export function newAccessToken(prefix: "shpat" | "shprt"): string {
  return `${prefix}_${randomBytes(16).toString("hex")}`;
}

/** Shopify's app proxy signature, written independently of the app's verifier so a bug in one shows. */
export function signProxyQuery(params: [string, string][], secret: string): string {
  const grouped = new Map<string, string[]>();
  for (const [key, value] of params) {
    if (key !== "signature") grouped.set(key, [...(grouped.get(key) ?? []), value]);
  }
  const message = [...grouped.entries()]
    .map(([key, values]) => `${key}=${values.join(",")}`)
    .sort()
    .join("");
  return createHmac("sha256", secret).update(message).digest("hex");
}
