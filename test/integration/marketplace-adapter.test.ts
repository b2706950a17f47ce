import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { registerAdapter } from "../../app/channels/adapters";
import { syncAdapterListings } from "../../app/channels/listings.server";
import { TestMarketplace } from "../../app/channels/test-adapter";
import { databaseKind, db } from "../../app/db.server";
import { enqueuePushes, processPushJobs } from "../../app/sync/push.server";
import { quietLogger } from "../support/app";
import { testShop } from "../support/shopify";

// The channel adapter interface, proven end to end with an in-memory marketplace: matching its listings,
// pushing what the rules allow, a stale answer after a sale we had not heard of, and a refused listing.

async function seedShop(shop: string) {
  const observedAt = new Date();
  await db().location.create({ data: { shop, locationId: "1", name: "Warehouse", fulfillsOnlineOrders: true } });
  for (const [id, sku, available] of [["101", "A-1", 7], ["102", "B-2", 0]] as const) {
    await db().inventoryItem.create({ data: { shop, inventoryItemId: id, sku, skuKey: sku, variantId: `9${id}` } });
    await db().inventoryLevel.create({ data: { shop, inventoryItemId: id, locationId: "1", available, onHand: available, observedAt } });
  }
}

const setAvailable = (shop: string, inventoryItemId: string, available: number) =>
  db().inventoryLevel.update({ where: { shop_inventoryItemId_locationId: { shop, inventoryItemId, locationId: "1" } }, data: { available } });

const push = () => processPushJobs({ db: db(), kind: databaseKind(), logger: quietLogger, adminFor: async () => null });

describe("a marketplace through the channel adapter interface", () => {
  it("matches, pushes by the channel's rules, recovers from a stale answer and reports a refused listing", async () => {
    const shop = testShop();
    await seedShop(shop);
    const market = new TestMarketplace();
    registerAdapter(market);
    market.list({ remoteListingId: "m1", sku: " a-1", barcode: null, title: "A", quantity: 10 });
    market.list({ remoteListingId: "m2", sku: "B-2-2PK", barcode: null, title: "B two-pack", quantity: 5 });
    market.list({ remoteListingId: "m3", sku: "ZZZ", barcode: null, title: "Unknown", quantity: 1 });
    const channel = await db().channel.create({ data: { id: randomUUID(), shop, kind: "test", name: "Test Market", percentage: 50 } });

    expect(await syncAdapterListings(db(), channel, market)).toEqual({ matched: 2, conflicts: 1 });
    const unmatched = await db().channelListing.findUniqueOrThrow({ where: { channelId_remoteListingId: { channelId: channel.id, remoteListingId: "m3" } } });
    expect(unmatched.conflict).toMatch(/ZZZ/);

    // 7 available, 50% -> 3; B-2 has none -> 0 two-packs.
    await enqueuePushes(db(), shop, ["101", "102"]);
    expect(await push()).toBe(2);
    expect(market.listings.get("m1")!.quantity).toBe(3);
    expect(market.listings.get("m2")!.quantity).toBe(0);
    expect(market.calls.at(-1)).toEqual([
      { remoteListingId: "m1", quantity: 3, expected: 10 },
      { remoteListingId: "m2", quantity: 0, expected: 5 },
    ]);

    // The marketplace sells one we have not heard of; then stock arrives at home: 9 -> 50% -> 4.
    market.sell("m1", 1);
    await setAvailable(shop, "101", 9);
    await enqueuePushes(db(), shop, ["101"]);
    await push();
    expect(market.listings.get("m1")!.quantity).toBe(4);
    expect(market.calls.slice(-2)).toEqual([
      [{ remoteListingId: "m1", quantity: 4, expected: 3 }], // refused as stale: the channel showed 2
      [{ remoteListingId: "m1", quantity: 4, expected: 2 }],
    ]);

    // A listing the marketplace refuses fails alone, with the reason, for the merchant to see.
    market.refuse.add("m2");
    await setAvailable(shop, "102", 6);
    await enqueuePushes(db(), shop, ["102"]);
    await push();
    const listing = await db().channelListing.findUniqueOrThrow({ where: { channelId_remoteListingId: { channelId: channel.id, remoteListingId: "m2" } } });
    const job = await db().pushJob.findUniqueOrThrow({ where: { listingId: listing.id } });
    expect(job).toMatchObject({ status: "failed", lastError: "Test Market refused B-2-2PK: The marketplace does not know this listing" });
  });
});
