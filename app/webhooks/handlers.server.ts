import type { z } from "zod";
import { findCustomerData, redactCustomerData } from "../compliance/customer-data.server";
import { eraseShopData } from "../compliance/shop-data.server";
import type { Database } from "../db.server";
import { INVENTORY_HINT_HANDLERS } from "../inventory/hints.server";
import type { Logger } from "../observability/logger.server";
import type { AdminClient } from "../shopify/admin-client.server";
import {
  appScopesUpdatePayload,
  appUninstalledPayload,
  customersDataRequestPayload,
  customersRedactPayload,
  genericPayload,
  shopRedactPayload,
} from "./payloads";

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

function defineHandler<Schema extends z.ZodType>(handler: TopicHandler<Schema>): TopicHandler {
  return handler as unknown as TopicHandler;
}

async function recordCompliance(ctx: DeliveryContext, customerId: string | null, summary: unknown) {
  await ctx.db.complianceRequest.upsert({
    where: { webhookId: ctx.webhookId },
    create: {
      shop: ctx.shop,
      topic: ctx.topic,
      webhookId: ctx.webhookId,
      customerId,
      requestedAt: ctx.triggeredAt ?? new Date(),
      completedAt: new Date(),
      summary: JSON.stringify(summary),
    },
    update: { completedAt: new Date(), summary: JSON.stringify(summary) },
  });
}

const HANDLERS: Record<string, TopicHandler> = {
  ...INVENTORY_HINT_HANDLERS,
  "app/uninstalled": defineHandler({
    schema: appUninstalledPayload,
    async handle(_payload, ctx) {
      const shop = await ctx.db.shop.findUnique({ where: { shop: ctx.shop } });
      // Deliveries arrive late and out of order: an uninstall from before the latest install is history.
      if (shop && ctx.triggeredAt && ctx.triggeredAt < shop.installedAt) return "skipped";
      await ctx.db.$transaction([
        ctx.db.session.deleteMany({ where: { shop: ctx.shop } }),
        ctx.db.shop.upsert({
          where: { shop: ctx.shop },
          create: { shop: ctx.shop, uninstalledAt: new Date() },
          update: { uninstalledAt: new Date() },
        }),
      ]);
      ctx.logger.info("App uninstalled: sessions removed and the shop's work stopped", { shop: ctx.shop });
      return "done";
    },
  }),

  "app/scopes_update": defineHandler({
    schema: appScopesUpdatePayload,
    async handle(payload, ctx) {
      const scope = payload.current.join(",");
      await ctx.db.$transaction([
        ctx.db.session.updateMany({ where: { shop: ctx.shop }, data: { scope } }),
        ctx.db.shop.updateMany({ where: { shop: ctx.shop }, data: { scopes: scope } }),
      ]);
      return "done";
    },
  }),

  "customers/data_request": defineHandler({
    schema: customersDataRequestPayload,
    runsWhenUninstalled: true,
    bodyShop: (payload) => payload.shop_domain,
    async handle(payload, ctx) {
      const customerId = payload.customer.id ?? null;
      const held = await findCustomerData(ctx.db, { shop: ctx.shop, customerId, orderIds: payload.orders_requested });
      await recordCompliance(ctx, customerId, { held, ordersRequested: payload.orders_requested.length });
      ctx.logger.info("Customer data request recorded", { shop: ctx.shop, customerId, held });
      return "done";
    },
  }),

  "customers/redact": defineHandler({
    schema: customersRedactPayload,
    runsWhenUninstalled: true,
    bodyShop: (payload) => payload.shop_domain,
    async handle(payload, ctx) {
      const customerId = payload.customer.id ?? null;
      const erased = await redactCustomerData(ctx.db, { shop: ctx.shop, customerId, orderIds: payload.orders_to_redact });
      await recordCompliance(ctx, customerId, { erased });
      ctx.logger.info("Customer data redacted", { shop: ctx.shop, customerId, erased });
      return "done";
    },
  }),

  "shop/redact": defineHandler({
    schema: shopRedactPayload,
    runsWhenUninstalled: true,
    bodyShop: (payload) => payload.shop_domain,
    async handle(_payload, ctx) {
      const erased = await eraseShopData(ctx.db, ctx.shop);
      await recordCompliance(ctx, null, { erased });
      ctx.logger.info("Shop data erased", { shop: ctx.shop, erased });
      return "done";
    },
  }),
};

const FALLBACK: TopicHandler = defineHandler({
  schema: genericPayload,
  async handle() {
    return "skipped";
  },
});

export function handlerFor(topic: string): TopicHandler {
  return HANDLERS[topic] ?? FALLBACK;
}

/** Lets a module (the sync engine, tracking) take over a topic. */
export function registerTopicHandler<Schema extends z.ZodType>(topic: string, handler: TopicHandler<Schema>) {
  HANDLERS[topic] = defineHandler(handler);
}
