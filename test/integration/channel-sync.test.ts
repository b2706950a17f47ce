import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createConnectionCode, linkStore, LinkError } from "../../app/channels/linking.server";
import { syncShopifyStoreListings } from "../../app/channels/listings.server";
import { databaseKind, db } from "../../app/db.server";
import { importShop } from "../../app/inventory/mirror.server";
import { adminClientFor } from "../../app/shopify/admin-session.server";
import { desiredQuantity, processPushJobs } from "../../app/sync/push.server";
import { reconcileShop } from "../../app/sync/reconcile.server";
import { quietLogger } from "../support/app";
import { LINKED, linkedItems, runWorkersUntilIdle as runStoresUntilIdle, sell as sellIn, startLinkedStores, truth as truthIn, type LinkedStores } from "../support/linked-stores";

// Two Shopify stores in the dev store, both running Omnistock: the home store (a warehouse and a shop) and
// a linked store that sells the same SKUs. Sales anywhere must reach the other store, exactly once.

let stores: LinkedStores;
let devstore: LinkedStores["devstore"];

const runWorkersUntilIdle = () => runStoresUntilIdle(devstore);
const sell = (shop: string, variantId: string, quantity: number, locationId?: string) => sellIn(devstore, shop, variantId, quantity, locationId);
const truth = (shop: string, item: string, location: string) => truthIn(devstore, shop, item, location);
const homeTotal = (item: string) => truth(devstore.fixture.shop, item, devstore.fixture.warehouse) + truth(devstore.fixture.shop, item, devstore.fixture.retail);

beforeAll(async () => {
  stores = await startLinkedStores();
  devstore = stores.devstore;
}, 60_000);
afterAll(async () => stores?.close());

describe("linking a store", () => {
  it("refuses a wrong code and a store linking to itself", async () => {
    await expect(linkStore(db(), "AAAA-BBBB-CCCC", LINKED)).rejects.toThrow(LinkError);
    const { code } = await createConnectionCode(db(), devstore.fixture.shop);
    await expect(linkStore(db(), code, devstore.fixture.shop)).rejects.toThrow(/cannot be linked to itself/);
    const expired = await createConnectionCode(db(), devstore.fixture.shop, new Date(Date.now() - 3_600_000));
    await expect(linkStore(db(), expired.code, LINKED)).rejects.toThrow(/expired/);
  });

  it("links with a one-time code and maps the linked store's items by normalized SKU", async () => {
    const { code } = await createConnectionCode(db(), devstore.fixture.shop);
    const channel = await linkStore(db(), code.toLowerCase(), LINKED);
    expect(channel).toMatchObject({ shop: devstore.fixture.shop, kind: "shopify_store", remoteAccount: LINKED, remoteLocationId: "7100" });
    await expect(linkStore(db(), code, LINKED)).rejects.toThrow(LinkError); // one-time
    expect(await syncShopifyStoreListings(db(), channel)).toEqual({ matched: 2, conflicts: 0 });
    const tee = await db().channelListing.findUniqueOrThrow({ where: { channelId_remoteListingId: { channelId: channel.id, remoteListingId: linkedItems.tee } } });
    expect(tee).toMatchObject({ inventoryItemId: devstore.fixture.items.tee.inventoryItemId, matchedVia: "sku", packSize: 1 });
  });
});

