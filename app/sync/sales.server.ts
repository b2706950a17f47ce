import { randomUUID } from "node:crypto";
import type { Channel, ChannelListing, Reservation } from "@prisma/client";
import type { RemoteOrder } from "../channels/adapters";
import type { Database } from "../db.server";
import { recordApplied } from "../inventory/mirror.server";
import type { Logger } from "../observability/logger.server";
import type { AdminClient } from "../shopify/admin-client.server";
import { adjustQuantities } from "./admin-operations";
import { enqueuePushes } from "./push.server";

// A sale in a linked store takes the units from the home store's stock at once (not at the next sync):
// a reservation records it, and inventoryAdjustQuantities applies it with the reservation as idempotency key,
// so a redelivered webhook or a retry after a crash never takes the units twice.

export interface ChannelSaleLine {
  lineItemId: string;
  variantId: string;
  quantity: number;
}

export interface SaleDeps {
  db: Database;
  logger: Logger;
  adminFor: (shop: string) => Promise<AdminClient | null>;
}

/** Applies a linked store's order to every home store it is linked to. Returns the reservations applied. */
export async function applyChannelSale(deps: SaleDeps, linkedShop: string, order: { id: string; name: string; lines: ChannelSaleLine[] }): Promise<number> {
  const channels = await deps.db.channel.findMany({ where: { kind: "shopify_store", remoteAccount: linkedShop, status: "active" } });
  let applied = 0;
  for (const channel of channels) {
    const lines = [];
    for (const line of order.lines) {
      const remoteItem = await deps.db.inventoryItem.findFirst({ where: { shop: linkedShop, variantId: line.variantId } });
      const listing = remoteItem
        ? await deps.db.channelListing.findUnique({ where: { channelId_remoteListingId: { channelId: channel.id, remoteListingId: remoteItem.inventoryItemId } } })
        : null;
      lines.push({ lineItemId: line.lineItemId, quantity: line.quantity, listing, sku: remoteItem?.sku ?? null });
    }
    applied += await applyListingSale(deps, channel, order, lines);
  }
  return applied;
}

/** Applies a marketplace order (from its adapter) to the home store. Returns the reservations applied. */
export async function applyAdapterSale(deps: SaleDeps, channel: Channel, order: RemoteOrder): Promise<number> {
  const listings = await deps.db.channelListing.findMany({ where: { channelId: channel.id, remoteListingId: { in: order.lines.map((l) => l.remoteListingId) } } });
  const byRemote = new Map(listings.map((l) => [l.remoteListingId, l]));
  return applyListingSale(
    deps,
    channel,
    order,
    order.lines.map((line) => ({ lineItemId: line.lineItemId, quantity: line.quantity, listing: byRemote.get(line.remoteListingId) ?? null, sku: line.remoteListingId })),
  );
}

async function applyListingSale(
  deps: SaleDeps,
  channel: Channel,
  order: { id: string; name: string },
  lines: { lineItemId: string; quantity: number; listing: ChannelListing | null; sku: string | null }[],
): Promise<number> {
  let applied = 0;
  for (const { lineItemId, quantity, listing, sku } of lines) {
    const takes = listing ? await unitsTaken(deps.db, listing, quantity) : [];
    if (takes.length === 0) {
      deps.logger.warn("A channel sold something that is not mapped to an item here; map it on the SKU mapping page", {
        shop: channel.shop,
        channel: channel.name,
        order: order.name,
        sku,
      });
      continue;
    }
    for (const take of takes) {
      // One reservation per order line and item: a bundle takes each of its components.
      const externalRef = takes.length > 1 ? `${order.id}:${lineItemId}:${take.inventoryItemId}` : `${order.id}:${lineItemId}`;
      if (await reserveAndApply(deps, channel, order.name, externalRef, take)) applied += 1;
    }
  }
  return applied;
}

/** What one line of a listing takes from the home store: its item in packs, or every bundle component. */
async function unitsTaken(db: Database, listing: ChannelListing, quantity: number): Promise<{ inventoryItemId: string; units: number }[]> {
  if (listing.inventoryItemId) return [{ inventoryItemId: listing.inventoryItemId, units: quantity * listing.packSize }];
  const components = await db.listingComponent.findMany({ where: { listingId: listing.id }, orderBy: { inventoryItemId: "asc" } });
  return components.map((c) => ({ inventoryItemId: c.inventoryItemId, units: quantity * c.quantity }));
}

/**
 * Records the reservations for the units (split over the feeding locations that hold them, most first) and
 * takes them from the home store once. The split is decided once and stored before anything is applied, so a
 * retry after a crash applies the same reservations with the same keys. True when something was applied now.
 */
