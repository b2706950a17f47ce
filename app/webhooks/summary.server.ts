import type { Database } from "../db.server";
import { DELIVERY_STATUSES, type DeliveryStatus } from "./delivery-status";

export interface DeliverySummary {
  counts: Record<DeliveryStatus, number>;
  lastReceivedAt: Date | null;
  recentFailures: { webhookId: string; topic: string; receivedAt: Date; lastError: string | null }[];
}

/** Webhook intake at a glance for one shop: how many deliveries are in each state, and what failed last. */
export async function deliverySummary(db: Database, shop: string): Promise<DeliverySummary> {
  const [groups, last, failures] = await Promise.all([
    db.webhookDelivery.groupBy({ by: ["status"], where: { shop }, _count: { _all: true } }),
    db.webhookDelivery.findFirst({ where: { shop }, orderBy: { id: "desc" }, select: { receivedAt: true } }),
    db.webhookDelivery.findMany({
      where: { shop, status: "failed" },
      orderBy: { id: "desc" },
      take: 5,
      select: { webhookId: true, topic: true, receivedAt: true, lastError: true },
    }),
  ]);
  const counts = Object.fromEntries(DELIVERY_STATUSES.map((status) => [status, 0])) as Record<DeliveryStatus, number>;
  for (const group of groups) {
    if ((DELIVERY_STATUSES as readonly string[]).includes(group.status)) {
      counts[group.status as DeliveryStatus] = group._count._all;
    }
  }
  return { counts, lastReceivedAt: last?.receivedAt ?? null, recentFailures: failures };
}
