import { randomUUID } from "node:crypto";
import type { Channel } from "@prisma/client";
import type { Database } from "../db.server";
import { matchListings, type Conflict } from "../inventory/sku";

// What a linked store sells, matched to the home store's items by SKU, barcode or pack. Conflicts are kept
// on the listing for the merchant to settle; a listing in conflict is not synced (we never guess).

function conflictMessages(conflicts: Conflict[]): Map<string, string> {
  const byListing = new Map<string, string>();
  for (const conflict of conflicts) {
    if (conflict.kind === "duplicate_listing_sku") continue; // still matched; shown on the mapping page
    const ids = "listingIds" in conflict ? conflict.listingIds : [conflict.listingId];
    for (const id of ids) byListing.set(id, conflict.message);
  }
  return byListing;
}

/** Matches a linked store's items (from the mirror) to the home store's and stores the listings. */
export async function syncShopifyStoreListings(db: Database, channel: Channel): Promise<{ matched: number; conflicts: number }> {
  if (channel.kind !== "shopify_store" || !channel.remoteAccount) throw new Error("Only linked Shopify stores list from the mirror");
  const [home, remote] = await Promise.all([
    db.inventoryItem.findMany({ where: { shop: channel.shop } }),
    db.inventoryItem.findMany({ where: { shop: channel.remoteAccount } }),
  ]);
  const result = matchListings(
    home.map((item) => ({ inventoryItemId: item.inventoryItemId, sku: item.sku, barcode: item.barcode })),
    remote.map((item) => ({
      listingId: item.inventoryItemId,
      sku: item.sku,
      barcode: item.barcode,
      title: [item.productTitle, item.variantTitle].filter(Boolean).join(" - "),
    })),
  );
  const matches = new Map(result.matches.map((match) => [match.listingId, match]));
  const conflicts = conflictMessages(result.conflicts);
  for (const item of remote) {
    const match = matches.get(item.inventoryItemId);
    const fields = {
      remoteSku: item.sku,
      inventoryItemId: match?.inventoryItemId ?? null,
      packSize: match?.packSize ?? 1,
      matchedVia: match?.via ?? null,
      conflict: match ? null : (conflicts.get(item.inventoryItemId) ?? null),
    };
    await db.channelListing.upsert({
      where: { channelId_remoteListingId: { channelId: channel.id, remoteListingId: item.inventoryItemId } },
      create: { id: randomUUID(), shop: channel.shop, channelId: channel.id, remoteListingId: item.inventoryItemId, ...fields },
      update: fields,
    });
  }
  return { matched: matches.size, conflicts: remote.length - matches.size };
}
