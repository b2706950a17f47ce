import { createHash, randomBytes, randomUUID } from "node:crypto";
import type { Database } from "../db.server";
import { importShop } from "../inventory/mirror.server";
import type { AdminClient } from "../shopify/admin-client.server";
import { requeueChannel } from "../sync/push.server";
import { syncShopifyStoreListings } from "./listings.server";

// Linking another Shopify store that runs Omnistock: the home store shows a one-time code, the other store
// enters it. Only a hash of the code is kept, and it expires.

export const CODE_LIFETIME_MS = 30 * 60 * 1000;
const ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"; // no 0/O or 1/I to misread

const hash = (code: string) => createHash("sha256").update(code.replace(/[\s-]/g, "").toUpperCase()).digest("hex");

export async function createConnectionCode(db: Database, homeShop: string, now = new Date()): Promise<{ code: string; expiresAt: Date }> {
  const bytes = randomBytes(12);
  const raw = Array.from(bytes, (byte) => ALPHABET[byte % ALPHABET.length]).join("");
  const code = `${raw.slice(0, 4)}-${raw.slice(4, 8)}-${raw.slice(8, 12)}`;
  const expiresAt = new Date(now.getTime() + CODE_LIFETIME_MS);
  await db.connectionCode.create({ data: { codeHash: hash(code), shop: homeShop, expiresAt } });
  return { code, expiresAt };
}

export class LinkError extends Error {}

/** Links `linkedShop` to the store that issued the code; the channel is created in the home store. */
export async function linkStore(db: Database, code: string, linkedShop: string, now = new Date()) {
  const found = await db.connectionCode.findUnique({ where: { codeHash: hash(code) } });
  if (!found || found.expiresAt < now) {
    throw new LinkError("That connection code is wrong or has expired: create a new one in the store you link to.");
  }
  if (found.shop === linkedShop) throw new LinkError("A store cannot be linked to itself: enter the code in the other store.");
  const location = await db.location.findFirst({
    where: { shop: linkedShop, isActive: true },
    orderBy: [{ fulfillsOnlineOrders: "desc" }, { locationId: "asc" }],
  });
  const linked = await db.shop.findUnique({ where: { shop: linkedShop } });
  return db.$transaction(async (tx) => {
    await tx.connectionCode.delete({ where: { codeHash: found.codeHash } });
    return tx.channel.upsert({
      where: { shop_kind_remoteAccount: { shop: found.shop, kind: "shopify_store", remoteAccount: linkedShop } },
      create: {
        id: randomUUID(),
        shop: found.shop,
        kind: "shopify_store",
        name: linked?.name ?? linkedShop,
        remoteAccount: linkedShop,
        remoteLocationId: location?.locationId ?? null,
      },
      update: { status: "active", remoteLocationId: location?.locationId ?? null },
    });
  });
}

/**
 * Links the store, reads whichever catalog is not mirrored yet (matching compares both), matches the
 * listings and queues the first pushes.
 */
export async function linkAndMatch(db: Database, code: string, linkedShop: string, adminFor: (shop: string) => Promise<AdminClient | null>) {
  const channel = await linkStore(db, code, linkedShop);
  for (const shop of [channel.shop, linkedShop]) {
    if ((await db.inventoryItem.count({ where: { shop } })) > 0) continue;
    const admin = await adminFor(shop);
    if (admin) await importShop(db, admin, "linking");
  }
  const matching = await syncShopifyStoreListings(db, channel);
  await requeueChannel(db, channel.shop, channel.id);
  return { channel, ...matching };
}
