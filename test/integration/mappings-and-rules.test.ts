import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createConnectionCode, linkStore } from "../../app/channels/linking.server";
import { syncShopifyStoreListings } from "../../app/channels/listings.server";
import { exportMappingCsv, importMappingCsv, mapListing, MappingError, setBundle, setRuleOverride } from "../../app/channels/mapping.server";
import { db } from "../../app/db.server";
import { importShop } from "../../app/inventory/mirror.server";
import { applySafetyStock } from "../../app/inventory/safety-stock.server";
import { adminClientFor } from "../../app/shopify/admin-session.server";
import { enqueuePushes } from "../../app/sync/push.server";
import type { Channel } from "@prisma/client";
import { quietLogger } from "../support/app";
import { addLinkedProduct, LINKED, LINKED_LOCATION, linkedItems, runWorkersUntilIdle, sell, startLinkedStores, truth, type LinkedStores } from "../support/linked-stores";

// The merchant's own rules on top of automatic matching: per-SKU overrides, packs and bundles mapped by hand
// or by CSV, units coming back from a linked store's refunds and cancellations, and store safety stock.

let stores: LinkedStores;
let channel: Channel;
const settle = () => runWorkersUntilIdle(stores.devstore);
const home = () => stores.devstore.fixture;
const shown = (item: string) => truth(stores.devstore, LINKED, item, LINKED_LOCATION);
const at = (item: string, location: string) => stores.devstore.store.level(home().shop, item, location)!.quantities;
const homeAvailable = (item: string) => at(item, home().warehouse).available + at(item, home().retail).available;
const listingFor = (remoteListingId: string) => db().channelListing.findUniqueOrThrow({ where: { channelId_remoteListingId: { channelId: channel.id, remoteListingId } } });
const deps = () => ({ db: db(), logger: quietLogger, adminFor: adminClientFor });

beforeAll(async () => {
  stores = await startLinkedStores();
  const { code } = await createConnectionCode(db(), home().shop);
  channel = await linkStore(db(), code, LINKED);
  await syncShopifyStoreListings(db(), channel);
  await enqueuePushes(db(), home().shop, Object.values(home().items).map((i) => i.inventoryItemId));
  await settle();
}, 60_000);
afterAll(async () => stores?.close());

describe("per-SKU rule overrides", () => {
  it("an override replaces the channel's rule for that SKU only, and removing it restores the rule", async () => {
    const { tee, mug } = home().items;
    expect(shown(linkedItems.tee)).toBe(homeAvailable(tee.inventoryItemId));
    await setRuleOverride(db(), home().shop, { channelId: channel.id, inventoryItemId: tee.inventoryItemId, max: 3 });
    await settle();
    expect(shown(linkedItems.tee)).toBe(Math.min(3, homeAvailable(tee.inventoryItemId)));
    expect(shown(linkedItems.mug)).toBe(homeAvailable(mug.inventoryItemId)); // untouched

    await setRuleOverride(db(), home().shop, { channelId: channel.id, inventoryItemId: tee.inventoryItemId });
    expect(await db().channelRuleOverride.count({ where: { channelId: channel.id } })).toBe(0);
    await settle();
    expect(shown(linkedItems.tee)).toBe(homeAvailable(tee.inventoryItemId));
  });

  it("refuses an override that makes an invalid rule, and an item or channel of another store", async () => {
    const { tee } = home().items;
    await expect(setRuleOverride(db(), home().shop, { channelId: channel.id, inventoryItemId: tee.inventoryItemId, min: 5, max: 2 })).rejects.toThrow(MappingError);
    await expect(setRuleOverride(db(), LINKED, { channelId: channel.id, inventoryItemId: tee.inventoryItemId, max: 1 })).rejects.toThrow(/not connected to this store/);
    await expect(setRuleOverride(db(), home().shop, { channelId: channel.id, inventoryItemId: linkedItems.tee, max: 1 })).rejects.toThrow(/not in this store/);
    expect(await db().channelRuleOverride.count()).toBe(0);
  });
});

