import type { Position, ShopAvailability } from "./types";

// Numbers, times and places in the shopper's language (the page's <html lang>), through Intl.

const UNITS: Record<string, string> = { D: "day", H: "hour", M: "minute" };

/**
 * Pickup readiness as the server sent it: an ISO 8601 duration ("PT2H", "P1D") becomes "2 hours" / "2 heures";
 * any other text is shown as it is.
 */
export function formatReadyIn(readyIn: string, lang?: string): string {
  const match = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?)?$/.exec(readyIn);
  if (!match) return readyIn;
  const index = [1, 2, 3].find((i) => match[i] && match[i] !== "0");
  if (!index) return readyIn;
  try {
    return new Intl.NumberFormat(lang, { style: "unit", unit: UNITS["DHM"[index - 1]!], unitDisplay: "long" }).format(+match[index]!);
  } catch {
    return readyIn;
  }
}

export function formatDistance(km: number, lang?: string): string {
  return new Intl.NumberFormat(lang, { maximumFractionDigits: km < 10 ? 1 : 0 }).format(km);
}

export function formatTime(iso: string, lang?: string): string {
  const date = new Date(iso);
  return isNaN(+date) ? "" : new Intl.DateTimeFormat(lang, { hour: "numeric", minute: "2-digit" }).format(date);
}

export function formatAddress(address: ShopAvailability["address"]): string {
  return [address.line1, [address.zip, address.city].filter(Boolean).join(" ")].filter(Boolean).join(", ");
}

/** Rounds to 2 decimals (about 1 km): enough to sort shops, too coarse to locate a home. */
export function coarsePosition(lat: number, lng: number): Position {
  return [Math.round(lat * 100) / 100, Math.round(lng * 100) / 100];
}

export function parsePosition(stored: string | null): Position | null {
  const match = /^(-?\d{1,3}(?:\.\d+)?),(-?\d{1,3}(?:\.\d+)?)$/.exec(stored ?? "");
  if (!match) return null;
  const [lat, lng] = [+match[1]!, +match[2]!];
  return Math.abs(lat) <= 90 && Math.abs(lng) <= 180 ? coarsePosition(lat, lng) : null;
}
