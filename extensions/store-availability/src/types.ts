// The app proxy's answer to GET {proxy}/availability (the contract the server side is written to).

export type StockStatus = "in_stock" | "low_stock" | "out_of_stock" | "transfer";

export interface ShopAvailability {
  id: string;
  name: string;
  status: StockStatus;
  /** Units available; null when the merchant hides quantities. */
  quantity: number | null;
  /** null when the merchant hides pickup times. */
  pickup: { available: boolean; readyIn: string | null } | null;
  address: { line1: string | null; city: string | null; zip: string | null; country: string | null };
  hours: string | null;
  /** Set when the request carried lat/lng; the server then sorts by distance. */
  distanceKm: number | null;
}

export interface AvailabilityResponse {
  variant: string;
  /** The proxy path the shopper's request came through (from Shopify's path_prefix): use it for later requests. */
  proxyPath: string;
  refreshSeconds: number;
  quantities: boolean;
  updatedAt: string;
  locations: ShopAvailability[];
}

/** A coarse shopper position: [lat, lng] rounded to 2 decimals (about 1 km). */
export type Position = [number, number];
