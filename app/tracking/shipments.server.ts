import { createHash, randomUUID } from "node:crypto";
import { Prisma, type Shipment, type ShipmentEvent } from "@prisma/client";
import { isUniqueViolation, type Database } from "../db.server";
import { carrierClassOf, carrierOf } from "./carrier-companies.server";
import { normalizeTrackingNumber } from "./carriers";
import { detectLateness, estimateDelivery, type DeliveredShipment } from "./estimate";
import {
  fromShopifyFulfillmentDisplayStatus,
  fromShopifyFulfillmentEventStatus,
  isTerminal,
  mergeTimeline,
  type ExceptionReason,
  type ResolvedStatus,
  type Timeline,
  type TimelineEvent,
  type TrackingStatus,
} from "./status";
import { queueNotifications } from "./notifications.server";

// Shipments: one per Shopify fulfillment, kept from what Shopify and tracking providers tell us. Every source
// (a webhook, a re-read, a provider) hands in what it knows; events are stored once per dedupe key and the
// status is always re-derived from all of them with mergeTimeline, so the order in which reports arrive, and
// how often, never matters.
//
// A local pickup is the exception to "one per fulfillment": it waits on the shelf before its fulfillment exists
// (Shopify creates that when the customer collects it). While it waits it is a placeholder keyed by its
// fulfillment order (pickupPlaceholderId); when the fulfillment arrives, the placeholder becomes its shipment,
// events and emails included, whichever of the two Shopify told us about first.

export interface ShopifyEventInput {
  /** The FulfillmentEvent's numeric id. */
  id: string;
  /** FulfillmentEventStatus, as IN_TRANSIT (GraphQL) or in_transit (webhook). */
  status: string;
  message: string | null;
  happenedAt: string;
  city?: string | null;
  province?: string | null;
  country?: string | null;
  estimatedDeliveryAt?: string | null;
}

/**
 * What one source knows about a fulfillment. A field left undefined is one this source does not carry
 * (a fulfillments/create webhook has no customer id, a fulfillment_events/create webhook no tracking number):
 * the stored value stays.
 */
export interface FulfillmentSnapshot {
  fulfillmentId: string;
  orderId?: string | null;
  orderName?: string | null;
  orderNumber?: number | null;
  orderPlacedAt?: string | null;
  /** Hashed here (hashEmail); the address itself is never stored. */
  email?: string | null;
  locale?: string | null;
  customerId?: string | null;
  /** Fulfillment.status: SUCCESS, CANCELLED, ... */
  shopifyStatus?: string | null;
  createdAt?: string | null;
  /** Orders snapshots: one older than the newest applied only fills gaps. */
  updatedAt?: string | null;
  tracking?: { company: string | null; number: string | null; url: string | null };
  estimatedDeliveryAt?: string | null;
  originCountry?: string | null;
  destination?: { city: string | null; countryCode: string | null } | null;
  isPickup?: boolean;
  pickupLocationId?: string | null;
  /** The fulfillment order's numeric id (a pickup's placeholder is keyed by it). */
  fulfillmentOrderId?: string | null;
  /** YYYY-MM-DD: the delivery date promised at checkout (maxDeliveryDateTime's day in the shop's time zone), or null for none. */
  promisedDate?: string | null;
  /** When the merchant marked the pickup ready (needs fulfillmentOrderId): a "ready for pickup" event, kept once. */
  readyForPickupAt?: string | null;
  lineItems?: { title: string; quantity: number }[];
  events?: ShopifyEventInput[];
}

/** A report from any source, ready to store: a timeline event with the key that stores it once. */
export interface NewShipmentEvent extends TimelineEvent {
  dedupeKey: string;
}

export interface RefreshOptions {
  /** Queue emails for a status change (default true; the backfill reads history and says false). */
  notify?: boolean;
  now?: Date;
  /** Delivered shipments of the shop, when the caller already read them (backfill, sweep). */
  history?: HistoryCache;
}

