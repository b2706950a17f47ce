import { afterEach, describe, expect, it, vi } from "vitest";
import { generateCatalog, generateConnectedStoreCatalog, type Catalog } from "../../devstore/seed/catalog";
import { generateOrderHistory, type History } from "../../devstore/seed/history";
import { createRandom } from "../../devstore/seed/random";
import { onHand, type Location } from "../../devstore/state/model";

// ---------------------------------------------------------------------------------------------------------------
// Check digits, written here independently of the generator.
// ---------------------------------------------------------------------------------------------------------------

function isValidEan13(code: string): boolean {
  if (!/^\d{13}$/.test(code)) return false;
  const digits = [...code].map(Number);
  // Weighted from the right: the check digit x1, then 3, 1, 3, ...
  const total = digits.reverse().reduce((sum, d, i) => sum + d * (i % 2 === 1 ? 3 : 1), 0);
  return total % 10 === 0;
}

function isValidS10(code: string): boolean {
  const match = /^([A-Z]{2})(\d{8})(\d)([A-Z]{2})$/.exec(code);
  if (!match) return false;
  const [, , serial, check] = match;
  const weights = [8, 6, 4, 2, 3, 5, 9, 7];
  const remainder = [...serial!].reduce((sum, d, i) => sum + Number(d) * weights[i]!, 0) % 11;
  const expected = remainder === 0 ? 5 : remainder === 1 ? 0 : 11 - remainder;
  return expected === Number(check);
}

function isValidUps(code: string): boolean {
  const match = /^1Z([0-9A-Z]{15})(\d)$/.exec(code);
  if (!match) return false;
  // Letters: A=2, B=3, ... I=0, J=1, ... (ASCII code - 63, mod 10); characters at odd indexes (0-based) count double.
  const values = [...match[1]!].map((c) => (c >= "0" && c <= "9" ? c.charCodeAt(0) - 48 : (c.charCodeAt(0) - 63) % 10));
  const total = values.reduce((sum, v, i) => sum + (i % 2 === 1 ? 2 * v : v), 0);
  return (total + Number(match[2])) % 10 === 0;
}

function isValidUsps22(code: string): boolean {
  if (!/^\d{22}$/.test(code)) return false;
  const body = code.slice(0, 21);
  let total = 0;
  for (let i = 0; i < 21; i++) total += Number(body[20 - i]) * (i % 2 === 0 ? 3 : 1);
  return (10 - (total % 10)) % 10 === Number(code[21]);
}

const isValidDhlExpress = (code: string) => /^\d{10}$/.test(code) && Number(code.slice(0, 9)) % 7 === Number(code[9]);

