// Order history for the dev store: `days` days of web and in-store (POS) orders with fulfillment orders,
// fulfillments with carrier tracking and events, returns and refunds. Deterministic for a given seed and `now`.
//
// Shape of the data:
// - 6-20 orders a day (more at weekends, a gentle upward trend, a little noise); a few best sellers, middle sizes
//   and first colours sell most, expensive items sell now and then (intermittent demand).
// - Web orders ship from the warehouse (sometimes from a boutique), or are picked up at a boutique by local shoppers.
//   POS orders are sold and fulfilled on the spot, during the boutique's opening hours.
// - Shipments get UPS, USPS, DHL Express or UPU S10 (La Poste, Royal Mail, Canada Post...) tracking numbers with
//   valid check digits, and events CONFIRMED -> IN_TRANSIT -> OUT_FOR_DELIVERY -> DELIVERED as far as `now` allows;
//   about 3% hit a DELAYED, ATTEMPTED_DELIVERY or FAILURE event.
// - ~6% of fulfilled orders come back (Return CLOSED + Refund with restockType RETURN at the location the parcel came
//   back to); ~2% of orders are cancelled before fulfillment (Refund with restockType CANCEL).
// Times are computed in Central European time (Europe/Paris rules), then stored as UTC ISO strings.

import type {
  Address,
  Customer,
  Fulfillment,
  FulfillmentEvent,
  FulfillmentEventStatus,
  FulfillmentOrder,
  LineItem,
  Location,
  Order,
  Product,
  Refund,
  Return,
  Variant,
} from "../state/model";
import type { Catalog } from "./catalog";
import { createRandom, deriveSeed, type Random } from "./random";

export interface HistoryOptions {
  seed: number;
  catalog: Catalog;
  /** How far back the history goes, e.g. 90. */
  days: number;
  now: Date;
  /** First numeric id to hand out (usually catalog.nextId). */
  startId: number;
}

export interface History {
  orders: Order[];
  fulfillmentOrders: FulfillmentOrder[];
  fulfillments: Fulfillment[];
  refunds: Refund[];
  returns: Return[];
  nextId: number;
}

// ---------------------------------------------------------------------------------------------------------------
// Data tables
// ---------------------------------------------------------------------------------------------------------------

interface Destination {
  city: string;
  province: string | null;
  provinceCode: string | null;
  zip: string;
  countryCode: string;
  latitude: number;
  longitude: number;
  streets: string[];
  /** Relative weight within its country. */
  weight: number;
  /** Close enough to the Lyon boutiques for pick-up and in-store returns. */
  local?: boolean;
}

const COUNTRY_NAMES: Record<string, string> = {
  FR: "France", BE: "Belgium", CH: "Switzerland", DE: "Germany", ES: "Spain", IT: "Italy", GB: "United Kingdom",
  US: "United States", CA: "Canada", JP: "Japan", CN: "China",
};

const CURRENCIES: Record<string, string> = { GB: "GBP", US: "USD", CA: "CAD", CH: "CHF", JP: "JPY" };