/** Delivered shipments of one shop, and its time zone, read once per run by callers that refresh many shipments. */
export class HistoryCache {
  #rows: DeliveredShipment[] | undefined;
  #timeZone: Promise<string | null> | undefined;
  constructor(
    private readonly db: Database,
    readonly shop: string,
  ) {}
  async rows(now: Date): Promise<DeliveredShipment[]> {
    this.#rows ??= await deliveryHistory(this.db, this.shop, now);
    return this.#rows;
  }
  /** The shop's IANA time zone (Shop.ianaTimezone), where its promised days end; null when not known yet. */
  timeZone(): Promise<string | null> {
    this.#timeZone ??= this.db.shop
      .findUnique({ where: { shop: this.shop }, select: { ianaTimezone: true } })
      .then((row) => row?.ianaTimezone ?? null);
    return this.#timeZone;
  }
  /** Forget what was read (a page of a backfill delivered more). */
  clear() {
    this.#rows = undefined;
  }
}

/** How far back delivered shipments feed the estimates. */
const HISTORY_DAYS = 180;
const DAY_MS = 86_400_000;

/**
 * SHA-256 of the shop and the lowercased, trimmed address. Salting with the shop keeps one shopper's hashes
 * from matching across shops, and a table of hashed addresses from working everywhere.
 */
export function hashEmail(shop: string, email: string): string {
  return createHash("sha256").update(`${shop}\n${email.trim().toLowerCase()}`, "utf8").digest("hex");
}

const PLACEHOLDER_PREFIX = "fo-";

/** The fulfillmentId of a pickup waiting for collection: clearly not a Shopify fulfillment id (those are digits). */
export const pickupPlaceholderId = (fulfillmentOrderId: string) => `${PLACEHOLDER_PREFIX}${fulfillmentOrderId}`;
export const isPickupPlaceholder = (fulfillmentId: string) => fulfillmentId.startsWith(PLACEHOLDER_PREFIX);

const dateOrNull = (value: string | null | undefined): Date | null => {
  if (!value) return null;
  const time = Date.parse(value);
  return Number.isNaN(time) ? null : new Date(time);
};

/** "Ready for pickup", once per fulfillment order; no words, so every surface says it in its own language. */
function readyEvent(snap: FulfillmentSnapshot): NewShipmentEvent | null {
  const at = dateOrNull(snap.readyForPickupAt);
  if (!at || !snap.fulfillmentOrderId) return null;
  return { at: at.toISOString(), status: "available_for_pickup", description: "", source: "shopify", dedupeKey: `pickup-ready:${snap.fulfillmentOrderId}` };
}

/** "Lyon, France" from a Shopify event's parts. */
function eventLocation(e: ShopifyEventInput): string | undefined {
  const parts = [e.city, e.province, e.country].map((p) => p?.trim()).filter((p): p is string => !!p);
  return parts.length ? parts.join(", ") : undefined;
}

/** A Shopify event status; unknown values fall back to the display status table (PICKED_UP), then to in transit. */
function shopifyEventStatus(status: string): ResolvedStatus {
  return fromShopifyFulfillmentEventStatus(status) ?? fromShopifyFulfillmentDisplayStatus(status) ?? { status: "in_transit" };
}

export function shopifyEvent(e: ShopifyEventInput): NewShipmentEvent | null {
  if (Number.isNaN(Date.parse(e.happenedAt))) return null;
  const resolved = shopifyEventStatus(e.status);
  const location = eventLocation(e);
  return {
    at: new Date(e.happenedAt).toISOString(),
    status: resolved.status,
    ...(resolved.reason ? { reason: resolved.reason } : {}),
    description: e.message?.trim() ?? "",
    ...(location ? { location } : {}),
    source: "shopify",
    dedupeKey: `shopify:${e.id}`,
  };
}

