import { z } from "zod";
import type { DeliveryWriter } from "./delivery-writer.server";
import type { Logger } from "../observability/logger.server";
import { isShopDomain } from "../shopify/shop-domain";
import { handlerFor } from "./handlers.server";
import { isValidWebhookHmac } from "./hmac.server";

// POST /webhooks: verify, store once, answer. Shopify waits 5 s at most and retries for 4 hours, so nothing
// slow happens here; a worker processes the stored delivery (app/webhooks/processor.server.ts).

export const MAX_WEBHOOK_BYTES = 5 * 1024 * 1024;

export interface IntakeDeps {
  writer: DeliveryWriter;
  secret: string;
  logger: Logger;
  customShopDomain?: string;
  /** Called after a new delivery is stored, so an in-process worker can start at once. */
  onStored?: () => void;
}

const buildHeadersSchema = (customShopDomain?: string) =>
  z.object({
    topic: z.string().regex(/^[a-z_]+\/[a-z_]+$/, "X-Shopify-Topic must look like orders/create"),
    shop: z
      .string()
      .refine((value) => isShopDomain(value, customShopDomain), "X-Shopify-Shop-Domain is not a shop domain"),
    webhookId: z.string().min(1, "X-Shopify-Webhook-Id is missing").max(255),
    apiVersion: z.string().regex(/^(\d{4}-\d{2}|unstable)$/, "X-Shopify-API-Version must look like 2026-10"),
    eventId: z.string().max(255).nullable(),
    triggeredAt: z
      .string()
      .nullable()
      .transform((value, ctx) => {
        if (value === null) return null;
        const date = new Date(value);
        if (Number.isNaN(date.getTime())) {
          ctx.addIssue({ code: "custom", message: "X-Shopify-Triggered-At is not a date" });
          return z.NEVER;
        }
        return date;
      }),
  });

// Building a zod schema costs far more than using one: build it once per custom shop domain.
const headerSchemas = new Map<string, ReturnType<typeof buildHeadersSchema>>();
function headersSchema(customShopDomain?: string) {
  const key = customShopDomain ?? "";
  let schema = headerSchemas.get(key);
  if (!schema) headerSchemas.set(key, (schema = buildHeadersSchema(customShopDomain)));
  return schema;
}

/** What intake answers; the HTTP layer turns it into a response (Remix in development, Express in production). */
export interface IntakeAnswer {
  status: number;
  body: string;
}

const text = (status: number, body: string): IntakeAnswer => ({ status, body });

/** A delivery as it came off the wire: no framework objects on the hot path. */
export interface RawDelivery {
  method: string;
  header: (name: string) => string | null;
  body: Uint8Array;
}

/** Order and customer ids a delivery concerns, kept so compliance requests can find it. */
function extractRefs(raw: string, payload: Record<string, unknown>) {
  const gid = typeof payload.admin_graphql_api_id === "string" ? payload.admin_graphql_api_id : "";
  const orderFromGid = /^gid:\/\/shopify\/Order\/(\d+)/.exec(gid)?.[1];
  // Top-level "order_id" read from the raw text: JSON.parse rounds ids above 2^53.
  const orderFromField = /"order_id"\s*:\s*"?(\d+)/.exec(raw)?.[1];
  const customer = payload.customer as { id?: unknown; admin_graphql_api_id?: unknown } | null | undefined;
  const customerGid = typeof customer?.admin_graphql_api_id === "string" ? customer.admin_graphql_api_id : "";
  const customerId =
    /^gid:\/\/shopify\/Customer\/(\d+)/.exec(customerGid)?.[1] ??
    (typeof customer?.id === "number" || typeof customer?.id === "string" ? String(customer.id) : undefined);
  return { orderId: orderFromGid ?? orderFromField ?? null, customerId: customerId ?? null };
}

/** POST /webhooks for a Fetch API request (the Remix route). */
export async function receiveWebhook(request: Request, deps: IntakeDeps): Promise<Response> {
  if (request.method !== "POST") return new Response(null, { status: 405, headers: { Allow: "POST" } });
  const length = Number(request.headers.get("content-length") ?? 0);
  if (length > MAX_WEBHOOK_BYTES) return toResponse(text(413, "Webhook body too large"));
  const body = new Uint8Array(await request.arrayBuffer());
  return toResponse(await receiveDelivery({ method: request.method, header: (name) => request.headers.get(name), body }, deps));
}

export function toResponse(answer: IntakeAnswer): Response {
  return new Response(answer.body, { status: answer.status, headers: { "Content-Type": "text/plain; charset=utf-8" } });
}

export async function receiveDelivery(delivery: RawDelivery, deps: IntakeDeps): Promise<IntakeAnswer> {
  const raw = delivery.body;
  if (raw.byteLength > MAX_WEBHOOK_BYTES) return text(413, "Webhook body too large");

  // The HMAC covers the raw bytes; nothing is parsed or stored before it checks out.
  if (!isValidWebhookHmac(raw, delivery.header("x-shopify-hmac-sha256"), deps.secret)) {
    deps.logger.debug("Webhook refused: HMAC missing or wrong", {
      topic: delivery.header("x-shopify-topic"),
      shop: delivery.header("x-shopify-shop-domain"),
    });
    return text(401, "Unauthorized");
  }

  const headers = headersSchema(deps.customShopDomain).safeParse({
    topic: delivery.header("x-shopify-topic"),
    shop: delivery.header("x-shopify-shop-domain"),
    webhookId: delivery.header("x-shopify-webhook-id"),
    apiVersion: delivery.header("x-shopify-api-version"),
    eventId: delivery.header("x-shopify-event-id"),
    triggeredAt: delivery.header("x-shopify-triggered-at"),
  });
  if (!headers.success) return text(400, headers.error.issues.map((issue) => issue.message).join("; "));
  const meta = headers.data;

  const body = new TextDecoder().decode(raw);
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return text(400, `The ${meta.topic} body is not JSON`);
  }
  const handler = handlerFor(meta.topic);
  const payload = handler.schema.safeParse(json);
  if (!payload.success) {
    const problem = payload.error.issues.map((issue) => `${issue.path.join(".") || "body"}: ${issue.message}`).join("; ");
    deps.logger.warn("Webhook refused: body does not match its topic", { topic: meta.topic, shop: meta.shop, problem });
    return text(400, `The ${meta.topic} body is not valid: ${problem}`);
  }
  if (handler.bodyShop && handler.bodyShop(payload.data) !== meta.shop) {
    return text(400, "The shop in the body does not match X-Shopify-Shop-Domain");
  }

  const refs = extractRefs(body, json as Record<string, unknown>);
  let stored: boolean;
  try {
    stored = await deps.writer.insert({
      webhookId: meta.webhookId,
      shop: meta.shop,
      topic: meta.topic,
      apiVersion: meta.apiVersion,
      eventId: meta.eventId,
      triggeredAt: meta.triggeredAt,
      payload: body,
      customerId: refs.customerId,
      orderId: refs.orderId,
    });
  } catch (error) {
    deps.logger.error("Storing a webhook failed; Shopify will retry it", {
      topic: meta.topic,
      shop: meta.shop,
      webhookId: meta.webhookId,
      error,
    });
    return text(503, "Try again later");
  }
  // Shopify retried a delivery we already hold: it is stored once.
  if (!stored) return text(200, "Already received");
  deps.onStored?.();
  return text(200, "OK");
}
