import { describe, expect, it } from "vitest";
import { db } from "../../app/db.server";
import * as proxyRoute from "../../app/routes/proxy.$";
import { callAction, callLoader } from "../support/app";
import { proxyUrl, testShop } from "../support/shopify";

const get = (url: string, path = "status") => callLoader(proxyRoute, new Request(url), { "*": path });

describe("/proxy/*: the app proxy guard", () => {
  it("hands a verified request to its handler with the shop and the logged-in customer", async () => {
    const shop = testShop();
    await db().shop.create({ data: { shop } });
    const response = await get(proxyUrl({ shop, customerId: "7" }));
    expect(response.status).toBe(200);
    expect(response.headers.get("Cache-Control")).toBe("private, no-store");
    expect(await response.json()).toEqual({ shop, installed: true, loggedIn: true, pathPrefix: "/apps/omnistock" });
  });

  it("treats an empty logged_in_customer_id as an anonymous shopper", async () => {
    const response = await get(proxyUrl({ shop: testShop(), customerId: "" }));
    expect(await response.json()).toMatchObject({ loggedIn: false, installed: false });
  });

  it.each([
    ["a bad signature", (url: string) => url.replace(/signature=[0-9a-f]{4}/, "signature=0000")],
    ["a tampered shop", (url: string) => url.replace(/shop=[^&]+/, "shop=victim.myshopify.com")],
    ["a repeated shop", (url: string) => `${url}&shop=victim.myshopify.com`],
    ["a repeated timestamp", (url: string) => `${url}&timestamp=${Math.floor(Date.now() / 1000)}`],
    ["a repeated signature", (url: string) => `${url}&signature=abc`],
    ["no signature", (url: string) => url.replace(/&?signature=[0-9a-f]+/, "")],
  ])("refuses %s with 401", async (_label, tamper) => {
    const response = await get(tamper(proxyUrl({ shop: testShop() })));
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ error: "unauthorized" });
  });

  it("refuses a request signed more than 90 seconds ago", async () => {
    const old = Math.floor(Date.now() / 1000) - 91;
    expect((await get(proxyUrl({ shop: testShop(), timestamp: old }))).status).toBe(401);
    const recent = Math.floor(Date.now() / 1000) - 60;
    expect((await get(proxyUrl({ shop: testShop(), timestamp: recent }))).status).toBe(200);
  });

  it("refuses a request signed with another app's secret", async () => {
    expect((await get(proxyUrl({ shop: testShop(), secret: "another-apps-secret" }))).status).toBe(401);
  });

  it("checks the signature before routing: an unknown path is 401 unsigned and 404 signed", async () => {
    const shop = testShop();
    const unsigned = await get(`http://127.0.0.1:3999/proxy/nope?shop=${shop}`, "nope");
    expect(unsigned.status).toBe(401);
    const signed = await get(proxyUrl({ shop, path: "nope" }), "nope");
    expect(signed.status).toBe(404);
  });

  it("answers 405 with Allow for a known path and the wrong method", async () => {
    const url = proxyUrl({ shop: testShop() });
    const response = await callAction(proxyRoute, new Request(url, { method: "POST", body: "{}" }), { "*": "status" });
    expect(response.status).toBe(405);
    expect(response.headers.get("Allow")).toBe("GET");
  });
});
