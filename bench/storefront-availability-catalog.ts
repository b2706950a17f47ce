// The data set of the storefront-availability benchmark, shared by the app process (which writes it) and the
// load generator (which asks for it). Pure and deterministic: both sides derive the same shops, variants and
// quantities from the indices alone, so nothing has to be passed between the processes.
//
// One merchant, the "home" shop the hot set belongs to, plus seven other tenants of the same shape: the cache
// is keyed by shop + variant, and 8 x 600 keys let the miss phases ask for a key only every 4.8 s at 1,000/s,
// well past the cache's 2 s TTL (and under its 5,000-entry limit, so nothing is evicted early).

export const SHOP_COUNT = 8;
/** 150 products x 4 variants (sizes) per shop. */
export const VARIANTS_PER_SHOP = 600;
export const VARIANTS_PER_PRODUCT = 4;
/** The hot set: variants of the home shop many shoppers look at at once (a campaign, a flash sale). */
export const HOT_SET_SIZE = 20;
/** The widget's own cache lifetime (availability.server.ts CACHE_TTL_MS), to tell when a key can hit. */
export const APP_CACHE_TTL_MS = 2_000;

/** Stock changes per second on the hot variants during "hitsWithWrites" (a busy sale across three boutiques). */
export const WRITES_PER_SECOND = 50;

/** The block's settings as Liquid renders them (quantities shown, low at 3, 5 shops, pickup times). */
export const WIDGET_SETTINGS = "q=1&low=3&n=5&pickup=1&loc=";
export const PROXY_PATH_PREFIX = "/apps/omnistock";

export const shopDomain = (shop: number) => (shop === 0 ? "atelier-bench.myshopify.com" : `tenant-${shop}-bench.myshopify.com`);
/** Shopify-sized numeric ids, distinct per shop. */
export const variantId = (shop: number, n: number) => String(44_100_000_000 + shop * 1_000_000 + n);
export const inventoryItemId = (shop: number, n: number) => String(46_200_000_000 + shop * 1_000_000 + n);
export const productId = (shop: number, n: number) => String(8_300_000_000 + shop * 1_000_000 + Math.floor(n / VARIANTS_PER_PRODUCT));

export interface BenchLocation {
  id: string;
  name: string;
  storefrontVisible: boolean;
  fulfillsOnlineOrders: boolean;
  pickupTime: string | null;
  address1: string;
  city: string;
  zip: string;
  latitude: number;
  longitude: number;
  openingHours: string | null;
}

/** A warehouse (not shown to shoppers, but its stock makes "transfer" possible) and three boutiques. */
export function locationsOf(shop: number): BenchLocation[] {
  const id = (n: number) => String(72_000_000_000 + shop * 100 + n);
  return [
    { id: id(1), name: "Entrepôt Vénissieux", storefrontVisible: false, fulfillsOnlineOrders: true, pickupTime: null, address1: "12 rue du Progrès", city: "Vénissieux", zip: "69200", latitude: 45.6973, longitude: 4.8868, openingHours: null },
    { id: id(2), name: "Boutique Presqu'île", storefrontVisible: true, fulfillsOnlineOrders: false, pickupTime: "TWO_HOURS", address1: "41 rue de la République", city: "Lyon", zip: "69002", latitude: 45.7616, longitude: 4.8357, openingHours: "Mon-Sat 10:00-19:00" },
    { id: id(3), name: "Boutique Croix-Rousse", storefrontVisible: true, fulfillsOnlineOrders: false, pickupTime: "FOUR_HOURS", address1: "8 place de la Croix-Rousse", city: "Lyon", zip: "69004", latitude: 45.7745, longitude: 4.8319, openingHours: "Tue-Sat 10:00-19:00" },
    { id: id(4), name: "Boutique Part-Dieu", storefrontVisible: true, fulfillsOnlineOrders: false, pickupTime: "ONE_HOUR", address1: "17 rue du Docteur Bouchut", city: "Lyon", zip: "69003", latitude: 45.7605, longitude: 4.8567, openingHours: "Mon-Sun 09:30-20:00" },
  ];
}

/** A small deterministic hash, so quantities look varied but are the same on every run. */
function mix(a: number, b: number, c: number): number {
  let h = (a * 374_761_393 + b * 668_265_263 + c * 2_147_483_647) | 0;
  h = Math.imul(h ^ (h >>> 13), 1_274_126_177);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Units available of variant n at location index l (0 = warehouse): many zeros and low counts, as in real shops. */
export function availableAt(shop: number, n: number, l: number): number {
  const roll = mix(shop, n, l) % 100;
  if (roll < 18) return 0;
  if (roll < 38) return 1 + (roll % 3);
  return l === 0 ? 20 + (roll % 60) : 4 + (roll % 15);
}

/** Some items are untracked or may be sold without stock (always "in stock"). */
export function itemPolicy(n: number): { tracked: boolean; inventoryPolicy: "DENY" | "CONTINUE" } {
  if (n % 50 === 7) return { tracked: false, inventoryPolicy: "DENY" };
  if (n % 50 === 13) return { tracked: true, inventoryPolicy: "CONTINUE" };
  return { tracked: true, inventoryPolicy: "DENY" };
}

/** The hot set: the first variant of 20 products spread over the home shop's catalog. */
export const hotVariantIndices = (): number[] =>
  Array.from({ length: HOT_SET_SIZE }, (_, i) => i * Math.floor(VARIANTS_PER_SHOP / HOT_SET_SIZE));

export interface Key {
  shop: number;
  n: number;
}

/** Every shop + variant, in a fixed shuffled order so consecutive requests hit different shops and products. */
export function allKeysShuffled(): Key[] {
  const keys: Key[] = [];
  for (let shop = 0; shop < SHOP_COUNT; shop += 1) for (let n = 0; n < VARIANTS_PER_SHOP; n += 1) keys.push({ shop, n });
  for (let i = keys.length - 1; i > 0; i -= 1) {
    const j = mix(i, 17, 5) % (i + 1);
    [keys[i], keys[j]] = [keys[j]!, keys[i]!];
  }
  return keys;
}
