// What the widget remembers. Storage is per origin, so each shop domain keeps its own values.
// Browsers may refuse storage (private modes, blocked cookies): the widget then simply forgets.

/** localStorage: the location id of the shopper's shop, kept across visits. */
export const MY_SHOP_KEY = "omnistock:my-shop";
/** sessionStorage: "lat,lng" rounded to 2 decimals, kept for the visit only. */
export const POSITION_KEY = "omnistock:position";

type Area = "localStorage" | "sessionStorage";

export function recall(area: Area, key: string): string | null {
  try {
    return window[area].getItem(key);
  } catch {
    return null;
  }
}

export function remember(area: Area, key: string, value: string | null): void {
  try {
    if (value == null) window[area].removeItem(key);
    else window[area].setItem(key, value);
  } catch {
    // Nothing to do: the choice still holds for this page view.
  }
}
