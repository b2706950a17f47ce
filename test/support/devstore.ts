import path from "node:path";
import { readAppToml } from "../../devstore/app-config";
import { emptyQuantities, type Location } from "../../devstore/state/model";
import { DevStore } from "../../devstore/state/store";
import { startDevStore, type DevStoreOptions, type RunningDevStore } from "../../devstore/server";
import { ACCESS_SCOPES } from "../../app/shopify/scopes";

// A small, fully known dev store for tests: one shop, a warehouse and a retail shop, three variants.

const root = path.resolve(import.meta.dirname, "../..");


export interface Fixture {
  shop: string;
  warehouse: string;
  retail: string;
  /** variant id -> inventory item id */
  items: Record<"tee" | "mug" | "cap", { variantId: string; inventoryItemId: string; sku: string }>;
}

export function seedFixture(store: DevStore, shop = "fixture.myshopify.com"): Fixture {
  store.createShop({ domain: shop, name: "Fixture Goods", currencyCode: "EUR" });
  const now = new Date().toISOString();
  const location = (id: string, name: string, kind: Location["kind"], lat: number, lng: number): Location => ({
    id,
    name,
    kind,
    address: { address1: `${id} Rue de la République`, city: "Lyon", zip: "69002", country: "France", countryCode: "FR", latitude: lat, longitude: lng },
    isActive: true,
    fulfillsOnlineOrders: kind === "warehouse",
    localPickup: kind === "retail" ? { instructions: "Ask at the counter", readyWithinHours: 2 } : null,
    openingHours: null,
    createdAt: now,
    updatedAt: now,
  });
  store.addLocation(shop, location("11", "Warehouse", "warehouse", 45.74, 4.86));
  store.addLocation(shop, location("12", "Presqu'île shop", "retail", 45.76, 4.835));
  const items = {} as Fixture["items"];
  const products: [keyof Fixture["items"], string, string, "DENY" | "CONTINUE", number, number][] = [
    ["tee", "Organic Tee", "TEE-BLK-M", "DENY", 10, 2],
    ["mug", "Stoneware Mug", "MUG-GRY", "DENY", 1, 0],
    ["cap", "Wool Cap", "CAP-NVY", "CONTINUE", 0, 0],
  ];
  products.forEach(([key, title, sku, policy, warehouseQty, retailQty], index) => {
    const productId = String(100 + index);
    const variantId = String(200 + index);
    const itemId = String(300 + index);
    store.addProduct(
      shop,
      { id: productId, title, handle: title.toLowerCase().replace(/\W+/g, "-"), productType: "Test", vendor: "Fixture", descriptionHtml: "", tags: [], status: "ACTIVE", options: ["Title"], imageUrl: null, createdAt: now, updatedAt: now },
      [{ id: variantId, productId, title: "Default Title", sku, barcode: null, price: "20.00", compareAtPrice: null, selectedOptions: ["Default Title"], inventoryPolicy: policy, inventoryItemId: itemId, position: 1, createdAt: now, updatedAt: now }],
      [{ id: itemId, variantId, sku, tracked: true, requiresShipping: true, unitCost: "5.00", createdAt: now, updatedAt: now }],
    );
    store.putLevel(shop, { inventoryItemId: itemId, locationId: "11", quantities: { ...emptyQuantities(), available: warehouseQty }, updatedAt: now });
    store.putLevel(shop, { inventoryItemId: itemId, locationId: "12", quantities: { ...emptyQuantities(), available: retailQty }, updatedAt: now });
    items[key] = { variantId, inventoryItemId: itemId, sku };
  });
  store.addCustomer(shop, { id: "900", firstName: "Ada", lastName: "Lovelace", email: "ada@example.com", phone: null, locale: "en", password: "shopper-1", createdAt: now });
  store.reserveIdsBelow(10_000);
  return { shop, warehouse: "11", retail: "12", items };
}

export async function startFixtureDevStore(overrides: Partial<DevStoreOptions> = {}): Promise<RunningDevStore & { fixture: Fixture }> {
  const store = new DevStore();
  const fixture = seedFixture(store);
  const running = await startDevStore(
    {
      app: {
        apiKey: process.env.SHOPIFY_API_KEY!,
        apiSecret: process.env.SHOPIFY_API_SECRET!,
        url: overrides.app?.url ?? "http://127.0.0.1:9",
        scopes: [...ACCESS_SCOPES],
      },
      topics: readAppToml().topics,
      extensionsDir: path.join(root, "test", "fixtures", "extensions"),
      retryDelaysMs: [20, 50, 100],
      ...overrides,
    },
    store,
  );
  return Object.assign(running, { fixture });
}

/** Posts a GraphQL operation to the dev store as an app would. */
export async function adminRequest(
  devstore: RunningDevStore,
  token: string,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<{ status: number; body: { data?: any; errors?: any; extensions?: any } }> {
  const response = await fetch(`${devstore.url}/admin/api/2026-10/graphql.json`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-Shopify-Access-Token": token },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, body: await response.json() };
}
