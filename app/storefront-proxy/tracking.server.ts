import { createHmac } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { z } from "zod";
import { config } from "../config.server";
import { countHit, releaseHit, type Limit } from "../tracking/rate-limit.server";
import { lookupByCustomer, lookupByOrder, lookupByTrackingNumber, type TrackedOrder } from "../tracking/lookup.server";
import { json, type ProxyContext, type ProxyHandler } from "./router.server";

// GET /apps/omnistock/tracking: "where is my order?" for the storefront widget. Three ways in:
//   ?order=#1001&email=...   the order number and the email it was placed with (both must match)
//   ?number=1Z...            a tracking number: that shipment only, nothing about the customer
//   (nothing)                a logged-in shopper's last orders
// A wrong email and an unknown order number get the same bytes, after the same work, no sooner than a fixed
// floor; lookups are rate limited per shopper address and failed attempts per order number, in the database so
// every app instance shares the counts.

export const LOOKUP_LIMITS = {
  /** Lookups per shopper IP address. */
  perAddress: { max: 10, windowMs: 60_000 },
  /** Failed order + email attempts per order number, whoever makes them. */
  failuresPerOrder: { max: 5, windowMs: 15 * 60_000 },
} satisfies Record<string, Limit>;

/** No lookup answers sooner than this, so a miss cannot be told from a near-miss by timing. */
export const MIN_LOOKUP_MS = 150;

export interface TrackingLookupOptions {
  limits?: typeof LOOKUP_LIMITS;
  minDurationMs?: number;
  now?: () => Date;
  /** Keys the hash that stands for a shopper's address in the counters (default: derived from the app's key). */
  addressKey?: string;
  /** Proxies that append to X-Forwarded-For (default: OMNISTOCK_TRUSTED_PROXY_HOPS). */
  trustedProxyHops?: number;
}

const NO_STORE = { "Cache-Control": "no-store" };

const text = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `must be at most ${max} characters`)
    .optional()
    .transform((value) => value || undefined);

const querySchema = z
  .object({ order: text(40), email: text(254), number: text(60) })
  .transform((query, ctx) => {
    if (query.number !== undefined) {
      if (query.order !== undefined || query.email !== undefined) {
        ctx.addIssue({ code: "custom", message: "Look up by tracking number, or by order and email, not both" });
        return z.NEVER;
      }
      if (!/^[0-9A-Za-z][0-9A-Za-z .\-]{5,59}$/.test(query.number)) {
        ctx.addIssue({ code: "custom", path: ["number"], message: "is not a tracking number" });
        return z.NEVER;
      }
      return { by: "number" as const, number: query.number };
    }
    if (query.order !== undefined || query.email !== undefined) {
      // "#1001", "1001" or "No. 1001": one run of digits.
      const digits = query.order?.match(/^\D{0,10}(\d{1,12})\D{0,10}$/)?.[1];
      if (!digits) {
        ctx.addIssue({ code: "custom", path: ["order"], message: "give the order number, such as #1001" });
        return z.NEVER;
      }
      if (!query.email || !/^[^\s@]+@[^\s@]+$/.test(query.email)) {
        ctx.addIssue({ code: "custom", path: ["email"], message: "give the email address the order was placed with" });
        return z.NEVER;
      }
      return { by: "order" as const, orderNumber: Number(digits), email: query.email };
    }
    return { by: "customer" as const };
  });

/**
 * The shopper's address. Each proxy appends the address it got the request from to X-Forwarded-For, so the
 * entry `hops` from the right is the one Shopify's proxy saw; anything left of it came with the shopper's own
 * request, and a shopper who could choose it could escape the per-address limit.
 */
export function shopperAddress(forwardedFor: string | null, hops: number): string {
  const entries = (forwardedFor ?? "").split(",").map((entry) => entry.trim()).filter(Boolean);
  const entry = entries[Math.max(0, entries.length - hops)];
  return entry && entry.length <= 64 ? entry.toLowerCase() : "unknown";
}

const found = (orders: TrackedOrder[]) => json({ orders }, { headers: NO_STORE });
const notFound = () => json({ error: "not_found" }, { status: 404, headers: NO_STORE });

function rateLimited(resetAt: Date, now: Date): Response {
  const retryAfter = Math.max(1, Math.ceil((resetAt.getTime() - now.getTime()) / 1000));
  return json({ error: "rate_limited", retryAfter }, { status: 429, headers: { ...NO_STORE, "Retry-After": String(retryAfter) } });
}

export function trackingLookup(options: TrackingLookupOptions = {}): ProxyHandler {
  const limits = options.limits ?? LOOKUP_LIMITS;
  const floor = options.minDurationMs ?? MIN_LOOKUP_MS;
  let addressKey = options.addressKey;

  return async ({ request, url, shop, loggedInCustomerId, db, logger }: ProxyContext) => {
    const started = performance.now();
    const now = options.now?.() ?? new Date();
    const padded = async (response: Response) => {
      // Timers may fire a fraction of a millisecond early: wait until the floor has really passed.
      for (let left = floor - (performance.now() - started); left > 0; left = floor - (performance.now() - started)) {
        await sleep(Math.ceil(left));
      }
      return response;
    };

    const parsed = querySchema.safeParse({
      order: url.searchParams.get("order") ?? undefined,
      email: url.searchParams.get("email") ?? undefined,
      number: url.searchParams.get("number") ?? undefined,
    });
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const message = issue ? `${issue.path.length ? `${issue.path.join(".")}: ` : ""}${issue.message}` : "invalid query";
      return json({ error: "invalid_request", message }, { status: 400, headers: NO_STORE });
    }
    const query = parsed.data;
    if (query.by === "customer" && !loggedInCustomerId) {
      return json({ error: "invalid_request", message: "Give an order number and email, or a tracking number" }, { status: 400, headers: NO_STORE });
    }

    addressKey ??= createHmac("sha256", config().OMNISTOCK_ENCRYPTION_KEY).update("tracking lookup addresses").digest("base64url");
    const hops = options.trustedProxyHops ?? config().OMNISTOCK_TRUSTED_PROXY_HOPS;
    const address = createHmac("sha256", addressKey)
      .update(shopperAddress(request.headers.get("x-forwarded-for"), hops))
      .digest("base64url")
      .slice(0, 32);
    const perAddress = await countHit(db, shop, `ip:${address}`, limits.perAddress.windowMs, now);
    if (perAddress.count > limits.perAddress.max) {
      logger.info("Tracking lookups rate limited for a shopper address", { count: perAddress.count });
      return rateLimited(perAddress.resetAt, now);
    }

    switch (query.by) {
      case "order": {
        // Every attempt takes a failure slot before the lookup and a match gives it back: guesses sent all at
        // once cannot each see the count below the limit.
        const key = `order:${query.orderNumber}`;
        const attempt = await countHit(db, shop, key, limits.failuresPerOrder.windowMs, now);
        if (attempt.count > limits.failuresPerOrder.max) {
          await releaseHit(db, shop, key, attempt);
          return rateLimited(attempt.resetAt, now);
        }
        const orders = await lookupByOrder(db, shop, query.orderNumber, query.email);
        if (!orders) return padded(notFound());
        await releaseHit(db, shop, key, attempt);
        return padded(found(orders));
      }
      case "number": {
        const orders = await lookupByTrackingNumber(db, shop, query.number);
        return padded(orders ? found(orders) : notFound());
      }
      case "customer":
        return padded(found(await lookupByCustomer(db, shop, loggedInCustomerId!)));
    }
  };
}
