import type { Prisma } from "@prisma/client";
import { z } from "zod";
import type { Database } from "../db.server";
import { carrierName } from "./carrier-companies.server";
import { normalizeTrackingNumber } from "./carriers";
import { TRACKING_STATUSES, type TrackingStatus } from "./status";

// The merchant's view of shipments: a filtered list and delivery KPIs. Every query is scoped to the shop.

const DAY_MS = 86_400_000;
export const SHIPMENTS_PER_PAGE = 50;

export const shipmentFiltersSchema = z.object({
  status: z.enum(TRACKING_STATUSES).optional().catch(undefined),
  carrier: z.string().trim().max(40).optional().catch(undefined).transform((v) => v || undefined),
  exceptions: z
    .string()
    .optional()
    .transform((v) => v === "1" || v === "on" || v === "true"),
  q: z.string().trim().max(60).optional().catch(undefined).transform((v) => v || undefined),
  page: z.coerce.number().int().min(1).max(1000).catch(1).default(1),
});
export type ShipmentFilters = z.output<typeof shipmentFiltersSchema>;

export interface ShipmentRow {
  id: string;
  orderName: string | null;
  carrier: string | null;
  trackingNumber: string | null;
  status: TrackingStatus;
  reason: string | null;
  lateness: string | null;
  estimatedDelivery: string | null;
  shippedAt: string | null;
  lastEventAt: string | null;
  destination: string | null;
  /** Collected by the customer at one of the shop's locations. */
  pickup: boolean;
  source: string;
}

export async function listShipments(db: Database, shop: string, filters: ShipmentFilters) {
  const and: Prisma.ShipmentWhereInput[] = [{ shop }];
  if (filters.status) and.push({ status: filters.status });
  if (filters.carrier) and.push({ carrierCode: filters.carrier });
  if (filters.exceptions) and.push({ OR: [{ status: { in: ["exception", "attempt_fail", "returning_to_sender"] } }, { lateness: { not: null } }] });
  if (filters.q) {
    const digits = /^#?(\d{1,12})$/.exec(filters.q)?.[1];
    and.push({ OR: [{ trackingNumberKey: normalizeTrackingNumber(filters.q) }, ...(digits ? [{ orderNumber: Number(digits) }] : []), { orderName: filters.q }] });
  }
  const where = { AND: and };
  const [total, rows, carriers] = await Promise.all([
    db.shipment.count({ where }),
    db.shipment.findMany({
      where,
      orderBy: [{ shippedAt: "desc" }, { id: "asc" }],
      skip: (filters.page - 1) * SHIPMENTS_PER_PAGE,
      take: SHIPMENTS_PER_PAGE,
    }),
    db.shipment.findMany({ where: { shop, carrierCode: { not: null } }, distinct: ["carrierCode"], select: { carrierCode: true, trackingNumber: true, trackingCompany: true } }),
  ]);
  return {
    total,
    page: filters.page,
    pages: Math.max(1, Math.ceil(total / SHIPMENTS_PER_PAGE)),
    carriers: carriers
      .map((c) => ({ code: c.carrierCode!, name: carrierName(c.carrierCode!, c.trackingNumber, c.trackingCompany) }))
      .sort((a, b) => a.name.localeCompare(b.name)),
    shipments: rows.map(
      (s): ShipmentRow => ({
        id: s.id,
        orderName: s.orderName,
        carrier: s.carrierCode ? carrierName(s.carrierCode, s.trackingNumber, s.trackingCompany) : s.trackingCompany,
        trackingNumber: s.trackingNumber,
        status: s.status as TrackingStatus,
        reason: s.exceptionReason,
        lateness: s.lateness,
        estimatedDelivery: s.estimatedDelivery,
        shippedAt: s.shippedAt?.toISOString() ?? null,
        lastEventAt: s.lastEventAt?.toISOString() ?? null,
        destination: [s.destinationCity, s.destinationCountry].filter(Boolean).join(", ") || null,
        pickup: s.isPickup,
        source: s.source,
      }),
    ),
  };
}

export interface ShipmentKpis {
  days: number;
  shipped: number;
  delivered: number;
  /** Delivered by the promised date (or the estimate) among delivered parcels that had one; null without any. */
  onTimeRate: number | null;
  /** Parcels that had an exception at any point, over all shipped. */
  exceptionRate: number | null;
  inFlightLate: number;
  transitByCarrier: { carrier: string; name: string; delivered: number; averageDays: number }[];
}

/** Delivery KPIs over parcels shipped in the last `days` days (pickups are not parcels in transit and are left out). */
export async function shipmentKpis(db: Database, shop: string, days: number, now = new Date()): Promise<ShipmentKpis> {
  const since = new Date(now.getTime() - days * DAY_MS);
  const shipments = await db.shipment.findMany({
    where: { shop, isPickup: false, shippedAt: { gte: since } },
    select: { id: true, status: true, lateness: true, carrierCode: true, trackingNumber: true, trackingCompany: true, shippedAt: true, deliveredAt: true, estimatedDelivery: true, promisedDate: true },
  });
  const withException = new Set(
    (
      await db.shipmentEvent.findMany({
        where: { shop, status: "exception", at: { gte: since } },
        distinct: ["shipmentId"],
        select: { shipmentId: true },
      })
    ).map((e) => e.shipmentId),
  );

  const delivered = shipments.filter((s) => s.status === "delivered" && s.deliveredAt && s.shippedAt);
  const judged = delivered.filter((s) => s.promisedDate ?? s.estimatedDelivery);
  const onTime = judged.filter((s) => s.deliveredAt!.toISOString().slice(0, 10) <= (s.promisedDate ?? s.estimatedDelivery)!.slice(0, 10));
  const exceptions = shipments.filter((s) => s.status === "exception" || withException.has(s.id));

  const byCarrier = new Map<string, { name: string; days: number[] }>();
  for (const s of delivered) {
    const code = s.carrierCode ?? "unknown";
    const entry = byCarrier.get(code) ?? { name: s.carrierCode ? carrierName(s.carrierCode, s.trackingNumber, s.trackingCompany) : (s.trackingCompany ?? "Unknown carrier"), days: [] };
    entry.days.push((s.deliveredAt!.getTime() - s.shippedAt!.getTime()) / DAY_MS);
    byCarrier.set(code, entry);
  }

  return {
    days,
    shipped: shipments.length,
    delivered: delivered.length,
    onTimeRate: judged.length ? onTime.length / judged.length : null,
    exceptionRate: shipments.length ? exceptions.length / shipments.length : null,
    inFlightLate: shipments.filter((s) => s.lateness !== null).length,
    transitByCarrier: [...byCarrier.entries()]
      .map(([carrier, { name, days: list }]) => ({
        carrier,
        name,
        delivered: list.length,
        averageDays: Math.round((list.reduce((a, b) => a + b, 0) / list.length) * 10) / 10,
      }))
      .sort((a, b) => b.delivered - a.delivered),
  };
}

/** The backfill's state for the page: when it ran, how many it read, or why it failed. */
export async function backfillStatus(db: Database, shop: string) {
  const run = await db.trackingBackfill.findUnique({ where: { shop } });
  return run
    ? { status: run.status, shipments: run.shipments, error: run.error, finishedAt: run.finishedAt?.toISOString() ?? null }
    : null;
}