const DESTINATIONS: Destination[] = [
  // France
  { city: "Lyon", province: null, provinceCode: null, zip: "69003", countryCode: "FR", latitude: 45.7597, longitude: 4.8422, streets: ["Rue Paul Bert", "Cours Lafayette", "Rue Moncey"], weight: 6, local: true },
  { city: "Lyon", province: null, provinceCode: null, zip: "69006", countryCode: "FR", latitude: 45.7705, longitude: 4.8519, streets: ["Rue Vendôme", "Cours Vitton", "Rue Bossuet"], weight: 5, local: true },
  { city: "Lyon", province: null, provinceCode: null, zip: "69007", countryCode: "FR", latitude: 45.7452, longitude: 4.8421, streets: ["Rue de Marseille", "Avenue Berthelot", "Rue Sébastien Gryphe"], weight: 5, local: true },
  { city: "Lyon", province: null, provinceCode: null, zip: "69004", countryCode: "FR", latitude: 45.7772, longitude: 4.8279, streets: ["Rue d'Austerlitz", "Rue Dumenge", "Boulevard des Canuts"], weight: 3, local: true },
  { city: "Villeurbanne", province: null, provinceCode: null, zip: "69100", countryCode: "FR", latitude: 45.7719, longitude: 4.8902, streets: ["Cours Émile Zola", "Rue Anatole France", "Avenue Henri Barbusse"], weight: 4, local: true },
  { city: "Paris", province: null, provinceCode: null, zip: "75011", countryCode: "FR", latitude: 48.859, longitude: 2.379, streets: ["Rue Oberkampf", "Boulevard Voltaire", "Rue de la Roquette"], weight: 4 },
  { city: "Paris", province: null, provinceCode: null, zip: "75015", countryCode: "FR", latitude: 48.8421, longitude: 2.299, streets: ["Rue de Vaugirard", "Rue du Commerce", "Rue Lecourbe"], weight: 3 },
  { city: "Marseille", province: null, provinceCode: null, zip: "13006", countryCode: "FR", latitude: 43.288, longitude: 5.379, streets: ["Rue Paradis", "Cours Julien", "Rue de Rome"], weight: 2 },
  { city: "Grenoble", province: null, provinceCode: null, zip: "38000", countryCode: "FR", latitude: 45.1885, longitude: 5.7245, streets: ["Cours Jean Jaurès", "Rue Félix Poulat", "Avenue Alsace-Lorraine"], weight: 2 },
  { city: "Annecy", province: null, provinceCode: null, zip: "74000", countryCode: "FR", latitude: 45.8992, longitude: 6.1294, streets: ["Rue Royale", "Avenue de Genève", "Rue Sommeiller"], weight: 1 },
  { city: "Saint-Étienne", province: null, provinceCode: null, zip: "42000", countryCode: "FR", latitude: 45.4397, longitude: 4.3872, streets: ["Rue Michelet", "Cours Fauriel", "Rue de la République"], weight: 1 },
  { city: "Bordeaux", province: null, provinceCode: null, zip: "33000", countryCode: "FR", latitude: 44.8378, longitude: -0.5792, streets: ["Rue Sainte-Catherine", "Cours de l'Intendance", "Rue Notre-Dame"], weight: 1 },
  { city: "Lille", province: null, provinceCode: null, zip: "59000", countryCode: "FR", latitude: 50.6292, longitude: 3.0573, streets: ["Rue Nationale", "Rue de Béthune", "Boulevard de la Liberté"], weight: 1 },
  { city: "Toulouse", province: null, provinceCode: null, zip: "31000", countryCode: "FR", latitude: 43.6047, longitude: 1.4442, streets: ["Rue d'Alsace-Lorraine", "Rue de Metz", "Allées Jean Jaurès"], weight: 1 },
  { city: "Nantes", province: null, provinceCode: null, zip: "44000", countryCode: "FR", latitude: 47.2184, longitude: -1.5536, streets: ["Rue Crébillon", "Cours des 50 Otages", "Rue de Strasbourg"], weight: 1 },
  // Neighbours
  { city: "Bruxelles", province: null, provinceCode: null, zip: "1050", countryCode: "BE", latitude: 50.8275, longitude: 4.3667, streets: ["Avenue Louise", "Chaussée d'Ixelles", "Rue du Bailli"], weight: 1 },
  { city: "Genève", province: "Genève", provinceCode: "GE", zip: "1205", countryCode: "CH", latitude: 46.1955, longitude: 6.143, streets: ["Boulevard Carl-Vogt", "Rue de Carouge", "Boulevard du Pont-d'Arve"], weight: 1 },
  { city: "Berlin", province: null, provinceCode: null, zip: "10435", countryCode: "DE", latitude: 52.538, longitude: 13.411, streets: ["Kastanienallee", "Schönhauser Allee", "Oderberger Straße"], weight: 3 },
  { city: "München", province: null, provinceCode: null, zip: "80469", countryCode: "DE", latitude: 48.131, longitude: 11.575, streets: ["Fraunhoferstraße", "Müllerstraße", "Reichenbachstraße"], weight: 2 },
  { city: "Köln", province: null, provinceCode: null, zip: "50672", countryCode: "DE", latitude: 50.94, longitude: 6.938, streets: ["Brüsseler Straße", "Aachener Straße", "Friesenwall"], weight: 2 },
  { city: "Madrid", province: "Madrid", provinceCode: "M", zip: "28004", countryCode: "ES", latitude: 40.425, longitude: -3.702, streets: ["Calle de Fuencarral", "Calle de Hortaleza", "Calle del Pez"], weight: 3 },
  { city: "Barcelona", province: "Barcelona", provinceCode: "B", zip: "08012", countryCode: "ES", latitude: 41.4036, longitude: 2.157, streets: ["Carrer de Verdi", "Carrer Gran de Gràcia", "Carrer de Torrijos"], weight: 2 },
  { city: "Valencia", province: "Valencia", provinceCode: "V", zip: "46004", countryCode: "ES", latitude: 39.4699, longitude: -0.3763, streets: ["Carrer de Russafa", "Gran Via del Marqués del Túria", "Carrer de Colón"], weight: 1 },
  // Further away
  { city: "London", province: null, provinceCode: null, zip: "E2 7DJ", countryCode: "GB", latitude: 51.5293, longitude: -0.0711, streets: ["Columbia Road", "Hackney Road", "Old Bethnal Green Road"], weight: 3 },
  { city: "Manchester", province: null, provinceCode: null, zip: "M4 1HN", countryCode: "GB", latitude: 53.4843, longitude: -2.2353, streets: ["Oldham Street", "Thomas Street", "Tib Street"], weight: 1 },
  { city: "Brooklyn", province: "New York", provinceCode: "NY", zip: "11211", countryCode: "US", latitude: 40.7145, longitude: -73.9565, streets: ["Bedford Avenue", "Wythe Avenue", "Grand Street"], weight: 2 },
  { city: "Chicago", province: "Illinois", provinceCode: "IL", zip: "60622", countryCode: "US", latitude: 41.9031, longitude: -87.6776, streets: ["North Milwaukee Avenue", "West Division Street", "North Damen Avenue"], weight: 1 },
  { city: "Toronto", province: "Ontario", provinceCode: "ON", zip: "M6J 1J5", countryCode: "CA", latitude: 43.6465, longitude: -79.4208, streets: ["Queen Street West", "Ossington Avenue", "Dundas Street West"], weight: 1 },
  { city: "Montréal", province: "Quebec", provinceCode: "QC", zip: "H2T 1S1", countryCode: "CA", latitude: 45.5228, longitude: -73.5878, streets: ["Boulevard Saint-Laurent", "Rue Saint-Denis", "Avenue du Mont-Royal Est"], weight: 1 },
  { city: "Shibuya", province: "Tokyo", provinceCode: "JP-13", zip: "150-0001", countryCode: "JP", latitude: 35.6702, longitude: 139.7027, streets: ["Jingumae"], weight: 1 },
  { city: "Shanghai", province: "Shanghai", provinceCode: "SH", zip: "200031", countryCode: "CN", latitude: 31.206, longitude: 121.438, streets: ["Wukang Road", "Anfu Road", "Fuxing Road West"], weight: 1 },
];

/** Where a shopper with this locale has parcels sent, by country (weights). "HOME" is the shop's own country. */
const COUNTRIES_BY_LOCALE: Record<string, Record<string, number>> = {
  fr: { HOME: 88, FR: 0, BE: 5, CH: 4, CA: 3 },
  en: { GB: 40, US: 25, CA: 10, HOME: 25 },
  de: { DE: 80, CH: 8, HOME: 12 },
  es: { ES: 85, HOME: 15 },
  ja: { JP: 55, HOME: 45 },
  "zh-CN": { HOME: 60, CN: 40 },
  ru: { HOME: 65, DE: 35 },
};

const LOCALES = ["fr", "en", "de", "es", "ja", "zh-CN", "ru"] as const;

/** Romanised names for guest checkout emails. */
const GUEST_NAMES: Record<string, { first: string[]; last: string[] }> = {
  fr: { first: ["marie", "nicolas", "sarah", "thomas", "pauline", "maxime", "claire", "romain", "elodie", "quentin"], last: ["petit", "durand", "leroy", "garnier", "faure", "rousseau", "blanc", "guerin", "muller", "henry"] },
  en: { first: ["jack", "amelia", "harry", "isla", "oscar", "ava", "ethan", "mia"], last: ["smith", "jones", "taylor", "brown", "evans", "walker", "wright", "hughes"] },
  de: { first: ["maximilian", "hannah", "paul", "emma", "leon", "mia", "ben", "lina"], last: ["mueller", "schmidt", "fischer", "meyer", "becker", "schulz", "koch", "richter"] },
  es: { first: ["alejandro", "sofia", "daniel", "carmen", "javier", "elena"], last: ["lopez", "martinez", "sanchez", "gomez", "diaz", "moreno"] },
  ja: { first: ["haruto", "yui", "sota", "hina", "ren", "aoi"], last: ["suzuki", "takahashi", "watanabe", "ito", "yamamoto", "nakamura"] },
  "zh-CN": { first: ["xiaoming", "li", "hao", "mei", "jun", "ying"], last: ["zhang", "liu", "yang", "huang", "zhao", "wu"] },
  ru: { first: ["ivan", "olga", "sergey", "natalia", "alexei", "ekaterina"], last: ["petrov", "sokolova", "kuznetsov", "popova", "volkov", "lebedeva"] },
};

