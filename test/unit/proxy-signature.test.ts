import { describe, expect, it } from "vitest";
import { proxySignature, verifyProxyRequest } from "../../app/storefront-proxy/signature.server";

// Shopify's documented example ("Authenticate app proxies", secret "hush"), logged in and anonymous.
const DOCUMENTED =
  "extra=1&extra=2&shop=shop-name.myshopify.com&logged_in_customer_id=1&path_prefix=%2Fapps%2Fawesome_reviews" +
  "&timestamp=1317327555&signature=4c68c8624d737112c91818c11017d24d334b524cb5c2b8ba08daa056f7395ddb";
const DOCUMENTED_ANONYMOUS =
  "extra=1&extra=2&shop=shop-name.myshopify.com&logged_in_customer_id=&path_prefix=%2Fapps%2Fawesome_reviews" +
  "&timestamp=1317327555&signature=e072b6d7e6622d85912a5214b860d3100dc1e73d9bc29f43796ac8c9ff8093cb";
const SIGNED_AT_MS = 1317327555 * 1000;

describe("app proxy signature", () => {
  it("verifies Shopify's documented example for a logged-in shopper", () => {
    expect(verifyProxyRequest(new URLSearchParams(DOCUMENTED), "hush", SIGNED_AT_MS + 5_000)).toEqual({
      ok: true,
      shop: "shop-name.myshopify.com",
      loggedInCustomerId: "1",
      pathPrefix: "/apps/awesome_reviews",
      timestamp: 1317327555,
    });
  });

  it("verifies the documented anonymous example and reports no customer", () => {
    const verdict = verifyProxyRequest(new URLSearchParams(DOCUMENTED_ANONYMOUS), "hush", SIGNED_AT_MS);
    expect(verdict).toMatchObject({ ok: true, loggedInCustomerId: null });
  });

  it("joins repeated values of other keys with commas, as Shopify does", () => {
    const params = new URLSearchParams(DOCUMENTED);
    expect(proxySignature(params, "hush")).toBe(params.get("signature"));
  });

  it.each([
    ["another secret", DOCUMENTED, "nope"],
    ["a changed parameter", DOCUMENTED.replace("extra=2", "extra=3"), "hush"],
    ["a changed customer", DOCUMENTED.replace("logged_in_customer_id=1", "logged_in_customer_id=2"), "hush"],
    ["another shop", DOCUMENTED.replace("shop-name", "other-shop"), "hush"],
    ["a signature that is not hex", DOCUMENTED.replace(/signature=[0-9a-f]+/, "signature=zz"), "hush"],
    ["a truncated signature", DOCUMENTED.slice(0, -2), "hush"],
  ])("refuses %s", (_label, query, secret) => {
    expect(verifyProxyRequest(new URLSearchParams(query), secret, SIGNED_AT_MS)).toEqual({
      ok: false,
      reason: "signature",
    });
  });

  it("refuses a request older than 90 seconds, and one from too far in the future", () => {
    const params = new URLSearchParams(DOCUMENTED);
    expect(verifyProxyRequest(params, "hush", SIGNED_AT_MS + 90_000)).toMatchObject({ ok: true });
    expect(verifyProxyRequest(params, "hush", SIGNED_AT_MS + 91_000)).toEqual({ ok: false, reason: "stale" });
    expect(verifyProxyRequest(params, "hush", SIGNED_AT_MS - 91_000)).toEqual({ ok: false, reason: "stale" });
  });

  it.each(["shop=evil.myshopify.com", "signature=00", "timestamp=1317327555", "logged_in_customer_id=7"])(
    "refuses a repeated parameter (%s) even when the rest is signed",
    (repeat) => {
      expect(verifyProxyRequest(new URLSearchParams(`${DOCUMENTED}&${repeat}`), "hush", SIGNED_AT_MS)).toEqual({
        ok: false,
        reason: "repeated",
      });
    },
  );

  it("refuses a request without shop, timestamp or signature", () => {
    for (const key of ["shop", "timestamp", "signature"]) {
      const params = new URLSearchParams(DOCUMENTED);
      params.delete(key);
      expect(verifyProxyRequest(params, "hush", SIGNED_AT_MS)).toEqual({ ok: false, reason: "missing" });
    }
  });
});
