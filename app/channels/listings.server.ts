import { randomUUID } from "node:crypto";
import type { Channel } from "@prisma/client";
import type { Database } from "../db.server";
import { matchListings, type Conflict } from "../inventory/sku";
import type { ChannelAdapter } from "./adapters";

// What a linked store sells, matched to the home store's items by SKU, barcode or pack. Conflicts are kept
// on the listing for the merchant to settle; a listing in conflict is not synced (we never guess).

/** Mappings the merchant made: re-reading a channel's listings keeps them. */
export const MANUAL_MATCHES = ["manual", "bundle"];

function conflictMessages(conflicts: Conflict[]): Map<string, string> {
  const byListing = new Map<string, string>();
  for (const conflict of conflicts) {
    if (conflict.kind === "duplicate_listing_sku") continue; // still matched; shown on the mapping page
    const ids = "listingIds" in conflict ? conflict.listingIds : [conflict.listingId];
    for (const id of ids) byListing.set(id, conflict.message);
  }
  return byListing;
}

interface Listed {
  listingId: string;
  sku: string | null;
  barcode: string | null;
  title: string;
  /** What the channel shows now, when known (marketplaces report it; linked stores are in the mirror). */
  quantity?: number;
}

/** Matches what a channel lists to the home store's items and stores the listings. */
async function storeListings(db: Database, channel: Channel, listed: Listed[]): Promise<{ matched: number; conflicts: number }> {
  const home = await db.inventoryItem.findMany({ where: { shop: channel.shop } });
  const result = matchListings(
    home.map((item) => ({ inventoryItemId: item.inventoryItemId, sku: item.sku, barcode: item.barcode })),
    listed,
  );
  const matches = new Map(result.matches.map((match) => [match.listingId, match]));
  const conflicts = conflictMessages(result.conflicts);
  // The merchant's own mappings (by hand, by CSV, bundles) outrank automatic matching.
  const manual = new Set(
    (await db.channelListing.findMany({ where: { channelId: channel.id, matchedVia: { in: MANUAL_MATCHES } }, select: { remoteListingId: true } })).map((l) => l.remoteListingId),
  );
  for (const item of listed) {
    if (manual.has(item.listingId)) {
      await db.channelListing.update({
        where: { channelId_remoteListingId: { channelId: channel.id, remoteListingId: item.listingId } },
        data: { remoteSku: item.sku, ...(item.quantity !== undefined ? { lastPushed: item.quantity } : {}) },
      });
      continue;
    }
    const match = matches.get(item.listingId);
    const fields = {
      remoteSku: item.sku,
      inventoryItemId: match?.inventoryItemId ?? null,
      packSize: match?.packSize ?? 1,
      matchedVia: match?.via ?? null,
      conflict: match ? null : (conflicts.get(item.listingId) ?? null),
      ...(item.quantity !== undefined ? { lastPushed: item.quantity } : {}),
    };
    await db.channelListing.upsert({
      where: { channelId_remoteListingId: { channelId: channel.id, remoteListingId: item.listingId } },
      create: { id: randomUUID(), shop: channel.shop, channelId: channel.id, remoteListingId: item.listingId, ...fields },
      update: fields,
    });
  }
  const kept = listed.filter((item) => manual.has(item.listingId) || matches.has(item.listingId)).length;
  return { matched: kept, conflicts: listed.length - kept };
}

/** Matches a linked store's items (from the mirror) to the home store's and stores the listings. */
export async function syncShopifyStoreListings(db: Database, channel: Channel): Promise<{ matched: number; conflicts: number }> {
  if (channel.kind !== "shopify_store" || !channel.remoteAccount) throw new Error("Only linked Shopify stores list from the mirror");
  const remote = await db.inventoryItem.findMany({ where: { shop: channel.remoteAccount } });
  return storeListings(
    db,
    channel,
    remote.map((item) => ({
      listingId: item.inventoryItemId,
      sku: item.sku,
      barcode: item.barcode,
      title: [item.productTitle, item.variantTitle].filter(Boolean).join(" - "),
    })),
  );
}

/** Matches a marketplace's listings, as its adapter reports them, to the home store's items. */
export async function syncAdapterListings(db: Database, channel: Channel, adapter: ChannelAdapter): Promise<{ matched: number; conflicts: number }> {
  const listings = await adapter.listListings({ id: channel.id, remoteAccount: channel.remoteAccount, credentials: null });
  return storeListings(
    db,
    channel,
    listings.map((l) => ({ listingId: l.remoteListingId, sku: l.sku, barcode: l.barcode, title: l.title, quantity: l.quantity })),
  );
}
