import type { Database } from "../db.server";
import type { ChannelRule } from "../inventory/allocation";
import { requeueChannel } from "../sync/push.server";

// Reading and changing a shop's channels for the admin. Every query is scoped to the shop.

export async function listChannels(db: Database, shop: string) {
  const channels = await db.channel.findMany({ where: { shop }, orderBy: { createdAt: "asc" } });
  const counts = await db.channelListing.groupBy({
    by: ["channelId"],
    where: { shop },
    _count: { _all: true, inventoryItemId: true },
  });
  return channels.map((channel) => {
    const count = counts.find((c) => c.channelId === channel.id);
    return {
      id: channel.id,
      name: channel.name,
      kind: channel.kind,
      remoteAccount: channel.remoteAccount,
      status: channel.status,
      rule: { reserve: channel.reserve, percentage: channel.percentage, min: channel.minQuantity, max: channel.maxQuantity, zeroOutAt: channel.zeroOutAt },
      listings: count?._count._all ?? 0,
      matched: count?._count.inventoryItemId ?? 0,
    };
  });
}

/**
 * Stores a channel's rule (already validated) and queues pushes so the channel shows the new quantities.
 * Returns false when the channel is not this shop's.
 */
export async function updateChannelRule(db: Database, shop: string, channelId: string, rule: ChannelRule): Promise<boolean> {
  const { count } = await db.channel.updateMany({
    where: { id: channelId, shop },
    data: { reserve: rule.reserve, percentage: rule.percentage, minQuantity: rule.min, maxQuantity: rule.max, zeroOutAt: rule.zeroOutAt },
  });
  if (count === 1) await requeueChannel(db, shop, channelId);
  return count === 1;
}

export async function channelOf(db: Database, shop: string, channelId: string) {
  return db.channel.findFirst({ where: { id: channelId, shop } });
}
