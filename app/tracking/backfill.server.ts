import type { Shipment } from "@prisma/client";
import type { Database } from "../db.server";
import type { Logger } from "../observability/logger.server";
import type { AdminClient, QueryCost } from "../shopify/admin-client.server";
import {
  fulfillmentOrderWithOrder,
  fulfillmentWithOrder,
  shopTimeZone,
  trackedOrdersPage,
  type ShopifyFulfillment,
  type ShopifyFulfillmentOrder,
  type ShopifyTrackedOrder,
} from "./admin-operations";
import {
  applyFulfillment,
  deleteShipment,
  HistoryCache,
  pickupPlaceholderId,
  type FulfillmentSnapshot,
  type RefreshOptions,
} from "./shipments.server";
import { sweepShipments } from "./sweep.server";
import { isTimeZone, localDate } from "./time-zone";

// Reading fulfillments from the Admin API: one (a webhook told us about it but not about its order), or every
// recent one (after install, so shipments and delivery history are there from the first day); and one
// fulfillment order, for a local pickup that is ready before any fulfillment exists.

/** How far back the backfill reads orders. */
export const BACKFILL_DAYS = 90;
const DAY_MS = 86_400_000;

type OrdersPage = { nodes: (ShopifyTrackedOrder & { fulfillments: ShopifyFulfillment[] })[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };

const numeric = (gid: string | null | undefined) => (gid ? (gid.split("/").pop() ?? null) : null);

/**
 * The promised delivery date from DeliveryMethod.maxDeliveryDateTime: the day that instant falls on in the shop's
 * time zone. Shopify writes it in UTC, so "2026-05-13T06:59:59Z" is 12 May for a shop in Los Angeles; its UTC
 * date would flag the parcel late a day late. A bare date, or a time without an offset, is already the shop's
 * own and is read as written. Null when there is no promise or it is not a date. Lateness then counts the
 * promised day to its end in the same zone (detectLateness).
 */
export function promisedDateOf(maxDeliveryDateTime: string | null | undefined, timeZone?: string | null): string | null {
  const text = maxDeliveryDateTime?.trim() ?? "";
  const date = /^(\d{4}-\d{2}-\d{2})/.exec(text)?.[1];
  if (!date || Number.isNaN(Date.parse(`${date}T00:00:00Z`))) return null;
  if (!/T.*(Z|[+-]\d{2}:?\d{2})$/i.test(text)) return date;
  const instant = Date.parse(text);
  return Number.isNaN(instant) ? null : localDate(new Date(instant), timeZone);
}

/**
 * The shop's IANA time zone: as installation stored it (Shop.ianaTimezone), or read from the Admin API (1 point)
 * and stored when it did not. Null when neither knows one (promises are then read in UTC).
 */
export async function shopTimeZoneOf(db: Database, admin: AdminClient): Promise<string | null> {
  const stored = (await db.shop.findUnique({ where: { shop: admin.shop }, select: { ianaTimezone: true } }))?.ianaTimezone;
  if (isTimeZone(stored)) return stored;
  const { data } = await admin.run(shopTimeZone);
  const read = data.shop.ianaTimezone;
  if (!isTimeZone(read)) return null;
  await db.shop.updateMany({ where: { shop: admin.shop }, data: { ianaTimezone: read } });
  return read;
}

/** The shop's time zone only when a promise needs reading (no query otherwise). */
const zoneFor = (db: Database, admin: AdminClient, promise: string | null | undefined) => (promise ? shopTimeZoneOf(db, admin) : Promise.resolve(null));

/** What a snapshot knows from the order itself (the same for each of its fulfillments). */
function orderSnapshot(order: ShopifyTrackedOrder) {
  return {
    orderId: numeric(order.id),
    orderName: order.name,
    orderNumber: order.number,
    orderPlacedAt: order.createdAt,
    email: order.email,
    locale: order.customerLocale,
    customerId: numeric(order.customer?.id),
    destination: order.shippingAddress ? { city: order.shippingAddress.city, countryCode: order.shippingAddress.countryCodeV2 } : null,
  } satisfies Partial<FulfillmentSnapshot>;
}

/** A fulfillment and its order as Admin GraphQL returns them, as a snapshot with everything known. */
export function snapshotFromAdmin(f: ShopifyFulfillment, order: ShopifyTrackedOrder, timeZone?: string | null): FulfillmentSnapshot {
  const fo = f.fulfillmentOrders.nodes[0];
  const isPickup = fo?.deliveryMethod?.methodType === "PICK_UP";
  const tracking = f.trackingInfo[0];
  return {
    fulfillmentId: numeric(f.id)!,
    ...orderSnapshot(order),
    shopifyStatus: f.status,
    createdAt: f.createdAt,
    updatedAt: f.updatedAt,
    tracking: { company: tracking?.company ?? null, number: tracking?.number ?? null, url: tracking?.url ?? null },
    estimatedDeliveryAt: f.estimatedDeliveryAt,
    originCountry: f.originAddress?.countryCode ?? null,
    isPickup,
    pickupLocationId: isPickup ? numeric(fo?.assignedLocation.location?.id ?? f.location?.id) : null,
    fulfillmentOrderId: numeric(fo?.id),
    promisedDate: promisedDateOf(fo?.deliveryMethod?.maxDeliveryDateTime, timeZone),
    lineItems: f.fulfillmentLineItems.nodes.map((line) => ({ title: line.lineItem.name, quantity: line.quantity ?? 0 })),
    events: f.events.nodes.map((e) => ({
      id: numeric(e.id)!,
      status: e.status,
      message: e.message,
      happenedAt: e.happenedAt,
      city: e.city,
      province: e.province,
      country: e.country,
      estimatedDeliveryAt: e.estimatedDeliveryAt,
    })),
  };
}

/**
 * A pickup marked ready, before its fulfillment exists, as the snapshot of its placeholder shipment: the order,
 * the shop it waits in, its items and the moment it became ready. Nothing has shipped, so no ship date, status
 * or tracking; Shopify's fulfillment brings those when the customer collects it.
 */
export function pickupSnapshotFromAdmin(fo: ShopifyFulfillmentOrder, readyAt: string, timeZone?: string | null): FulfillmentSnapshot {
  const fulfillmentOrderId = numeric(fo.id)!;
  return {
    fulfillmentId: pickupPlaceholderId(fulfillmentOrderId),
    ...orderSnapshot(fo.order),
    isPickup: true,
    pickupLocationId: numeric(fo.assignedLocation.location?.id),
    fulfillmentOrderId,
    promisedDate: promisedDateOf(fo.deliveryMethod?.maxDeliveryDateTime, timeZone),
    lineItems: fo.lineItems.nodes.map((line) => ({ title: line.lineItem.name, quantity: line.totalQuantity })),
    readyForPickupAt: readyAt,
  };
}

/** FulfillmentOrderStatus values of a fulfillment order that no longer waits for its customer. */
const NOT_ON_THE_SHELF: ReadonlySet<string> = new Set(["CANCELLED", "CLOSED", "INCOMPLETE"]);

/** A sale handed over at the counter (POS) is not a parcel: it has nothing to track. */
const isCounterSale = (order: ShopifyTrackedOrder) => order.retailLocation !== null;

/**
 * Re-reads one fulfillment and applies it, with what the caller knows `also` (a pickup's readiness). Returns the
 * shipment, or null when the fulfillment is gone, is a counter sale (its shipment, if a webhook created one, is
 * removed) or was erased for its customer.
 */
export async function rereadFulfillment(
  db: Database,
  admin: AdminClient,
  fulfillmentId: string,
  options: RefreshOptions = {},
  also: Pick<FulfillmentSnapshot, "readyForPickupAt"> = {},
): Promise<Shipment | null> {
  const { data } = await admin.run(fulfillmentWithOrder, { id: `gid://shopify/Fulfillment/${fulfillmentId}` });
  const fulfillment = data.fulfillment;
  if (!fulfillment) return null;
  if (isCounterSale(fulfillment.order)) {
    await deleteShipment(db, admin.shop, fulfillmentId);
    return null;
  }
  const timeZone = await zoneFor(db, admin, fulfillment.fulfillmentOrders.nodes[0]?.deliveryMethod?.maxDeliveryDateTime);
  return applyFulfillment(db, admin.shop, { ...snapshotFromAdmin(fulfillment, fulfillment.order, timeZone), ...also }, options);
}

/**
 * A local pickup was marked ready (fulfillment_orders/line_items_prepared_for_pickup): re-reads its fulfillment
 * order and records the readiness, at `readyAt`, on the pickup's shipment. Before the customer collects it
 * there is no fulfillment, so that is a placeholder keyed by the fulfillment order; when the webhook comes after
 * the collection (late), the readiness goes to the fulfillment's shipment instead. Null when the fulfillment
 * order is gone, is not a pickup or is a counter sale, when nothing waits on the shelf any more without having
 * been collected (cancelled, moved or merged away: a late webhook must not announce it), or when the shipment was
 * erased for its customer.
 */
export async function rereadPickup(
  db: Database,
  admin: AdminClient,
  fulfillmentOrderId: string,
  readyAt: string,
  options: RefreshOptions = {},
): Promise<Shipment | null> {
  const { data } = await admin.run(fulfillmentOrderWithOrder, { id: `gid://shopify/FulfillmentOrder/${fulfillmentOrderId}` });
  const fo = data.fulfillmentOrder;
  if (!fo || fo.deliveryMethod?.methodType !== "PICK_UP" || isCounterSale(fo.order)) return null;
  const collected = fo.fulfillments.nodes.find((f) => f.status.toUpperCase() !== "CANCELLED");
  if (collected) return rereadFulfillment(db, admin, numeric(collected.id)!, options, { readyForPickupAt: readyAt });
  if (NOT_ON_THE_SHELF.has(fo.status.toUpperCase())) return null;
  const timeZone = await zoneFor(db, admin, fo.deliveryMethod?.maxDeliveryDateTime);
  return applyFulfillment(db, admin.shop, pickupSnapshotFromAdmin(fo, readyAt, timeZone), options);
}

/**
 * An order was cancelled (orders/cancelled, or orders/updated with cancelled_at): a pickup of it still marked
 * ready must stop telling the shopper so. Each of its placeholders is checked against its fulfillment order:
 * collected after all, it becomes that fulfillment's shipment; no longer on the shelf (cancelled, closed) or gone,
 * it is removed with its events and emails (as a counter sale's shipment is), so the lookup shows nothing and a
 * "ready" email still waiting never goes out. Without Admin access the order's cancellation is taken as the
 * answer. Returns how many were removed.
 */
export async function withdrawCancelledPickups(db: Database, admin: AdminClient | null, shop: string, orderId: string): Promise<number> {
  const placeholders = await db.shipment.findMany({
    where: { shop, orderId, fulfillmentId: { startsWith: pickupPlaceholderId("") }, redactedAt: null },
    select: { fulfillmentId: true, fulfillmentOrderId: true },
  });
  let removed = 0;
  for (const placeholder of placeholders) {
    if (admin && placeholder.fulfillmentOrderId) {
      const { data } = await admin.run(fulfillmentOrderWithOrder, { id: `gid://shopify/FulfillmentOrder/${placeholder.fulfillmentOrderId}` });
      const fo = data.fulfillmentOrder;
      const collected = fo?.fulfillments.nodes.find((f) => f.status.toUpperCase() !== "CANCELLED");
      if (collected) {
        await rereadFulfillment(db, admin, numeric(collected.id)!);
        continue;
      }
      if (fo && !NOT_ON_THE_SHELF.has(fo.status.toUpperCase())) continue;
    }
    await deleteShipment(db, shop, placeholder.fulfillmentId);
    removed += 1;
  }
  return removed;
}

/** Whether a shipment still lacks what only the Admin API has (the order's date, customer and locale). */
export const needsOrderDetails = (shipment: Shipment) => shipment.orderPlacedAt === null && shipment.redactedAt === null;

/** Of the shop's Admin API bucket, the share the backfill leaves to the sync engine: it waits below this. */
const LEAVE_FOR_OTHERS = 0.5;

/** How long to rest after a page so the bucket stays at least half full for everything else. */
function restAfter(cost: QueryCost | null): number {
  const bucket = cost?.throttleStatus;
  if (!bucket) return 0;
  const missing = bucket.maximumAvailable * LEAVE_FOR_OTHERS - bucket.currentlyAvailable;
  return missing > 0 ? Math.ceil((missing / Math.max(1, bucket.restoreRate)) * 1000) : 0;
}

const sinceDate = (now: Date, days: number) => new Date(now.getTime() - days * DAY_MS).toISOString().slice(0, 10);

/** Reads one page of orders (newest first) and applies their fulfillments, as history (no emails). */
async function backfillPage(db: Database, admin: AdminClient, since: string, after: string | null, now: Date) {
  const page: { data: { orders: OrdersPage }; cost: QueryCost | null } = await admin.run(trackedOrdersPage, { query: `created_at:>=${since}`, after });
  const history = new HistoryCache(db, admin.shop);
  const promised = page.data.orders.nodes.flatMap((o) => o.fulfillments).find((f) => f.fulfillmentOrders.nodes[0]?.deliveryMethod?.maxDeliveryDateTime);
  const timeZone = await zoneFor(db, admin, promised?.fulfillmentOrders.nodes[0]?.deliveryMethod?.maxDeliveryDateTime);
  let shipments = 0;
  for (const order of page.data.orders.nodes) {
    if (isCounterSale(order)) continue;
    for (const fulfillment of order.fulfillments) {
      if (await applyFulfillment(db, admin.shop, snapshotFromAdmin(fulfillment, order, timeZone), { notify: false, now, history })) shipments += 1;
    }
  }
  const { hasNextPage, endCursor } = page.data.orders.pageInfo;
  return { shipments, next: hasNextPage && endCursor ? endCursor : null, restMs: restAfter(page.cost) };
}

/**
 * Reads every order created in the last `days` days with its fulfillments, newest first (the parcels shoppers
 * ask about first), pacing itself to leave half of the shop's Admin API bucket to the sync engine. No emails:
 * this is history. Returns the shipments applied. (The worker does the same a page per batch: runDueBackfill.)
 */
export async function backfillShop(
  db: Database,
  admin: AdminClient,
  options: { days?: number; now?: Date; sleep?: (ms: number) => Promise<void> } = {},
) {
  const now = options.now ?? new Date();
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const since = sinceDate(now, options.days ?? BACKFILL_DAYS);
  let after: string | null = null;
  let shipments = 0;
  for (;;) {
    const page: { shipments: number; next: string | null; restMs: number } = await backfillPage(db, admin, since, after, now);
    shipments += page.shipments;
    if (!page.next) break;
    after = page.next;
    if (page.restMs > 0) await sleep(page.restMs);
  }
  // Parcels in flight were estimated before all the history was read: estimate them again.
  await sweepShipments(db, now, admin.shop);
  return { shipments };
}

export interface BackfillDeps {
  db: Database;
  logger: Logger;
  adminFor: (shop: string) => Promise<AdminClient | null>;
  now?: () => Date;
}

/** How long a worker holds a run while it reads a page (a crashed worker's run is resumed after it). */
const PAGE_LEASE_MS = 2 * 60_000;
/** A failed backfill is tried again after this long. */
const RETRY_FAILED_MS = 60 * 60_000;

/**
 * Reads the next page of one shop's backfill: a shop never read, reinstalled since, asked for again, or part
 * way through. Claims the run first (compare-and-swap on its lease), so workers never read the same page.
 * Returns 1 when it read a page, 0 when nothing was due.
 */
export async function runDueBackfill(deps: BackfillDeps): Promise<number> {
  const now = deps.now?.() ?? new Date();
  const shops = await deps.db.shop.findMany({ where: { uninstalledAt: null }, select: { shop: true, installedAt: true } });
  if (shops.length === 0) return 0;
  const runs = new Map((await deps.db.trackingBackfill.findMany({ where: { shop: { in: shops.map((s) => s.shop) } } })).map((r) => [r.shop, r]));
  for (const { shop, installedAt } of shops) {
    const run = runs.get(shop);
    const free = !run?.lockedUntil || run.lockedUntil < now;
    // From the start: never read, asked for again, or read before the latest install.
    const fresh = !run || run.status === "requested" || (run.status !== "running" && run.startedAt < installedAt);
    // Where it stopped: a run in progress whose page lease ran out, or a failed one after a while.
    const resume =
      run?.status === "running" ||
      (run?.status === "failed" && now.getTime() - (run.finishedAt ?? run.startedAt).getTime() > RETRY_FAILED_MS);
    if (!free || !(fresh || resume)) continue;

    const lease = { status: "running", lockedUntil: new Date(now.getTime() + PAGE_LEASE_MS), error: null };
    const start = fresh ? { since: sinceDate(now, BACKFILL_DAYS), cursor: null, shipments: 0, startedAt: now, finishedAt: null } : {};
    let claimed: boolean;
    if (!run) {
      try {
        await deps.db.trackingBackfill.create({ data: { shop, ...lease, ...start } });
        claimed = true;
      } catch (error) {
        // Another worker created the run first: it is theirs. (By Prisma's code: the PostgreSQL client's errors are
        // not instances of @prisma/client's classes.)
        if ((error as { code?: unknown } | null)?.code !== "P2002") throw error;
        claimed = false;
      }
    } else {
      const { count } = await deps.db.trackingBackfill.updateMany({
        where: { shop, status: run.status, lockedUntil: run.lockedUntil },
        data: { ...lease, ...start },
      });
      claimed = count === 1;
    }
    if (!claimed) continue;
    await readClaimedPage(deps, shop, now);
    return 1;
  }
  return 0;
}

async function readClaimedPage(deps: BackfillDeps, shop: string, now: Date) {
  const run = await deps.db.trackingBackfill.findUniqueOrThrow({ where: { shop } });
  try {
    const admin = await deps.adminFor(shop);
    if (!admin) throw new Error("No Admin API access for the shop");
    const page = await backfillPage(deps.db, admin, run.since ?? sinceDate(now, BACKFILL_DAYS), run.cursor, now);
    if (page.next) {
      // Rest before the next page, so the sync engine keeps its share of the shop's rate limit.
      await deps.db.trackingBackfill.update({
        where: { shop },
        data: { cursor: page.next, shipments: { increment: page.shipments }, lockedUntil: new Date(Date.now() + page.restMs) },
      });
      return;
    }
    await sweepShipments(deps.db, now, shop);
    const done = await deps.db.trackingBackfill.update({
      where: { shop },
      data: { status: "done", cursor: null, shipments: { increment: page.shipments }, lockedUntil: null, finishedAt: new Date() },
    });
    deps.logger.info("Tracking backfill read recent fulfillments", { shop, shipments: done.shipments, since: run.since });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    deps.logger.warn("Tracking backfill failed; it will be tried again", { shop, error: message });
    await deps.db.trackingBackfill.update({ where: { shop }, data: { status: "failed", error: message, lockedUntil: null, finishedAt: new Date() } });
  }
}

/** Asks for a new backfill of a shop (the merchant's button): the worker picks it up. */
export async function requestBackfill(db: Database, shop: string) {
  await db.trackingBackfill.updateMany({ where: { shop, status: { not: "running" } }, data: { status: "requested", error: null } });
}
