import { expect } from "vitest";
import { Session } from "@shopify/shopify-app-remix/server";
import { PrismaSessionStorage } from "@shopify/shopify-app-session-storage-prisma";
import { EncryptedSessionStorage } from "../../app/auth/encrypted-session-storage.server";
import { databaseKind, db } from "../../app/db.server";
import * as webhooksRoute from "../../app/routes/webhooks";
import { SecretBox } from "../../app/security/secrets.server";
import { adminClientFor } from "../../app/shopify/admin-session.server";
import { processDueDeliveries } from "../../app/webhooks/processor.server";
import type { Address } from "../../devstore/state/model";
import type { RunningDevStore } from "../../devstore/server";
import { startHttpServer, type RunningHttpServer } from "../../server/app-server";
import { callAction, quietLogger } from "../support/app";
import { startFixtureDevStore, type Fixture } from "../support/devstore";
import { webhookRequest } from "../support/shopify";

// Shared by the tracking integration tests (not a test file itself): webhook delivery through the real route,
// Shopify-shaped payloads, and a dev store with the app over HTTP.

export const box = () => new SecretBox(process.env.OMNISTOCK_ENCRYPTION_KEY!);

/** Delivers a webhook through POST /webhooks (HMAC, intake validation, storage) and expects 200. */
export async function deliver(shop: string, topic: string, body: unknown, webhookId?: string) {
  const response = await callAction(webhooksRoute, webhookRequest({ topic, shop, body, ...(webhookId ? { webhookId } : {}) }));
  expect(response.status, await response.clone().text()).toBe(200);
}

/** Runs the webhook worker until nothing is due (with Admin access when the shop has a session). */
export async function processWebhooks(withAdmin = false) {
  for (;;) {
    const handled = await processDueDeliveries({ db: db(), kind: databaseKind(), logger: quietLogger, ...(withAdmin ? { adminFor: adminClientFor } : {}) });
    if (handled === 0) return;
  }
}

const iso = (ms: number) => new Date(ms).toISOString();

export interface FulfillmentBodyInit {
  id: number;
  orderId: number;
  orderName?: string;
  index?: number;
  createdAt: number;
  updatedAt?: number;
  email?: string | null;
  company?: string | null;
  number?: string | null;
  status?: string;
  lines?: { title: string; quantity: number }[];
  city?: string;
  country?: string;
}

/** A fulfillments/create or /update body shaped like Shopify's sample. */
export function fulfillmentBody(init: FulfillmentBodyInit) {
  const number = init.number === undefined ? "1Z999AA10123456784" : init.number;
  return {
    id: init.id,
    order_id: init.orderId,
    status: init.status ?? "success",
    created_at: iso(init.createdAt),
    updated_at: iso(init.updatedAt ?? init.createdAt),
    service: "manual",
    tracking_company: init.company === undefined ? "UPS" : init.company,
    shipment_status: null,
    location_id: 11,
    origin_address: { country_code: "FR" },
    email: init.email === undefined ? "Ada@Example.com" : init.email,
    destination: { first_name: "Ada", address1: "12 Rue Mercière", city: init.city ?? "Lyon", zip: "69002", country: "France", country_code: init.country ?? "FR" },
    line_items: (init.lines ?? [{ title: "Organic Tee", quantity: 2 }]).map((line, i) => ({ id: 7000 + i, title: line.title, name: line.title, quantity: line.quantity, sku: null })),
    tracking_number: number,
    tracking_numbers: number ? [number] : [],
    tracking_url: number ? `https://www.ups.com/track?tracknum=${number}` : null,
    tracking_urls: number ? [`https://www.ups.com/track?tracknum=${number}`] : [],
    receipt: {},
    name: `${init.orderName ?? "#1001"}.${init.index ?? 1}`,
    admin_graphql_api_id: `gid://shopify/Fulfillment/${init.id}`,
  };
}

