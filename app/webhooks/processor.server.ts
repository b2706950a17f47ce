import type { WebhookDelivery } from "@prisma/client";
import type { Database } from "../db.server";
import type { DatabaseKind } from "../db/url";
import { claimDueRows } from "../jobs/claim.server";
import type { Logger } from "../observability/logger.server";
import type { AdminClient } from "../shopify/admin-client.server";
import { MAX_DELIVERY_ATTEMPTS, retryDelayMs, type DeliveryStatus } from "./delivery-status";
import { handlerFor, type HandlerOutcome } from "./handlers.server";

export interface ProcessorDeps {
  db: Database;
  kind: DatabaseKind;
  logger: Logger;
  adminFor?: (shop: string) => Promise<AdminClient | null>;
  now?: () => Date;
}

export interface ProcessOptions {
  limit?: number;
  /** How long a claim holds before another worker may take the delivery over. */
  leaseMs?: number;
}

/** Claims due deliveries and processes them; returns how many it handled (0 when there was nothing to do). */
export async function processDueDeliveries(deps: ProcessorDeps, options: ProcessOptions = {}): Promise<number> {
  const now = deps.now ?? (() => new Date());
  const claim = await claimDueRows(deps.db, deps.kind, {
    table: "WebhookDelivery",
    limit: options.limit ?? 50,
    leaseMs: options.leaseMs ?? 60_000,
    now: now(),
  });
  if (claim.ids.length === 0) return 0;

  const deliveries = await deps.db.webhookDelivery.findMany({
    where: { id: { in: claim.ids }, lockedBy: claim.token },
    orderBy: { id: "asc" },
  });
  const uninstalled = new Set(
    (
      await deps.db.shop.findMany({
        where: { shop: { in: [...new Set(deliveries.map((d) => d.shop))] }, uninstalledAt: { not: null } },
        select: { shop: true },
      })
    ).map((row) => row.shop),
  );

  for (const delivery of deliveries) {
    await processOne(deps, delivery, claim.token, uninstalled.has(delivery.shop), now);
  }
  return deliveries.length;
}

async function processOne(
  deps: ProcessorDeps,
  delivery: WebhookDelivery,
  token: string,
  shopUninstalled: boolean,
  now: () => Date,
) {
  const log = deps.logger.child({ shop: delivery.shop, topic: delivery.topic, webhookId: delivery.webhookId });
  // Only the holder of the current lease may settle a delivery; a worker whose lease ran out is ignored.
  const settle = (status: DeliveryStatus, extra: { lastError?: string | null; availableAt?: Date } = {}) =>
    deps.db.webhookDelivery.updateMany({
      where: { id: delivery.id, lockedBy: token },
      data: {
        status,
        lockedBy: null,
        lockedUntil: null,
        processedAt: status === "pending" ? null : now(),
        lastError: extra.lastError ?? null,
        ...(extra.availableAt ? { availableAt: extra.availableAt } : {}),
      },
    });

  const handler = handlerFor(delivery.topic);
  if (shopUninstalled && !handler.runsWhenUninstalled) {
    await settle("skipped", { lastError: "The shop has uninstalled Omnistock" });
    return;
  }

  const parsed = handler.schema.safeParse(JSON.parse(delivery.payload));
  if (!parsed.success) {
    const problem = parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; ");
    log.warn("Webhook body is not valid for its topic; it will not be retried", { problem });
    await settle("failed", { lastError: `Invalid ${delivery.topic} body: ${problem}` });
    return;
  }

  let outcome: HandlerOutcome;
  try {
    outcome = await handler.handle(parsed.data, {
      db: deps.db,
      logger: log,
      adminFor: deps.adminFor,
      shop: delivery.shop,
      topic: delivery.topic,
      webhookId: delivery.webhookId,
      triggeredAt: delivery.triggeredAt,
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (delivery.attempts >= MAX_DELIVERY_ATTEMPTS) {
      log.error("Webhook processing failed for good; retry it from Sync activity once the cause is fixed", {
        attempts: delivery.attempts,
        error: message,
      });
      await settle("failed", { lastError: message });
    } else {
      const delay = retryDelayMs(delivery.attempts);
      log.warn("Webhook processing failed; will retry", { attempts: delivery.attempts, retryInMs: delay, error: message });
      await settle("pending", { lastError: message, availableAt: new Date(now().getTime() + delay) });
    }
    return;
  }
  await settle(outcome);
}
