import { z } from "zod";
import { defineHandler, type DeliveryContext, type TopicHandler } from "../webhooks/topic-handler";
import { needsOrderDetails, rereadFulfillment, rereadPickup, withdrawCancelledPickups } from "./backfill.server";
import { applyFulfillment, pickupPlaceholderId, type FulfillmentSnapshot } from "./shipments.server";

// fulfillments/create, fulfillments/update, fulfillment_events/create,
// fulfillment_orders/line_items_prepared_for_pickup, and orders/cancelled and orders/updated for pickups of a
// cancelled order (samples in ../shared/shopify/webhooks/; the order topics are shared with the inventory
// hints, and every module's handler runs: app/webhooks/handlers.server.ts). Each is applied as
// it comes: newer snapshots win by updated_at, events are stored once by id, and the status is re-derived from
// all events, so late, repeated or reordered deliveries end in the same state. A fulfillment's payload lacks its
// order's details (date, customer, locale): the first time we see one, it is re-read from the Admin API. A pickup
// marked ready says no more than its fulfillment order's id: that is always re-read.

// Numeric ids: JSON.parse keeps integers exact up to 2^53, far above Shopify's current ids (Shopify's own samples
// use larger, made-up ones, which must still validate). Gids win where the payload has them.
const numericId = z
  .union([z.number().nonnegative().refine(Number.isInteger, "not an id"), z.string().regex(/^\d+$/)])
  .transform(String);
const text = z.string().nullish();
const idOf = (gid: string | undefined, id: string) => (gid && /\/\d+$/.test(gid) ? gid.split("/").pop()! : id);

export const fulfillmentPayload = z.looseObject({
  id: numericId,
  admin_graphql_api_id: z.string().optional(),
  order_id: numericId,
  status: text,
  name: text,
  email: text,
  created_at: text,
  updated_at: text,
  tracking_company: text,
  tracking_number: text,
  tracking_numbers: z.array(z.string()).nullish(),
  tracking_url: text,
  tracking_urls: z.array(z.string()).nullish(),
  origin_address: z.looseObject({ country_code: text }).nullish(),
  destination: z.looseObject({ city: text, country_code: text }).nullish(),
  line_items: z
    .array(z.looseObject({ title: text, name: text, quantity: z.number().int().nonnegative() }))
    .default([]),
});

export const fulfillmentEventPayload = z.looseObject({
  id: numericId,
  admin_graphql_api_id: z.string().optional(),
  fulfillment_id: numericId,
  order_id: numericId.nullish(),
  status: z.string().min(1),
  message: text,
  happened_at: z.string().refine((value) => !Number.isNaN(Date.parse(value)), "not a date"),
  city: text,
  province: text,
  country: text,
  estimated_delivery_at: text,
});

/** "#1001.2" (a fulfillment's name) -> "#1001"; its number only when the name is plain digits after "#". */
function orderFromFulfillmentName(name: string | null | undefined): Pick<FulfillmentSnapshot, "orderName" | "orderNumber"> {
  if (!name) return {};
  const orderName = name.replace(/\.\d+$/, "");
  const number = /^#?(\d{1,12})$/.exec(orderName)?.[1];
  // A prefix or suffix with digits would make a wrong number: leave it to the Admin re-read.
  return number ? { orderName, orderNumber: Number(number) } : { orderName };
}

const fulfillmentOrderId = z.union([
  numericId,
  z
    .string()
    .regex(/^gid:\/\/shopify\/FulfillmentOrder\/\d+$/, "not a fulfillment order id")
    .transform((gid) => gid.split("/").pop()!),
]);

export const preparedForPickupPayload = z.looseObject({
  fulfillment_order: z.looseObject({
    id: fulfillmentOrderId,
    status: text,
    preparable: z.boolean().nullish(),
    delivery_method: z.looseObject({ method_type: text }).nullish(),
  }),
});

export function snapshotFromFulfillmentWebhook(payload: z.output<typeof fulfillmentPayload>): FulfillmentSnapshot {
  const number = payload.tracking_numbers?.[0] ?? payload.tracking_number ?? null;
  const url = payload.tracking_urls?.[0] ?? payload.tracking_url ?? null;
  return {
    fulfillmentId: idOf(payload.admin_graphql_api_id, payload.id),
    orderId: payload.order_id,
    ...orderFromFulfillmentName(payload.name),
    ...(payload.email !== undefined ? { email: payload.email } : {}),
    shopifyStatus: payload.status ?? null,
    createdAt: payload.created_at ?? null,
    updatedAt: payload.updated_at ?? null,
    tracking: { company: payload.tracking_company ?? null, number, url },
    // Shopify sends null addresses in these payloads even when the fulfillment has them (its sample does):
    // only an address that is there says something; the Admin re-read has the rest.
    ...(payload.origin_address?.country_code ? { originCountry: payload.origin_address.country_code } : {}),
    ...(payload.destination?.country_code
      ? { destination: { city: payload.destination.city ?? null, countryCode: payload.destination.country_code } }
      : {}),
    lineItems: payload.line_items.map((line) => ({ title: line.name ?? line.title ?? "", quantity: line.quantity })),
  };
}

