import { createHash } from "node:crypto";
import type { Database } from "../db.server";
import type { Logger } from "../observability/logger.server";
import type { SecretBox } from "../security/secrets.server";
import { isShopDomain } from "../shopify/shop-domain";
import { normalizeTrackingNumber } from "./carriers";
import { providerSecret } from "./notification-settings.server";
import { parseAftershipWebhook, verifyAftershipSignature } from "./providers/aftership";
import { parseEasyPostWebhook, verifyEasyPostSignature } from "./providers/easypost";
import { ProviderPayloadError } from "./providers/payload";
import { parseSeventeenTrackWebhook, verifySeventeenTrackSignature } from "./providers/seventeen-track";
import { TRACKING_PROVIDERS, type ProviderUpdate, type TrackingProvider, type WebhookHeaders } from "./providers/types";
import { addEvents, refreshShipment, type NewShipmentEvent } from "./shipments.server";

// POST /tracking/webhooks/:provider?shop=<shop>: a tracking provider (AfterShip, 17TRACK, EasyPost) pushing what
// it knows about a parcel. The signature is checked over the raw bytes with the shop's secret for that provider
// before anything is parsed; the update then reaches every shipment of that shop with the tracking number.

export const MAX_PROVIDER_WEBHOOK_BYTES = 1024 * 1024;

const ADAPTERS: Record<
  TrackingProvider,
  { verify: (raw: Buffer, headers: WebhookHeaders, secret: string) => boolean; parse: (json: unknown) => ProviderUpdate | null }
> = {
  aftership: { verify: verifyAftershipSignature, parse: parseAftershipWebhook },
  "17track": { verify: verifySeventeenTrackSignature, parse: parseSeventeenTrackWebhook },
  easypost: { verify: verifyEasyPostSignature, parse: parseEasyPostWebhook },
};

export interface ProviderWebhookDeps {
  db: Database;
  logger: Logger;
  box: SecretBox;
  customShopDomain?: string;
  now?: () => Date;
}

const reply = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store" } });

const isProvider = (value: string | undefined): value is TrackingProvider => (TRACKING_PROVIDERS as readonly string[]).includes(value ?? "");

export async function receiveProviderWebhook(request: Request, provider: string | undefined, deps: ProviderWebhookDeps): Promise<Response> {
  if (request.method !== "POST") return new Response(null, { status: 405, headers: { Allow: "POST" } });
  if (!isProvider(provider)) return reply(404, { error: "unknown_provider" });
  const shop = new URL(request.url).searchParams.get("shop") ?? "";
  const raw = Buffer.from(await request.arrayBuffer());
  if (raw.length > MAX_PROVIDER_WEBHOOK_BYTES) return reply(413, { error: "too_large" });

  // An unknown shop, a shop without this provider and a bad signature look the same from outside.
  const secret = isShopDomain(shop, deps.customShopDomain) ? await providerSecret(deps.db, deps.box, shop, provider) : null;
  if (!secret || !ADAPTERS[provider].verify(raw, request.headers, secret)) {
    deps.logger.debug("Tracking provider webhook refused", { provider, shop, reason: secret ? "signature" : "no account" });
    return reply(401, { error: "unauthorized" });
  }

  let update: ProviderUpdate | null;
  try {
    update = ADAPTERS[provider].parse(JSON.parse(raw.toString("utf8")));
  } catch (error) {
    const message = error instanceof ProviderPayloadError ? error.message : "The body is not JSON";
    deps.logger.warn("Tracking provider webhook is not valid", { provider, shop, problem: message });
    return reply(400, { error: "invalid_payload", message });
  }
  if (!update) return reply(200, { accepted: true, shipments: 0 });
  const shipments = await applyProviderUpdate(deps.db, shop, update, deps.now?.() ?? new Date(), { push: true });
  return reply(200, { accepted: true, shipments });
}

const eventKey = (provider: string, e: ProviderUpdate["events"][number]) =>
  `${provider}:${createHash("sha256")
    .update([e.at, e.status, e.reason ?? "", e.description, e.location ?? ""].join("\u0000"))
    .digest("base64url")
    .slice(0, 22)}`;

/**
 * Applies a provider's update to the shop's shipments with that tracking number; returns how many it reached.
 * `push`: the provider sent it on its own (a webhook), so the poller leaves these shipments alone for a while.
 */
export async function applyProviderUpdate(
  db: Database,
  shop: string,
  update: ProviderUpdate,
  now = new Date(),
  options: { push?: boolean } = {},
): Promise<number> {
  const key = normalizeTrackingNumber(update.trackingNumber);
  const shipments = await db.shipment.findMany({ where: { shop, trackingNumberKey: key, redactedAt: null } });
  const events: NewShipmentEvent[] = update.events.map((e) => ({
    at: e.at,
    status: e.status,
    ...(e.reason ? { reason: e.reason } : {}),
    description: e.description,
    ...(e.location ? { location: e.location } : {}),
    source: update.provider,
    dedupeKey: eventKey(update.provider, e),
  }));
  // The provider's current status, when its events do not end with it (an AfterShip "Expired" has no checkpoint).
  const last = events.at(-1);
  if (!last || last.status !== update.status || (last.reason ?? null) !== (update.exceptionReason ?? null)) {
    const at = new Date(Math.max(now.getTime(), last ? Date.parse(last.at) : 0)).toISOString();
    events.push({
      at,
      status: update.status,
      ...(update.exceptionReason ? { reason: update.exceptionReason } : {}),
      description: "",
      source: update.provider,
      dedupeKey: `${update.provider}:status:${update.status}:${update.exceptionReason ?? ""}`,
    });
  }
  for (const shipment of shipments) {
    await addEvents(db, shipment, events);
    await db.shipment.update({
      where: { id: shipment.id },
      data: {
        source: update.provider,
        ...(update.carrierCode ? { providerCarrier: update.carrierCode } : {}),
        ...(update.estimatedDelivery ? { carrierEstimate: update.estimatedDelivery } : {}),
        ...(options.push ? { lastPushAt: now } : {}),
      },
    });
    await refreshShipment(db, shipment.id, { now });
  }
  return shipments.length;
}