/** The shop's own language, by country. */
const HOME_LOCALES: Record<string, string> = { FR: "fr", DE: "de", ES: "es", GB: "en", US: "en", CA: "en", JP: "ja" };

interface Carrier {
  name: string;
  kind: "ups" | "usps" | "dhl" | "s10";
  /** S10: service indicators to choose from, and the issuing country. */
  s10?: { prefixes: string[]; country: string };
  hub: { city: string; countryCode: string };
  url: (trackingNumber: string) => string;
  /** Gives an estimated delivery date when the label is created. */
  earlyEta: boolean;
  deliversOnSaturday: boolean;
}

const UPS: Carrier = {
  name: "UPS", kind: "ups", hub: { city: "Köln", countryCode: "DE" }, earlyEta: true, deliversOnSaturday: false,
  url: (n) => `https://www.ups.com/track?tracknum=${n}`,
};
const DHL_EXPRESS: Carrier = {
  name: "DHL Express", kind: "dhl", hub: { city: "Leipzig", countryCode: "DE" }, earlyEta: true, deliversOnSaturday: false,
  url: (n) => `https://www.dhl.com/global-en/home/tracking/tracking-express.html?submit=1&tracking-id=${n}`,
};
const USPS: Carrier = {
  name: "USPS", kind: "usps", hub: { city: "Jamaica", countryCode: "US" }, earlyEta: true, deliversOnSaturday: true,
  url: (n) => `https://tools.usps.com/go/TrackConfirmAction?tLabels=${n}`,
};
const ROYAL_MAIL: Carrier = {
  name: "Royal Mail", kind: "s10", s10: { prefixes: ["TT", "RB"], country: "GB" }, hub: { city: "Hounslow", countryCode: "GB" },
  earlyEta: false, deliversOnSaturday: true,
  url: (n) => `https://www.royalmail.com/track-your-item#/tracking-results/${n}`,
};
const CANADA_POST: Carrier = {
  name: "Canada Post", kind: "s10", s10: { prefixes: ["LM", "RR"], country: "CA" }, hub: { city: "Mississauga", countryCode: "CA" },
  earlyEta: false, deliversOnSaturday: false,
  url: (n) => `https://www.canadapost-postescanada.ca/track-reperage/en#/search?searchFor=${n}`,
};
/** The post of the shop's own country (label printed at the warehouse). */
const POSTS: Record<string, Carrier> = {
  FR: {
    name: "La Poste", kind: "s10", s10: { prefixes: ["LP", "CP"], country: "FR" }, hub: { city: "Saint-Priest", countryCode: "FR" },
    earlyEta: false, deliversOnSaturday: true,
    url: (n) => `https://www.laposte.fr/outils/suivre-vos-envois?code=${n}`,
  },
  DE: {
    name: "Deutsche Post", kind: "s10", s10: { prefixes: ["RR", "LX"], country: "DE" }, hub: { city: "Köln", countryCode: "DE" },
    earlyEta: false, deliversOnSaturday: true,
    url: (n) => `https://www.deutschepost.de/de/s/sendungsverfolgung.html?piececode=${n}`,
  },
  GB: ROYAL_MAIL,
  CA: CANADA_POST,
};

/** Hours between "ready for pick-up" and the shopper coming in, with weights. */
const PICKUP_WAITS: [number, number][] = [[2, 3], [6, 3], [24, 4], [48, 2], [96, 1]];

const EUROPE = new Set(["FR", "BE", "CH", "DE", "ES", "IT", "NL", "LU", "AT", "PT"]);
/** No customs between these. */
const EU_CUSTOMS_UNION = new Set(["FR", "BE", "DE", "ES", "IT", "NL", "LU", "AT", "PT"]);

const RETURN_REASONS = ["Too small", "Too big", "Colour not as pictured", "Changed my mind", "Arrived damaged", "Ordered two sizes, kept one"];
const CANCEL_REASONS = ["Customer changed their mind", "Ordered the wrong size, will reorder", "Payment flagged as high risk", "Duplicate order"];
const DELIVERED_MESSAGES = ["Delivered to the recipient", "Delivered to the mailbox", "Delivered to a neighbour", "Delivered to a parcel locker"];
const DELAY_MESSAGES = ["Delayed: weather conditions at the sorting hub", "Delayed: missed connection, rerouted", "Delayed: high parcel volumes"];
const CUSTOMS_DELAY = "Delayed: held in customs for inspection";

// ---------------------------------------------------------------------------------------------------------------
// Check digits (exported for the tracking code and tests that want them)
// ---------------------------------------------------------------------------------------------------------------

/** UPS 1Z: the 15 characters after "1Z", letters as (code - 3) mod 10, odd positions x1, even x2. */
export function upsCheckDigit(body15: string): number {
  let sum = 0;
  for (let i = 0; i < body15.length; i++) {
    const c = body15[i]!;
    const value = /[0-9]/.test(c) ? Number(c) : (c.charCodeAt(0) - 3) % 10;
    sum += i % 2 === 1 ? value * 2 : value;
  }
  return (10 - (sum % 10)) % 10;
}

/** USPS IMpb mod 10: from the rightmost digit, weights 3, 1, 3, ... */
export function uspsCheckDigit(digits: string): number {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) sum += Number(digits[digits.length - 1 - i]) * (i % 2 === 0 ? 3 : 1);
  return (10 - (sum % 10)) % 10;
}

/** UPU S10: weights 8 6 4 2 3 5 9 7, 11 - (sum mod 11), 10 -> 0, 11 -> 5. */
export function s10CheckDigit(serial8: string): number {
  const weights = [8, 6, 4, 2, 3, 5, 9, 7];
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += Number(serial8[i]) * weights[i]!;
  const check = 11 - (sum % 11);
  return check === 10 ? 0 : check === 11 ? 5 : check;
}

// ---------------------------------------------------------------------------------------------------------------
// Time (Central European time: the warehouse's clock)
// ---------------------------------------------------------------------------------------------------------------

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const WEEKDAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] as const;
const iso = (ms: number) => new Date(ms).toISOString();

/** UTC+1, or UTC+2 from the last Sunday of March to the last Sunday of October (01:00 UTC). */
function cetOffset(utcMs: number): number {
  const year = new Date(utcMs).getUTCFullYear();
  const lastSunday = (month: number) => {
    const last = new Date(Date.UTC(year, month + 1, 0));
    return Date.UTC(year, month, last.getUTCDate() - last.getUTCDay(), 1);
  };
  return utcMs >= lastSunday(2) && utcMs < lastSunday(9) ? 2 * HOUR : HOUR;
}