/** The columns a snapshot sets. Undefined fields are left out; `stale` snapshots only fill what is empty. */
function snapshotColumns(shop: string, snap: FulfillmentSnapshot, existing: Shipment | null, stale: boolean) {
  const incoming: Partial<Record<keyof Shipment, unknown>> = {};
  const set = (key: keyof Shipment, value: unknown) => {
    if (value !== undefined) incoming[key] = value;
  };
  set("orderId", snap.orderId);
  set("orderName", snap.orderName);
  set("orderNumber", snap.orderNumber);
  set("orderPlacedAt", snap.orderPlacedAt === undefined ? undefined : dateOrNull(snap.orderPlacedAt));
  set("emailHash", snap.email === undefined ? undefined : snap.email ? hashEmail(shop, snap.email) : null);
  set("locale", snap.locale);
  set("customerId", snap.customerId);
  set("shopifyStatus", snap.shopifyStatus?.toUpperCase());
  set("shippedAt", snap.createdAt === undefined ? undefined : dateOrNull(snap.createdAt));
  if (snap.tracking) {
    set("trackingCompany", snap.tracking.company?.trim() || null);
    set("trackingNumber", snap.tracking.number?.trim() || null);
    set("trackingUrl", snap.tracking.url?.trim() || null);
  }
  // Shopify's estimate, when it has one; a provider's stays otherwise.
  set("carrierEstimate", snap.estimatedDeliveryAt || undefined);
  set("originCountry", snap.originCountry);
  if (snap.destination !== undefined) {
    set("destinationCity", snap.destination?.city?.trim() || null);
    set("destinationCountry", snap.destination?.countryCode?.trim().toUpperCase() || null);
  }
  set("isPickup", snap.isPickup);
  set("pickupLocationId", snap.pickupLocationId);
  set("fulfillmentOrderId", snap.fulfillmentOrderId);
  set("promisedDate", snap.promisedDate);
  set("lineItems", snap.lineItems === undefined ? undefined : JSON.stringify(snap.lineItems));

  const data: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(incoming)) {
    const current = existing?.[key as keyof Shipment];
    const empty = current === null || current === undefined || current === false || current === "[]";
    if (!stale || empty) data[key] = value;
  }

  const updatedAt = dateOrNull(snap.updatedAt);
  if (updatedAt && (!existing?.shopifyUpdatedAt || updatedAt > existing.shopifyUpdatedAt)) data.shopifyUpdatedAt = updatedAt;

  // Our carrier and the matching key follow the tracking details, whichever source set them.
  const company = (data.trackingCompany ?? existing?.trackingCompany ?? null) as string | null;
  const number = (data.trackingNumber ?? existing?.trackingNumber ?? null) as string | null;
  if ("trackingCompany" in data || "trackingNumber" in data) {
    data.carrierCode = carrierOf(company, number)?.code ?? null;
    data.trackingNumberKey = number ? normalizeTrackingNumber(number) : null;
  }
  return data;
}

async function createOrUpdate(db: Database, shop: string, fulfillmentId: string, build: (existing: Shipment | null) => Record<string, unknown>) {
  const existing = await db.shipment.findUnique({ where: { shop_fulfillmentId: { shop, fulfillmentId } } });
  if (existing) {
    const data = build(existing);
    return Object.keys(data).length ? db.shipment.update({ where: { id: existing.id }, data }) : existing;
  }
  try {
    return await db.shipment.create({ data: { ...build(null), id: randomUUID(), shop, fulfillmentId } as Prisma.ShipmentUncheckedCreateInput });
  } catch (error) {
    // Two deliveries about a new fulfillment at once: the other one created it; update that row.
    if (!isUniqueViolation(error)) throw error;
    const created = await db.shipment.findUniqueOrThrow({ where: { shop_fulfillmentId: { shop, fulfillmentId } } });
    const data = build(created);
    return Object.keys(data).length ? db.shipment.update({ where: { id: created.id }, data }) : created;
  }
}

/** Stores events not seen before (by dedupe key); returns how many were new. */
export async function addEvents(db: Database, shipment: Pick<Shipment, "id" | "shop">, events: NewShipmentEvent[]): Promise<number> {
  if (events.length === 0) return 0;
  const keys = [...new Set(events.map((e) => e.dedupeKey))];
  const seen = new Set(
    (await db.shipmentEvent.findMany({ where: { shipmentId: shipment.id, dedupeKey: { in: keys } }, select: { dedupeKey: true } })).map(
      (e) => e.dedupeKey,
    ),
  );
  let added = 0;
  for (const event of events) {
    if (seen.has(event.dedupeKey)) continue;
    seen.add(event.dedupeKey);
    try {
      await db.shipmentEvent.create({
        data: {
          shop: shipment.shop,
          shipmentId: shipment.id,
          at: new Date(event.at),
          status: event.status,
          reason: event.reason ?? null,
          description: event.description,
          location: event.location ?? null,
          source: event.source,
          dedupeKey: event.dedupeKey,
        },
      });
      added += 1;
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
    }
  }
  return added;
}

/**
 * Applies what a source knows about a fulfillment: creates the shipment when it is new, stores new events and
 * re-derives status, estimate and lateness. Null when the shipment was erased for its customer (it is not
 * filled in again).
 *
 * A pickup's fulfillment (a snapshot with isPickup and its fulfillmentOrderId) takes over the placeholder of its
 * fulfillment order; a placeholder written when the fulfillment's shipment already exists is folded into it.
 * Either way one parcel ends as one shipment, whichever came first.
 */