async function reserveAndApply(
  deps: SaleDeps,
  channel: Channel,
  orderName: string,
  externalRef: string,
  take: { inventoryItemId: string; units: number },
): Promise<boolean> {
  const ofLine = { channelId: channel.id, OR: [{ externalRef }, { externalRef: { startsWith: `${externalRef}@` } }] };
  let reservations = await deps.db.reservation.findMany({ where: ofLine });
  if (reservations.length === 0) {
    const parts = await splitAcrossLocations(deps.db, channel.shop, channel.feedingLocationIds, take.inventoryItemId, take.units);
    if (parts.length === 0) throw new Error(`${channel.shop} has no location stocking item ${take.inventoryItemId}`);
    // The first part always carries the line's own reference: two workers that split the line differently
    // (they read the levels at different moments) collide on it, and only one set of rows is created.
    const rows = parts.map((part, index) => ({
      id: randomUUID(),
      shop: channel.shop,
      channelId: channel.id,
      externalRef: index === 0 ? externalRef : `${externalRef}@${part.locationId}`,
      inventoryItemId: take.inventoryItemId,
      locationId: part.locationId,
      quantity: part.units,
      status: "pending",
    }));
    try {
      await deps.db.$transaction(rows.map((data) => deps.db.reservation.create({ data })));
    } catch (error) {
      if ((error as { code?: string }).code !== "P2002") throw error;
      // Another worker (a reconciliation, a redelivery) recorded this line first. Its rows are applied here
      // too rather than left to it: it may die before it applies them, and the same idempotency key (the
      // reservation's id) makes Shopify apply each once whoever sends it.
    }
    reservations = await deps.db.reservation.findMany({ where: ofLine });
  }
  let applied = false;
  for (const reservation of reservations) {
    if (reservation.status === "applied") continue; // a redelivered webhook
    await applyToHome(deps, channel, reservation, -reservation.quantity, reservation.id, `sale ${orderName} on ${channel.name}`);
    await deps.db.reservation.update({ where: { id: reservation.id }, data: { status: "applied" } });
    applied = true;
  }
  return applied;
}

/**
 * Where the units are taken from: the feeding locations that hold them, most first, so no location goes
 * negative while another still has stock. What no location holds (an oversell) goes to the fullest one.
 */
async function splitAcrossLocations(db: Database, shop: string, feedingLocationIds: string, inventoryItemId: string, units: number) {
  const chosen = JSON.parse(feedingLocationIds) as string[];
  const levels = await db.inventoryLevel.findMany({
    where: { shop, inventoryItemId, ...(chosen.length ? { locationId: { in: chosen } } : {}) },
    orderBy: [{ available: "desc" }, { locationId: "asc" }],
  });
  const parts: { locationId: string; units: number }[] = [];
  let left = units;
  for (const level of levels) {
    if (left === 0 || level.available <= 0) break;
    const part = Math.min(left, level.available);
    parts.push({ locationId: level.locationId, units: part });
    left -= part;
  }
  if (left > 0 && levels[0]) {
    const fullest = parts.find((p) => p.locationId === levels[0]!.locationId);
    if (fullest) fullest.units += left;
    else parts.push({ locationId: levels[0].locationId, units: left });
  }
  return parts;
}

/**
 * How many units go back to each location a line's sale took them from: per item, the refunded share of what
 * was taken (rounded down), put back where most is still out first. `returned` holds what earlier refunds of
 * the line already put back, by `item@location`: a second partial refund of a split line goes where units are
 * still missing, and never more than was taken comes back in all.
 */
export function restockParts<T extends { inventoryItemId: string; locationId: string; quantity: number }>(
  taken: T[],
  refunded: number,
  ordered: number,
  returned: ReadonlyMap<string, number> = new Map(),
): { sale: T; units: number }[] {
  const parts: { sale: T; units: number }[] = [];
  for (const item of new Set(taken.map((t) => t.inventoryItemId))) {
    const out = (t: T) => Math.max(0, t.quantity - (returned.get(`${t.inventoryItemId}@${t.locationId}`) ?? 0));
    // Deterministic (units still out, then location): a retry hands the units out exactly as the first did.
    const sales = taken
      .filter((t) => t.inventoryItemId === item)
      .sort((a, b) => out(b) - out(a) || a.locationId.localeCompare(b.locationId));
    const total = sales.reduce((sum, t) => sum + t.quantity, 0);
    const stillOut = sales.reduce((sum, t) => sum + out(t), 0);
    let back = Math.min(stillOut, Math.floor((total * refunded) / Math.max(1, ordered)));
    for (const sale of sales) {
      const units = Math.min(back, out(sale));
      if (units > 0) parts.push({ sale, units });
      back -= units;
    }
  }
  return parts;
}