describe("check digit helpers (known numbers)", () => {
  it("accept published examples and refuse altered ones", () => {
    expect(isValidEan13("4006381333931")).toBe(true);
    expect(isValidEan13("4006381333932")).toBe(false);
    expect(isValidS10("LP123456785FR")).toBe(true);
    expect(isValidS10("RB123456785GB")).toBe(true);
    expect(isValidS10("LP123456784FR")).toBe(false);
    expect(isValidUps("1Z879E930346834440")).toBe(true);
    expect(isValidUps("1Z6V86420323794365")).toBe(true);
    expect(isValidUps("1Z879E930346834441")).toBe(false);
    // Worked by hand: from the right, 1 x3 (position 16), 4 x1 (19), 9 x3 (20) = 34, so the check digit is 6.
    expect(isValidUsps22("9400100000000000000006")).toBe(true);
    expect(isValidUsps22("9400100000000000000001")).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Fixtures
// ---------------------------------------------------------------------------------------------------------------

const NOW = new Date("2025-06-15T12:00:00Z");
const DAYS = 90;
const DAY_MS = 86_400_000;
const SEED = 20250615;

const catalog = generateCatalog({ seed: SEED, shopName: "Maison Omni", startId: 1000, now: NOW });
const history = generateOrderHistory({ seed: SEED, catalog, days: DAYS, now: NOW, startId: catalog.nextId });
const connected = generateConnectedStoreCatalog(catalog, { seed: SEED, shopName: "Nordlicht Living", startId: 500, now: NOW });

const warehouse = catalog.locations.find((l) => l.kind === "warehouse")!;
const retail = catalog.locations.filter((l) => l.kind === "retail");
const variantById = new Map(catalog.variants.map((v) => [v.id, v]));
const productById = new Map(catalog.products.map((p) => [p.id, p]));

function distanceKm(a: Location, b: Location): number {
  const rad = (deg: number) => (deg * Math.PI) / 180;
  const [lat1, lon1, lat2, lon2] = [a.address.latitude!, a.address.longitude!, b.address.latitude!, b.address.longitude!];
  const h = Math.sin(rad(lat2 - lat1) / 2) ** 2 + Math.cos(rad(lat1)) * Math.cos(rad(lat2)) * Math.sin(rad(lon2 - lon1) / 2) ** 2;
  return 2 * 6371 * Math.asin(Math.sqrt(h));
}

function allIds(c: Catalog, h?: History): string[] {
  const ids = [
    ...c.locations.map((x) => x.id),
    ...c.products.map((x) => x.id),
    ...c.variants.map((x) => x.id),
    ...c.inventoryItems.map((x) => x.id),
    ...c.customers.map((x) => x.id),
  ];
  if (h) {
    ids.push(
      ...h.orders.flatMap((o) => [o.id, ...o.lineItems.map((l) => l.id)]),
      ...h.fulfillmentOrders.flatMap((f) => [f.id, ...f.lineItems.map((l) => l.id)]),
      ...h.fulfillments.flatMap((f) => [f.id, ...f.events.map((e) => e.id)]),
      ...h.refunds.map((x) => x.id),
      ...h.returns.map((x) => x.id),
    );
  }
  return ids;
}

const parisDate = new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Paris" });

// ---------------------------------------------------------------------------------------------------------------
// Random
// ---------------------------------------------------------------------------------------------------------------

describe("createRandom", () => {
  it("is reproducible and stays in range", () => {
    const a = createRandom(7);
    const b = createRandom(7);
    const seqA = Array.from({ length: 50 }, () => a.next());
    expect(seqA).toEqual(Array.from({ length: 50 }, () => b.next()));
    expect(seqA.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(Array.from({ length: 50 }, () => createRandom(8).next())).not.toEqual(seqA);

    const r = createRandom(1);
    const ints = Array.from({ length: 2000 }, () => r.int(3, 6));
    expect(new Set(ints)).toEqual(new Set([3, 4, 5, 6]));
    expect(r.pick(["only"])).toBe("only");
    const original = [1, 2, 3, 4, 5, 6, 7, 8];
    const shuffled = r.shuffle(original);
    expect([...shuffled].sort()).toEqual(original);
    expect(original).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    const hits = Array.from({ length: 4000 }, () => r.chance(0.25)).filter(Boolean).length;
    expect(hits).toBeGreaterThan(850);
    expect(hits).toBeLessThan(1150);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Home catalog
// ---------------------------------------------------------------------------------------------------------------

describe("generateCatalog", () => {
  it("has the promised sizes", () => {
    expect(catalog.products.length).toBe(56);
    expect(catalog.variants.length).toBeGreaterThanOrEqual(200);
    expect(catalog.locations).toHaveLength(4);
    expect(catalog.locations.filter((l) => l.kind === "warehouse")).toHaveLength(1);
    expect(retail).toHaveLength(3);
    expect(catalog.customers).toHaveLength(30);
    expect(catalog.inventoryItems).toHaveLength(catalog.variants.length);
    expect(new Set(catalog.products.map((p) => p.productType)).size).toBeGreaterThanOrEqual(15);
    expect(new Set(catalog.products.map((p) => p.vendor)).size).toBeGreaterThanOrEqual(5);
    expect(generateCatalog({ seed: 1, shopName: "S", startId: 1, now: NOW, productCount: 10 }).products).toHaveLength(10);
  });

  it("hands out unique numeric ids from startId, and nextId after the last", () => {
    const ids = allIds(catalog);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.every((id) => /^\d+$/.test(id))).toBe(true);
    const numbers = ids.map(Number);
    expect(Math.min(...numbers)).toBe(1000);
    expect(catalog.nextId).toBe(Math.max(...numbers) + 1);
  });

  it("has well-formed products: handles are slugs of titles, options match variants", () => {
    const handles = catalog.products.map((p) => p.handle);
    expect(new Set(handles).size).toBe(handles.length);
    for (const product of catalog.products) {
      expect(product.handle).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(product.descriptionHtml).toMatch(/^<p>.+<\/p>$/);
      expect(product.tags.length).toBeGreaterThan(0);
      const variants = catalog.variants.filter((v) => v.productId === product.id);
      expect(variants.length).toBeGreaterThan(0);
      for (const v of variants) expect(v.selectedOptions).toHaveLength(product.options.length);
    }
    expect(catalog.products.find((p) => p.title === "Organic Cotton Tee")!.handle).toBe("organic-cotton-tee");
    expect(catalog.products.find((p) => p.title.startsWith("Down Sleeping Bag"))!.handle).toBe("down-sleeping-bag-5-c");
    // Apparel with Size x Colour and footwear with EU sizes.
    const tee = catalog.products.find((p) => p.handle === "organic-cotton-tee")!;
    expect(tee.options).toEqual(["Size", "Colour"]);
    expect(catalog.variants.some((v) => v.selectedOptions.includes("EU 42"))).toBe(true);
  });

  it("gives every variant an upper-case SKU, a valid EAN-13, a two-decimal price and an inventory item", () => {
    const skus = catalog.variants.map((v) => v.sku);
    expect(new Set(skus).size).toBe(skus.length);
    expect(skus).toContain("OS-TEE-ORG-BLK-M");
    const barcodes = catalog.variants.map((v) => v.barcode);
    expect(new Set(barcodes).size).toBe(barcodes.length);
    const items = new Map(catalog.inventoryItems.map((i) => [i.id, i]));
    for (const v of catalog.variants) {
      expect(v.sku).toMatch(/^OS(-[A-Z0-9]+)+$/);
      expect(isValidEan13(v.barcode!), v.barcode!).toBe(true);
      expect(v.price).toMatch(/^\d+\.\d{2}$/);
      if (v.compareAtPrice) expect(Number(v.compareAtPrice)).toBeGreaterThan(Number(v.price));
      const item = items.get(v.inventoryItemId)!;
      expect(item.variantId).toBe(v.id);
      expect(item.sku).toBe(v.sku);
    }
    const policies = catalog.variants.map((v) => v.inventoryPolicy);
    const continued = policies.filter((p) => p === "CONTINUE").length;
    expect(continued).toBeGreaterThan(0);
    expect(continued / policies.length).toBeLessThan(0.1);
  });

  it("tracks everything but 2-3 gift-card-like items", () => {
    const untracked = catalog.inventoryItems.filter((i) => !i.tracked);
    expect(untracked.length).toBeGreaterThanOrEqual(2);
    expect(untracked.length).toBeLessThanOrEqual(3);
    for (const item of untracked) {
      expect(item.requiresShipping).toBe(false);
      expect(productById.get(variantById.get(item.variantId)!.productId)!.productType).toBe("Gift Card");
    }
    for (const item of catalog.inventoryItems.filter((i) => i.tracked)) {
      expect(item.requiresShipping).toBe(true);
      expect(item.unitCost).toMatch(/^\d+\.\d{2}$/);
    }
  });

  it("places one warehouse and three boutiques close together in one city", () => {
    const cities = new Set(catalog.locations.map((l) => l.address.city));
    expect(cities.size).toBe(1);
    for (const a of catalog.locations) {
      expect(a.address.address1).toMatch(/\d+ \S+/);
      for (const b of catalog.locations) expect(distanceKm(a, b)).toBeLessThan(8);
    }
    expect(warehouse.fulfillsOnlineOrders).toBe(true);
    expect(warehouse.openingHours).toBeNull();
    expect(warehouse.localPickup).toBeNull();
    expect(retail.filter((l) => l.localPickup !== null)).toHaveLength(2);
    expect(retail.filter((l) => !l.fulfillsOnlineOrders)).toHaveLength(1);
    for (const shop of retail) {
      expect(Object.keys(shop.openingHours!).sort()).toEqual(["fri", "mon", "sat", "sun", "thu", "tue", "wed"]);
      if (shop.localPickup) {
        expect(shop.fulfillsOnlineOrders).toBe(true);
        expect(shop.localPickup.instructions.length).toBeGreaterThan(10);
        expect(shop.localPickup.readyWithinHours).toBeGreaterThan(0);
      }
    }
  });

  it("stocks every tracked item at every location, realistically", () => {
    const tracked = catalog.inventoryItems.filter((i) => i.tracked);
    expect(catalog.levels).toHaveLength(tracked.length * catalog.locations.length);
    const keys = new Set(catalog.levels.map((l) => `${l.inventoryItemId}:${l.locationId}`));
    expect(keys.size).toBe(catalog.levels.length);
    for (const item of tracked) for (const loc of catalog.locations) expect(keys.has(`${item.id}:${loc.id}`)).toBe(true);

    const zero = catalog.levels.filter((l) => onHand(l.quantities) === 0).length / catalog.levels.length;
    expect(zero).toBeGreaterThan(0.1);
    expect(zero).toBeLessThan(0.2);
    expect(catalog.levels.some((l) => l.quantities.available >= 1 && l.quantities.available <= 3)).toBe(true);
    for (const name of ["committed", "reserved", "incoming", "damaged", "safety_stock"] as const) {
      expect(catalog.levels.some((l) => l.quantities[name] > 0), name).toBe(true);
    }
    const retailIds = new Set(retail.map((l) => l.id));
    expect(catalog.levels.filter((l) => l.quantities.safety_stock > 0).every((l) => retailIds.has(l.locationId))).toBe(true);
    for (const level of catalog.levels) {
      for (const value of Object.values(level.quantities)) expect(Number.isInteger(value) && value >= 0).toBe(true);
      expect(Date.parse(level.updatedAt)).toBeLessThanOrEqual(NOW.getTime());
    }
    const total = (locationId: string) =>
      catalog.levels.filter((l) => l.locationId === locationId).reduce((sum, l) => sum + onHand(l.quantities), 0);
    for (const shop of retail) expect(total(warehouse.id)).toBeGreaterThan(3 * total(shop.id));
  });

  it("has 30 customers with safe emails, demo passwords and spread locales", () => {
    const locales = new Set(catalog.customers.map((c) => c.locale));
    for (const locale of ["en", "fr", "de", "es", "ja", "zh-CN", "ru"]) expect(locales.has(locale), locale).toBe(true);
    const emails = catalog.customers.map((c) => c.email);
    expect(new Set(emails).size).toBe(30);
    for (const c of catalog.customers) {
      expect(c.email).toMatch(/^[a-z0-9.]+@example\.(com|org|net)$/);
      expect(c.password).toMatch(/^shopper-\d+$/);
      expect(c.firstName.length).toBeGreaterThan(0);
      expect(Date.parse(c.createdAt)).toBeLessThanOrEqual(NOW.getTime());
    }
    expect(catalog.customers.some((c) => c.phone === null)).toBe(true);
    expect(catalog.customers.some((c) => c.phone !== null)).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Connected store
// ---------------------------------------------------------------------------------------------------------------

describe("generateConnectedStoreCatalog", () => {
  const normalise = (sku: string) => sku.trim().toUpperCase().replace(/-\d+PK$/, "");
  const homeSkus = new Set(catalog.variants.map((v) => v.sku!));

  it("is a one-location store with its own ids starting at startId", () => {
    expect(connected.locations).toHaveLength(1);
    expect(connected.customers).toEqual([]);
    const ids = allIds(connected);
    expect(new Set(ids).size).toBe(ids.length);
    expect(Math.min(...ids.map(Number))).toBe(500);
    expect(connected.nextId).toBe(Math.max(...ids.map(Number)) + 1);
    expect(connected.locations[0]!.address.countryCode).not.toBe(warehouse.address.countryCode);
    expect(connected.levels).toHaveLength(connected.inventoryItems.filter((i) => i.tracked).length);
    for (const v of connected.variants) expect(isValidEan13(v.barcode!), v.barcode!).toBe(true);
  });

  it("sells about 60% of the home products under the same SKUs", () => {
    const plain = connected.products.filter((p) => !p.tags.includes("multipack") && !p.tags.includes("bundle"));
    const share = plain.length / catalog.products.length;
    expect(share).toBeGreaterThan(0.5);
    expect(share).toBeLessThan(0.7);
    const homeTitles = new Set(catalog.products.map((p) => p.title));
    for (const p of plain) expect(homeTitles.has(p.title)).toBe(true);
    for (const v of connected.variants.filter((v) => plain.some((p) => p.id === v.productId))) {
      expect(homeSkus.has(normalise(v.sku!)), v.sku!).toBe(true);
    }
  });

  it("has the SKU mess: lower case, whitespace, one duplicate, multipacks and a bundle", () => {
    const skus = connected.variants.map((v) => v.sku!);
    expect(skus.filter((s) => s.trim() === s && s !== s.toUpperCase()).length).toBeGreaterThanOrEqual(2);
    expect(skus.filter((s) => s !== s.trim()).length).toBeGreaterThanOrEqual(1);
    const counts = new Map<string, number>();
    for (const s of skus) counts.set(s, (counts.get(s) ?? 0) + 1);
    const duplicated = [...counts].filter(([, n]) => n > 1);
    expect(duplicated).toHaveLength(1);
    expect(duplicated[0]![1]).toBe(2);

    const packs = connected.variants.filter((v) => /-\dPK$/.test(v.sku!));
    expect(new Set(packs.map((v) => v.productId)).size).toBeGreaterThanOrEqual(2);
    for (const v of packs) {
      const size = /-(\d)PK$/.exec(v.sku!)![1];
      expect(connected.products.find((p) => p.id === v.productId)!.title).toContain(`${size}-pack`);
      expect(homeSkus.has(normalise(v.sku!))).toBe(true);
    }

    const bundles = connected.products.filter((p) => p.tags.includes("bundle"));
    expect(bundles).toHaveLength(1);
    const bundleVariant = connected.variants.find((v) => v.productId === bundles[0]!.id)!;
    expect(homeSkus.has(normalise(bundleVariant.sku!))).toBe(false);
    const componentSkus = [...bundles[0]!.descriptionHtml.matchAll(/SKU ([A-Z0-9-]+)/g)].map((m) => m[1]!);
    expect(componentSkus.length).toBeGreaterThanOrEqual(2);
    for (const sku of componentSkus) expect(homeSkus.has(sku)).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Order history
// ---------------------------------------------------------------------------------------------------------------

describe("generateOrderHistory", () => {
  const nowMs = NOW.getTime();
  const fromMs = nowMs - DAYS * DAY_MS;
  const locationIds = new Set(catalog.locations.map((l) => l.id));
  const retailIds = new Set(retail.map((l) => l.id));
  const customersById = new Map(catalog.customers.map((c) => [c.id, c]));
  const fulfillmentsByOrder = new Map<string, History["fulfillments"]>();
  for (const f of history.fulfillments) fulfillmentsByOrder.set(f.orderId, [...(fulfillmentsByOrder.get(f.orderId) ?? []), f]);
  const refundsByOrder = new Map<string, History["refunds"]>();
  for (const r of history.refunds) refundsByOrder.set(r.orderId, [...(refundsByOrder.get(r.orderId) ?? []), r]);

  it("hands out unique ids across the catalog and the history", () => {
    const ids = allIds(catalog, history);
    expect(new Set(ids).size).toBe(ids.length);
    expect(Math.min(...history.orders.map((o) => Number(o.id)))).toBeGreaterThanOrEqual(catalog.nextId);
    expect(history.nextId).toBe(Math.max(...ids.map(Number)) + 1);
  });

  it("spreads 6-20 orders over every full day, with busier weekends", () => {
    const perDay = new Map<string, number>();
    for (const o of history.orders) {
      const day = parisDate.format(new Date(o.createdAt));
      perDay.set(day, (perDay.get(day) ?? 0) + 1);
    }
    const days = [...perDay.keys()].sort();
    const full = days.slice(1, -1);
    expect(full.length).toBeGreaterThanOrEqual(DAYS - 2);
    for (const day of full) {
      expect(perDay.get(day)!, day).toBeGreaterThanOrEqual(6);
      expect(perDay.get(day)!, day).toBeLessThanOrEqual(20);
    }
    const weekday = (day: string) => new Date(`${day}T12:00:00Z`).getUTCDay();
    const mean = (list: string[]) => list.reduce((s, d) => s + perDay.get(d)!, 0) / list.length;
    expect(mean(full.filter((d) => [0, 6].includes(weekday(d))))).toBeGreaterThan(mean(full.filter((d) => ![0, 6].includes(weekday(d)))));
    // Some products sell far more than others.
    const sold = new Map<string, number>();
    for (const o of history.orders) for (const l of o.lineItems) sold.set(l.productId!, (sold.get(l.productId!) ?? 0) + l.quantity);
    const ranked = [...sold.values()].sort((a, b) => b - a);
    expect(ranked[0]!).toBeGreaterThan(10 * ranked[ranked.length - 1]!);
  });

  it("names orders #1001, #1002, ... in order and references real variants", () => {
    history.orders.forEach((o, i) => expect(o.name).toBe(`#${1001 + i}`));
    for (let i = 1; i < history.orders.length; i++) {
      expect(history.orders[i]!.createdAt >= history.orders[i - 1]!.createdAt).toBe(true);
    }
    for (const o of history.orders) {
      expect(o.lineItems.length).toBeGreaterThan(0);
      for (const line of o.lineItems) {
        const variant = variantById.get(line.variantId!);
        expect(variant, `${o.name} ${line.variantId}`).toBeDefined();
        expect(line.productId).toBe(variant!.productId);
        expect(line.sku).toBe(variant!.sku);
        expect(line.price).toBe(variant!.price);
        expect(line.title).toBe(productById.get(variant!.productId)!.title);
        expect(line.quantity).toBeGreaterThan(0);
      }
    }
  });

  it("keeps every date within [now - days, now]", () => {
    const dates: string[] = [];
    for (const o of history.orders) dates.push(o.createdAt, o.updatedAt, ...(o.cancelledAt ? [o.cancelledAt] : []), ...(o.closedAt ? [o.closedAt] : []));
    for (const f of history.fulfillmentOrders) dates.push(f.createdAt, f.updatedAt, ...f.holds.map((h) => h.heldAt));
    for (const f of history.fulfillments) dates.push(f.createdAt, f.updatedAt, ...f.events.map((e) => e.happenedAt));
    for (const r of history.refunds) dates.push(r.createdAt);
    for (const r of history.returns) dates.push(r.createdAt);
    for (const date of dates) {
      expect(date).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      const ms = Date.parse(date);
      expect(ms, date).toBeGreaterThanOrEqual(fromMs);
      expect(ms, date).toBeLessThanOrEqual(nowMs);
    }
  });

  it("sells web and POS orders with customers' locales or guests", () => {
    const pos = history.orders.filter((o) => o.sourceName === "pos");
    const web = history.orders.filter((o) => o.sourceName === "web");
    expect(pos.length + web.length).toBe(history.orders.length);
    expect(pos.length).toBeGreaterThan(history.orders.length * 0.2);
    expect(web.length).toBeGreaterThan(history.orders.length * 0.4);
    for (const o of pos) {
      expect(retailIds.has(o.locationId!)).toBe(true);
      expect(o.shippingAddress).toBeNull();
      const fs = fulfillmentsByOrder.get(o.id)!;
      expect(fs).toHaveLength(1);
      expect(fs[0]!.locationId).toBe(o.locationId);
      expect(Date.parse(fs[0]!.createdAt) - Date.parse(o.createdAt)).toBeLessThan(5 * 60_000);
    }
    for (const o of web) expect(o.locationId).toBeNull();
    for (const o of history.orders) {
      if (o.customerId) {
        const customer = customersById.get(o.customerId)!;
        expect(o.email).toBe(customer.email);
        expect(o.customerLocale).toBe(customer.locale);
        expect(Date.parse(customer.createdAt)).toBeLessThanOrEqual(Date.parse(o.createdAt));
      }
      if (o.email) expect(o.email).toMatch(/@example\.(com|org|net)$/);
    }
    expect(web.some((o) => o.customerId === null && o.email !== null)).toBe(true);
    const locales = new Set(history.orders.map((o) => o.customerLocale));
    for (const locale of ["en", "fr", "de", "es", "ja", "zh-CN", "ru"]) expect(locales.has(locale), locale).toBe(true);
    // Local pick-up at a boutique that offers it.
    const pickupShops = new Set(retail.filter((l) => l.localPickup).map((l) => l.id));
    const pickups = history.fulfillmentOrders.filter((f) => f.deliveryMethod === "PICK_UP" && history.orders.find((o) => o.id === f.orderId)!.sourceName === "web");
    expect(pickups.length).toBeGreaterThan(0);
    for (const f of pickups) expect(pickupShops.has(f.assignedLocationId)).toBe(true);
  });

  it("keeps statuses consistent with fulfillments, refunds and cancellations", () => {
    const foByOrder = new Map(history.fulfillmentOrders.map((f) => [f.orderId, f]));
    for (const o of history.orders) {
      const fs = fulfillmentsByOrder.get(o.id) ?? [];
      const refunds = refundsByOrder.get(o.id) ?? [];
      const fo = foByOrder.get(o.id)!;
      expect(fo).toBeDefined();
      expect(locationIds.has(fo.assignedLocationId)).toBe(true);
      const fulfilled = new Map<string, number>();
      for (const f of fs) for (const l of f.lineItems) fulfilled.set(l.lineItemId, (fulfilled.get(l.lineItemId) ?? 0) + l.quantity);
      for (const line of o.lineItems) {
        expect(fulfilled.get(line.id) ?? 0).toBeLessThanOrEqual(line.quantity);
        if (!o.cancelledAt) expect(line.fulfillableQuantity).toBe(line.quantity - (fulfilled.get(line.id) ?? 0));
      }
      const allDone = o.lineItems.every((l) => fulfilled.get(l.id) === l.quantity);
      if (o.fulfillmentStatus === "FULFILLED") {
        expect(allDone).toBe(true);
        expect(fo.status).toBe("CLOSED");
        expect(o.closedAt).not.toBeNull();
      } else if (o.fulfillmentStatus === "PARTIALLY_FULFILLED") {
        expect(fs.length).toBeGreaterThan(0);
        expect(allDone).toBe(false);
        expect(fo.status).toBe("IN_PROGRESS");
      } else {
        expect(fs).toHaveLength(0);
      }
      if (o.financialStatus === "PAID" || o.financialStatus === "PENDING") expect(refunds).toHaveLength(0);
      else expect(refunds.length).toBeGreaterThan(0);
      if (o.financialStatus === "PENDING") {
        expect(fo.status).toBe("ON_HOLD");
        expect(fo.holds.length).toBeGreaterThan(0);
      }
      if (o.cancelledAt) {
        expect(o.fulfillmentStatus).toBe("UNFULFILLED");
        expect(o.financialStatus).toBe("REFUNDED");
        expect(fo.status).toBe("CANCELLED");
        expect(o.lineItems.every((l) => l.fulfillableQuantity === 0)).toBe(true);
        const cancel = refunds.flatMap((r) => r.lineItems).filter((l) => l.restockType === "CANCEL");
        expect(cancel.map((l) => l.lineItemId).sort()).toEqual(o.lineItems.map((l) => l.id).sort());
        for (const l of cancel) expect(l.locationId).toBe(fo.assignedLocationId);
      }
    }
  });

  it("cancels about 2% of orders", () => {
    const share = history.orders.filter((o) => o.cancelledAt).length / history.orders.length;
    expect(share).toBeGreaterThan(0.005);
    expect(share).toBeLessThan(0.04);
  });

  it("takes back about 6% of fulfilled orders, refunded with restockType RETURN where they came back", () => {
    const fulfilled = history.orders.filter((o) => o.fulfillmentStatus === "FULFILLED" && !o.cancelledAt);
    const share = history.returns.length / fulfilled.length;
    expect(share).toBeGreaterThan(0.03);
    expect(share).toBeLessThan(0.1);
    const ordersById = new Map(history.orders.map((o) => [o.id, o]));
    for (const ret of history.returns) {
      const order = ordersById.get(ret.orderId)!;
      expect(order.fulfillmentStatus).toBe("FULFILLED");
      expect(ret.status).toBe("CLOSED");
      expect(ret.locationId === warehouse.id || retailIds.has(ret.locationId!)).toBe(true);
      expect(["REFUNDED", "PARTIALLY_REFUNDED"]).toContain(order.financialStatus);
      const refund = (refundsByOrder.get(order.id) ?? []).find((r) => r.lineItems.some((l) => l.restockType === "RETURN"))!;
      expect(refund).toBeDefined();
      expect(refund.createdAt >= ret.createdAt).toBe(true);
      expect(refund.lineItems).toEqual(ret.lineItems.map((l) => ({ ...l, restockType: "RETURN", locationId: ret.locationId })));
      const delivered = (fulfillmentsByOrder.get(order.id) ?? []).flatMap((f) => f.events).find((e) => e.status === "DELIVERED" || e.status === "PICKED_UP");
      if (delivered) expect(ret.createdAt > delivered.happenedAt).toBe(true);
    }
    expect(history.returns.some((r) => r.locationId === warehouse.id)).toBe(true);
    expect(history.returns.some((r) => retailIds.has(r.locationId!))).toBe(true);
  });

  it("ships with valid UPS, USPS, DHL Express and S10 tracking numbers", () => {
    const shipped = history.fulfillments.filter((f) => f.trackingNumbers.length > 0);
    expect(shipped.length).toBeGreaterThan(200);
    const numbers = shipped.flatMap((f) => f.trackingNumbers);
    expect(new Set(numbers).size).toBe(numbers.length);
    const byCompany = new Map<string, number>();
    for (const f of shipped) {
      const company = f.trackingCompany!;
      const number = f.trackingNumbers[0]!;
      byCompany.set(company, (byCompany.get(company) ?? 0) + 1);
      expect(f.trackingUrls).toHaveLength(1);
      expect(f.trackingUrls[0]).toMatch(/^https:\/\//);
      expect(f.trackingUrls[0]).toContain(number);
      if (company === "UPS") expect(isValidUps(number), number).toBe(true);
      else if (company === "USPS") {
        expect(number).toMatch(/^9400\d{18}$/);
        expect(isValidUsps22(number), number).toBe(true);
      } else if (company === "DHL Express") expect(isValidDhlExpress(number), number).toBe(true);
      else {
        expect(["La Poste", "Royal Mail", "Canada Post"]).toContain(company);
        expect(isValidS10(number), number).toBe(true);
        const countries: Record<string, string> = { "La Poste": "FR", "Royal Mail": "GB", "Canada Post": "CA" };
        expect(number.slice(-2)).toBe(countries[company]);
      }
    }
    for (const company of ["UPS", "USPS", "DHL Express", "La Poste"]) expect(byCompany.get(company) ?? 0, company).toBeGreaterThan(0);
    expect((byCompany.get("Royal Mail") ?? 0) + (byCompany.get("Canada Post") ?? 0)).toBeGreaterThan(0);
  });

  it("tracks parcels from CONFIRMED to DELIVERED, recent ones still on their way, ~3% with trouble", () => {
    const shipped = history.fulfillments.filter((f) => f.trackingNumbers.length > 0);
    const order = ["CONFIRMED", "IN_TRANSIT", "DELAYED", "OUT_FOR_DELIVERY", "ATTEMPTED_DELIVERY", "DELIVERED", "FAILURE"];
    let trouble = 0;
    for (const f of shipped) {
      const statuses = f.events.map((e) => e.status);
      expect(statuses[0]).toBe("CONFIRMED");
      for (let i = 1; i < f.events.length; i++) expect(f.events[i]!.happenedAt >= f.events[i - 1]!.happenedAt).toBe(true);
      expect(Date.parse(f.events[0]!.happenedAt)).toBeGreaterThanOrEqual(Date.parse(f.createdAt));
      if (statuses.some((s) => s === "DELAYED" || s === "FAILURE" || s === "ATTEMPTED_DELIVERY")) trouble++;
      else expect(statuses).toEqual(order.filter((s) => statuses.includes(s as (typeof statuses)[number])));
      const ageDays = (NOW.getTime() - Date.parse(f.createdAt)) / DAY_MS;
      if (ageDays > 20 && !statuses.includes("FAILURE")) expect(statuses[statuses.length - 1]).toBe("DELIVERED");
    }
    expect(trouble / shipped.length).toBeGreaterThan(0.005);
    expect(trouble / shipped.length).toBeLessThan(0.07);
    expect(shipped.some((f) => !f.events.some((e) => e.status === "DELIVERED" || e.status === "FAILURE"))).toBe(true);
    expect(shipped.some((f) => f.events.some((e) => e.estimatedDeliveryAt !== null))).toBe(true);
    expect(history.orders.some((o) => o.sourceName === "web" && o.fulfillmentStatus === "UNFULFILLED" && !o.cancelledAt)).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Determinism
// ---------------------------------------------------------------------------------------------------------------

describe("determinism", () => {
  afterEach(() => vi.restoreAllMocks());

  it("gives the same output for the same seed and now, without Math.random or the clock", () => {
    const random = vi.spyOn(Math, "random");
    const clock = vi.spyOn(Date, "now");
    const again = generateCatalog({ seed: SEED, shopName: "Maison Omni", startId: 1000, now: NOW });
    const againHistory = generateOrderHistory({ seed: SEED, catalog: again, days: DAYS, now: NOW, startId: again.nextId });
    const againConnected = generateConnectedStoreCatalog(again, { seed: SEED, shopName: "Nordlicht Living", startId: 500, now: NOW });
    expect(random).not.toHaveBeenCalled();
    expect(clock).not.toHaveBeenCalled();
    expect(again).toEqual(catalog);
    expect(againHistory).toEqual(history);
    expect(againConnected).toEqual(connected);
  });

  it("gives different output for a different seed", () => {
    const other = generateCatalog({ seed: SEED + 1, shopName: "Maison Omni", startId: 1000, now: NOW });
    const otherHistory = generateOrderHistory({ seed: SEED + 1, catalog: other, days: DAYS, now: NOW, startId: other.nextId });
    expect(other.levels).not.toEqual(catalog.levels);
    expect(other.variants.map((v) => v.barcode)).not.toEqual(catalog.variants.map((v) => v.barcode));
    expect(otherHistory.orders).not.toEqual(history.orders);
    // Same structure, though: same SKUs.
    expect(other.variants.map((v) => v.sku)).toEqual(catalog.variants.map((v) => v.sku));
  });
});
