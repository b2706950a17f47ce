import { randomUUID } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { signProxyParams } from "../../app/storefront-proxy/signature.server";
import { webhookHmac } from "../../app/webhooks/hmac.server";

// Test doubles for what Shopify sends us. HMACs and signatures are computed at run time, never pasted.

export const SHARED = path.resolve(import.meta.dirname, "../../../shared/shopify");
export const ADMIN_SCHEMA_PATH = path.join(SHARED, "admin", "admin-2026-01.graphql");

export const appSecret = () => process.env.SHOPIFY_API_SECRET!;

export function testShop(label = "shop"): string {
  return `${label}-${randomUUID().slice(0, 8)}.myshopify.com`;
}

export interface WebhookInit {
  topic: string;
  shop: string;
  body: unknown;
  webhookId?: string;
  eventId?: string;
  triggeredAt?: Date;
  apiVersion?: string;
  /** Overrides the computed HMAC header; null leaves it out. */
  hmac?: string | null;
  secret?: string;
  url?: string;
}

export function webhookRequest(init: WebhookInit): Request {
  const raw = typeof init.body === "string" ? init.body : JSON.stringify(init.body);
  const headers = new Headers({
    "Content-Type": "application/json",
    "X-Shopify-Topic": init.topic,
    "X-Shopify-Shop-Domain": init.shop,
    "X-Shopify-Webhook-Id": init.webhookId ?? randomUUID(),
    "X-Shopify-Event-Id": init.eventId ?? randomUUID(),
    "X-Shopify-API-Version": init.apiVersion ?? "2026-10",
    "X-Shopify-Triggered-At": (init.triggeredAt ?? new Date()).toISOString(),
  });
  const hmac = init.hmac === undefined ? webhookHmac(raw, init.secret ?? appSecret()) : init.hmac;
  if (hmac !== null) headers.set("X-Shopify-Hmac-Sha256", hmac);
  return new Request(init.url ?? "http://127.0.0.1:3999/webhooks", { method: "POST", headers, body: raw });
}

/** Shopify's documented sample payload for a topic, with its "{shop}" placeholder filled in. */
export function samplePayload(topic: string, shop: string): string {
  const file = path.join(SHARED, "webhooks", `${topic.replace("/", "__")}.json`);
  return readFileSync(file, "utf8").replaceAll("{shop}.myshopify.com", shop);
}

export function sampleTopics(): string[] {
  return readdirSync(path.join(SHARED, "webhooks"))
    .filter((file) => file.endsWith(".json"))
    .map((file) => file.replace(/\.json$/, "").replace("__", "/"));
}

export interface ProxyInit {
  shop: string;
  path?: string;
  customerId?: string | null;
  extra?: Record<string, string>;
  timestamp?: number;
  secret?: string;
  origin?: string;
}

/** A storefront request as Shopify's app proxy forwards it to the app. */
export function proxyUrl(init: ProxyInit): string {
  const params = new URLSearchParams(init.extra);
  params.set("shop", init.shop);
  params.set("logged_in_customer_id", init.customerId ?? "");
  params.set("path_prefix", "/apps/omnistock");
  params.set("timestamp", String(init.timestamp ?? Math.floor(Date.now() / 1000)));
  const signed = signProxyParams(params, init.secret ?? appSecret());
  return `${init.origin ?? "http://127.0.0.1:3999"}/proxy/${init.path ?? "status"}?${signed.toString()}`;
}