interface LocalTime {
  /** Midnight of the local date, as if it were UTC (a day key). */
  day: number;
  weekday: number;
  /** Minutes since local midnight. */
  minutes: number;
}

function toLocal(utcMs: number): LocalTime {
  const shifted = utcMs + cetOffset(utcMs);
  const day = Math.floor(shifted / DAY) * DAY;
  return { day, weekday: new Date(day).getUTCDay(), minutes: (shifted - day) / MINUTE };
}

function fromLocal(day: number, minutes: number): number {
  const guess = day + minutes * MINUTE;
  return guess - cetOffset(guess - HOUR);
}

type Hours = Record<string, string | null>;
const WAREHOUSE_HOURS: Hours = { mon: "08:00-18:00", tue: "08:00-18:00", wed: "08:00-18:00", thu: "08:00-18:00", fri: "08:00-18:00", sat: null, sun: null };

function windowOf(hours: Hours, weekday: number): [number, number] | null {
  const spec = hours[WEEKDAYS[weekday]!];
  const match = spec ? /^(\d\d):(\d\d)-(\d\d):(\d\d)$/.exec(spec) : null;
  if (!match) return null;
  return [Number(match[1]) * 60 + Number(match[2]), Number(match[3]) * 60 + Number(match[4])];
}

/** `utcMs` if the place is open then, else a little after it next opens. */
function nextOpen(r: Random, utcMs: number, hours: Hours): number {
  const local = toLocal(utcMs);
  for (let k = 0; k < 8; k++) {
    const day = local.day + k * DAY;
    const window = windowOf(hours, (local.weekday + k) % 7);
    if (!window) continue;
    if (k === 0 && local.minutes >= window[0] && local.minutes < window[1] - 15) return utcMs;
    if (k === 0 && local.minutes >= window[0]) continue;
    return fromLocal(day, window[0] + r.int(5, 50));
  }
  return utcMs;
}

/** The first day after `utcMs`, `businessDays` working days later, skipping Sundays (and Saturdays if asked). */
function addDeliveryDays(utcMs: number, businessDays: number, saturday: boolean): number {
  let day = toLocal(utcMs).day;
  let left = businessDays;
  while (left > 0) {
    day += DAY;
    const weekday = new Date(day).getUTCDay();
    if (weekday === 0 || (weekday === 6 && !saturday)) continue;
    left--;
  }
  return day;
}

// ---------------------------------------------------------------------------------------------------------------
// Generator
// ---------------------------------------------------------------------------------------------------------------

interface Sellable {
  variant: Variant;
  product: Product;
  weight: number;
}

interface Shipment {
  lines: LineItem[];
  at: number;
}

class Ids {
  constructor(private next: number) {}
  take(): string {
    return String(this.next++);
  }
  get value(): number {
    return this.next;
  }
}