export async function applyFulfillment(
  db: Database,
  shop: string,
  snap: FulfillmentSnapshot,
  options: RefreshOptions = {},
): Promise<Shipment | null> {
  const events = (snap.events ?? []).map(shopifyEvent).filter((e): e is NewShipmentEvent => e !== null);
  const ready = readyEvent(snap);
  const placeholder = isPickupPlaceholder(snap.fulfillmentId);
  // A cancelled fulfillment did not hand the parcel over: the pickup still waits under its placeholder.
  const takesOver =
    !placeholder && snap.isPickup === true && Boolean(snap.fulfillmentOrderId) && snap.shopifyStatus?.toUpperCase() !== "CANCELLED";
  if (takesOver) await renamePlaceholder(db, shop, pickupPlaceholderId(snap.fulfillmentOrderId!), snap.fulfillmentId);

  let redacted = false;
  const shipment = await createOrUpdate(db, shop, snap.fulfillmentId, (existing) => {
    if (existing?.redactedAt) {
      redacted = true;
      return {};
    }
    const updatedAt = dateOrNull(snap.updatedAt);
    const stale = Boolean(existing?.shopifyUpdatedAt && updatedAt && updatedAt < existing.shopifyUpdatedAt);
    const data = snapshotColumns(shop, snap, existing, stale);
    // A carrier date on the newest event is the carrier's latest word (when no re-read gave Shopify's own).
    if (snap.estimatedDeliveryAt === undefined) {
      const newest = [...(snap.events ?? [])]
        .filter((e) => e.estimatedDeliveryAt && !Number.isNaN(Date.parse(e.happenedAt)))
        .sort((a, b) => Date.parse(b.happenedAt) - Date.parse(a.happenedAt))[0];
      const last = existing?.lastEventAt?.getTime() ?? 0;
      if (newest && Date.parse(newest.happenedAt) >= last) data.carrierEstimate = newest.estimatedDeliveryAt;
    }
    return data;
  });
  if (redacted) return null;
  await addEvents(db, shipment, events);
  if (ready) await addEarliest(db, shipment, ready);

  // Checked after our own write, so of a placeholder and its fulfillment written at the same moment by two
  // workers, at least one of them sees the other.
  if (takesOver) {
    await foldPlaceholder(db, shop, pickupPlaceholderId(snap.fulfillmentOrderId!), shipment.id);
  } else if (placeholder && snap.fulfillmentOrderId) {
    const collected = await pickupShipmentOf(db, shop, snap.fulfillmentOrderId);
    if (collected) {
      await foldPlaceholder(db, shop, snap.fulfillmentId, collected.id);
      return refreshShipment(db, collected.id, options);
    }
  }
  return refreshShipment(db, shipment.id, options);
}

/** A report that is kept once and at its earliest time (one readiness, told by late and repeated webhooks). */
async function addEarliest(db: Database, shipment: Pick<Shipment, "id" | "shop">, event: NewShipmentEvent) {
  if (await addEvents(db, shipment, [event])) return;
  const at = new Date(event.at);
  await db.shipmentEvent.updateMany({ where: { shipmentId: shipment.id, dedupeKey: event.dedupeKey, at: { gt: at } }, data: { at } });
}

/** The shipment of a pickup's (not cancelled) fulfillment, when Shopify told us about it already. */
function pickupShipmentOf(db: Database, shop: string, fulfillmentOrderId: string) {
  return db.shipment.findFirst({
    where: {
      shop,
      fulfillmentOrderId,
      isPickup: true,
      NOT: { fulfillmentId: { startsWith: PLACEHOLDER_PREFIX } },
      OR: [{ shopifyStatus: null }, { shopifyStatus: { not: "CANCELLED" } }],
    },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    select: { id: true },
  });
}

/** The fulfillment is new to us: its pickup's placeholder becomes its shipment (one UPDATE: events and emails stay). */
async function renamePlaceholder(db: Database, shop: string, placeholderId: string, fulfillmentId: string) {
  const taken = await db.shipment.findUnique({ where: { shop_fulfillmentId: { shop, fulfillmentId } }, select: { id: true } });
  if (taken) return;
  try {
    await db.shipment.updateMany({ where: { shop, fulfillmentId: placeholderId }, data: { fulfillmentId } });
  } catch (error) {
    // Created meanwhile by another delivery: foldPlaceholder merges the two.
    if (!isUniqueViolation(error)) throw error;
  }
}

