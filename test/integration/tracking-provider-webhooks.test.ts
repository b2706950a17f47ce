import { createHash, createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "../../app/db.server";
import * as providerRoute from "../../app/routes/tracking.webhooks.$provider";
import { saveProviderAccount } from "../../app/tracking/notification-settings.server";
import { applyFulfillment } from "../../app/tracking/shipments.server";
import { callAction, callLoader } from "../support/app";
import { testShop } from "../support/shopify";
import { box } from "./tracking-fixtures";

const fixture = (name: string) => readFileSync(path.resolve(import.meta.dirname, "../fixtures/tracking", name), "utf8");
/** A recorded payload moved in time so its last date is today (alerts are only sent for recent news). */
function recent(raw: string): string {
  const dates = [...raw.matchAll(/\d{4}-\d{2}-\d{2}/g)].map((m) => Date.parse(`${m[0]}T00:00:00Z`));
  const shift = Math.floor((Date.now() - Math.max(...dates)) / 86_400_000) * 86_400_000;
  return raw.replace(/\d{4}-\d{2}-\d{2}/g, (date) => new Date(Date.parse(`${date}T00:00:00Z`) + shift).toISOString().slice(0, 10));
}
const SECRETS = { aftership: "aftership-secret-for-shop-a", "17track": "seventeen-track-key-a", easypost: "easypost-secret-for-shop-a" };
// Signatures computed here, the way each provider documents them, independently of the adapters.
const SIGN = {
  aftership: (raw: string, secret = SECRETS.aftership) => ({ "aftership-hmac-sha256": createHmac("sha256", secret).update(raw).digest("base64") }),
  "17track": (raw: string, secret = SECRETS["17track"]) => ({ sign: createHash("sha256").update(`${raw}/${secret}`).digest("hex") }),
  easypost: (raw: string, secret = SECRETS.easypost) => ({
    "x-hmac-signature": `hmac-sha256-hex=${createHmac("sha256", Buffer.from(secret.normalize("NFKD"), "utf8")).update(raw).digest("hex")}`,
  }),
};

const shopA = testShop("prov-a");
const shopB = testShop("prov-b");

const post = (provider: string, shop: string | null, raw: string, headers: Record<string, string>) =>
  callAction(
    providerRoute,
    new Request(`http://127.0.0.1:3999/tracking/webhooks/${provider}${shop ? `?shop=${shop}` : ""}`, {
      method: "POST",
      headers: { "Content-Type": "application/json", ...headers },
      body: raw,
    }),
    { provider },
  );

let fulfillmentId = 9100;
async function shipment(shop: string, number: string, company: string | null = null) {
  const shipped = new Date(Date.now() - 5 * 86_400_000).toISOString();
  return applyFulfillment(
    db(),
    shop,
    {
      fulfillmentId: String(fulfillmentId++),
      orderId: `o${fulfillmentId}`,
      orderName: `#${fulfillmentId}`,
      orderNumber: fulfillmentId,
      orderPlacedAt: shipped,
      email: "shopper@example.com",
      shopifyStatus: "SUCCESS",
      createdAt: shipped,
      updatedAt: shipped,
      tracking: { company, number, url: null },
      originCountry: "US",
      destination: { city: "Louisville", countryCode: "US" },
    },
    { notify: false },
  );
}

const stateOf = async (id: string) => {
  const s = await db().shipment.findUniqueOrThrow({ where: { id } });
  const events = await db().shipmentEvent.findMany({ where: { shipmentId: id }, orderBy: { at: "asc" } });
  return { status: s.status, reason: s.exceptionReason, source: s.source, providerCarrier: s.providerCarrier, carrierEstimate: s.carrierEstimate, events };
};

let ups: string;
let upsInB: string;
let usps: string;
let chinaPost: string;
let dhl: string;

beforeAll(async () => {
  await db().shop.createMany({ data: [{ shop: shopA }, { shop: shopB }] });
  for (const [provider, secret] of Object.entries(SECRETS)) await saveProviderAccount(db(), box(), shopA, provider as keyof typeof SECRETS, secret);
  // Shop B uses AfterShip too, with its own secret.
  await saveProviderAccount(db(), box(), shopB, "aftership", "aftership-secret-for-shop-b");
  await db().notificationSetting.create({ data: { shop: shopA, alertEmail: "ops@shop-a.example" } });
  ups = (await shipment(shopA, "1Z0A3R2F0354877713", "UPS"))!.id;
  upsInB = (await shipment(shopB, "1Z0A3R2F0354877713", "UPS"))!.id;
  usps = (await shipment(shopA, "9405 5002 0755 2011 8128 94"))!.id;
  chinaPost = (await shipment(shopA, "RR123456789CN"))!.id;
  dhl = (await shipment(shopA, "LX123456785DE", "Deutsche Post"))!.id;
});

describe("POST /tracking/webhooks/:provider", () => {
  it("AfterShip, signed with the shop's secret: the shop's shipment with that number is delivered", async () => {
    const raw = fixture("aftership-tracking-update-delivered.json");
    const response = await post("aftership", shopA, raw, SIGN.aftership(raw));
    expect(response.status).toBe(200);
    expect(response.headers.get("Cache-Control")).toBe("no-store");
    expect(await response.json()).toEqual({ accepted: true, shipments: 1 });
    const state = await stateOf(ups);
    expect(state).toMatchObject({ status: "delivered", source: "aftership", providerCarrier: "ups" });
    expect(state.events.every((e) => e.source === "aftership")).toBe(true);
    expect(state.events.at(-1)!.status).toBe("delivered");
    // The same number in another shop is that shop's business.
    expect((await stateOf(upsInB)).status).toBe("info_received");
  });

  it("a delivery repeated by the provider adds nothing", async () => {
    const raw = fixture("aftership-tracking-update-delivered.json");
    const before = await stateOf(ups);
    expect((await post("aftership", shopA, raw, SIGN.aftership(raw))).status).toBe(200);
    expect(await stateOf(ups)).toEqual(before);
  });

  it("refuses a bad signature, a tampered body, another shop's secret and a shop without the provider with the same 401", async () => {
    const raw = fixture("aftership-tracking-update-exception.json");
    const answers = [
      await post("aftership", shopA, raw, SIGN.aftership(raw, "not-the-secret")),
      await post("aftership", shopA, raw.replace("Exception", "Delivered"), SIGN.aftership(raw)),
      await post("aftership", shopA, raw, SIGN.aftership(raw, "aftership-secret-for-shop-b")),
      await post("aftership", shopA, raw, {}),
      await post("easypost", shopB, raw, SIGN.easypost(raw)),
      await post("aftership", "not a shop", raw, SIGN.aftership(raw)),
      await post("aftership", null, raw, SIGN.aftership(raw)),
    ];
    for (const answer of answers) {
      expect(answer.status).toBe(401);
      expect(await answer.json()).toEqual({ error: "unauthorized" });
    }
    expect((await stateOf(dhl)).status).toBe("info_received");
  });

  it("answers 400 to a signed body that is not a valid payload, and 404 to an unknown provider", async () => {
    const notJson = "{ nope";
    const notJsonAnswer = await post("aftership", shopA, notJson, SIGN.aftership(notJson));
    expect(notJsonAnswer.status).toBe(400);
    expect(await notJsonAnswer.json()).toMatchObject({ error: "invalid_payload" });
    const wrongShape = JSON.stringify({ event: "tracking_update", msg: { slug: "ups" } });
    const wrongShapeAnswer = await post("aftership", shopA, wrongShape, SIGN.aftership(wrongShape));
    expect(wrongShapeAnswer.status).toBe(400);
    expect((await wrongShapeAnswer.json()).message).toMatch(/tracking_number/);
    expect((await post("shippo", shopA, "{}", {})).status).toBe(404);
    expect((await callLoader(providerRoute, new Request(`http://127.0.0.1:3999/tracking/webhooks/aftership?shop=${shopA}`), { provider: "aftership" })).status).toBe(405);
  });

  it("AfterShip exception: the shipment needs attention and the merchant is alerted once", async () => {
    const raw = recent(fixture("aftership-tracking-update-exception.json"));
    expect((await post("aftership", shopA, raw, SIGN.aftership(raw))).status).toBe(200);
    expect((await post("aftership", shopA, raw, SIGN.aftership(raw))).status).toBe(200);
    const state = await stateOf(dhl);
    expect(state.status).toBe("exception");
    expect(state.reason).not.toBeNull();
    const alerts = await db().trackingNotification.findMany({ where: { shipmentId: dhl, kind: "merchant" } });
    expect(alerts.map((a) => a.trigger)).toEqual(["exception"]);
  });

  it("17TRACK and EasyPost updates land on their shipments; a 17TRACK 'stopped' push is accepted and ignored", async () => {
    const seventeen = fixture("seventeen-track-tracking-updated.json");
    expect(await (await post("17track", shopA, seventeen, SIGN["17track"](seventeen))).json()).toEqual({ accepted: true, shipments: 1 });
    expect(await stateOf(chinaPost)).toMatchObject({ status: "in_transit", source: "17track" });
    const stopped = fixture("seventeen-track-tracking-stopped.json");
    expect(await (await post("17track", shopA, stopped, SIGN["17track"](stopped))).json()).toEqual({ accepted: true, shipments: 0 });

    const easypost = fixture("easypost-tracker-updated.json");
    expect(await (await post("easypost", shopA, easypost, SIGN.easypost(easypost))).json()).toEqual({ accepted: true, shipments: 1 });
    expect(await stateOf(usps)).toMatchObject({ status: "out_for_delivery", source: "easypost", providerCarrier: "USPS" });
  });
});
