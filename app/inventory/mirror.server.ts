import { randomUUID } from "node:crypto";
import type { Database } from "../db.server";
import type { AdminClient } from "../shopify/admin-client.server";
import {
  inventoryItemsById,
  inventoryItemsPage,
  itemReadPlan,
  locationsPage,
  type ShopifyInventoryItem,
} from "./admin-operations";
import { normalizeSku } from "./sku";
import { stockChanged } from "./stock-events.server";

// The inventory mirror: what Shopify holds for each item at each location, re-read from the Admin API
// (webhooks only say *that* something may have changed). Every difference a read finds is written to the
// ledger, so the ledger of an item at a location always adds up to its mirrored quantities.

/** Mirror column for each of Shopify's quantity names. */
const COLUMNS = {
  available: "available",
  committed: "committed",
  reserved: "reserved",
  incoming: "incoming",
  on_hand: "onHand",
  damaged: "damaged",
  quality_control: "qualityControl",
  safety_stock: "safetyStock",
} as const;
type QuantityName = keyof typeof COLUMNS;
type Quantities = Record<(typeof COLUMNS)[QuantityName], number>;

const numericId = (gid: string) => /\/(\d+)(?:\?.*)?$/.exec(gid)?.[1] ?? gid;
const gid = (type: string, id: string) => `gid://shopify/${type}/${id}`;

function quantitiesOf(level: ShopifyInventoryItem["inventoryLevels"]["nodes"][number]): Quantities {
  const values = Object.fromEntries(Object.values(COLUMNS).map((column) => [column, 0])) as Quantities;
  for (const { name, quantity } of level.quantities) {
    if (name in COLUMNS) values[COLUMNS[name as QuantityName]] = quantity;
  }
  return values;
}

export interface MirrorResult {
  items: number;
  /** Quantities that differed from the mirror (one per item, location and quantity name). */
  changes: number;
  /** Items whose quantities changed: what channels must be told about. */
  changedItemIds: string[];
}

/**
 * Writes one item as Shopify returned it, and a ledger entry for every quantity that changed. The one way an item
 * read from Shopify enters the mirror: paged reads here, the bulk read in bulk-read.server.ts.
 */
export async function storeItem(db: Database, shop: string, item: ShopifyInventoryItem, cause: string, at: Date): Promise<number> {
  const inventoryItemId = numericId(item.id);
  const variant = item.variants.nodes[0];
  const fields = {
    variantId: variant ? numericId(variant.id) : null,
    productId: variant ? numericId(variant.product.id) : null,
    productTitle: variant?.product.title ?? null,
    variantTitle: variant?.title ?? null,
    sku: item.sku,
    skuKey: normalizeSku(item.sku),
    barcode: variant?.barcode ?? null,
    tracked: item.tracked,
    inventoryPolicy: variant?.inventoryPolicy ?? "DENY",
  };
  await db.inventoryItem.upsert({
    where: { shop_inventoryItemId: { shop, inventoryItemId } },
    create: { shop, inventoryItemId, ...fields },
    update: fields,
  });

  let changes = 0;
  const seen = new Set<string>();
  for (const level of item.inventoryLevels.nodes) {
    const locationId = numericId(level.location.id);
    seen.add(locationId);
    changes += await storeLevel(db, { shop, inventoryItemId, locationId }, quantitiesOf(level), cause, at);
  }
  // Levels Shopify no longer has (the item was disconnected from a location) go to zero, then away.
  const gone = await db.inventoryLevel.findMany({ where: { shop, inventoryItemId, locationId: { notIn: [...seen] } } });
  for (const level of gone) {
    const zero = Object.fromEntries(Object.values(COLUMNS).map((column) => [column, 0])) as Quantities;
    changes += await storeLevel(db, { shop, inventoryItemId, locationId: level.locationId }, zero, cause, at);
    await db.inventoryLevel.deleteMany({ where: { shop, inventoryItemId, locationId: level.locationId } });
  }
  return changes;
}

/**
 * Updates one level if nobody else did since we read it (compare-and-set on observedAt), with ledger
 * entries for the differences, in one transaction. Two workers observing the same change record it once.
 * `at` is when the read was asked for: a level already observed or written after that is newer than this read
 * (our own sale applied while the read was on its way), and is kept.
 */