/**
 * Moves a placeholder's events and queued emails to the shipment of its fulfillment and removes it, in one
 * transaction. A report both have is kept once, at its earliest time; an email both have is kept once. An
 * erased placeholder (or shipment) brings nothing over.
 */
async function foldPlaceholder(db: Database, shop: string, placeholderId: string, shipmentId: string) {
  await db.$transaction(async (tx) => {
    const from = await tx.shipment.findUnique({ where: { shop_fulfillmentId: { shop, fulfillmentId: placeholderId } } });
    if (!from || from.id === shipmentId) return;
    const into = await tx.shipment.findUnique({ where: { id: shipmentId }, select: { redactedAt: true } });
    if (into && !into.redactedAt && !from.redactedAt) {
      const theirs = new Map(
        (await tx.shipmentEvent.findMany({ where: { shipmentId }, select: { id: true, dedupeKey: true, at: true } })).map((e) => [e.dedupeKey, e]),
      );
      for (const event of await tx.shipmentEvent.findMany({ where: { shipmentId: from.id }, select: { id: true, dedupeKey: true, at: true } })) {
        const same = theirs.get(event.dedupeKey);
        if (!same) await tx.shipmentEvent.updateMany({ where: { id: event.id }, data: { shipmentId } });
        else if (event.at < same.at) await tx.shipmentEvent.updateMany({ where: { id: same.id }, data: { at: event.at } });
      }
      const queued = new Set(
        (await tx.trackingNotification.findMany({ where: { shipmentId }, select: { kind: true, trigger: true } })).map((n) => `${n.kind}:${n.trigger}`),
      );
      for (const note of await tx.trackingNotification.findMany({ where: { shipmentId: from.id }, select: { id: true, kind: true, trigger: true } })) {
        if (!queued.has(`${note.kind}:${note.trigger}`)) await tx.trackingNotification.updateMany({ where: { id: note.id }, data: { shipmentId } });
      }
    }
    await tx.shipmentEvent.deleteMany({ where: { shipmentId: from.id } });
    await tx.trackingNotification.deleteMany({ where: { shipmentId: from.id } });
    await tx.shipment.deleteMany({ where: { id: from.id } });
  });
}

/** The events of a shipment plus what its Shopify record implies (shipped, picked up, cancelled), merged. */
export function timelineOf(shipment: Shipment, events: readonly ShipmentEvent[]): Timeline {
  const list: TimelineEvent[] = events.map((e) => ({
    at: e.at.toISOString(),
    status: e.status as TrackingStatus,
    ...(e.reason ? { reason: e.reason as ExceptionReason } : {}),
    description: e.description,
    ...(e.location ? { location: e.location } : {}),
    source: e.source,
  }));
  if (shipment.isPickup && shipment.shippedAt) {
    // A pickup order is fulfilled when the customer collects it.
    list.push({ at: shipment.shippedAt.toISOString(), status: "delivered", description: "", source: "shopify" });
  } else if (shipment.shippedAt) {
    // Shipped: the start of the journey, never after a carrier's scan (a fulfillment can be recorded late).
    const first = Math.min(shipment.shippedAt.getTime(), ...events.map((e) => e.at.getTime()));
    list.push({ at: new Date(first).toISOString(), status: "info_received", description: "", source: "shopify" });
  }
  if (shipment.shopifyStatus === "CANCELLED") {
    const at = shipment.shopifyUpdatedAt ?? shipment.updatedAt;
    list.push({ at: at.toISOString(), status: "exception", reason: "cancelled", description: "", source: "shopify" });
  }
  return mergeTimeline(list);
}

async function deliveryHistory(db: Database, shop: string, now: Date): Promise<DeliveredShipment[]> {
  const rows = await db.shipment.findMany({
    where: { shop, status: "delivered", shippedAt: { gte: new Date(now.getTime() - HISTORY_DAYS * DAY_MS) }, deliveredAt: { not: null } },
    select: { carrierCode: true, originCountry: true, destinationCountry: true, shippedAt: true, deliveredAt: true },
    orderBy: { deliveredAt: "desc" },
    take: 2000,
  });
  return rows.map((r) => ({
    carrier: r.carrierCode ?? "unknown",
    fromCountry: r.originCountry ?? "",
    toCountry: r.destinationCountry ?? "",
    shippedAt: r.shippedAt!.toISOString(),
    deliveredAt: r.deliveredAt!.toISOString(),
  }));
}

