import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { db } from "../../app/db.server";
import { recordApplied } from "../../app/inventory/mirror.server";
import * as proxyRoute from "../../app/routes/proxy.$";
import { widgetKey } from "../../app/storefront-proxy/availability";
import { callLoader } from "../support/app";
import { appSecret, proxyUrl, testShop } from "../support/shopify";

// GET /proxy/availability: each shop's stock for one variant, as the storefront widget asks for it through
// Shopify's app proxy. Signed or refused, scoped to the signing shop, never more than the block's signed
// settings allow, cached but never stale after a change this process made.

const get = (url: string, headers: Record<string, string> = {}) => callLoader(proxyRoute, new Request(url, { headers }), { "*": "availability" });
const sign = (shop: string, settings: string) => createHmac("sha256", widgetKey(appSecret(), shop)).update(settings).digest("hex");
const url = (shop: string, extra: Record<string, string>) => proxyUrl({ shop, path: "availability", extra });

async function seedShop(shop: string, variantId: string) {
  const observedAt = new Date();
  const locations = [
    { locationId: "1", name: "Warehouse Gerland", latitude: 45.73, longitude: 4.83, storefrontVisible: false },
    { locationId: "2", name: "Presqu'île", latitude: 45.764, longitude: 4.835, pickupTime: "TWO_HOURS", address1: "12 rue de la République", city: "Lyon", zip: "69002", country: "France", openingHours: "Mon–Sat 10–19" },
    { locationId: "3", name: "Croix-Rousse", latitude: 45.774, longitude: 4.831 },
    { locationId: "4", name: "Part-Dieu", latitude: 45.761, longitude: 4.857 },
  ];
  for (const location of locations) await db().location.create({ data: { shop, ...location } });
  await db().inventoryItem.create({ data: { shop, inventoryItemId: `9${variantId}`, variantId, sku: "MUG-GRY", skuKey: "MUG-GRY" } });
  for (const [locationId, available] of [["1", 40], ["2", 9], ["3", 2], ["4", 0]] as const) {
    await db().inventoryLevel.create({ data: { shop, inventoryItemId: `9${variantId}`, locationId, available, onHand: available, observedAt } });
  }
}

interface Answer {
  quantities: boolean;
  proxyPath: string;
  locations: { id: string; name: string; status: string; quantity: number | null; pickup: { available: boolean; readyIn: string | null } | null; distanceKm: number | null; hours: string | null }[];
}

describe("/proxy/availability", () => {
  it("answers with each visible shop's status, levels only unless the signed settings allow quantities", async () => {
    const shop = testShop();
    await seedShop(shop, "501");
    const unsigned = await get(url(shop, { variant: "501" }));
    expect(unsigned.status).toBe(200);
    const body = (await unsigned.json()) as Answer;
    // The warehouse is hidden from shoppers; sorted by status, then name.
    expect(body.locations.map((l) => [l.name, l.status, l.quantity])).toEqual([
      ["Presqu'île", "in_stock", null],
      ["Croix-Rousse", "low_stock", null],
      ["Part-Dieu", "transfer", null],
    ]);
    expect(body).toMatchObject({ quantities: false, proxyPath: "/apps/omnistock" });
    expect(body.locations[0]).toMatchObject({ pickup: { available: true, readyIn: "PT2H" }, hours: "Mon–Sat 10–19" });

    const settings = "q=1&low=1&n=2&pickup=0&loc=";
    const signed = (await (await get(url(shop, { variant: "501", settings, sig: sign(shop, settings) }))).json()) as Answer;
    expect(signed.quantities).toBe(true);
    expect(signed.locations.map((l) => [l.name, l.status, l.quantity, l.pickup])).toEqual([
      ["Croix-Rousse", "in_stock", 2, null],
      ["Presqu'île", "in_stock", 9, null],
    ]);

    // A shopper who edits the settings loses the signature, and with it the quantities.
    const tampered = (await (await get(url(shop, { variant: "501", settings: "q=1&low=1&n=50&pickup=1&loc=", sig: sign(shop, settings) }))).json()) as Answer;
    expect(tampered.quantities).toBe(false);
    expect(tampered.locations.every((l) => l.quantity === null)).toBe(true);
    // Another shop's key does not sign for this one.
    const foreign = (await (await get(url(shop, { variant: "501", settings, sig: sign("other.myshopify.com", settings) }))).json()) as Answer;
    expect(foreign.quantities).toBe(false);
  });

  it("sorts by distance when the shopper shares a position", async () => {
    const shop = testShop();
    await seedShop(shop, "502");
    const body = (await (await get(url(shop, { variant: "502", lat: "45.77", lng: "4.83" }))).json()) as Answer;
    expect(body.locations.map((l) => l.name)).toEqual(["Croix-Rousse", "Presqu'île", "Part-Dieu"]);
    const distances = body.locations.map((l) => l.distanceKm!);
    expect(distances).toEqual([...distances].sort((a, b) => a - b));
    expect(distances[0]).toBeLessThan(1);
  });

  it("answers 304 to a request with the current ETag, and a new ETag once stock changes", async () => {
    const shop = testShop();
    await seedShop(shop, "503");
    const first = await get(url(shop, { variant: "503" }));
    const etag = first.headers.get("ETag")!;
    expect(etag).toMatch(/^W\/".+"$/);
    expect(first.headers.get("Cache-Control")).toBe("private, no-cache");
    const again = await get(url(shop, { variant: "503" }), { "If-None-Match": etag });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe("");

    // A change the mirror records (a sale elsewhere) is seen at once, not after the cache's lifetime.
    await recordApplied(db(), { shop, inventoryItemId: "9503", locationId: "3", delta: -2, quantityAfter: 0, cause: "test sale", idempotencyKey: "test-503" });
    const changed = await get(url(shop, { variant: "503" }), { "If-None-Match": etag });
    expect(changed.status).toBe(200);
    expect(changed.headers.get("ETag")).not.toBe(etag);
    const body = (await changed.json()) as Answer;
    expect(body.locations.find((l) => l.name === "Croix-Rousse")!.status).toBe("transfer");
  });

  it("never serves another shop's variant, and refuses a bad signature or a malformed request", async () => {
    const mine = testShop();
    const theirs = testShop();
    await seedShop(theirs, "504");
    expect((await get(url(mine, { variant: "504" }))).status).toBe(404);
    expect((await get(url(theirs, { variant: "504" }))).status).toBe(200);
    const forged = url(theirs, { variant: "504" }).replace(/signature=[0-9a-f]{4}/, "signature=0000");
    expect((await get(forged)).status).toBe(401);
    const malformed = await get(url(theirs, { variant: "not-a-number" }));
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ error: "invalid_request" });
    expect((await get(url(theirs, { variant: "504", lat: "95", lng: "4" }))).status).toBe(400);
  });
});
