import { expect } from "vitest";
import { Session } from "@shopify/shopify-app-remix/server";
import { PrismaSessionStorage } from "@shopify/shopify-app-session-storage-prisma";
import { EncryptedSessionStorage } from "../../app/auth/encrypted-session-storage.server";
import { databaseKind, db } from "../../app/db.server";
import { processRefreshQueue } from "../../app/inventory/hints.server";
import { importShop } from "../../app/inventory/mirror.server";
import { SecretBox } from "../../app/security/secrets.server";
import { adminClientFor } from "../../app/shopify/admin-session.server";
import { processPushJobs } from "../../app/sync/push.server";
import { processDueDeliveries } from "../../app/webhooks/processor.server";
import { emptyQuantities } from "../../devstore/state/model";
import type { RunningDevStore } from "../../devstore/server";
import { startHttpServer, type RunningHttpServer } from "../../server/app-server";
import { quietLogger } from "./app";
import { startFixtureDevStore, type Fixture } from "./devstore";

// Two Shopify stores in one dev store, both running Omnistock: the fixture home store (a warehouse and a
// shop) and a linked store that sells the same SKUs from one stockroom. The app runs over HTTP.

export const LINKED = "linked.myshopify.com";
export const LINKED_LOCATION = "7100";
export const linkedItems = { tee: "7301", mug: "7302" };

export interface LinkedStores {
  devstore: RunningDevStore & { fixture: Fixture };
  app: RunningHttpServer;
  close(): Promise<void>;
}

function seedLinkedStore(devstore: RunningDevStore) {
  const store = devstore.store;
  store.createShop({ domain: LINKED, name: "Linked Outlet", currencyCode: "EUR" });
  const now = new Date().toISOString();
  store.addLocation(LINKED, {
    id: LINKED_LOCATION, name: "Outlet stockroom", kind: "warehouse",
    address: { address1: "1 Hafenstraße", city: "Köln", zip: "50667", country: "Germany", countryCode: "DE", latitude: 50.94, longitude: 6.96 },
    isActive: true, fulfillsOnlineOrders: true, localPickup: null, openingHours: null, createdAt: now, updatedAt: now,
  });
  for (const [key, sku, variantId, productId] of [["tee", "tee-blk-m ", "7201", "7001"], ["mug", "MUG-GRY", "7202", "7002"]] as const) {
    const itemId = linkedItems[key];
    store.addProduct(
      LINKED,
      { id: productId, title: key, handle: key, productType: "Test", vendor: "Linked", descriptionHtml: "", tags: [], status: "ACTIVE", options: ["Title"], imageUrl: null, createdAt: now, updatedAt: now },
      [{ id: variantId, productId, title: "Default Title", sku, barcode: null, price: "20.00", compareAtPrice: null, selectedOptions: ["Default Title"], inventoryPolicy: "DENY", inventoryItemId: itemId, position: 1, createdAt: now, updatedAt: now }],
      [{ id: itemId, variantId, sku, tracked: true, requiresShipping: true, unitCost: null, createdAt: now, updatedAt: now }],
    );
    store.putLevel(LINKED, { inventoryItemId: itemId, locationId: LINKED_LOCATION, quantities: { ...emptyQuantities(), available: 0 }, updatedAt: now });
  }
}

/** Adds a product to the linked store (one variant, one item at its stockroom). */
export function addLinkedProduct(devstore: RunningDevStore, ids: { product: string; variant: string; item: string }, sku: string) {
  const now = new Date().toISOString();
  devstore.store.addProduct(
    LINKED,
    { id: ids.product, title: sku, handle: sku.toLowerCase(), productType: "Test", vendor: "Linked", descriptionHtml: "", tags: [], status: "ACTIVE", options: ["Title"], imageUrl: null, createdAt: now, updatedAt: now },
    [{ id: ids.variant, productId: ids.product, title: "Default Title", sku, barcode: null, price: "20.00", compareAtPrice: null, selectedOptions: ["Default Title"], inventoryPolicy: "DENY", inventoryItemId: ids.item, position: 1, createdAt: now, updatedAt: now }],
    [{ id: ids.item, variantId: ids.variant, sku, tracked: true, requiresShipping: true, unitCost: null, createdAt: now, updatedAt: now }],
  );
  devstore.store.putLevel(LINKED, { inventoryItemId: ids.item, locationId: LINKED_LOCATION, quantities: { ...emptyQuantities(), available: 0 }, updatedAt: now });
}

async function storeSession(shop: string, accessToken: string) {
  const storage = new EncryptedSessionStorage(new PrismaSessionStorage(db()), new SecretBox(process.env.OMNISTOCK_ENCRYPTION_KEY!));
  await storage.storeSession(new Session({ id: `offline_${shop}`, shop, state: "", isOnline: false, scope: "write_inventory", accessToken }));
}

/** Starts the dev store with both shops, the app over HTTP, and imports both catalogs. */
export async function startLinkedStores(): Promise<LinkedStores> {
  const devstore = await startFixtureDevStore();
  seedLinkedStore(devstore);
  process.env.SHOPIFY_ADMIN_API_ORIGIN = devstore.url;
  const app = await startHttpServer({ port: 0, host: "127.0.0.1", dev: true });
  devstore.setAppUrl(app.url);
  await fetch(`${app.url}/healthz`);
  for (const shop of [devstore.fixture.shop, LINKED]) {
    await db().shop.create({ data: { shop } });
    await storeSession(shop, devstore.install(shop).accessToken);
    await importShop(db(), (await adminClientFor(shop))!, "initial import");
  }
  return {
    devstore,
    app,
    async close() {
      await app.close();
      await devstore.close();
    },
  };
}

/** Runs every worker until none has anything left to do (webhooks settle first). */
export async function runWorkersUntilIdle(devstore: RunningDevStore) {
  for (let round = 0; round < 20; round += 1) {
    await devstore.dispatcher.settle();
    const handled =
      (await processDueDeliveries({ db: db(), kind: databaseKind(), logger: quietLogger, adminFor: adminClientFor })) +
      (await processRefreshQueue({ db: db(), logger: quietLogger, adminFor: adminClientFor })) +
      (await processPushJobs({ db: db(), kind: databaseKind(), logger: quietLogger, adminFor: adminClientFor }));
    if (handled === 0) return;
  }
  throw new Error("The workers did not settle");
}

/** An order through the dev store's sale endpoint (as a storefront or POS would place it). */
export async function sell(devstore: RunningDevStore, shop: string, variantId: string, quantity: number, locationId?: string) {
  const response = await fetch(`${devstore.url}/_devstore/shops/${shop}/sales`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ lineItems: [{ variantId, quantity }], ...(locationId ? { locationId } : {}) }),
  });
  const text = await response.text();
  expect(response.status, text).toBe(201);
  return JSON.parse(text) as { id: string; name: string };
}

/** What Shopify holds: `available` at one location. */
export const truth = (devstore: RunningDevStore, shop: string, item: string, location: string) => devstore.store.level(shop, item, location)!.quantities.available;