/** What earlier refunds (not this one) of a linked order's line put back, by `item@location`. */
async function earlierRestocks(db: Database, channelId: string, refundId: string, lineItemId: string): Promise<Map<string, number>> {
  const records = await db.reservation.findMany({
    where: { channelId, externalRef: { startsWith: "restock:", contains: `:${lineItemId}:` } },
    select: { externalRef: true, quantity: true },
  });
  const returned = new Map<string, number>();
  for (const record of records) {
    // restock:<refund>:<line>:<item>@<location>
    const [, refund, line, place] = record.externalRef.split(":");
    if (line !== lineItemId || refund === refundId || !place) continue;
    returned.set(place, (returned.get(place) ?? 0) - record.quantity);
  }
  return returned;
}

/** inventoryAdjustQuantities at the home store, keyed so a retry applies once, then mirrored and pushed. */
async function applyToHome(deps: SaleDeps, channel: Channel, reservation: Reservation, delta: number, key: string, cause: string) {
  const home = await deps.adminFor(channel.shop);
  if (!home) throw new Error(`No Admin API access to ${channel.shop}; ${cause} waits until the merchant opens Omnistock`);
  const { data } = await home.run(adjustQuantities, {
    key,
    input: {
      name: "available",
      reason: delta < 0 ? "correction" : "restock",
      referenceDocumentUri: `gid://omnistock/Reservation/${reservation.id}`,
      changes: [
        {
          inventoryItemId: `gid://shopify/InventoryItem/${reservation.inventoryItemId}`,
          locationId: `gid://shopify/Location/${reservation.locationId}`,
          delta,
          changeFromQuantity: null,
        },
      ],
    },
  });
  const errors = data.inventoryAdjustQuantities.userErrors;
  if (errors.length > 0) throw new Error(`Shopify refused ${cause}: ${errors.map((e) => e.message).join("; ")}`);
  const after = data.inventoryAdjustQuantities.inventoryAdjustmentGroup?.changes.find((c) => c.name === "available")?.quantityAfterChange;
  if (typeof after === "number") {
    await recordApplied(deps.db, {
      shop: channel.shop,
      inventoryItemId: reservation.inventoryItemId,
      locationId: reservation.locationId,
      delta,
      quantityAfter: after,
      cause,
      idempotencyKey: `reservation:${reservation.id}`,
    });
  }
  await enqueuePushes(deps.db, channel.shop, [reservation.inventoryItemId]);
}

export interface ChannelRestock {
  orderId: string;
  orderName: string;
  refundId: string;
  /** Restocked lines only (restock_type cancel, return or legacy_restock); quantity out of orderedQuantity. */
  lines: { lineItemId: string; quantity: number; orderedQuantity: number }[];
}

/**
 * A linked store cancelled or refunded lines with restock: the units its sale took from the home store go
 * back there, to the location they came from. Each refund line gets its own record (keyed by the refund), so
 * a redelivered webhook or a retry puts the units back once.
 */
export async function applyChannelRestock(deps: SaleDeps, linkedShop: string, restock: ChannelRestock): Promise<number> {
  const channels = await deps.db.channel.findMany({ where: { kind: "shopify_store", remoteAccount: linkedShop, status: "active" } });
  let applied = 0;
  for (const channel of channels) {
    for (const line of restock.lines) {
      const base = `${restock.orderId}:${line.lineItemId}`;
      const taken = await deps.db.reservation.findMany({
        where: {
          channelId: channel.id,
          quantity: { gt: 0 },
          OR: [{ externalRef: base }, { externalRef: { startsWith: `${base}:` } }, { externalRef: { startsWith: `${base}@` } }],
        },
      });
      const returned = await earlierRestocks(deps.db, channel.id, restock.refundId, line.lineItemId);
      for (const { sale, units } of restockParts(taken, line.quantity, line.orderedQuantity, returned)) {
        const externalRef = `restock:${restock.refundId}:${line.lineItemId}:${sale.inventoryItemId}@${sale.locationId}`;
        let record = await deps.db.reservation.findUnique({ where: { channelId_externalRef: { channelId: channel.id, externalRef } } });
        if (record?.status === "applied") continue;
        if (!record) {
          try {
            // Negative: units coming back. Same item and location as the sale took them from.
            record = await deps.db.reservation.create({
              data: { id: randomUUID(), shop: channel.shop, channelId: channel.id, externalRef, inventoryItemId: sale.inventoryItemId, locationId: sale.locationId, quantity: -units, status: "pending" },
            });
          } catch (error) {
            if ((error as { code?: string }).code !== "P2002") throw error;
            continue;
          }
        }
        await applyToHome(deps, channel, record, units, record.id, `restock of ${restock.orderName} on ${channel.name}`);
        await deps.db.reservation.update({ where: { id: record.id }, data: { status: "applied" } });
        applied += 1;
      }
    }
  }
  return applied;
}