async function storeLevel(
  db: Database,
  key: { shop: string; inventoryItemId: string; locationId: string },
  quantities: Quantities,
  cause: string,
  at: Date,
): Promise<number> {
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const current = await db.inventoryLevel.findUnique({ where: { shop_inventoryItemId_locationId: key } });
    if (current && current.observedAt.getTime() > at.getTime()) {
      // This read may predate the write, or include a sale that came after it: when they disagree, a read asked
      // for now settles it (nothing seen is dropped, nothing stale is stored).
      const differs = (Object.values(COLUMNS) as (keyof Quantities)[]).some((column) => quantities[column] !== current[column]);
      if (differs) {
        await db.inventoryRefresh.upsert({
          where: { shop_inventoryItemId: { shop: key.shop, inventoryItemId: key.inventoryItemId } },
          create: { shop: key.shop, inventoryItemId: key.inventoryItemId, cause: `${cause} (read again: it crossed a newer write)` },
          update: { requestedAt: new Date(), lockedBy: null, lockedUntil: null },
        });
      }
      return 0;
    }
    const entries = (Object.entries(COLUMNS) as [QuantityName, keyof Quantities][])
      .map(([name, column]) => ({ name, column, delta: quantities[column] - (current?.[column] ?? 0) }))
      .filter((change) => change.delta !== 0)
      .map((change) => ({
        ...key,
        quantityName: change.name,
        delta: change.delta,
        quantityAfter: quantities[change.column],
        kind: "observed",
        cause,
        idempotencyKey: `observed:${randomUUID()}`,
        at,
      }));
    if (current && entries.length === 0) return 0;
    try {
      const written = await db.$transaction(async (tx) => {
        if (current) {
          const { count } = await tx.inventoryLevel.updateMany({
            where: { ...key, observedAt: current.observedAt },
            data: { ...quantities, observedAt: at },
          });
          if (count === 0) return false; // someone else stored a newer read: look again
        } else {
          await tx.inventoryLevel.create({ data: { ...key, ...quantities, observedAt: at } });
        }
        if (entries.length) await tx.inventoryLedgerEntry.createMany({ data: entries });
        return true;
      });
      if (written) {
        if (entries.length) stockChanged(key.shop, [key.inventoryItemId]);
        return entries.length;
      }
    } catch (error) {
      if ((error as { code?: string }).code !== "P2002") throw error; // created by someone else meanwhile
    }
  }
  throw new Error(`Could not store inventory level ${key.inventoryItemId} at ${key.locationId} for ${key.shop}: it kept changing`);
}

/** Re-reads the given items from Shopify (several per request, within the cost limit) and stores them. */
export async function refreshItems(db: Database, admin: AdminClient, itemIds: string[], cause: string): Promise<MirrorResult> {
  const result: MirrorResult = { items: 0, changes: 0, changedItemIds: [] };
  const { levels, itemsPerRead } = itemReadPlan(await db.location.count({ where: { shop: admin.shop } }));
  for (let start = 0; start < itemIds.length; start += itemsPerRead) {
    const ids = itemIds.slice(start, start + itemsPerRead);
    // When the read was asked for: a level written after that (our own sale or push) is newer than what it says.
    const at = new Date();
    const { data } = await admin.run(inventoryItemsById, { ids: ids.map((id) => gid("InventoryItem", id)), levels });
    for (const [index, item] of data.nodes.entries()) {
      if (item) {
        const changes = await storeItem(db, admin.shop, item, cause, at);
        if (changes > 0) result.changedItemIds.push(ids[index]!);
        result.changes += changes;
        result.items += 1;
      } else {
        // Deleted in Shopify: its levels go to zero in the ledger and the item leaves the mirror.
        const inventoryItemId = ids[index]!;
        const deleted = { id: gid("InventoryItem", inventoryItemId), sku: null, tracked: false, variants: { nodes: [] }, inventoryLevels: { nodes: [] } };
        result.changes += await storeItem(db, admin.shop, deleted, cause, at);
        result.changedItemIds.push(inventoryItemId);
        await db.inventoryItem.deleteMany({ where: { shop: admin.shop, inventoryItemId } });
      }
    }
  }
  return result;
}

const readLocations = async (admin: AdminClient, after: string | null) => (await admin.run(locationsPage, { after })).data;
const readItems = async (admin: AdminClient, after: string | null, plan: { levels: number; itemsPerRead: number }) =>
  (await admin.run(inventoryItemsPage, { after, first: plan.itemsPerRead, levels: plan.levels })).data;

export interface ImportProgress {
  itemsRead: number;
  changes: number;
}

/** Reads every location and inventory item of a shop (installation, reconciliation), reporting progress. */
export async function importShop(
  db: Database,
  admin: AdminClient,
  cause: string,
  onProgress: (progress: ImportProgress) => void = () => {},
): Promise<ImportProgress> {
  await importLocations(db, admin);
  let after: string | null = null;
  const progress: ImportProgress = { itemsRead: 0, changes: 0 };
  const plan = itemReadPlan(await db.location.count({ where: { shop: admin.shop } }));
  do {
    const at = new Date();
    const data = await readItems(admin, after, plan);
    for (const item of data.inventoryItems.nodes) {
      progress.changes += await storeItem(db, admin.shop, item, cause, at);
      progress.itemsRead += 1;
    }
    onProgress({ ...progress });
    after = data.inventoryItems.pageInfo.hasNextPage ? data.inventoryItems.pageInfo.endCursor : null;
  } while (after);
  return progress;
}

