import { randomUUID } from "node:crypto";
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
    for (const line of order.lines) {
      const remoteItem = await deps.db.inventoryItem.findFirst({ where: { shop: linkedShop, variantId: line.variantId } });
      const listing = remoteItem
        ? await deps.db.channelListing.findUnique({ where: { channelId_remoteListingId: { channelId: channel.id, remoteListingId: remoteItem.inventoryItemId } } })
        : null;
      if (!listing?.inventoryItemId) {
        deps.logger.warn("A linked store sold something that is not mapped to an item here; map it on the SKU mapping page", {
          shop: channel.shop,
          channel: channel.name,
          order: order.name,
          sku: remoteItem?.sku ?? null,
        });
        continue;
      }
      const units = line.quantity * listing.packSize;
      const externalRef = `${order.id}:${line.lineItemId}`;
      let reservation = await deps.db.reservation.findUnique({ where: { channelId_externalRef: { channelId: channel.id, externalRef } } });
      if (reservation?.status === "applied") continue; // a redelivered webhook
      if (!reservation) {
        const locationId = await takeFrom(deps.db, channel.shop, channel.feedingLocationIds, listing.inventoryItemId, units);
        if (!locationId) throw new Error(`${channel.shop} has no location stocking item ${listing.inventoryItemId}`);
        try {
          reservation = await deps.db.reservation.create({
            data: { id: randomUUID(), shop: channel.shop, channelId: channel.id, externalRef, inventoryItemId: listing.inventoryItemId, locationId, quantity: units, status: "pending" },
          });
        } catch (error) {
          if ((error as { code?: string }).code !== "P2002") throw error;
          continue; // another worker took this line
        }
      }
      const home = await deps.adminFor(channel.shop);
      if (!home) throw new Error(`No Admin API access to ${channel.shop}; the sale of ${order.name} waits until the merchant opens Omnistock`);
      const { data } = await home.run(adjustQuantities, {
        key: reservation.id,
        input: {
          name: "available",
          reason: "correction",
          referenceDocumentUri: `gid://omnistock/Reservation/${reservation.id}`,
          changes: [
            {
              inventoryItemId: `gid://shopify/InventoryItem/${reservation.inventoryItemId}`,
              locationId: `gid://shopify/Location/${reservation.locationId}`,
              delta: -reservation.quantity,
              changeFromQuantity: null,
            },
          ],
        },
      });
      const errors = data.inventoryAdjustQuantities.userErrors;
      if (errors.length > 0) throw new Error(`Shopify refused the sale of ${order.name} on ${channel.name}: ${errors.map((e) => e.message).join("; ")}`);
      const after = data.inventoryAdjustQuantities.inventoryAdjustmentGroup?.changes.find((c) => c.name === "available")?.quantityAfterChange;
      await deps.db.reservation.update({ where: { id: reservation.id }, data: { status: "applied" } });
      if (typeof after === "number") {
        await recordApplied(deps.db, {
          shop: channel.shop,
          inventoryItemId: reservation.inventoryItemId,
          locationId: reservation.locationId,
          delta: -reservation.quantity,
          quantityAfter: after,
          cause: `sale ${order.name} on ${channel.name}`,
          idempotencyKey: `reservation:${reservation.id}`,
        });
      }
      await enqueuePushes(deps.db, channel.shop, [reservation.inventoryItemId]);
      applied += 1;
    }
  }
  return applied;
}

/** The feeding location with the most units of the item (the sale is shipped from there). */
async function takeFrom(db: Database, shop: string, feedingLocationIds: string, inventoryItemId: string, units: number): Promise<string | null> {
  const chosen = JSON.parse(feedingLocationIds) as string[];
  const levels = await db.inventoryLevel.findMany({
    where: { shop, inventoryItemId, ...(chosen.length ? { locationId: { in: chosen } } : {}) },
    orderBy: [{ available: "desc" }, { locationId: "asc" }],
  });
  const enough = levels.find((level) => level.available >= units);
  return (enough ?? levels[0])?.locationId ?? null;
}