export function generateOrderHistory(options: HistoryOptions): History {
  const { catalog } = options;
  const nowMs = options.now.getTime();
  const startMs = nowMs - options.days * DAY;
  const ids = new Ids(options.startId);
  const r = createRandom(deriveSeed(options.seed, "history"));
  const tracking = new TrackingNumbers(createRandom(deriveSeed(options.seed, "tracking")));

  const warehouse = catalog.locations.find((l) => l.kind === "warehouse") ?? catalog.locations[0];
  if (!warehouse) throw new Error("generateOrderHistory: the catalog has no location");
  const boutiques = catalog.locations.filter((l) => l.kind === "retail" && l.isActive);
  const pickupShops = boutiques.filter((l) => l.localPickup && l.fulfillsOnlineOrders);
  const shipFromStore = boutiques.filter((l) => l.fulfillsOnlineOrders);
  const homeCountry = warehouse.address.countryCode;
  const homeLocale = HOME_LOCALES[homeCountry] ?? "en";
  const currencyCode = CURRENCIES[homeCountry] ?? "EUR";
  const post = POSTS[homeCountry] ?? POSTS.FR!;

  // What sells: tracked, shippable variants of active products.
  const items = new Map(catalog.inventoryItems.map((i) => [i.id, i]));
  const productById = new Map(catalog.products.map((p) => [p.id, p]));
  const productWeights = new Map(catalog.products.map((p) => [p.id, productWeight(r, p, catalog.variants)]));
  const sellable: Sellable[] = [];
  for (const variant of catalog.variants) {
    const product = productById.get(variant.productId);
    const item = items.get(variant.inventoryItemId);
    if (!product || product.status !== "ACTIVE" || !item?.tracked || !item.requiresShipping) continue;
    sellable.push({ variant, product, weight: productWeights.get(product.id)! * variantWeight(product, variant) });
  }
  if (sellable.length === 0) throw new Error("generateOrderHistory: nothing to sell");

  // Shoppers: a few regulars, each with a home address.
  const customerWeights = new Map(catalog.customers.map((c) => [c.id, r.pick([0.3, 0.5, 1, 1, 1, 2, 4])]));
  const customerAddresses = new Map(catalog.customers.map((c) => [c.id, pickAddress(r, c.locale, homeCountry)]));
  let guestNumber = 0;

  const orders: Order[] = [];
  const fulfillmentOrders: FulfillmentOrder[] = [];
  const fulfillments: Fulfillment[] = [];
  const refunds: Refund[] = [];
  const returns: Return[] = [];
  /** How each fulfilled order reached the customer, for returns. */
  const handedOver = new Map<string, { at: number; locationId: string; local: boolean; pos: boolean }>();

  // Days, oldest first, in local time.
  const firstDay = toLocal(startMs).day;
  const lastDay = toLocal(nowMs).day;
  const totalDays = Math.max(1, (lastDay - firstDay) / DAY);
  for (let day = firstDay; day <= lastDay; day += DAY) {
    const weekday = new Date(day).getUTCDay();
    const progress = (day - firstDay) / DAY / totalDays;
    const weekdayFactor = [1.3, 0.9, 0.85, 0.9, 0.95, 1.05, 1.45][weekday]!;
    const trend = 0.85 + 0.3 * progress;
    const count = Math.min(20, Math.max(6, Math.round(11 * weekdayFactor * trend * (0.85 + 0.3 * r.next()))));

    const planned: { at: number; pos: Location | null }[] = [];
    for (let i = 0; i < count; i++) {
      const pos = boutiques.length > 0 && r.chance(0.35) ? pickOpenBoutique(r, boutiques, weekday) : null;
      if (pos) {
        const window = windowOf(pos.openingHours ?? {}, weekday)!;
        // Busier in the afternoon: the later of two uniform draws leans late.
        const minute = Math.max(r.int(window[0], window[1] - 5), r.int(window[0], window[1] - 5));
        planned.push({ at: fromLocal(day, minute) + r.int(0, 59) * 1000, pos });
      } else {
        planned.push({ at: fromLocal(day, webMinute(r)) + r.int(0, 59) * 1000, pos: null });
      }
    }
    planned.sort((a, b) => a.at - b.at);

    for (const { at, pos } of planned) {
      if (at < startMs || at > nowMs) continue;
      createOrder(at, pos);
    }
  }

  function createOrder(createdMs: number, pos: Location | null): void {
    const orderId = ids.take();
    const name = `#${1001 + orders.length}`;

    // Who buys.
    const known = catalog.customers.filter((c) => Date.parse(c.createdAt) <= createdMs);
    let customer: Customer | null = null;
    if (known.length > 0 && r.chance(pos ? 0.35 : 0.65)) customer = r.weighted(known, (c) => customerWeights.get(c.id)!);
    let email: string | null = customer?.email ?? null;
    let locale = customer?.locale ?? homeLocale;
    if (!customer && !pos) {
      locale = r.chance(0.7) ? homeLocale : r.pick(LOCALES);
      email = guestEmail(r, locale, ++guestNumber);
    }

    // What.
    const available = sellable.filter((s) => Date.parse(s.product.createdAt) <= createdMs);
    const lineCount = r.weighted([1, 2, 3, 4], (n) => [0, 58, 29, 10, 3][n]!);
    const lineItems: LineItem[] = [];
    for (let attempt = 0; lineItems.length < lineCount && attempt < lineCount * 4; attempt++) {
      const { variant, product } = r.weighted(available, (s) => s.weight);
      if (lineItems.some((l) => l.variantId === variant.id)) continue;
      const consumable = product.tags.some((t) => t === "beauty" || t === "kitchen" || t === "hiking");
      const quantity = consumable ? r.weighted([1, 2, 3], (q) => [0, 70, 22, 8][q]!) : r.chance(0.07) ? 2 : 1;
      lineItems.push({
        id: ids.take(),
        variantId: variant.id,
        productId: product.id,
        title: product.title,
        variantTitle: variant.title === "Default Title" ? null : variant.title,
        sku: variant.sku,
        quantity,
        price: variant.price,
        fulfillableQuantity: quantity,
      });
    }

    const order: Order = {
      id: orderId,
      name,
      email,
      customerId: customer?.id ?? null,
      sourceName: pos ? "pos" : "web",
      locationId: pos?.id ?? null,
      currencyCode,
      lineItems,
      shippingAddress: null,
      financialStatus: "PAID",
      fulfillmentStatus: "UNFULFILLED",
      cancelledAt: null,
      closedAt: null,
      customerLocale: locale,
      createdAt: iso(createdMs),
      updatedAt: iso(createdMs),
    };
    orders.push(order);

    if (pos) return sellInStore(order, pos, createdMs);

    const address = customer ? customerAddresses.get(customer.id)! : pickAddress(r, locale, homeCountry);
    const pickup = address.local && pickupShops.length > 0 && r.chance(0.35);
    if (pickup) return pickUpInStore(order, r.pick(pickupShops), createdMs, address.local);
    order.shippingAddress = address.address;
    ship(order, createdMs, address);
  }

  function newFulfillmentOrder(order: Order, location: Location, method: FulfillmentOrder["deliveryMethod"], createdMs: number): FulfillmentOrder {
    const fo: FulfillmentOrder = {
      id: ids.take(),
      orderId: order.id,
      assignedLocationId: location.id,
      status: "OPEN",
      deliveryMethod: method,
      lineItems: order.lineItems.map((l) => ({ id: ids.take(), lineItemId: l.id, totalQuantity: l.quantity, remainingQuantity: l.quantity })),
      holds: [],
      createdAt: iso(createdMs),
      updatedAt: iso(createdMs),
    };
    fulfillmentOrders.push(fo);
    return fo;
  }

  function recordFulfillment(order: Order, fo: FulfillmentOrder, location: Location, lines: LineItem[], at: number, extra: Partial<Fulfillment>): Fulfillment {
    const fulfillment: Fulfillment = {
      id: ids.take(),
      orderId: order.id,
      fulfillmentOrderId: fo.id,
      locationId: location.id,
      status: "SUCCESS",
      trackingCompany: null,
      trackingNumbers: [],
      trackingUrls: [],
      lineItems: lines.map((l) => ({ lineItemId: l.id, quantity: l.quantity })),
      events: [],
      createdAt: iso(at),
      updatedAt: iso(at),
      ...extra,
    };
    fulfillments.push(fulfillment);
    for (const line of lines) {
      line.fulfillableQuantity = 0;
      const foLine = fo.lineItems.find((f) => f.lineItemId === line.id);
      if (foLine) foLine.remainingQuantity = 0;
    }
    const remaining = fo.lineItems.some((f) => f.remainingQuantity > 0);
    fo.status = remaining ? "IN_PROGRESS" : "CLOSED";
    fo.updatedAt = iso(at);
    order.fulfillmentStatus = remaining ? "PARTIALLY_FULFILLED" : "FULFILLED";
    if (!remaining) order.closedAt = iso(at);
    touch(order, at);
    return fulfillment;
  }

  function sellInStore(order: Order, shop: Location, createdMs: number): void {
    const fo = newFulfillmentOrder(order, shop, "PICK_UP", createdMs);
    const at = createdMs + r.int(3, 40) * 1000;
    recordFulfillment(order, fo, shop, order.lineItems, at, {});
    handedOver.set(order.id, { at, locationId: shop.id, local: true, pos: true });
  }

  function pickUpInStore(order: Order, shop: Location, createdMs: number, local: boolean): void {
    const fo = newFulfillmentOrder(order, shop, "PICK_UP", createdMs);
    const hours = shop.openingHours ?? WAREHOUSE_HOURS;
    const readyWithin = shop.localPickup?.readyWithinHours ?? 4;
    const readyMs = nextOpen(r, createdMs + Math.round(readyWithin * HOUR * (0.3 + 0.7 * r.next())), hours);
    // Most shoppers come the same day or the next; a few take their time.
    const [waitHours] = r.weighted(PICKUP_WAITS, ([, weight]) => weight);
    const pickedUpMs = nextOpen(r, readyMs + waitHours * HOUR + r.int(0, 120) * MINUTE, hours);
    if (maybeCancel(order, fo, shop, createdMs, readyMs)) return;
    if (pickedUpMs > nowMs) {
      if (readyMs <= nowMs) {
        // Prepared for pickup (fulfillmentOrderLineItemsPreparedForPickup): on the shelf, waiting for the customer.
        fo.status = "IN_PROGRESS";
        fo.preparedForPickupAt = iso(readyMs);
        fo.updatedAt = iso(readyMs);
        touch(order, readyMs);
      }
      return;
    }
    const event = (status: FulfillmentEventStatus, at: number, message: string): FulfillmentEvent => ({
      id: ids.take(), status, message, happenedAt: iso(at), city: shop.address.city, country: shop.address.country, estimatedDeliveryAt: null,
    });
    recordFulfillment(order, fo, shop, order.lineItems, pickedUpMs, {
      events: [event("READY_FOR_PICKUP", readyMs, `Ready for pick-up at ${shop.name}`), event("PICKED_UP", pickedUpMs, "Picked up by the customer")],
    });
    handedOver.set(order.id, { at: pickedUpMs, locationId: shop.id, local, pos: false });
  }

  function ship(order: Order, createdMs: number, address: PickedAddress): void {
    const fromStore = shipFromStore.length > 0 && r.chance(0.1);
    const origin = fromStore ? r.pick(shipFromStore) : warehouse!;
    const fo = newFulfillmentOrder(order, origin, "SHIPPING", createdMs);
    const firstShipMs = fromStore
      ? nextOpen(r, createdMs + r.int(2, 20) * HOUR, origin.openingHours ?? WAREHOUSE_HOURS)
      : warehouseDispatch(r, createdMs);

    // Bank transfers still waiting: on hold, nothing shipped.
    if (nowMs - createdMs < 36 * HOUR && r.chance(0.08)) {
      order.financialStatus = "PENDING";
      fo.status = "ON_HOLD";
      fo.holds.push({ reason: "AWAITING_PAYMENT", reasonNotes: "Bank transfer not received yet", handle: null, heldAt: iso(createdMs) });
      return;
    }
    if (maybeCancel(order, fo, origin, createdMs, firstShipMs)) return;

    // Sometimes one line waits for stock and ships a few days later.
    const shipments: Shipment[] = [];
    // (More of them lately: older backorders have long since shipped, and a few should still be waiting.)
    if (order.lineItems.length >= 2 && r.chance(nowMs - createdMs < 10 * DAY ? 0.2 : 0.05)) {
      const late = order.lineItems[order.lineItems.length - 1]!;
      shipments.push({ lines: order.lineItems.slice(0, -1), at: firstShipMs });
      shipments.push({ lines: [late], at: warehouseDispatch(r, firstShipMs + r.int(3, 9) * DAY) });
    } else {
      shipments.push({ lines: order.lineItems, at: firstShipMs });
    }

    for (const shipment of shipments) {
      if (shipment.at > nowMs) continue;
      const carrier = chooseCarrier(r, address.address.countryCode, homeCountry, post);
      const number = tracking.issue(carrier, address.address.countryCode);
      const events = trackingEvents(shipment.at, origin, carrier, address);
      const lastEvent = events[events.length - 1];
      recordFulfillment(order, fo, origin, shipment.lines, shipment.at, {
        trackingCompany: carrier.name,
        trackingNumbers: [number],
        trackingUrls: [carrier.url(number)],
        events,
        updatedAt: iso(lastEvent ? Date.parse(lastEvent.happenedAt) : shipment.at),
      });
      if (lastEvent) touch(order, Date.parse(lastEvent.happenedAt));
      const delivered = events.find((e) => e.status === "DELIVERED");
      if (delivered && shipment === shipments[0]) {
        handedOver.set(order.id, { at: Date.parse(delivered.happenedAt), locationId: warehouse!.id, local: address.local, pos: false });
      }
    }
    // Returns only for orders fully handed over.
    if (order.fulfillmentStatus !== "FULFILLED") handedOver.delete(order.id);
  }

  /** ~3% of web orders are cancelled before they ship: refund everything, restock (CANCEL) where it was assigned. */
  function maybeCancel(order: Order, fo: FulfillmentOrder, location: Location, createdMs: number, fulfilMs: number): boolean {
    if (!r.chance(0.03)) return false;
    const cancelledMs = createdMs + r.int(15, 300) * MINUTE;
    if (cancelledMs > nowMs || cancelledMs >= fulfilMs) return false;
    order.cancelledAt = iso(cancelledMs);
    order.closedAt = iso(cancelledMs);
    order.financialStatus = "REFUNDED";
    fo.status = "CANCELLED";
    fo.updatedAt = iso(cancelledMs);
    for (const line of fo.lineItems) line.remainingQuantity = 0;
    for (const line of order.lineItems) line.fulfillableQuantity = 0;
    refunds.push({
      id: ids.take(),
      orderId: order.id,
      note: r.pick(CANCEL_REASONS),
      lineItems: order.lineItems.map((l) => ({ lineItemId: l.id, quantity: l.quantity, restockType: "CANCEL", locationId: location.id })),
      createdAt: iso(cancelledMs + r.int(5, 120) * 1000),
    });
    touch(order, cancelledMs + 120_000);
    return true;
  }

  function trackingEvents(shippedMs: number, origin: Location, carrier: Carrier, destination: PickedAddress): FulfillmentEvent[] {
    const to = destination.address;
    const domestic = to.countryCode === homeCountry;
    const [minDays, maxDays] = transitDays(carrier, to.countryCode, domestic);
    let deliveryDay = addDeliveryDays(shippedMs, r.int(minDays, maxDays), carrier.deliversOnSaturday);
    const eta = (day: number) => iso(fromLocal(day, 18 * 60));
    const hub = domestic ? { city: origin.address.city, country: origin.address.country } : { city: carrier.hub.city, country: COUNTRY_NAMES[carrier.hub.countryCode] ?? carrier.hub.countryCode };
    const destinationPlace = { city: to.city, country: to.country };
    const events: { status: FulfillmentEventStatus; at: number; message: string; place: { city: string; country: string }; eta: string | null }[] = [];

    const confirmedMs = shippedMs + r.int(5, 45) * MINUTE;
    events.push({ status: "CONFIRMED", at: confirmedMs, message: "Shipping label created, the carrier has the parcel details", place: { city: origin.address.city, country: origin.address.country }, eta: carrier.earlyEta ? eta(deliveryDay) : null });
    const inTransitMs = Math.max(confirmedMs + 30 * MINUTE, fromLocal(toLocal(shippedMs).day, r.int(18 * 60, 21 * 60)));
    events.push({ status: "IN_TRANSIT", at: inTransitMs, message: domestic ? "Departed from the sorting centre" : "In transit to the destination country", place: hub, eta: r.chance(0.6) ? eta(deliveryDay) : null });

    const incident = r.chance(0.03) ? r.pick(["DELAYED", "ATTEMPTED_DELIVERY", "FAILURE"] as const) : null;
    if (incident === "FAILURE") {
      const at = inTransitMs + r.int(20, 60) * HOUR;
      events.push({ status: "FAILURE", at, message: "Undeliverable: incomplete address, returning to sender", place: destinationPlace, eta: null });
    } else {
      if (incident === "DELAYED") {
        const at = inTransitMs + r.int(16, 40) * HOUR;
        deliveryDay = addDeliveryDays(Math.max(at, fromLocal(deliveryDay, 12 * 60)), r.int(1, 3), carrier.deliversOnSaturday);
        const customs = !EU_CUSTOMS_UNION.has(to.countryCode) || !EU_CUSTOMS_UNION.has(homeCountry);
        const message = customs && r.chance(0.5) ? CUSTOMS_DELAY : r.pick(DELAY_MESSAGES);
        events.push({ status: "DELAYED", at, message, place: hub, eta: eta(deliveryDay) });
      }
      let outMs = fromLocal(deliveryDay, r.int(7 * 60 + 15, 9 * 60 + 30));
      if (incident === "ATTEMPTED_DELIVERY") {
        events.push({ status: "OUT_FOR_DELIVERY", at: outMs, message: "Out for delivery", place: destinationPlace, eta: eta(deliveryDay) });
        events.push({ status: "ATTEMPTED_DELIVERY", at: outMs + r.int(90, 420) * MINUTE, message: "Delivery attempted: recipient absent, a notice was left", place: destinationPlace, eta: null });
        deliveryDay = addDeliveryDays(outMs, 1, carrier.deliversOnSaturday);
        outMs = fromLocal(deliveryDay, r.int(7 * 60 + 15, 9 * 60 + 30));
      }
      events.push({ status: "OUT_FOR_DELIVERY", at: outMs, message: "Out for delivery", place: destinationPlace, eta: eta(deliveryDay) });
      events.push({ status: "DELIVERED", at: outMs + r.int(90, 480) * MINUTE, message: r.pick(DELIVERED_MESSAGES), place: destinationPlace, eta: null });
    }

    const result: FulfillmentEvent[] = [];
    for (const e of events) {
      if (e.at > nowMs) break;
      result.push({ id: ids.take(), status: e.status, message: e.message, happenedAt: iso(e.at), city: e.place.city, country: e.place.country, estimatedDeliveryAt: e.eta });
    }
    return result;
  }

  // Returns: ~6% of fulfilled orders, received at the warehouse or (local shoppers) in a boutique, then refunded.
  for (const order of orders) {
    const handover = handedOver.get(order.id);
    if (!handover || order.cancelledAt || !r.chance(0.075)) continue;
    const requestedMs = handover.at + r.int(1, 14) * DAY + r.int(0, 10 * 60) * MINUTE;
    const inStore = handover.pos || (handover.local && boutiques.length > 0 && r.chance(0.4));
    const location = handover.pos
      ? (r.chance(0.8) ? catalog.locations.find((l) => l.id === handover.locationId)! : r.pick(boutiques))
      : inStore ? r.pick(boutiques) : warehouse;
    const receivedMs = inStore
      ? nextOpen(r, requestedMs, location.openingHours ?? WAREHOUSE_HOURS)
      : warehouseDispatch(r, requestedMs + r.int(2, 6) * DAY);
    const refundedMs = receivedMs + (inStore ? r.int(1, 10) * MINUTE : r.int(2, 40) * HOUR);
    if (refundedMs > nowMs) continue;

    const line = r.weighted(order.lineItems, (l) => returnWeight(productById.get(l.productId ?? "")));
    const quantity = r.int(1, line.quantity);
    returns.push({
      id: ids.take(),
      orderId: order.id,
      status: "CLOSED",
      lineItems: [{ lineItemId: line.id, quantity }],
      locationId: location.id,
      createdAt: iso(requestedMs),
    });
    refunds.push({
      id: ids.take(),
      orderId: order.id,
      note: `Return: ${r.pick(RETURN_REASONS)}`,
      lineItems: [{ lineItemId: line.id, quantity, restockType: "RETURN", locationId: location.id }],
      createdAt: iso(refundedMs),
    });
    const allBack = order.lineItems.length === 1 && quantity === line.quantity;
    order.financialStatus = allBack ? "REFUNDED" : "PARTIALLY_REFUNDED";
    touch(order, refundedMs);
  }

  const byCreated = <T extends { createdAt: string }>(list: T[]) => list.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  return {
    orders,
    fulfillmentOrders,
    fulfillments: byCreated(fulfillments),
    refunds: byCreated(refunds),
    returns: byCreated(returns),
    nextId: ids.value,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------------------------

function touch(order: { updatedAt: string }, atMs: number): void {
  if (Date.parse(order.updatedAt) < atMs) order.updatedAt = iso(atMs);
}

/** Best sellers sell a lot, expensive things now and then; every shop gets its own mix. */
function productWeight(r: Random, product: Product, variants: Variant[]): number {
  const prices = variants.filter((v) => v.productId === product.id).map((v) => Number(v.price));
  const price = prices.length > 0 ? Math.min(...prices) : 50;
  const jitter = 0.5 + r.next();
  if (product.tags.includes("bestseller")) return 9 * jitter;
  if (price >= 140) return 0.2 * jitter;
  if (price >= 80) return 0.7 * jitter;
  return 1.6 * jitter;
}

const SIZE_OPTION_NAMES = new Set(["Size", "Waist", "Length"]);

/** Middle sizes and the first colours sell most. */
function variantWeight(product: Product, variant: Variant): number {
  let weight = 1;
  product.options.forEach((name, i) => {
    const value = variant.selectedOptions[i] ?? "";
    if (SIZE_OPTION_NAMES.has(name)) {
      const sizeRank: Record<string, number> = { XS: 0.5, S: 0.9, M: 1.4, L: 1.3, XL: 0.7 };
      const eu = /^EU (\d\d)$/.exec(value);
      if (value in sizeRank) weight *= sizeRank[value]!;
      else if (eu) weight *= 1.5 - Math.min(1.2, Math.abs(Number(eu[1]) - 41) * 0.2);
    }
  });
  // Earlier variants (first colours, as the merchant listed them) a little more popular.
  return weight * (1.6 / (1 + 0.12 * (variant.position - 1)));
}

function returnWeight(product: Product | undefined): number {
  if (!product) return 1;
  if (product.tags.includes("beauty")) return 0.1;
  if (product.tags.includes("apparel") || product.tags.includes("footwear")) return 4;
  return 1;
}

function pickOpenBoutique(r: Random, boutiques: Location[], weekday: number): Location | null {
  const open = boutiques.filter((b) => b.openingHours && windowOf(b.openingHours, weekday));
  if (open.length === 0) return null;
  // The first boutiques are the busiest.
  return r.weighted(open, (b) => 1 / (1 + boutiques.indexOf(b)));
}

/** Minutes after local midnight for a web order: quiet at night, peaks at lunch and in the evening. */
function webMinute(r: Random): number {
  const hourWeights = [0.3, 0.15, 0.1, 0.05, 0.05, 0.1, 0.3, 0.6, 0.8, 1, 1.1, 1.1, 1.3, 1.2, 1, 1, 1, 1.1, 1.3, 1.6, 1.9, 2, 1.5, 0.8];
  const hour = r.weighted(hourWeights.map((_, h) => h), (h) => hourWeights[h]!);
  return hour * 60 + r.int(0, 59);
}

/** Warehouse pick-pack: orders in before 14:00 on a weekday leave that afternoon, the rest the next weekday. */
function warehouseDispatch(r: Random, createdMs: number): number {
  const local = toLocal(createdMs);
  if (local.weekday >= 1 && local.weekday <= 5 && local.minutes < 14 * 60) {
    return Math.max(createdMs + 30 * MINUTE, fromLocal(local.day, r.int(15 * 60, 17 * 60 + 30)));
  }
  let day = local.day + DAY;
  while ([0, 6].includes(new Date(day).getUTCDay())) day += DAY;
  return fromLocal(day, r.int(10 * 60, 17 * 60));
}

interface PickedAddress {
  address: Address;
  local: boolean;
}

function pickAddress(r: Random, locale: string, homeCountry: string): PickedAddress {
  const countries = COUNTRIES_BY_LOCALE[locale] ?? { HOME: 1 };
  const entries = Object.entries(countries).filter(([, w]) => w > 0);
  const [country] = r.weighted(entries, ([, w]) => w);
  const code = country === "HOME" ? homeCountry : country;
  const choices = DESTINATIONS.filter((d) => d.countryCode === code);
  const destination = r.weighted(choices.length > 0 ? choices : DESTINATIONS.filter((d) => d.countryCode === "FR"), (d) => d.weight);
  const street = r.pick(destination.streets);
  const n = r.int(1, 140);
  const address1 =
    destination.countryCode === "JP" ? `${r.int(1, 6)}-${r.int(1, 30)}-${r.int(1, 20)} ${street}`
    : ["DE", "BE", "CH"].includes(destination.countryCode) ? `${street} ${n}`
    : destination.countryCode === "ES" ? `${street}, ${n}`
    : `${n} ${street}`;
  const address2 = r.chance(0.25) ? r.pick(destination.countryCode === "FR" ? ["Bâtiment A", "2e étage", "Appartement 12", "Escalier B"] : ["Apt 4B", "Flat 2", "3rd floor"]) : null;
  return {
    address: {
      address1,
      address2,
      city: destination.city,
      province: destination.province,
      provinceCode: destination.provinceCode,
      zip: destination.zip,
      country: COUNTRY_NAMES[destination.countryCode] ?? destination.countryCode,
      countryCode: destination.countryCode,
      phone: null,
      latitude: Math.round((destination.latitude + (r.next() - 0.5) * 0.02) * 1e6) / 1e6,
      longitude: Math.round((destination.longitude + (r.next() - 0.5) * 0.02) * 1e6) / 1e6,
    },
    local: destination.local === true && destination.countryCode === homeCountry,
  };
}

function guestEmail(r: Random, locale: string, n: number): string {
  const names = GUEST_NAMES[locale] ?? GUEST_NAMES.en!;
  const domain = r.pick(["example.com", "example.org", "example.net"]);
  return `${r.pick(names.first)}.${r.pick(names.last)}${n}@${domain}`;
}

function chooseCarrier(r: Random, to: string, from: string, post: Carrier): Carrier {
  const options: [Carrier, number][] =
    to === from ? [[post, 75], [UPS, 25]]
    : EUROPE.has(to) ? [[UPS, 45], [DHL_EXPRESS, 30], [post, 25]]
    : to === "GB" ? [[ROYAL_MAIL, 50], [DHL_EXPRESS, 25], [UPS, 25]]
    : to === "US" ? [[USPS, 55], [UPS, 30], [DHL_EXPRESS, 15]]
    : to === "CA" ? [[CANADA_POST, 55], [UPS, 25], [DHL_EXPRESS, 20]]
    : [[DHL_EXPRESS, 70], [UPS, 30]];
  return r.weighted(options, ([, w]) => w)[0];
}

function transitDays(carrier: Carrier, to: string, domestic: boolean): [number, number] {
  if (domestic) return carrier.kind === "ups" ? [1, 2] : [1, 3];
  if (carrier.kind === "dhl") return EUROPE.has(to) || to === "GB" ? [1, 2] : [2, 4];
  if (carrier.kind === "ups") return EUROPE.has(to) || to === "GB" ? [2, 4] : [3, 5];
  return EUROPE.has(to) || to === "GB" ? [3, 6] : [6, 10];
}

/** Unique tracking numbers with valid check digits. One UPS account and one USPS mailer id per shop. */
class TrackingNumbers {
  private readonly issued = new Set<string>();
  private readonly upsAccount: string;
  private readonly uspsMailerId: string;
  constructor(private readonly r: Random) {
    const alnum = "0123456789ABCDEFGHJKLMNPRSTUVWXY";
    this.upsAccount = Array.from({ length: 6 }, (_, i) => (i < 3 ? String(r.int(0, 9)) : r.pick([...alnum]))).join("");
    this.uspsMailerId = `9${String(r.int(0, 99_999_999)).padStart(8, "0")}`;
  }

  issue(carrier: Carrier, destinationCountry: string): string {
    for (;;) {
      const number = this.make(carrier, destinationCountry);
      if (!this.issued.has(number)) {
        this.issued.add(number);
        return number;
      }
    }
  }

  private digits(n: number): string {
    return Array.from({ length: n }, () => String(this.r.int(0, 9))).join("");
  }

  private make(carrier: Carrier, destinationCountry: string): string {
    switch (carrier.kind) {
      case "ups": {
        // 1Z + shipper account (6) + service (2: 11 Standard, 65 Saver) + package (7) + check digit.
        const service = EUROPE.has(destinationCountry) ? "11" : "65";
        const body = `${this.upsAccount}${service}${this.digits(7)}`;
        return `1Z${body}${upsCheckDigit(body)}`;
      }
      case "usps": {
        // IMpb: 94 + service type 001 + 9-digit mailer id + 7-digit serial + check digit = 22 digits.
        const body = `94001${this.uspsMailerId}${this.digits(7)}`;
        return `${body}${uspsCheckDigit(body)}`;
      }
      case "dhl": {
        // 10 digits: 9-digit serial + mod 7 check digit.
        const serial = `${this.r.int(1, 9)}${this.digits(8)}`;
        return `${serial}${Number(serial) % 7}`;
      }
      case "s10": {
        const s10 = carrier.s10!;
        const serial = this.digits(8);
        return `${this.r.pick(s10.prefixes)}${serial}${s10CheckDigit(serial)}${s10.country}`;
      }
    }
  }
}
