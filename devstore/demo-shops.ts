import { generateCatalog, generateConnectedStoreCatalog } from "./seed/catalog";
import { generateOrderHistory } from "./seed/history";
import { loadCatalog, loadHistory } from "./seed/load";
import type { DevStore } from "./state/store";

// The demo's two stores: a Lyon retailer with a warehouse and three shops, and a connected German store.

export const HOME_SHOP = "omnistock-demo.myshopify.com";
export const CONNECTED_SHOP = "nordlicht-living.myshopify.com";

export function seedDemoShops(store: DevStore, now = new Date(), seed = 20251122): { home: string; connected: string } {
  store.createShop({
    domain: HOME_SHOP,
    name: "Atelier Rhône",
    email: "owner@atelier-rhone.example.com",
    currencyCode: "EUR",
    ianaTimezone: "Europe/Paris",
    plan: { publicDisplayName: "Grow", shopifyPlus: false },
  });
  const home = generateCatalog({ seed, shopName: "Atelier Rhône", startId: 100_000, now });
  loadCatalog(store, HOME_SHOP, home);
  loadHistory(store, HOME_SHOP, generateOrderHistory({ seed, catalog: home, days: 90, now, startId: home.nextId }));

  store.createShop({
    domain: CONNECTED_SHOP,
    name: "Nordlicht Living",
    email: "owner@nordlicht.example.com",
    currencyCode: "EUR",
    ianaTimezone: "Europe/Berlin",
    plan: { publicDisplayName: "Grow", shopifyPlus: false },
  });
  const connected = generateConnectedStoreCatalog(home, { seed: seed + 1, shopName: "Nordlicht Living", startId: 5_000_000, now });
  loadCatalog(store, CONNECTED_SHOP, connected);
  loadHistory(
    store,
    CONNECTED_SHOP,
    generateOrderHistory({ seed: seed + 1, catalog: connected, days: 90, now, startId: connected.nextId }),
  );
  return { home: HOME_SHOP, connected: CONNECTED_SHOP };
}
