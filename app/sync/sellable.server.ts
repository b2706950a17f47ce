import type { Channel, ChannelListing } from "@prisma/client";
import { z } from "zod";
import type { Database } from "../db.server";
import {
  effectiveRule,
  poolFor,
  pushedQuantity,
  sellableKits,
  sellablePacks,
  type ChannelRule,
  type RuleOverride,
} from "../inventory/allocation";

// What each listing of a channel may sell now: the channel's rule (or the SKU's override) over the pool of
// the channel's feeding locations, in packs, or as whole bundles. One read of the data per batch of listings.

export interface Sellable {
  quantity: number;
  /** Why, in words the merchant reads on the inventory page. */
  reason: string;
}

export function channelRule(channel: Channel): ChannelRule {
  return {
    reserve: channel.reserve,
    percentage: channel.percentage,
    min: channel.minQuantity,
    max: channel.maxQuantity,
    zeroOutAt: channel.zeroOutAt,
  };
}

const overrideSchema = z
  .object({
    reserve: z.number().int().min(0),
    percentage: z.number().int().min(0).max(100),
    min: z.number().int().min(0).nullable(),
    max: z.number().int().min(0).nullable(),
    zeroOutAt: z.number().int().min(0),
  })
  .partial();

/** A stored override, or none when the JSON is not one (it was validated when saved; never trust twice). */
export function parseOverride(json: string): RuleOverride | null {
  try {
    const parsed = overrideSchema.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** Locations whose stock a channel may sell: its chosen ones, or every active location. */
export async function feedingLocations(db: Database, channel: Channel): Promise<Set<string>> {
  const chosen = JSON.parse(channel.feedingLocationIds) as string[];
  if (chosen.length > 0) return new Set(chosen);
  const active = await db.location.findMany({ where: { shop: channel.shop, isActive: true }, select: { locationId: true } });
  return new Set(active.map((l) => l.locationId));
}

export async function sellableFor(db: Database, channel: Channel, listings: readonly ChannelListing[]): Promise<Map<string, Sellable>> {
  const result = new Map<string, Sellable>();
  if (listings.length === 0) return result;
  const components = await db.listingComponent.findMany({ where: { listingId: { in: listings.map((l) => l.id) } } });
  const componentsOf = new Map<string, { inventoryItemId: string; quantity: number }[]>();
  for (const c of components) componentsOf.set(c.listingId, [...(componentsOf.get(c.listingId) ?? []), c]);

  const itemIds = new Set<string>();
  for (const listing of listings) if (listing.inventoryItemId) itemIds.add(listing.inventoryItemId);
  for (const c of components) itemIds.add(c.inventoryItemId);

  const [feeding, levels, overrides] = await Promise.all([
    feedingLocations(db, channel),
    db.inventoryLevel.findMany({ where: { shop: channel.shop, inventoryItemId: { in: [...itemIds] } }, select: { inventoryItemId: true, locationId: true, available: true } }),
    db.channelRuleOverride.findMany({ where: { channelId: channel.id, inventoryItemId: { in: [...itemIds] } } }),
  ]);
  const levelsOf = new Map<string, { locationId: string; available: number }[]>();
  for (const level of levels) levelsOf.set(level.inventoryItemId, [...(levelsOf.get(level.inventoryItemId) ?? []), level]);
  // Shopify's `available` already excludes units held as safety stock at a shop.
  const pool = (itemId: string) => poolFor(levelsOf.get(itemId) ?? [], feeding);
  const overrideOf = new Map(overrides.map((o) => [o.inventoryItemId, parseOverride(o.rule)]));
  const base = channelRule(channel);

  for (const listing of listings) {
    const parts = componentsOf.get(listing.id);
    if (parts && parts.length > 0) {
      const kits = sellableKits(parts.map((p) => ({ available: pool(p.inventoryItemId), quantity: p.quantity })));
      const units = pushedQuantity(kits, base);
      result.set(listing.id, { quantity: units.quantity, reason: `bundle of ${parts.length} items, ${kits} complete -> ${units.reason}` });
      continue;
    }
    if (!listing.inventoryItemId) {
      result.set(listing.id, { quantity: 0, reason: "not matched to an item" });
      continue;
    }
    const override = overrideOf.get(listing.inventoryItemId) ?? undefined;
    const units = pushedQuantity(pool(listing.inventoryItemId), effectiveRule(base, override));
    const ruleNote = override ? " (SKU override)" : "";
    const packs = sellablePacks(units.quantity, listing.packSize);
    result.set(listing.id, {
      quantity: packs,
      reason: listing.packSize > 1 ? `${units.reason}${ruleNote}, in packs of ${listing.packSize} -> ${packs}` : `${units.reason}${ruleNote}`,
    });
  }
  return result;
}

/** Listings affected by a change to these items: those mapped to them, and bundles containing them. */
export async function listingsOfItems(db: Database, shop: string, inventoryItemIds: string[]): Promise<{ id: string; channelId: string }[]> {
  const [direct, bundles] = await Promise.all([
    db.channelListing.findMany({ where: { shop, inventoryItemId: { in: inventoryItemIds }, conflict: null }, select: { id: true, channelId: true } }),
    db.listingComponent.findMany({ where: { shop, inventoryItemId: { in: inventoryItemIds } }, select: { listingId: true } }),
  ]);
  const bundleListings = bundles.length
    ? await db.channelListing.findMany({ where: { id: { in: [...new Set(bundles.map((b) => b.listingId))] }, conflict: null }, select: { id: true, channelId: true } })
    : [];
  const seen = new Map<string, { id: string; channelId: string }>();
  for (const listing of [...direct, ...bundleListings]) seen.set(listing.id, listing);
  return [...seen.values()];
}
