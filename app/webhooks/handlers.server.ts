import { z } from "zod";
import { findCustomerData, redactCustomerData } from "../compliance/customer-data.server";
import { eraseShopData } from "../compliance/shop-data.server";
import { BULK_OPERATION_HANDLERS } from "../inventory/bulk-read.server";
import { INVENTORY_HINT_HANDLERS } from "../inventory/hints.server";
import { TRACKING_HANDLERS } from "../tracking/shopify-webhooks.server";
import { defineHandler, type DeliveryContext, type HandlerOutcome, type TopicHandler } from "./topic-handler";
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

/**
 * One handler for a topic several modules act on (orders/cancelled: stock hints and pickups): the body must suit
 * every one of them, each runs with its own parsed body, in order, and the delivery is done when any acted.
 */
function allOf(handlers: TopicHandler[]): TopicHandler {
  if (handlers.length === 1) return handlers[0]!;
  const named = handlers.find((handler) => handler.bodyShop);
  return defineHandler({
    ...(named ? { bodyShop: (body: unknown) => named.bodyShop!(named.schema.parse(body)) } : {}),
    schema: z.unknown().superRefine((body, ctx) => {
      for (const handler of handlers) {
        const parsed = handler.schema.safeParse(body);
        if (!parsed.success) for (const issue of parsed.error.issues) ctx.addIssue({ code: "custom", path: issue.path, message: issue.message });
      }
    }),
    runsWhenUninstalled: handlers.every((handler) => handler.runsWhenUninstalled),
    async handle(body, ctx) {
      let outcome: HandlerOutcome = "skipped";
      for (const handler of handlers) if ((await handler.handle(handler.schema.parse(body), ctx)) === "done") outcome = "done";
      return outcome;
    },
  });
}

function byTopic(...modules: Record<string, TopicHandler>[]): Record<string, TopicHandler> {
  const topics = new Map<string, TopicHandler[]>();
  for (const handlers of modules) for (const [topic, handler] of Object.entries(handlers)) topics.set(topic, [...(topics.get(topic) ?? []), handler]);
  return Object.fromEntries([...topics].map(([topic, handlers]) => [topic, allOf(handlers)]));
}

const HANDLERS: Record<string, TopicHandler> = {
  ...byTopic(INVENTORY_HINT_HANDLERS, BULK_OPERATION_HANDLERS, TRACKING_HANDLERS),
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