export function snapshotFromEventWebhook(payload: z.output<typeof fulfillmentEventPayload>): FulfillmentSnapshot {
  return {
    fulfillmentId: payload.fulfillment_id,
    ...(payload.order_id ? { orderId: payload.order_id } : {}),
    events: [
      {
        id: idOf(payload.admin_graphql_api_id, payload.id),
        status: payload.status,
        message: payload.message ?? null,
        happenedAt: payload.happened_at,
        city: payload.city,
        province: payload.province,
        country: payload.country,
        estimatedDeliveryAt: payload.estimated_delivery_at,
      },
    ],
  };
}

async function apply(snapshot: FulfillmentSnapshot, ctx: DeliveryContext) {
  const shipment = await applyFulfillment(ctx.db, ctx.shop, snapshot);
  if (!shipment || !needsOrderDetails(shipment)) return;
  const admin = await ctx.adminFor?.(ctx.shop);
  // Without Admin access the payload is what we have; the backfill or the next delivery fills the rest.
  if (admin) await rereadFulfillment(ctx.db, admin, snapshot.fulfillmentId);
}

const fulfillmentHandler = defineHandler({
  schema: fulfillmentPayload,
  async handle(payload, ctx) {
    await apply(snapshotFromFulfillmentWebhook(payload), ctx);
    return "done";
  },
});

const fulfillmentEventHandler = defineHandler({
  schema: fulfillmentEventPayload,
  async handle(payload, ctx) {
    await apply(snapshotFromEventWebhook(payload), ctx);
    return "done";
  },
});

// The moment it became ready is when Shopify says the event happened (the same on every redelivery).
const preparedForPickupHandler = defineHandler({
  schema: preparedForPickupPayload,
  async handle(payload, ctx) {
    const id = payload.fulfillment_order.id;
    const admin = await ctx.adminFor?.(ctx.shop);
    if (!admin) {
      ctx.logger.warn(
        "A pickup was marked ready but the shop has no Admin API access, so its order cannot be read: shoppers see it once it is collected. Open Omnistock in the Shopify admin to restore access.",
        { shop: ctx.shop, fulfillmentOrderId: id },
      );
      return "skipped";
    }
    const readyAt = (ctx.triggeredAt ?? new Date()).toISOString();
    return (await rereadPickup(ctx.db, admin, id, readyAt)) ? "done" : "skipped";
  },
});

// Only what the cancellation needs, and leniently: the inventory hints read the same body, and a field we do not
// need must never get it refused.
export const orderCancellationPayload = z.looseObject({
  id: z.union([z.number(), z.string()]).nullish(),
  admin_graphql_api_id: z.string().nullish(),
  cancelled_at: z.string().nullish(),
});

// A pickup of a cancelled order must not stay "ready" for the shopper. orders/updated says the same when
// orders/cancelled is lost (it carries cancelled_at too); a shop without pickups waiting costs one query.
const orderCancelledHandler = defineHandler({
  schema: orderCancellationPayload,
  async handle(payload, ctx) {
    if (!payload.cancelled_at) return "skipped";
    const orderId = idOf(payload.admin_graphql_api_id ?? undefined, payload.id === null || payload.id === undefined ? "" : String(payload.id));
    if (!/^\d+$/.test(orderId)) return "skipped";
    const waiting = await ctx.db.shipment.count({ where: { shop: ctx.shop, orderId, fulfillmentId: { startsWith: pickupPlaceholderId("") }, redactedAt: null } });
    if (waiting === 0) return "skipped";
    const admin = (await ctx.adminFor?.(ctx.shop)) ?? null;
    const removed = await withdrawCancelledPickups(ctx.db, admin, ctx.shop, orderId);
    if (removed) {
      ctx.logger.info("Pickups of a cancelled order no longer show as ready for pickup to the shopper", { shop: ctx.shop, orderId, removed });
    }
    return removed ? "done" : "skipped";
  },
});

export const TRACKING_HANDLERS: Record<string, TopicHandler> = {
  "orders/cancelled": orderCancelledHandler,
  "orders/updated": orderCancelledHandler,
  "fulfillments/create": fulfillmentHandler,
  "fulfillments/update": fulfillmentHandler,
  "fulfillment_events/create": fulfillmentEventHandler,
  "fulfillment_orders/line_items_prepared_for_pickup": preparedForPickupHandler,
};
