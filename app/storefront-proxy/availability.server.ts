import { createHash } from "node:crypto";
import { z } from "zod";
import { databaseUrl, type Database } from "../db.server";
import { onStockChanged } from "../inventory/stock-events.server";
import { availabilityFor, verifiedSettings, widgetKey, type LocationRow, type WidgetSettings } from "./availability";
import { json, type ProxyContext } from "./router.server";
import { stockReader } from "./stock-reader.server";

// GET /proxy/availability?variant=&settings=&sig=[&lat=&lng=]: each shop's stock for the variant a shopper is
// looking at. Stock per variant is cached briefly in memory (a burst of shoppers on one product costs one
// read) and dropped at once when this process sees the item change; other instances see it within the TTL.
// Answers carry an ETag, so a widget refreshing unchanged stock gets 304 and no body. A miss reads the item and
// its levels through the process's stock reader for DATABASE_URL (one prepared query, no ORM), the shop's
// locations through Prisma (cached longer: they rarely change).

export const REFRESH_SECONDS = 20;
const CACHE_TTL_MS = 2_000;
const CACHE_LIMIT = 5_000;

const querySchema = z.object({
  variant: z.string().regex(/^\d{1,20}$/, "variant must be a numeric variant id"),
  settings: z.string().max(2_000).optional(),
  sig: z.string().max(128).optional(),
  lat: z.coerce.number().min(-90).max(90).optional(),
  lng: z.coerce.number().min(-180).max(180).optional(),
});

interface Stock {
  at: number;
  ttl: number;
  found: boolean;
  inventoryItemId: string | null;
  alwaysAvailable: boolean;
  available: Map<string, number>;
  locations: LocationRow[];
  updatedAt: string;
}

const cache = new Map<string, Stock>();
const cacheKey = (shop: string, variantId: string) => `${shop}\u0000${variantId}`;
const itemVariants = new Map<string, string>(); // shop + item -> cache key, for invalidation

/** Bumped when a key's stock changes, so a read that started before the change is not cached. */
const generations = new Map<string, number>();

onStockChanged((shop, inventoryItemIds) => {
  for (const itemId of inventoryItemIds) {
    const key = itemVariants.get(`${shop}\u0000${itemId}`);
    if (!key) continue;
    cache.delete(key);
    pending.delete(key);
    generations.set(key, (generations.get(key) ?? 0) + 1);
  }
});

// A shop's locations change rarely (the merchant edits hours or visibility): read once per LOCATIONS_TTL_MS.
const LOCATIONS_TTL_MS = 10_000;
const locationCache = new Map<string, { at: number; rows: LocationRow[] }>();

async function shopLocations(db: Database, shop: string, now: number): Promise<LocationRow[]> {
  const hit = locationCache.get(shop);
  if (hit && now - hit.at < LOCATIONS_TTL_MS) return hit.rows;
  const rows = await db.location.findMany({
    where: { shop },
    select: {
      locationId: true, name: true, isActive: true, storefrontVisible: true, address1: true, city: true, zip: true,
      country: true, latitude: true, longitude: true, pickupTime: true, openingHours: true,
    },
  });
  if (locationCache.size >= CACHE_LIMIT) locationCache.delete(locationCache.keys().next().value!);
  locationCache.set(shop, { at: now, rows });
  return rows;
}

/** Reads in progress, so shoppers asking for the same variant at once share one read. */
const pending = new Map<string, Promise<Stock>>();

function readStock(db: Database, shop: string, variantId: string, now: number): Promise<Stock> {
  const key = cacheKey(shop, variantId);
  const hit = cache.get(key);
  // Entries filled together would expire together: a little jitter spreads their re-reads.
  if (hit && now - hit.at < hit.ttl) return Promise.resolve(hit);
  const inFlight = pending.get(key);
  if (inFlight) return inFlight;
  const read: Promise<Stock> = loadStock(db, shop, variantId, key, now).finally(() => {
    if (pending.get(key) === read) pending.delete(key);
  });
  pending.set(key, read);
  return read;
}