/** Reads every location of a shop, active or not, into the mirror. */
export async function importLocations(db: Database, admin: AdminClient): Promise<void> {
  let after: string | null = null;
  do {
    const data = await readLocations(admin, after);
    for (const location of data.locations.nodes) {
      const fields = {
        name: location.name,
        isActive: location.isActive,
        fulfillsOnlineOrders: location.fulfillsOnlineOrders,
        city: location.address.city,
        address1: location.address.address1,
        zip: location.address.zip,
        country: location.address.country,
        countryCode: location.address.countryCode,
        latitude: location.address.latitude,
        longitude: location.address.longitude,
        pickupTime: location.localPickupSettingsV2?.pickupTime ?? null,
      };
      const locationId = numericId(location.id);
      await db.location.upsert({
        where: { shop_locationId: { shop: admin.shop, locationId } },
        create: { shop: admin.shop, locationId, ...fields },
        update: fields,
      });
    }
    after = data.locations.pageInfo.hasNextPage ? data.locations.pageInfo.endCursor : null;
  } while (after);
}

/**
 * Records a change Omnistock itself made in Shopify (a push or a sale elsewhere), from the mutation's answer,
 * without spending a read. The idempotency key is the mutation's: a retried write is recorded once.
 */
export async function recordApplied(
  db: Database,
  change: { shop: string; inventoryItemId: string; locationId: string; delta: number; quantityAfter: number; cause: string; idempotencyKey: string },
): Promise<void> {
  const { shop, inventoryItemId, locationId } = change;
  const key = { shop, inventoryItemId, locationId };
  // Compare-and-set on observedAt, like a read: a re-read stored between our read of the level and our write
  // (on PostgreSQL nothing else serializes them) would otherwise be counted twice in the ledger.
  for (let attempt = 0; attempt < 5; attempt += 1) {
    try {
      const outcome = await db.$transaction(async (tx) => {
        const level = await tx.inventoryLevel.findUnique({ where: { shop_inventoryItemId_locationId: key } });
        if (!level) {
          // Not mirrored yet: read it instead of guessing its other quantities.
          await tx.inventoryRefresh.upsert({
            where: { shop_inventoryItemId: { shop, inventoryItemId } },
            create: { shop, inventoryItemId, cause: change.cause },
            update: { requestedAt: new Date(), lockedBy: null, lockedUntil: null },
          });
          return "queued" as const;
        }
        const onHand = level.onHand + change.delta;
        // A newer observedAt makes any read asked for before this write keep away from it (storeLevel).
        const { count } = await tx.inventoryLevel.updateMany({
          where: { ...key, observedAt: level.observedAt },
          data: { available: change.quantityAfter, onHand, observedAt: new Date() },
        });
        if (count === 0) return "moved" as const;
        // Shopify's answer also reveals changes we had not observed yet (a sale whose webhook is still on its
        // way): what it held just before our change, against what we thought. Both go to the ledger.
        const before = change.quantityAfter - change.delta;
        const unseen = before - level.available;
        await tx.inventoryLedgerEntry.createMany({
          data: [
            ...(unseen !== 0
              ? [{ ...key, quantityName: "available", delta: unseen, quantityAfter: before, kind: "observed", cause: `seen while applying: ${change.cause}`, idempotencyKey: `${change.idempotencyKey}:unseen` }]
              : []),
            { ...key, quantityName: "available", delta: change.delta, quantityAfter: change.quantityAfter, kind: "applied", cause: change.cause, idempotencyKey: change.idempotencyKey },
            { ...key, quantityName: "on_hand", delta: change.delta, quantityAfter: onHand, kind: "applied", cause: change.cause, idempotencyKey: `${change.idempotencyKey}:on_hand` },
          ],
        });
        return "recorded" as const;
      });
      if (outcome === "moved") continue; // someone wrote the level meanwhile: look again
      if (outcome === "recorded") stockChanged(shop, [inventoryItemId]);
      return;
    } catch (error) {
      if ((error as { code?: string }).code !== "P2002") throw error; // recorded already
      return;
    }
  }
  // It kept changing under us: a re-read settles it (the mutation itself is applied and keyed).
  await db.inventoryRefresh.upsert({
    where: { shop_inventoryItemId: { shop, inventoryItemId } },
    create: { shop, inventoryItemId, cause: change.cause },
    update: { requestedAt: new Date(), lockedBy: null, lockedUntil: null },
  });
}