describe("manual mappings, packs and bundles", () => {
  it("a listing mapped by hand as a 2-pack shows whole packs, and re-reading the catalog keeps the mapping", async () => {
    addLinkedProduct(stores.devstore, { product: "7010", variant: "7210", item: "7310" }, "TWIN-TEE");
    await importShop(db(), (await adminClientFor(LINKED))!, "new product");
    await syncShopifyStoreListings(db(), channel);
    const twin = await listingFor("7310");
    expect(twin.inventoryItemId).toBeNull(); // no SKU match: never guessed

    const tee = home().items.tee.inventoryItemId;
    await mapListing(db(), home().shop, { listingId: twin.id, inventoryItemId: tee, packSize: 2 });
    await settle();
    expect(shown("7310")).toBe(Math.floor(homeAvailable(tee) / 2));

    await syncShopifyStoreListings(db(), channel);
    expect(await listingFor("7310")).toMatchObject({ inventoryItemId: tee, packSize: 2, matchedVia: "manual" });

    // A pack sold in the linked store takes two units at home.
    const before = homeAvailable(tee);
    await sell(stores.devstore, LINKED, "7210", 1);
    await settle();
    expect(homeAvailable(tee)).toBe(before - 2);
  });

  it("a bundle shows the number of complete sets and a sale takes every component", async () => {
    addLinkedProduct(stores.devstore, { product: "7011", variant: "7211", item: "7311" }, "BREAKFAST-SET");
    await importShop(db(), (await adminClientFor(LINKED))!, "new product");
    await syncShopifyStoreListings(db(), channel);
    const { tee, mug } = home().items;
    const set = await listingFor("7311");
    await expect(setBundle(db(), home().shop, { listingId: set.id, components: [{ inventoryItemId: mug.inventoryItemId, quantity: 1 }] })).rejects.toThrow();
    await setBundle(db(), home().shop, {
      listingId: set.id,
      components: [{ inventoryItemId: mug.inventoryItemId, quantity: 1 }, { inventoryItemId: tee.inventoryItemId, quantity: 2 }],
    });
    // Enough stock for one set at least.
    stores.devstore.store.changeQuantity(home().shop, { inventoryItemId: mug.inventoryItemId, locationId: home().warehouse, name: "available", delta: 3, reason: "received" });
    await settle();
    const sets = () => Math.min(homeAvailable(mug.inventoryItemId), Math.floor(homeAvailable(tee.inventoryItemId) / 2));
    expect(sets()).toBeGreaterThan(0);
    expect(shown("7311")).toBe(sets());

    const [mugBefore, teeBefore] = [homeAvailable(mug.inventoryItemId), homeAvailable(tee.inventoryItemId)];
    await sell(stores.devstore, LINKED, "7211", 1);
    await settle();
    expect(homeAvailable(mug.inventoryItemId)).toBe(mugBefore - 1);
    expect(homeAvailable(tee.inventoryItemId)).toBe(teeBefore - 2);
    expect(shown("7311")).toBe(sets());
    expect(shown(linkedItems.mug)).toBe(homeAvailable(mug.inventoryItemId));
  });
});

describe("units coming back from a linked store", () => {
  it("a refund with restock returns the units to the home store once, even when the webhook comes twice", async () => {
    const mug = home().items.mug.inventoryItemId;
    stores.devstore.store.changeQuantity(home().shop, { inventoryItemId: mug, locationId: home().warehouse, name: "available", delta: 4, reason: "received" });
    await settle();
    const order = await sell(stores.devstore, LINKED, "7202", 2);
    await settle();
    const afterSale = homeAvailable(mug);
    const line = stores.devstore.store.shop(LINKED).orders.get(order.id)!.lineItems[0]!;

    stores.devstore.dispatcher.chaos = { duplicate: 1, drop: 0, delayMs: [0, 20] };
    stores.devstore.store.refund(LINKED, order.id, { lineItems: [{ lineItemId: line.id, quantity: 1, restockType: "RETURN", locationId: LINKED_LOCATION }] });
    await settle();
    stores.devstore.dispatcher.chaos = { duplicate: 0, drop: 0, delayMs: [0, 0] };
    expect(homeAvailable(mug)).toBe(afterSale + 1);
    expect(shown(linkedItems.mug)).toBe(homeAvailable(mug));

    // A refund without restock (the parcel was lost) gives nothing back.
    stores.devstore.store.refund(LINKED, order.id, { lineItems: [{ lineItemId: line.id, quantity: 1, restockType: "NO_RESTOCK", locationId: null }] });
    await settle();
    expect(homeAvailable(mug)).toBe(afterSale + 1);
  });

  it("a cancellation with restock returns every unit the order took", async () => {
    const tee = home().items.tee.inventoryItemId;
    const before = homeAvailable(tee);
    const order = await sell(stores.devstore, LINKED, "7201", 1);
    await settle();
    expect(homeAvailable(tee)).toBe(before - 1);
    stores.devstore.store.cancelOrder(LINKED, order.id, { restock: true });
    await settle();
    expect(homeAvailable(tee)).toBe(before);
    expect(shown(linkedItems.tee)).toBe(homeAvailable(tee));
  });
});