/** A fulfillment_events/create body shaped like Shopify's sample. */
export function eventBody(init: { id: number; fulfillmentId: number; orderId: number; status: string; at: number; message?: string; city?: string | null; country?: string | null; eta?: number | null }) {
  return {
    id: init.id,
    fulfillment_id: init.fulfillmentId,
    status: init.status,
    message: init.message ?? `Parcel ${init.status.replaceAll("_", " ")}`,
    happened_at: iso(init.at),
    city: init.city === undefined ? "Lyon" : init.city,
    province: null,
    country: init.country === undefined ? "France" : init.country,
    zip: null,
    address1: null,
    latitude: null,
    longitude: null,
    shop_id: 548380009,
    created_at: iso(init.at),
    updated_at: iso(init.at),
    estimated_delivery_at: init.eta ? iso(init.eta) : null,
    order_id: init.orderId,
    admin_graphql_api_id: `gid://shopify/FulfillmentEvent/${init.id}`,
  };
}

/** Everything a shipment shows, without row ids and bookkeeping timestamps. */
export async function shipmentState(shop: string, fulfillmentId: string) {
  const shipment = await db().shipment.findUniqueOrThrow({ where: { shop_fulfillmentId: { shop, fulfillmentId } } });
  const events = await db().shipmentEvent.findMany({ where: { shipmentId: shipment.id }, orderBy: [{ at: "asc" }, { dedupeKey: "asc" }] });
  const { id: _id, shop: _shop, createdAt: _c, updatedAt: _u, version: _v, notifiedStatus: _n, emailHash, ...rest } = shipment;
  return {
    ...rest,
    emailHashed: emailHash !== null,
    events: events.map((e) => ({ at: e.at.toISOString(), status: e.status, reason: e.reason, description: e.description, location: e.location, source: e.source, key: e.dedupeKey })),
  };
}

export interface TrackingStore {
  devstore: RunningDevStore & { fixture: Fixture };
  app: RunningHttpServer;
  close(): Promise<void>;
}

async function storeSession(shop: string, accessToken: string) {
  const storage = new EncryptedSessionStorage(new PrismaSessionStorage(db()), box());
  await storage.storeSession(new Session({ id: `offline_${shop}`, shop, state: "", isOnline: false, scope: "read_orders", accessToken }));
}

/** The fixture dev store with the app over HTTP and installed (a session), so webhooks and Admin reads are real. */
export async function startTrackingStore(): Promise<TrackingStore> {
  const devstore = await startFixtureDevStore();
  process.env.SHOPIFY_ADMIN_API_ORIGIN = devstore.url;
  const app = await startHttpServer({ port: 0, host: "127.0.0.1", dev: true });
  devstore.setAppUrl(app.url);
  await fetch(`${app.url}/healthz`);
  const shop = devstore.fixture.shop;
  await db().shop.create({ data: { shop, name: "Fixture Goods" } });
  await storeSession(shop, devstore.install(shop).accessToken);
  return {
    devstore,
    app,
    async close() {
      // Deliveries still on their way would keep the app's connections open.
      await devstore.dispatcher.settle();
      await app.close();
      await devstore.close();
    },
  };
}

export const LYON: Address = { address1: "12 Rue Mercière", city: "Lyon", zip: "69002", country: "France", countryCode: "FR" };
export const KOLN: Address = { address1: "1 Domkloster", city: "Köln", zip: "50667", country: "Germany", countryCode: "DE" };

/** Places an order in the dev store (stock untouched) and returns it with its fulfillment order. */
export function placeOrder(
  store: TrackingStore,
  lines: { variantId: string; quantity: number }[],
  extra: { customerId?: string; email?: string; address?: Address; pickup?: boolean } = {},
) {
  const { devstore } = store;
  const order = devstore.store.createOrder(devstore.fixture.shop, {
    lineItems: lines,
    customerId: extra.customerId ?? null,
    email: extra.email ?? null,
    shippingAddress: extra.address ?? LYON,
    ...(extra.pickup ? { deliveryMethod: "PICK_UP" as const, locationId: devstore.fixture.retail, sourceName: "web" } : {}),
  });
  const fo = [...devstore.store.shop(devstore.fixture.shop).fulfillmentOrders.values()].find((f) => f.orderId === order.id)!;
  return { order, fo };
}