/** Re-derives a shipment's status, estimate and lateness from its events, and queues the emails a change calls for. */
export async function refreshShipment(db: Database, id: string, options: RefreshOptions = {}): Promise<Shipment | null> {
  // Compare-and-set on the version: of two workers applying two reports of one parcel at once, the one that
  // read before the other's write derives again, so the state that stays is derived from every report.
  for (let attempt = 0; attempt < 8; attempt += 1) {
    const outcome = await deriveShipment(db, id, options);
    if (outcome !== "moved") return outcome;
  }
  throw new Error(`Shipment ${id} kept changing while its status was derived; the next report or sweep derives it again`);
}

async function deriveShipment(db: Database, id: string, options: RefreshOptions): Promise<Shipment | null | "moved"> {
  const now = options.now ?? new Date();
  const before = await db.shipment.findUnique({ where: { id } });
  // Erased for its customer: what is left is statistics, frozen.
  if (!before || before.redactedAt) return before;
  const events = await db.shipmentEvent.findMany({ where: { shipmentId: id } });
  const timeline = timelineOf(before, events);
  const delivered = timeline.status === "delivered" ? timeline.events.find((e) => e.status === "delivered") : undefined;

  const cache = options.history ?? new HistoryCache(db, before.shop);
  let estimatedDelivery = before.estimatedDelivery;
  let estimateSource = before.estimateSource;
  // Once delivered, the estimate is what it was: the on-time rate compares delivery with it.
  if (timeline.status !== "delivered" || !estimatedDelivery) {
    if (before.shippedAt) {
      const history = before.carrierEstimate ? [] : await cache.rows(now);
      const estimate = estimateDelivery({
        carrierDate: before.carrierEstimate,
        shippedAt: before.shippedAt.toISOString(),
        carrier: before.carrierCode ?? "unknown",
        route: { fromCountry: before.originCountry ?? "", toCountry: before.destinationCountry ?? "" },
        history,
      });
      estimatedDelivery = estimate.date;
      estimateSource = estimate.source;
    } else {
      estimatedDelivery = null;
      estimateSource = "none";
    }
  }

  // Without a tracking number nobody reports scans: silence says nothing. A deadline ends at the shop's midnight.
  const judged = Boolean(before.trackingNumber) && !before.isPickup;
  const timeZone = judged && (before.promisedDate || estimatedDelivery) ? await cache.timeZone() : null;
  const lateness =
    judged
      ? detectLateness({
          status: timeline.status,
          reason: timeline.reason,
          lastEventAt: timeline.lastEventAt ?? null,
          promisedDate: before.promisedDate,
          estimate: { date: estimatedDelivery },
          now,
          carrierClass: carrierClassOf(before.carrierCode),
          timeZone,
        })
      : null;

  const { count } = await db.shipment.updateMany({
    where: { id, version: before.version },
    data: {
      version: { increment: 1 },
      status: timeline.status,
      exceptionReason: timeline.reason ?? null,
      step: timeline.step,
      lastEventAt: dateOrNull(timeline.lastEventAt),
      deliveredAt: delivered ? new Date(delivered.at) : null,
      estimatedDelivery,
      estimateSource,
      lateness: isTerminal(timeline.status, timeline.reason) ? null : lateness,
      // History (the backfill) is taken as told: only later changes email anyone.
      ...(options.notify === false ? { notifiedStatus: timeline.status } : {}),
    },
  });
  if (count === 0) return "moved";
  const after = await db.shipment.findUniqueOrThrow({ where: { id } });
  if (options.notify !== false) await queueNotifications(db, before, after, now);
  return after;
}

/** Removes a shipment and its events (a fulfillment that turned out not to be a parcel: a sale at the counter). */
export async function deleteShipment(db: Database, shop: string, fulfillmentId: string): Promise<void> {
  const shipment = await db.shipment.findUnique({ where: { shop_fulfillmentId: { shop, fulfillmentId } }, select: { id: true } });
  if (!shipment) return;
  await db.$transaction([
    db.shipmentEvent.deleteMany({ where: { shipmentId: shipment.id } }),
    db.trackingNotification.deleteMany({ where: { shipmentId: shipment.id } }),
    db.shipment.deleteMany({ where: { id: shipment.id } }),
  ]);
}