describe("store safety stock", () => {
  it("holds units back at a shop (Shopify's safety_stock), hides them from channels, and gives them back", async () => {
    const tee = home().items.tee.inventoryItemId;
    stores.devstore.store.changeQuantity(home().shop, { inventoryItemId: tee, locationId: home().retail, name: "available", delta: 5, reason: "received" });
    await settle();
    const onHandAtShop = at(tee, home().retail).available;
    await db().location.update({ where: { shop_locationId: { shop: home().shop, locationId: home().retail } }, data: { safetyStock: 2 } });
    const changed = await applySafetyStock(deps(), home().shop);
    expect(changed).toContain(tee);
    await enqueuePushes(db(), home().shop, changed);
    await settle();
    expect(at(tee, home().retail)).toMatchObject({ safety_stock: 2, available: onHandAtShop - 2 });
    expect(shown(linkedItems.tee)).toBe(homeAvailable(tee));
    const history = stores.devstore.store.inventoryHistory(home().shop).filter((h) => h.reason === "safety_stock");
    expect(history.length).toBeGreaterThan(0);

    // Running it again changes nothing (the target is met).
    expect(await applySafetyStock(deps(), home().shop)).toEqual([]);

    await db().location.update({ where: { shop_locationId: { shop: home().shop, locationId: home().retail } }, data: { safetyStock: null } });
    await enqueuePushes(db(), home().shop, await applySafetyStock(deps(), home().shop));
    await settle();
    expect(at(tee, home().retail)).toMatchObject({ safety_stock: 0, available: onHandAtShop });
    expect(shown(linkedItems.tee)).toBe(homeAvailable(tee));

    // The same quantities again, and the same target: a new move, not Shopify's replay of the first one (an
    // idempotency key made of the quantities alone would repeat, and Shopify would move nothing).
    await db().location.update({ where: { shop_locationId: { shop: home().shop, locationId: home().retail } }, data: { safetyStock: 2 } });
    expect(await applySafetyStock(deps(), home().shop)).toContain(tee);
    await settle();
    expect(at(tee, home().retail)).toMatchObject({ safety_stock: 2, available: onHandAtShop - 2 });

    await db().location.update({ where: { shop_locationId: { shop: home().shop, locationId: home().retail } }, data: { safetyStock: null } });
    await enqueuePushes(db(), home().shop, await applySafetyStock(deps(), home().shop));
    await settle();
  });
});