describe("keeping the linked store right", () => {
  it("pushes what the home store can sell, with compare-and-swap", async () => {
    const { enqueuePushes } = await import("../../app/sync/push.server");
    await enqueuePushes(db(), devstore.fixture.shop, Object.values(devstore.fixture.items).map((i) => i.inventoryItemId));
    await runWorkersUntilIdle();
    expect(truth(LINKED, linkedItems.tee, "7100")).toBe(homeTotal(devstore.fixture.items.tee.inventoryItemId));
    expect(truth(LINKED, linkedItems.mug, "7100")).toBe(homeTotal(devstore.fixture.items.mug.inventoryItemId));
  });

  it("a sale in the linked store takes the units from the home store once, even when webhooks come twice", async () => {
    const tee = devstore.fixture.items.tee.inventoryItemId;
    const before = homeTotal(tee);
    devstore.dispatcher.chaos = { duplicate: 1, drop: 0, delayMs: [0, 30] };
    await sell(LINKED, "7201", 2);
    await runWorkersUntilIdle();
    devstore.dispatcher.chaos = { duplicate: 0, drop: 0, delayMs: [0, 0] };

    expect(homeTotal(tee)).toBe(before - 2);
    const taken = devstore.store.inventoryHistory(devstore.fixture.shop).filter((h) => h.referenceDocumentUri?.startsWith("gid://omnistock/Reservation/"));
    expect(taken.map((h) => h.delta)).toEqual([-2]);
    expect(await db().reservation.count({ where: { shop: devstore.fixture.shop, status: "applied" } })).toBe(1);
    // The linked store shows what is left: its own sale took 2 there, and nothing was pushed back up.
    expect(truth(LINKED, linkedItems.tee, "7100")).toBe(homeTotal(tee));
  });

  it("a sale in the home store reaches the linked store", async () => {
    const tee = devstore.fixture.items.tee.inventoryItemId;
    await sell(devstore.fixture.shop, devstore.fixture.items.tee.variantId, 1, devstore.fixture.retail);
    await runWorkersUntilIdle();
    expect(truth(LINKED, linkedItems.tee, "7100")).toBe(homeTotal(tee));
  });

  it("never overwrites a change it has not seen: a stale push re-reads and recomputes", async () => {
    const mug = devstore.fixture.items.mug.inventoryItemId;
    // Someone adjusts the linked store by hand and the webhook is lost.
    devstore.dispatcher.chaos = { duplicate: 0, drop: 1, delayMs: [0, 0] };
    devstore.store.changeQuantity(LINKED, { inventoryItemId: linkedItems.mug, locationId: "7100", name: "available", delta: 5, reason: "correction" });
    devstore.dispatcher.chaos = { duplicate: 0, drop: 0, delayMs: [0, 0] };
    // A home sale then makes Omnistock push the mug, starting from the quantity it believed.
    await sell(devstore.fixture.shop, devstore.fixture.items.mug.variantId, 1, devstore.fixture.warehouse);
    await runWorkersUntilIdle();
    expect(truth(LINKED, linkedItems.mug, "7100")).toBe(homeTotal(mug));
    const stale = await db().inventoryLedgerEntry.count({ where: { shop: LINKED, cause: { startsWith: "stale push" } } });
    expect(stale).toBeGreaterThan(0);
  });
});

describe("webhook chaos and reconciliation", () => {
  it("after a burst with webhooks dropped, duplicated and reordered, one reconciliation makes every channel exact", async () => {
    devstore.dispatcher.chaos = { duplicate: 0.3, drop: 0.3, delayMs: [0, 40] };
    const sales: [string, string, string | undefined][] = [
      [LINKED, "7201", undefined],
      [devstore.fixture.shop, devstore.fixture.items.tee.variantId, devstore.fixture.warehouse],
      [LINKED, "7202", undefined],
      [devstore.fixture.shop, devstore.fixture.items.cap.variantId, devstore.fixture.retail],
      [LINKED, "7201", undefined],
      [devstore.fixture.shop, devstore.fixture.items.tee.variantId, devstore.fixture.retail],
      [LINKED, "7201", undefined],
      [devstore.fixture.shop, devstore.fixture.items.mug.variantId, devstore.fixture.warehouse],
    ];
    let linkedOrders = 0;
    for (const [shop, variantId, locationId] of sales) {
      const response = await fetch(`${devstore.url}/_devstore/shops/${shop}/sales`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ lineItems: [{ variantId, quantity: 1 }], ...(locationId ? { locationId } : {}) }),
      });
      if (response.status === 201 && shop === LINKED) linkedOrders += 1;
    }
    await runWorkersUntilIdle();
    devstore.dispatcher.chaos = { duplicate: 0, drop: 0, delayMs: [0, 0] };
    const dropped = devstore.dispatcher.deliveries.filter((d) => d.outcome === "dropped").length;
    expect(dropped, "chaos dropped some webhooks").toBeGreaterThan(0);

    const deps = { db: db(), logger: quietLogger, adminFor: adminClientFor };
    await reconcileShop(deps, LINKED, "merchant");
    const run = await reconcileShop(deps, devstore.fixture.shop, "merchant");
    expect(run).toMatchObject({ status: "done", itemsRead: 3 });
    await runWorkersUntilIdle();

    // Every linked-store sale was taken from the home store exactly once.
    const applied = await db().reservation.findMany({ where: { shop: devstore.fixture.shop, status: "applied" } });
    const taken = devstore.store.inventoryHistory(devstore.fixture.shop).filter((h) => h.referenceDocumentUri?.startsWith("gid://omnistock/Reservation/"));
    expect(taken).toHaveLength(applied.length);
    expect(new Set(taken.map((h) => h.referenceDocumentUri)).size).toBe(applied.length);
    expect(applied.length).toBe(1 + linkedOrders); // the sale of the earlier test, and this burst's

    // The linked store shows exactly what the rules give, from the home store's real stock.
    const channel = await db().channel.findFirstOrThrow({ where: { shop: devstore.fixture.shop } });
    for (const listing of await db().channelListing.findMany({ where: { channelId: channel.id } })) {
      const desired = await desiredQuantity(db(), channel, listing);
      expect(desired.quantity).toBe(homeTotal(listing.inventoryItemId!));
      expect(truth(LINKED, listing.remoteListingId, "7100"), listing.remoteSku ?? "").toBe(desired.quantity);
    }

    // The home store's ledger adds up to its mirror, and the mirror to the dev store.
    for (const level of await db().inventoryLevel.findMany({ where: { shop: devstore.fixture.shop } })) {
      const sum = await db().inventoryLedgerEntry.aggregate({
        where: { shop: level.shop, inventoryItemId: level.inventoryItemId, locationId: level.locationId, quantityName: "available" },
        _sum: { delta: true },
      });
      expect(sum._sum.delta ?? 0).toBe(level.available);
      expect(level.available).toBe(truth(level.shop, level.inventoryItemId, level.locationId));
    }
  });
});

