import { timingSafeEqual } from "node:crypto";
import type { Prisma, Shipment } from "@prisma/client";
import type { Database } from "../db.server";
import { carrierName } from "./carrier-companies.server";
import { normalizeTrackingNumber } from "./carriers";
import { hashEmail, timelineOf } from "./shipments.server";
import { progressStep, type TrackingStatus } from "./status";

// What a shopper may see about their parcels, for the storefront tracking widget (through the app proxy). Every
// query is scoped to the shop the request was signed for. Addresses are city and country only.

export interface TrackedEvent {
  /** ISO 8601 with offset (UTC). */
  at: string;
  status: TrackingStatus;
  description: string;
  location: string | null;
}

export interface TrackedShipment {
  id: string;
  carrier: { code: string; name: string } | null;
  trackingNumber: string | null;
  trackingUrl: string | null;
  status: TrackingStatus;
  reason: string | null;
  /** PROGRESS_STEPS index; null off the happy path (exception, expired, returning). */
  step: number | null;
  /** YYYY-MM-DD */
  estimatedDelivery: string | null;
  late: boolean;
  pickup: { name: string; address: string | null; hours: string | null } | null;
  items: { title: string; quantity: number }[];
  /** Oldest first. */
  events: TrackedEvent[];
}

export interface TrackedOrder {
  name: string;
  placedAt: string | null;
  /** "Lyon, FR": city and country only. */
  destination: string | null;
  shipments: TrackedShipment[];
}

/** The most recent orders a logged-in customer sees. */
export const CUSTOMER_ORDERS = 5;

// Compared against when an order number matches no shipment, so a miss costs what a wrong email costs.
const NO_MATCH = Buffer.alloc(32, 0);

function parseItems(json: string): { title: string; quantity: number }[] {
  try {
    const items = JSON.parse(json) as unknown;
    if (!Array.isArray(items)) return [];
    return items.flatMap((item) =>
      item && typeof item.title === "string" && Number.isInteger(item.quantity) ? [{ title: item.title, quantity: item.quantity as number }] : [],
    );
  } catch {
    return [];
  }
}

const destinationOf = (s: Shipment) => [s.destinationCity, s.destinationCountry].filter(Boolean).join(", ") || null;

/** The shipments matching `where` (always with the shop), grouped by order, newest order first. */
async function trackedOrders(
  db: Database,
  shop: string,
  where: Prisma.ShipmentWhereInput,
  options: { customerData: boolean },
): Promise<TrackedOrder[]> {
  const shipments = await db.shipment.findMany({
    where: { ...where, shop, redactedAt: null },
    orderBy: [{ shippedAt: "asc" }, { createdAt: "asc" }, { fulfillmentId: "asc" }],
  });
  if (shipments.length === 0) return [];
  const events = await db.shipmentEvent.findMany({ where: { shop, shipmentId: { in: shipments.map((s) => s.id) } } });
  const pickupIds = [...new Set(shipments.flatMap((s) => (s.isPickup && s.pickupLocationId ? [s.pickupLocationId] : [])))];
  const locations = pickupIds.length
    ? new Map((await db.location.findMany({ where: { shop, locationId: { in: pickupIds } } })).map((l) => [l.locationId, l]))
    : new Map();

  const orders = new Map<string, { placedAt: Date | null; order: TrackedOrder }>();
  for (const s of shipments) {
    const timeline = timelineOf(
      s,
      events.filter((e) => e.shipmentId === s.id),
    );
    const location = s.pickupLocationId ? locations.get(s.pickupLocationId) : undefined;
    const shipment: TrackedShipment = {
      id: s.id,
      carrier: s.carrierCode ? { code: s.carrierCode, name: carrierName(s.carrierCode, s.trackingNumber, s.trackingCompany) } : null,
      trackingNumber: s.trackingNumber,
      trackingUrl: s.trackingUrl,
      status: s.status as TrackingStatus,
      reason: s.exceptionReason ?? s.lateness,
      step: progressStep(s.status as TrackingStatus),
      estimatedDelivery: s.estimatedDelivery,
      late: s.lateness !== null,
      pickup: s.isPickup
        ? {
            name: location?.name ?? "",
            address: location ? [location.address1, [location.zip, location.city].filter(Boolean).join(" ")].filter(Boolean).join(", ") || null : null,
            hours: location?.openingHours ?? null,
          }
        : null,
      items: options.customerData ? parseItems(s.lineItems) : [],
      events: timeline.events.map((e) => ({ at: e.at, status: e.status, description: e.description, location: e.location ?? null })),
    };
    const key = s.orderId ?? s.orderName ?? s.id;
    const entry = orders.get(key) ?? {
      placedAt: s.orderPlacedAt,
      order: {
        name: s.orderName ?? "",
        placedAt: options.customerData ? (s.orderPlacedAt?.toISOString() ?? null) : null,
        destination: options.customerData ? destinationOf(s) : null,
        shipments: [],
      },
    };
    entry.order.shipments.push(shipment);
    if (options.customerData && !entry.order.destination) entry.order.destination = destinationOf(s);
    orders.set(key, entry);
  }
  return [...orders.values()].sort((a, b) => (b.placedAt?.getTime() ?? 0) - (a.placedAt?.getTime() ?? 0)).map((e) => e.order);
}

/**
 * An order by its number and the email it was placed with. Null unless both match. Both misses (no such order,
 * another email) run the same query and the same comparisons; the hashes are compared in constant time.
 */
export async function lookupByOrder(db: Database, shop: string, orderNumber: number, email: string): Promise<TrackedOrder[] | null> {
  const given = Buffer.from(hashEmail(shop, email), "hex");
  const candidates = await db.shipment.findMany({ where: { shop, orderNumber, redactedAt: null }, select: { id: true, emailHash: true } });
  const matched: string[] = [];
  for (const candidate of candidates.length ? candidates : [{ id: null, emailHash: null }]) {
    const stored = candidate.emailHash && /^[0-9a-f]{64}$/.test(candidate.emailHash) ? Buffer.from(candidate.emailHash, "hex") : NO_MATCH;
    if (timingSafeEqual(given, stored) && candidate.id) matched.push(candidate.id);
  }
  if (matched.length === 0) return null;
  return trackedOrders(db, shop, { id: { in: matched } }, { customerData: true });
}

/** The newest shipment with this tracking number, without anything about the customer. */
export async function lookupByTrackingNumber(db: Database, shop: string, trackingNumber: string): Promise<TrackedOrder[] | null> {
  const key = normalizeTrackingNumber(trackingNumber);
  const newest = await db.shipment.findFirst({
    where: { shop, trackingNumberKey: key, redactedAt: null },
    orderBy: [{ shippedAt: "desc" }, { id: "desc" }],
    select: { id: true },
  });
  if (!newest) return null;
  return trackedOrders(db, shop, { id: newest.id }, { customerData: false });
}

/** A logged-in customer's most recent orders that have shipped. */
export async function lookupByCustomer(db: Database, shop: string, customerId: string): Promise<TrackedOrder[]> {
  const recent = await db.shipment.findMany({
    where: { shop, customerId, redactedAt: null, orderId: { not: null } },
    orderBy: [{ orderPlacedAt: "desc" }, { id: "desc" }],
    select: { orderId: true },
    take: 200,
  });
  const orderIds = [...new Set(recent.map((r) => r.orderId!))].slice(0, CUSTOMER_ORDERS);
  if (orderIds.length === 0) return [];
  return trackedOrders(db, shop, { customerId, orderId: { in: orderIds } }, { customerData: true });
}