describe("mapping CSV", () => {
  it("exports every mapping and re-imports it unchanged", async () => {
    const csv = await exportMappingCsv(db(), home().shop);
    expect(csv.split("\r\n")[0]).toBe("\uFEFFchannel,channel_sku,inventory_sku,pack_size");
    expect(csv).toContain("TWIN-TEE,TEE-BLK-M,2");
    const result = await importMappingCsv(db(), home().shop, csv);
    expect(result.errors).toEqual([]);
    expect(result.applied + result.unchanged).toBe(csv.trim().split("\r\n").length - 1);
  });

  it("is all or nothing: one bad line reports every problem with its line and writes nothing", async () => {
    const before = await db().channelListing.findMany({ where: { channelId: channel.id }, orderBy: { id: "asc" } });
    const csv = [
      "channel,channel_sku,inventory_sku,pack_size",
      `${channel.name},MUG-GRY,TEE-BLK-M,1`,
      "Nowhere,MUG-GRY,TEE-BLK-M,1",
      `${channel.name},NO-SUCH-SKU,TEE-BLK-M,1`,
      `${channel.name},tee-blk-m,NO-SUCH-ITEM,1`,
      `${channel.name},TWIN-TEE,TEE-BLK-M,zero`,
    ].join("\n");
    const result = await importMappingCsv(db(), home().shop, csv);
    expect(result.applied).toBe(0);
    expect(result.errors.map((e) => e.line)).toEqual([3, 4, 5, 6]);
    expect(result.errors[0]!.message).toMatch(/No channel is named "Nowhere"/);
    expect(result.errors[1]!.message).toMatch(/lists no SKU NO-SUCH-SKU/);
    expect(result.errors[2]!.message).toMatch(/No item in this store has SKU NO-SUCH-ITEM/);
    expect(result.errors[3]!.message).toMatch(/pack_size/);
    expect(await db().channelListing.findMany({ where: { channelId: channel.id }, orderBy: { id: "asc" } })).toEqual(before);
  });
});

describe("reconciliation and marketplaces", () => {
  it("finds a marketplace sale whose notification never came, and takes the units once", async () => {
    const { registerAdapter } = await import("../../app/channels/adapters");
    const { TestMarketplace } = await import("../../app/channels/test-adapter");
    const { syncAdapterListings } = await import("../../app/channels/listings.server");
    const { reconcileShop } = await import("../../app/sync/reconcile.server");
    const market = new TestMarketplace();
    registerAdapter(market);
    market.list({ remoteListingId: "m-tee", sku: "TEE-BLK-M", barcode: null, title: "Tee", quantity: 0 });
    const marketChannel = await db().channel.create({ data: { id: "market-1", shop: home().shop, kind: "test", name: "Test Market" } });
    await syncAdapterListings(db(), marketChannel, market);
    await settle();

    const tee = home().items.tee.inventoryItemId;
    const before = homeAvailable(tee);
    market.sell("m-tee", 2);
    const first = await reconcileShop(deps(), home().shop, "merchant");
    expect(first).toMatchObject({ status: "done" });
    expect(first.salesFound).toBe(1);
    await settle();
    expect(homeAvailable(tee)).toBe(before - 2);

    const second = await reconcileShop(deps(), home().shop, "merchant");
    expect(second.salesFound).toBe(0);
    await settle();
    expect(homeAvailable(tee)).toBe(before - 2);
    expect(market.listings.get("m-tee")!.quantity).toBe(homeAvailable(tee));
  });
});

describe("a linked sale larger than any one location's stock", () => {
  it("is split over the locations that hold the units, so none goes negative while another has stock", async () => {
    const mug = home().items.mug.inventoryItemId;
    for (const location of [home().warehouse, home().retail]) {
      const now = at(mug, location).available;
      stores.devstore.store.changeQuantity(home().shop, { inventoryItemId: mug, locationId: location, name: "available", delta: 1 - now, reason: "correction" });
    }
    await settle();
    expect(shown(linkedItems.mug)).toBe(2);
    const order = await sell(stores.devstore, LINKED, "7202", 2);
    await settle();
    expect(at(mug, home().warehouse).available).toBe(0);
    expect(at(mug, home().retail).available).toBe(0);
    expect(shown(linkedItems.mug)).toBe(0);

    // Two refunds of one unit each: each unit goes back where one is still missing, not both to the same shop.
    const line = stores.devstore.store.shop(LINKED).orders.get(order.id)!.lineItems[0]!;
    for (let i = 0; i < 2; i++) {
      stores.devstore.store.refund(LINKED, order.id, { lineItems: [{ lineItemId: line.id, quantity: 1, restockType: "RETURN", locationId: LINKED_LOCATION }] });
      await settle();
    }
    expect(at(mug, home().warehouse).available).toBe(1);
    expect(at(mug, home().retail).available).toBe(1);
    expect(shown(linkedItems.mug)).toBe(2);
  });
});
