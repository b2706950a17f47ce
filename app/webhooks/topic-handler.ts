import type { z } from "zod";
import type { Database } from "../db.server";
import type { Logger } from "../observability/logger.server";
import type { AdminClient } from "../shopify/admin-client.server";

// What a webhook topic's handler is: the schema its body must match, and what it does.

export interface DeliveryContext {
  db: Database;
  logger: Logger;
  /** Admin API access for a shop's background work (null when the shop has no session). */
  adminFor?: (shop: string) => Promise<AdminClient | null>;
  shop: string;
  topic: string;
  webhookId: string;
  triggeredAt: Date | null;
}

/** "done" when the delivery was acted on, "skipped" when there was nothing to do. */
export type HandlerOutcome = "done" | "skipped";

export interface TopicHandler<Schema extends z.ZodType = z.ZodType> {
  /** Validates the body at intake (a bad body gets 400 and is not stored) and again before handling. */
  schema: Schema;
  /** Compliance topics must run even after the shop uninstalled the app. */
  runsWhenUninstalled?: boolean;
  /** The signed body names its shop; it must match X-Shopify-Shop-Domain, which is not signed. */
  bodyShop?: (payload: z.infer<Schema>) => string;
  handle(payload: z.infer<Schema>, ctx: DeliveryContext): Promise<HandlerOutcome>;
}

/** Erases a handler's payload type so handlers of every topic fit one table. */
export function defineHandler<Schema extends z.ZodType>(handler: TopicHandler<Schema>): TopicHandler {
  return handler as unknown as TopicHandler;
}

