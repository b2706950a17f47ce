import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { availabilityFor, DEFAULT_SETTINGS, distanceKm, parseWidgetSettings, verifiedSettings, widgetKey, type LocationRow } from "../../app/storefront-proxy/availability";

// The rules behind the storefront availability widget, without I/O.

const location = (locationId: string, name: string, extra: Partial<LocationRow> = {}): LocationRow => ({
  locationId, name, isActive: true, storefrontVisible: true, address1: null, city: null, zip: null, country: null,
  latitude: null, longitude: null, pickupTime: null, openingHours: null, ...extra,
});
const key = widgetKey("app-secret", "shop.myshopify.com");
const sign = (raw: string) => createHmac("sha256", key).update(raw).digest("hex");

describe("verifiedSettings", () => {
  it("reads signed settings as the block wrote them", () => {
    const raw = "q=1&low=2&n=7&pickup=0&loc=Presqu%27%C3%AEle%2C%2012";
    expect(verifiedSettings(raw, sign(raw), key)).toEqual({
      signed: true,
      settings: { quantities: true, lowStockThreshold: 2, maxShops: 7, pickupTimes: false, locations: ["presqu'île", "12"] },
    });
  });

  it.each<[string, string | null, string | null]>([
    ["no settings", null, null],
    ["no signature", "q=1", null],
    ["a signature of other settings", "q=1&n=50", sign("q=0&n=5")],
    ["a signature that is not hex", "q=1", "zz".repeat(32)],
    ["a short signature", "q=1", sign("q=1").slice(0, 40)],
    ["another key's signature", "q=1", createHmac("sha256", widgetKey("app-secret", "other.myshopify.com")).update("q=1").digest("hex")],
  ])("falls back to the least revealing settings for %s", (_name, raw, signature) => {
    expect(verifiedSettings(raw, signature, key)).toEqual({ signed: false, settings: DEFAULT_SETTINGS });
  });

  it("keeps numbers in range whatever was signed", () => {
    const raw = "q=1&low=99999&n=0";
    expect(verifiedSettings(raw, sign(raw), key).settings).toMatchObject({ lowStockThreshold: DEFAULT_SETTINGS.lowStockThreshold, maxShops: 1 });
  });
});

describe("parseWidgetSettings", () => {
  it("reads the admin preview's form as the storefront reads the block's settings", () => {
    const form = new URLSearchParams("variant=42&q=1&low=4&n=3&pickup=0&loc=Brotteaux%2C+4");
    expect(parseWidgetSettings(form)).toEqual({ quantities: true, lowStockThreshold: 4, maxShops: 3, pickupTimes: false, locations: ["brotteaux", "4"] });
    const raw = "q=1&low=4&n=3&pickup=0&loc=Brotteaux%2C+4";
    expect(verifiedSettings(raw, sign(raw), key).settings).toEqual(parseWidgetSettings(form));
  });

  it("gives the defaults for what is missing or unreadable, and clamps numbers out of range", () => {
    expect(parseWidgetSettings(new URLSearchParams())).toEqual(DEFAULT_SETTINGS);
    expect(parseWidgetSettings(new URLSearchParams("q=yes&low=&n=abc&pickup=1&loc=+,+"))).toEqual(DEFAULT_SETTINGS);
    expect(parseWidgetSettings(new URLSearchParams("low=5000&n=90"))).toMatchObject({ lowStockThreshold: 1000, maxShops: 50 });
  });
});

describe("distanceKm", () => {
  it("measures great-circle distances", () => {
    // Lyon Part-Dieu to Paris Gare de Lyon: about 392 km as the crow flies.
    expect(distanceKm({ lat: 45.7605, lng: 4.8596 }, { lat: 48.8443, lng: 2.3744 })).toBeCloseTo(392, -1);
    expect(distanceKm({ lat: 45.76, lng: 4.83 }, { lat: 45.76, lng: 4.83 })).toBe(0);
  });
});

describe("availabilityFor", () => {
  const locations = [
    location("1", "Warehouse", { storefrontVisible: false }),
    location("2", "Bellecour", { latitude: 45.757, longitude: 4.832, pickupTime: "ONE_HOUR" }),
    location("3", "Brotteaux", { latitude: 45.768, longitude: 4.852 }),
    location("4", "Closed shop", { isActive: false }),
  ];
  const available = new Map([["1", 10], ["2", 0], ["3", 3], ["4", 50]]);

  it("gives each visible active shop a status; units elsewhere make an empty shop 'transfer'", () => {
    const rows = availabilityFor({ locations, available, alwaysAvailable: false, settings: { ...DEFAULT_SETTINGS } });
    expect(rows.map((r) => [r.name, r.status, r.quantity])).toEqual([
      ["Brotteaux", "low_stock", null],
      ["Bellecour", "transfer", null],
    ]);
    expect(rows.find((r) => r.name === "Bellecour")!.pickup).toEqual({ available: true, readyIn: "PT1H" });
  });

  it("says out of stock when no location has any, and in stock for items sold without tracking", () => {
    const none = new Map([["1", 0], ["2", 0], ["3", -2]]);
    expect(availabilityFor({ locations, available: none, alwaysAvailable: false, settings: { ...DEFAULT_SETTINGS } }).map((r) => r.status)).toEqual(["out_of_stock", "out_of_stock"]);
    const untracked = availabilityFor({ locations, available: none, alwaysAvailable: true, settings: { ...DEFAULT_SETTINGS, quantities: true } });
    expect(untracked.map((r) => [r.status, r.quantity])).toEqual([["in_stock", null], ["in_stock", null]]);
  });

  it("shows only the locations the merchant listed, by name or id, and at most maxShops", () => {
    const settings = { ...DEFAULT_SETTINGS, locations: ["brotteaux", "4", "1"], maxShops: 5 };
    expect(availabilityFor({ locations, available, alwaysAvailable: false, settings }).map((r) => r.name)).toEqual(["Brotteaux"]);
    expect(availabilityFor({ locations, available, alwaysAvailable: false, settings: { ...DEFAULT_SETTINGS, maxShops: 1 } })).toHaveLength(1);
  });

  it("sorts by distance for a located shopper, shops without coordinates last", () => {
    const rows = availabilityFor({
      locations: [...locations, location("5", "Somewhere")],
      available: new Map([...available, ["5", 4]]),
      alwaysAvailable: false,
      settings: { ...DEFAULT_SETTINGS },
      shopper: { lat: 45.769, lng: 4.853 },
    });
    expect(rows.map((r) => r.name)).toEqual(["Brotteaux", "Bellecour", "Somewhere"]);
    expect(rows[2]!.distanceKm).toBeNull();
  });
});
