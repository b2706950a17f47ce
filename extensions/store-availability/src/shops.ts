import type { Translate } from "./i18n";
import type { ShopAvailability, StockStatus } from "./types";

// What the list shows and what it announces, free of the DOM.

/** The shopper's own shop first; the rest keep the server's order (by distance when a position was sent). */
export function orderShops(shops: ShopAvailability[], myShop: string | null): ShopAvailability[] {
  const mine = shops.filter((shop) => shop.id === myShop);
  return mine.length ? [...mine, ...shops.filter((shop) => shop.id !== myShop)] : shops;
}

export function statusText(shop: ShopAvailability, quantities: boolean, t: Translate): string {
  const count = quantities && shop.quantity != null && shop.quantity > 0 ? shop.quantity : null;
  if (count != null && (shop.status === "in_stock" || shop.status === "low_stock")) return t(`${shop.status}_count`, { count });
  return t(shop.status);
}

export type StatusSummary = Record<string, StockStatus>;

export function summarize(shops: ShopAvailability[]): StatusSummary {
  const summary: StatusSummary = {};
  for (const shop of shops) summary[shop.id] = shop.status;
  return summary;
}

const hasStock = (status: StockStatus) => status === "in_stock" || status === "low_stock";

/**
 * The polite announcement for a new answer, or null when nothing a shopper would care about changed.
 * A new variant gets a one-line summary; a refresh names each shop whose status changed.
 */
export function announcement(before: StatusSummary | null, sameVariant: boolean, shops: ShopAvailability[], t: Translate): string | null {
  if (!before) return null;
  if (!sameVariant) {
    const count = shops.filter((shop) => hasStock(shop.status)).length;
    return shops.length ? t("summary", { count, total: shops.length }) : t("empty");
  }
  const changes = shops
    .filter((shop) => before[shop.id] && before[shop.id] !== shop.status)
    .map((shop) => t("changed", { shop: shop.name, status: t(shop.status) }));
  return changes.length ? changes.join(" ") : null;
}
