import type { Database } from "../db.server";
import { sellableFor } from "../sync/sellable.server";
import { normalizeSku } from "./sku";

// The inventory page: each item at each location, and what each channel may sell of it and why. One page of
// items at a time, searchable by SKU, barcode or title; every query is scoped to the shop.

export const INVENTORY_PAGE_SIZE = 25;

export interface InventoryRow {
  inventoryItemId: string;
  title: string;
  sku: string | null;
  barcode: string | null;
  tracked: boolean;
  levels: Record<string, { available: number; safetyStock: number; committed: number; onHand: number }>;
  channels: Record<string, { listings: number; quantity: number; shown: number | null; reason: string; override: boolean }>;
}

export interface InventoryView {
  locations: { id: string; name: string; safetyStock: number | null }[];
  channels: { id: string; name: string }[];
  rows: InventoryRow[];
  total: number;
  page: number;
  pages: number;
}

export async function inventoryView(db: Database, shop: string, options: { query?: string; page?: number } = {}): Promise<InventoryView> {
  const text = options.query?.trim() ?? "";
  const skuKey = normalizeSku(text);
  const where = {
    shop,
    ...(text
      ? {
          OR: [
            ...(skuKey ? [{ skuKey: { startsWith: skuKey } }] : []),
            { barcode: text },
            { productTitle: { contains: text } },
            { variantTitle: { contains: text } },
          ],
        }
      : {}),
  };
  const total = await db.inventoryItem.count({ where });
  const pages = Math.max(1, Math.ceil(total / INVENTORY_PAGE_SIZE));
  const page = Math.min(Math.max(1, options.page ?? 1), pages);
  const [items, locations, channels] = await Promise.all([
    db.inventoryItem.findMany({ where, orderBy: [{ productTitle: "asc" }, { variantTitle: "asc" }, { inventoryItemId: "asc" }], skip: (page - 1) * INVENTORY_PAGE_SIZE, take: INVENTORY_PAGE_SIZE }),
    db.location.findMany({ where: { shop, isActive: true }, orderBy: { name: "asc" } }),
    db.channel.findMany({ where: { shop, status: "active" }, orderBy: { createdAt: "asc" } }),
  ]);
  const itemIds = items.map((i) => i.inventoryItemId);
  const [levels, listings, overrides] = await Promise.all([
    db.inventoryLevel.findMany({ where: { shop, inventoryItemId: { in: itemIds } } }),
    db.channelListing.findMany({ where: { shop, inventoryItemId: { in: itemIds }, conflict: null } }),
    db.channelRuleOverride.findMany({ where: { shop, inventoryItemId: { in: itemIds } }, select: { channelId: true, inventoryItemId: true } }),
  ]);
  // What the channel shows now: a linked store's mirrored level, or what we last pushed to a marketplace.
  const remoteShown = new Map<string, number>();
  for (const channel of channels.filter((c) => c.kind === "shopify_store" && c.remoteAccount && c.remoteLocationId)) {
    const remote = await db.inventoryLevel.findMany({
      where: { shop: channel.remoteAccount!, locationId: channel.remoteLocationId!, inventoryItemId: { in: listings.filter((l) => l.channelId === channel.id).map((l) => l.remoteListingId) } },
      select: { inventoryItemId: true, available: true },
    });
    for (const level of remote) remoteShown.set(`${channel.id}:${level.inventoryItemId}`, level.available);
  }

  const rows: InventoryRow[] = items.map((item) => ({
    inventoryItemId: item.inventoryItemId,
    title: [item.productTitle, item.variantTitle && item.variantTitle !== "Default Title" ? item.variantTitle : null].filter(Boolean).join(" – ") || `Item ${item.inventoryItemId}`,
    sku: item.sku,
    barcode: item.barcode,
    tracked: item.tracked,
    levels: {},
    channels: {},
  }));
  const rowOf = new Map(rows.map((r) => [r.inventoryItemId, r]));
  for (const level of levels) {
    rowOf.get(level.inventoryItemId)!.levels[level.locationId] = { available: level.available, safetyStock: level.safetyStock, committed: level.committed, onHand: level.onHand };
  }
  for (const channel of channels) {
    const mine = listings.filter((l) => l.channelId === channel.id);
    const sellable = await sellableFor(db, channel, mine);
    for (const listing of mine) {
      const row = rowOf.get(listing.inventoryItemId!)!;
      const desired = sellable.get(listing.id)!;
      const shown = remoteShown.get(`${channel.id}:${listing.remoteListingId}`) ?? listing.lastPushed;
      const existing = row.channels[channel.id];
      // Several listings (a single and a 2-pack) of one item: show the first, count them all.
      row.channels[channel.id] = existing
        ? { ...existing, listings: existing.listings + 1, reason: `${existing.reason}; ${listing.remoteSku ?? listing.remoteListingId}: ${desired.reason}` }
        : {
            listings: 1,
            quantity: desired.quantity,
            shown,
            reason: desired.reason,
            override: overrides.some((o) => o.channelId === channel.id && o.inventoryItemId === listing.inventoryItemId),
          };
    }
  }
  return {
    locations: locations.map((l) => ({ id: l.locationId, name: l.name, safetyStock: l.safetyStock })),
    channels: channels.map((c) => ({ id: c.id, name: c.name })),
    rows,
    total,
    page,
    pages,
  };
}
