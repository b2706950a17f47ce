import type { z } from "zod";
import { findCustomerData, redactCustomerData } from "../compliance/customer-data.server";
import { eraseShopData } from "../compliance/shop-data.server";
import { INVENTORY_HINT_HANDLERS } from "../inventory/hints.server";
import { TRACKING_HANDLERS } from "../tracking/shopify-webhooks.server";
import { defineHandler, type DeliveryContext, type TopicHandler } from "./topic-handler";
import {
  appScopesUpdatePayload,
  appUninstalledPayload,
  customersDataRequestPayload,
  customersRedactPayload,
  genericPayload,
  shopRedactPayload,
} from "./payloads";

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
  ...TRACKING_HANDLERS,
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

export { defineHandler, type DeliveryContext, type HandlerOutcome, type TopicHandler } from "./topic-handler";
