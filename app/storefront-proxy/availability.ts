import { createHmac, timingSafeEqual } from "node:crypto";

// What the store-availability widget may show, worked out from the mirror. Pure: the route reads the rows and
// calls `availabilityFor`; the rules (statuses, what settings reveal, distance) are tested on their own.

export type StockStatus = "in_stock" | "low_stock" | "out_of_stock" | "transfer";

/** The block's settings, as the merchant chose them in the theme editor (see the block's schema). */
export interface WidgetSettings {
  /** Show exact quantities (otherwise only levels). */
  quantities: boolean;
  /** At or below this many units a shop shows "low stock". */
  lowStockThreshold: number;
  /** How many shops to list. */
  maxShops: number;
  /** Show pickup times. */
  pickupTimes: boolean;
  /** Location names or ids to show (lower case); empty: every visible location. */
  locations: string[];
}

/** What a request without valid signed settings gets: the least revealing choices. */
export const DEFAULT_SETTINGS: Readonly<WidgetSettings> = Object.freeze({
  quantities: false,
  lowStockThreshold: 3,
  maxShops: 5,
  pickupTimes: true,
  locations: [],
});

/**
 * The per-shop key the block signs its settings with (Liquid's hmac_sha256, reading it from an app-data
 * metafield). Derived from the app secret, so every instance agrees without storing it.
 */
export function widgetKey(appSecret: string, shop: string): string {
  return createHmac("sha256", appSecret).update(`omnistock-widget-key:${shop}`).digest("hex");
}

const clampInt = (value: string | null, min: number, max: number, fallback: number) => {
  if (value === null || !/^\d{1,4}$/.test(value.trim())) return fallback;
  return Math.min(max, Math.max(min, Number(value.trim())));
};

/**
 * The settings from their query-string form (`q=1&low=3&n=5&pickup=1&loc=...`), as the block's Liquid writes
 * them and the admin's preview form sends them, so both apply the same rules. A number out of range is
 * clamped; anything unreadable gets the default.
 */
export function parseWidgetSettings(params: URLSearchParams): WidgetSettings {
  return {
    quantities: params.get("q") === "1" || params.get("q") === "true",
    lowStockThreshold: clampInt(params.get("low"), 0, 1000, DEFAULT_SETTINGS.lowStockThreshold),
    maxShops: clampInt(params.get("n"), 1, 50, DEFAULT_SETTINGS.maxShops),
    pickupTimes: !(params.get("pickup") === "0" || params.get("pickup") === "false"),
    locations: (params.get("loc") ?? "")
      .split(",")
      .map((part) => part.trim().toLowerCase())
      .filter(Boolean),
  };
}

/**
 * The settings the block signed, or the defaults when the signature does not match: a shopper who edits the
 * request cannot see more than the merchant allowed. The signature covers the raw string, as Liquid signed it.
 */
export function verifiedSettings(raw: string | null, signature: string | null, key: string): { settings: WidgetSettings; signed: boolean } {
  if (raw === null || signature === null || !/^[0-9a-f]{64}$/i.test(signature)) return { settings: { ...DEFAULT_SETTINGS }, signed: false };
  const expected = createHmac("sha256", key).update(raw).digest();
  const given = Buffer.from(signature, "hex");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { settings: { ...DEFAULT_SETTINGS }, signed: false };
  return { signed: true, settings: parseWidgetSettings(new URLSearchParams(raw)) };
}

/** Shopify's DeliveryLocalPickupTime as an ISO 8601 duration the widget formats in the shopper's language. */
const PICKUP_DURATIONS: Record<string, string> = {
  ONE_HOUR: "PT1H",
  TWO_HOURS: "PT2H",
  FOUR_HOURS: "PT4H",
  TWENTY_FOUR_HOURS: "P1D",
  TWO_TO_FOUR_DAYS: "P4D",
  FIVE_OR_MORE_DAYS: "P5D",
};

export interface LocationRow {
  locationId: string;
  name: string;
  isActive: boolean;
  storefrontVisible: boolean;
  address1: string | null;
  city: string | null;
  zip: string | null;
  country: string | null;
  latitude: number | null;
  longitude: number | null;
  pickupTime: string | null;
  openingHours: string | null;
}

export interface ShopAvailability {
  id: string;
  name: string;
  status: StockStatus;
  quantity: number | null;
  pickup: { available: boolean; readyIn: string | null } | null;
  address: { line1: string | null; city: string | null; zip: string | null; country: string | null };
  hours: string | null;
  distanceKm: number | null;
}

/** Great-circle distance in km (haversine), rounded to 0.1 km. */
export function distanceKm(from: { lat: number; lng: number }, to: { lat: number; lng: number }): number {
  const rad = (deg: number) => (deg * Math.PI) / 180;
  const dLat = rad(to.lat - from.lat);
  const dLng = rad(to.lng - from.lng);
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(rad(from.lat)) * Math.cos(rad(to.lat)) * Math.sin(dLng / 2) ** 2;
  return Math.round(6371.0088 * 2 * Math.asin(Math.min(1, Math.sqrt(a))) * 10) / 10;
}

export interface AvailabilityInput {
  locations: LocationRow[];
  /** `available` per location for the item (Shopify's available already excludes store safety stock). */
  available: Map<string, number>;
  /** An untracked item, or one that may be sold without stock: always in stock, never a quantity. */
  alwaysAvailable: boolean;
  settings: WidgetSettings;
  shopper?: { lat: number; lng: number } | null;
}

export function availabilityFor(input: AvailabilityInput): ShopAvailability[] {
  const { settings } = input;
  const chosen = (location: LocationRow) =>
    settings.locations.length === 0 || settings.locations.includes(location.locationId) || settings.locations.includes(location.name.trim().toLowerCase());
  const shown = input.locations.filter((l) => l.isActive && l.storefrontVisible && chosen(l));
  // Units anywhere in the shop's active locations (a warehouse too) can be sent to a shop that has none.
  const total = input.locations.filter((l) => l.isActive).reduce((sum, l) => sum + Math.max(0, input.available.get(l.locationId) ?? 0), 0);

  const rows = shown.map((location): ShopAvailability => {
    const units = Math.max(0, input.available.get(location.locationId) ?? 0);
    const status: StockStatus = input.alwaysAvailable
      ? "in_stock"
      : units === 0
        ? total > 0 ? "transfer" : "out_of_stock"
        : units <= settings.lowStockThreshold ? "low_stock" : "in_stock";
    const coordinates = location.latitude !== null && location.longitude !== null ? { lat: location.latitude, lng: location.longitude } : null;
    return {
      id: location.locationId,
      name: location.name,
      status,
      quantity: settings.quantities && !input.alwaysAvailable ? units : null,
      pickup: settings.pickupTimes
        ? { available: location.pickupTime !== null, readyIn: location.pickupTime ? (PICKUP_DURATIONS[location.pickupTime] ?? null) : null }
        : null,
      address: { line1: location.address1, city: location.city, zip: location.zip, country: location.country },
      hours: location.openingHours,
      distanceKm: input.shopper && coordinates ? distanceKm(input.shopper, coordinates) : null,
    };
  });
  const rank: Record<StockStatus, number> = { in_stock: 0, low_stock: 1, transfer: 2, out_of_stock: 3 };
  rows.sort((a, b) =>
    input.shopper
      ? (a.distanceKm ?? Number.POSITIVE_INFINITY) - (b.distanceKm ?? Number.POSITIVE_INFINITY) || a.name.localeCompare(b.name)
      : rank[a.status] - rank[b.status] || a.name.localeCompare(b.name),
  );
  return rows.slice(0, settings.maxShops);
}