async function loadStock(db: Database, shop: string, variantId: string, key: string, now: number): Promise<Stock> {
  const generation = generations.get(key) ?? 0;
  const item = await stockReader(databaseUrl()).read(shop, variantId);
  const levels = item?.levels ?? [];
  const locations = item ? await shopLocations(db, shop, now) : [];
  const stock: Stock = {
    at: now,
    ttl: CACHE_TTL_MS * (0.8 + Math.random() * 0.4),
    found: Boolean(item),
    inventoryItemId: item?.inventoryItemId ?? null,
    alwaysAvailable: Boolean(item && (!item.tracked || item.inventoryPolicy === "CONTINUE")),
    available: new Map(levels.map((l) => [l.locationId, l.available])),
    locations,
    updatedAt: new Date(Math.max(0, ...levels.map((l) => l.observedAt.getTime()))).toISOString(),
  };
  if ((generations.get(key) ?? 0) !== generation) return stock; // changed while we read: answer, don't keep
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value!);
  cache.set(key, stock);
  if (item) itemVariants.set(`${shop}\u0000${item.inventoryItemId}`, key);
  return stock;
}

const keys = new Map<string, string>();
function keyFor(appSecret: string, shop: string): string {
  let key = keys.get(shop);
  if (!key) {
    if (keys.size >= CACHE_LIMIT) keys.clear();
    keys.set(shop, (key = widgetKey(appSecret, shop)));
  }
  return key;
}

export async function availabilityHandler(ctx: ProxyContext, appSecret: string): Promise<Response> {
  const parsed = querySchema.safeParse(Object.fromEntries(ctx.url.searchParams));
  if (!parsed.success) {
    return json({ error: "invalid_request", message: parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ") }, { status: 400 });
  }
  const query = parsed.data;
  // Every read is scoped to the shop the request was signed for: a variant of another shop is never found.
  const stock = await readStock(ctx.db, ctx.shop, query.variant, Date.now());
  if (!stock.found) return json({ error: "not_found" }, { status: 404 });
  const { settings } = verifiedSettings(query.settings ?? null, query.sig ?? null, keyFor(appSecret, ctx.shop));
  const shopper = query.lat !== undefined && query.lng !== undefined ? { lat: query.lat, lng: query.lng } : null;
  const body = JSON.stringify({
    variant: query.variant,
    proxyPath: ctx.pathPrefix ?? "/apps/omnistock",
    refreshSeconds: REFRESH_SECONDS,
    quantities: settings.quantities,
    updatedAt: stock.updatedAt,
    locations: availabilityFor({ locations: stock.locations, available: stock.available, alwaysAvailable: stock.alwaysAvailable, settings, shopper }),
  });
  const etag = `W/"${createHash("sha256").update(body).digest("base64url").slice(0, 22)}"`;
  const headers = { ETag: etag, "Cache-Control": "private, no-cache", Vary: "Accept-Language" };
  const sent = ctx.request.headers.get("If-None-Match");
  if (sent && sent.split(",").some((tag) => tag.trim() === etag)) return new Response(null, { status: 304, headers });
  return new Response(body, { status: 200, headers: { ...headers, "Content-Type": "application/json; charset=utf-8" } });
}

/** What the widget would show for a variant with these settings (the admin's preview; same rules, no cache). */
export async function previewAvailability(db: Database, shop: string, variantId: string, settings: WidgetSettings, shopper: { lat: number; lng: number } | null = null) {
  cache.delete(cacheKey(shop, variantId));
  locationCache.delete(shop);
  const stock = await readStock(db, shop, variantId, Date.now());
  if (!stock.found) return null;
  return availabilityFor({ locations: stock.locations, available: stock.available, alwaysAvailable: stock.alwaysAvailable, settings, shopper });
}
