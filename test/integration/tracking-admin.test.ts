import { beforeAll, describe, expect, it } from "vitest";
import { db } from "../../app/db.server";
import { requestBackfill } from "../../app/tracking/backfill.server";
import { applyFulfillment, type ShopifyEventInput } from "../../app/tracking/shipments.server";
import { listShipments, shipmentFiltersSchema, shipmentKpis } from "../../app/tracking/shipment-list.server";
import { testShop } from "../support/shopify";

const DAY = 86_400_000;
const now = new Date();
const shop = testShop("kpis");
let id = 100;

/** A parcel shipped `daysAgo` days ago, with the carrier's estimate, delivered after `transit` days (or not). */
async function parcel(company: string, number: string, daysAgo: number, transit: number | null, extra: { etaDays?: number; exception?: boolean } = {}) {
  const shipped = now.getTime() - daysAgo * DAY;
  const fid = String(id++);
  const events: ShopifyEventInput[] = [
    { id: `${fid}1`, status: "IN_TRANSIT", message: null, happenedAt: new Date(shipped + 0.2 * DAY).toISOString(), estimatedDeliveryAt: new Date(shipped + (extra.etaDays ?? 3) * DAY).toISOString() },
  ];
  if (extra.exception) events.push({ id: `${fid}2`, status: "DELAYED", message: "Weather", happenedAt: new Date(shipped + 0.5 * DAY).toISOString() });
  if (transit !== null) events.push({ id: `${fid}3`, status: "DELIVERED", message: null, happenedAt: new Date(shipped + transit * DAY).toISOString() });
  await applyFulfillment(
    db(),
    shop,
    {
      fulfillmentId: fid,
      orderId: `o${fid}`,
      orderName: `#${fid}`,
      orderNumber: Number(fid),
      shopifyStatus: "SUCCESS",
      createdAt: new Date(shipped).toISOString(),
      updatedAt: new Date(shipped).toISOString(),
      tracking: { company, number, url: null },
      destination: { city: "Lyon", countryCode: "FR" },
      events,
    },
    { notify: false, now },
  );
}

beforeAll(async () => {
  // UPS: 2 on time (2 and 3 days against a 3-day estimate), 1 late (5 days).
  await parcel("UPS", "1Z999AA10123456784", 10, 2);
  await parcel("UPS", "1Z999AA10123456785", 12, 3);
  await parcel("UPS", "1Z999AA10123456786", 20, 5, { exception: true });
  // La Poste: 1 on time (4 days against 5), shipped 60 days ago (only in the 90-day window).
  await parcel("La Poste", "RR123456785FR", 60, 4, { etaDays: 5 });
  // In flight: one fine, one far past its estimate.
  await parcel("DHL Express", "1234567890", 1, null);
  await parcel("DHL Express", "1234567891", 8, null, { etaDays: 2 });
});

describe("the Shipments page", () => {
  it("KPIs over 30 days: on-time rate, exception rate, average transit per carrier", async () => {
    const kpis = await shipmentKpis(db(), shop, 30, now);
    expect(kpis).toMatchObject({ days: 30, shipped: 5, delivered: 3, inFlightLate: 1 });
    expect(kpis.onTimeRate).toBeCloseTo(2 / 3);
    expect(kpis.exceptionRate).toBeCloseTo(1 / 5);
    expect(kpis.transitByCarrier).toEqual([{ carrier: "ups", name: "UPS", delivered: 3, averageDays: 3.3 }]);
  });

  it("KPIs over 90 days include older parcels", async () => {
    const kpis = await shipmentKpis(db(), shop, 90, now);
    expect(kpis).toMatchObject({ shipped: 6, delivered: 4 });
    expect(kpis.onTimeRate).toBeCloseTo(3 / 4);
    expect(kpis.transitByCarrier.map((c) => [c.carrier, c.averageDays])).toEqual([
      ["ups", 3.3],
      ["la_poste", 4],
    ]);
  });

  it("filters by status, carrier and 'needs attention', and finds an order or a tracking number", async () => {
    const list = async (params: Record<string, string>) => (await listShipments(db(), shop, shipmentFiltersSchema.parse(params))).shipments.map((s) => s.trackingNumber);
    expect(await list({})).toHaveLength(6);
    expect(await list({ status: "in_transit" })).toEqual(["1234567890", "1234567891"]);
    expect(await list({ carrier: "la_poste" })).toEqual(["RR123456785FR"]);
    expect(await list({ exceptions: "1" })).toEqual(["1234567891"]);
    expect(await list({ q: "rr 123456785 fr" })).toEqual(["RR123456785FR"]);
    expect(await list({ q: "#100" })).toEqual(["1Z999AA10123456784"]);
    // Unknown values are ignored rather than failing the page.
    expect(await list({ status: "teleported", page: "-3" })).toHaveLength(6);
    const page = await listShipments(db(), shop, shipmentFiltersSchema.parse({}));
    expect(page.carriers.map((c) => c.code)).toEqual(["dhl_express", "la_poste", "ups"]);
  });

  it("'Read recent shipments again' asks the worker for a new backfill", async () => {
    await db().trackingBackfill.create({ data: { shop, status: "done", shipments: 6 } });
    await requestBackfill(db(), shop);
    expect(await db().trackingBackfill.findUniqueOrThrow({ where: { shop } })).toMatchObject({ status: "requested" });
  });
});