describe("a listing the channel cannot stock", () => {
  it("fails alone, with the reason, while the rest of its batch goes through", async () => {
    // The linked store lists the cap, but not at the location Omnistock writes to.
    const now = new Date().toISOString();
    devstore.store.addProduct(
      LINKED,
      { id: "7003", title: "cap", handle: "cap", productType: "Test", vendor: "Linked", descriptionHtml: "", tags: [], status: "ACTIVE", options: ["Title"], imageUrl: null, createdAt: now, updatedAt: now },
      [{ id: "7203", productId: "7003", title: "Default Title", sku: "CAP-NVY", barcode: null, price: "20.00", compareAtPrice: null, selectedOptions: ["Default Title"], inventoryPolicy: "DENY", inventoryItemId: "7303", position: 1, createdAt: now, updatedAt: now }],
      [{ id: "7303", variantId: "7203", sku: "CAP-NVY", tracked: true, requiresShipping: true, unitCost: null, createdAt: now, updatedAt: now }],
    );
    await importShop(db(), (await adminClientFor(LINKED))!, "new product");
    const channel = await db().channel.findFirstOrThrow({ where: { shop: devstore.fixture.shop } });
    await syncShopifyStoreListings(db(), channel);

    // The tee changes at home (its webhook lost); both items are pushed in one batch.
    const { tee, cap } = devstore.fixture.items;
    devstore.dispatcher.chaos = { duplicate: 0, drop: 1, delayMs: [0, 0] };
    devstore.store.changeQuantity(devstore.fixture.shop, { inventoryItemId: tee.inventoryItemId, locationId: devstore.fixture.warehouse, name: "available", delta: 3, reason: "received" });
    devstore.dispatcher.chaos = { duplicate: 0, drop: 0, delayMs: [0, 0] };
    const { refreshItems } = await import("../../app/inventory/mirror.server");
    await refreshItems(db(), (await adminClientFor(devstore.fixture.shop))!, [tee.inventoryItemId], "test");
    const { enqueuePushes } = await import("../../app/sync/push.server");
    await enqueuePushes(db(), devstore.fixture.shop, [tee.inventoryItemId, cap.inventoryItemId]);
    expect(await processPushJobs({ db: db(), kind: databaseKind(), logger: quietLogger, adminFor: adminClientFor })).toBe(2);

    expect(truth(LINKED, linkedItems.tee, "7100")).toBe(homeTotal(tee.inventoryItemId));
    const capListing = await db().channelListing.findUniqueOrThrow({ where: { channelId_remoteListingId: { channelId: channel.id, remoteListingId: "7303" } } });
    const job = await db().pushJob.findUniqueOrThrow({ where: { listingId: capListing.id } });
    expect(job.status).toBe("failed");
    expect(job.lastError).toMatch(/linked.myshopify.com refused CAP-NVY: The inventory item is not stocked at the location/);
  });
});
