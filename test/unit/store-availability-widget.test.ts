import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { buildWidget } from "../../scripts/build-extensions";
import { coarsePosition, formatAddress, formatDistance, formatReadyIn as readyIn, parsePosition } from "../../extensions/store-availability/src/format";
import { decodeEntities, interpolate, parseMessages, translator } from "../../extensions/store-availability/src/i18n";
import { availabilityUrl, fetchAvailability, nextProxyPath } from "../../extensions/store-availability/src/request";
import { announcement, orderShops, statusText, summarize } from "../../extensions/store-availability/src/shops";
import type { AvailabilityResponse, ShopAvailability } from "../../extensions/store-availability/src/types";
import { currentVariant, variantFromSearch } from "../../extensions/store-availability/src/variant";

// The store availability widget's logic, its size budget and its translations.

const EXTENSION = path.resolve(import.meta.dirname, "../../extensions/store-availability");
const LOCALES = path.join(EXTENSION, "locales");

function shop(id: string, status: ShopAvailability["status"], extra: Partial<ShopAvailability> = {}): ShopAvailability {
  return {
    id,
    name: `Shop ${id}`,
    status,
    quantity: null,
    pickup: null,
    address: { line1: null, city: null, zip: null, country: null },
    hours: null,
    distanceKm: null,
    ...extra,
  };
}

const en = JSON.parse(readFileSync(path.join(LOCALES, "en.default.json"), "utf8")).store_availability as Record<string, string>;
const t = translator(en);

describe("strings", () => {
  it("fills {name} (what the block renders) and {{ name }} (the locale files' own form)", () => {
    expect(interpolate("Only {count} left", { count: 2 })).toBe("Only 2 left");
    expect(interpolate("Only {{ count }} left", { count: 2 })).toBe("Only 2 left");
    expect(interpolate("{shop}: {status}", { shop: "Lyon", status: "Low stock" })).toBe("Lyon: Low stock");
    expect(interpolate("Ready in {time}")).toBe("Ready in ");
  });

  it("decodes the HTML escaping Shopify's t filter applies", () => {
    expect(decodeEntities("Impossible d&#39;obtenir &quot;x&quot; &amp; &lt;y&gt;")).toBe(`Impossible d'obtenir "x" & <y>`);
    expect(parseMessages('{"a":"n&#39;est","b":3}')).toEqual({ a: "n'est" });
  });

  it("survives a broken strings block by showing keys", () => {
    expect(parseMessages("{not json")).toEqual({});
    expect(translator({})("retry")).toBe("retry");
  });
});

describe("requests", () => {
  const query = { variant: "200", settings: "q=1&low=3&n=5&pickup=1&loc=Lyon+Presqu%27%C3%AEle", sig: "ab12" };

  it("sends variant, the signed settings unchanged and the signature", () => {
    const url = new URL(availabilityUrl("/fr/apps/omnistock", query), "https://shop.example");
    expect(url.pathname).toBe("/fr/apps/omnistock/availability");
    expect(Object.fromEntries(url.searchParams)).toEqual(query);
  });

  it("joins a proxy path with a trailing slash with one slash", () => {
    expect(availabilityUrl("/apps/omnistock/", query)).toMatch(/^\/apps\/omnistock\/availability\?/);
  });

  it("adds a coarse position only when the shopper gave one", () => {
    expect(availabilityUrl("/a/s", query)).not.toContain("lat=");
    const url = new URL(availabilityUrl("/a/s", { ...query, position: [45.7, 4.84] }), "https://shop.example");
    expect([url.searchParams.get("lat"), url.searchParams.get("lng")]).toEqual(["45.70", "4.84"]);
  });

  it("takes the server's proxy path only when it is a path on the shop", () => {
    expect(nextProxyPath("/apps/stock", "/apps/omnistock")).toBe("/apps/stock");
    for (const bad of ["//evil.example/x", "https://evil.example", "/\\evil.example", "", "apps/x", null, 3, "/a b"]) {
      expect(nextProxyPath(bad, "/apps/omnistock"), String(bad)).toBe("/apps/omnistock");
    }
  });

  const answer: AvailabilityResponse = {
    variant: "200",
    proxyPath: "/apps/omnistock",
    refreshSeconds: 60,
    quantities: false,
    updatedAt: "2026-05-01T10:00:00Z",
    locations: [shop("12", "in_stock")],
  };

  it("asks for JSON with the last ETag and keeps what it shows on 304", async () => {
    const calls: [string, RequestInit][] = [];
    const fake = (status: number, body?: unknown, headers: Record<string, string> = {}) =>
      (async (url: string, init: RequestInit) => {
        calls.push([url, init]);
        return new Response(body === undefined ? null : JSON.stringify(body), { status, headers });
      }) as unknown as typeof fetch;

    expect(await fetchAvailability("/x", null, fake(200, answer, { ETag: '"v1"' }))).toEqual({ data: answer, etag: '"v1"' });
    expect(calls[0]![1]).toMatchObject({ credentials: "same-origin", headers: { Accept: "application/json" } });
    expect(calls[0]![1].headers).not.toHaveProperty("If-None-Match");

    expect(await fetchAvailability("/x", '"v1"', fake(304))).toBeNull();
    expect(calls[1]![1].headers).toMatchObject({ "If-None-Match": '"v1"' });
  });

  it("fails on an error status or an answer that is not the contract", async () => {
    const respond = (status: number, body: string) => (async () => new Response(body, { status })) as unknown as typeof fetch;
    await expect(fetchAvailability("/x", null, respond(401, '{"error":"unauthorized"}'))).rejects.toThrow("HTTP 401");
    await expect(fetchAvailability("/x", null, respond(200, '{"variant":"1"}'))).rejects.toThrow();
  });
});

describe("variant", () => {
  it("reads ?variant= wherever it is in the query", () => {
    expect(variantFromSearch("?variant=123")).toBe("123");
    expect(variantFromSearch("?ref=x&variant=456&y=1")).toBe("456");
    expect(variantFromSearch("?variant=")).toBeNull();
    expect(variantFromSearch("?subvariant=9")).toBeNull();
    expect(variantFromSearch("")).toBeNull();
  });

  it("prefers the product form's id (what goes to the cart) and falls back to the URL", () => {
    const scope = (value: string | null) => ({
      querySelector: (selector: string) => {
        expect(selector).toBe('form[action*="/cart/add"] [name="id"]');
        return value === null ? null : { value };
      },
    }) as unknown as ParentNode;
    expect(currentVariant(scope("42"), "?variant=7")).toBe("42");
    expect(currentVariant(scope(""), "?variant=7")).toBe("7"); // no such combination: keep to the URL
    expect(currentVariant(scope(null), "?variant=7")).toBe("7");
    expect(currentVariant(scope(null), "")).toBeNull();
  });
});

describe("shops", () => {
  const shops = [shop("1", "in_stock"), shop("2", "low_stock"), shop("3", "out_of_stock")];

  it("puts my shop first and keeps the server's order (by distance) for the rest", () => {
    expect(orderShops(shops, "3").map((s) => s.id)).toEqual(["3", "1", "2"]);
    expect(orderShops(shops, "1").map((s) => s.id)).toEqual(["1", "2", "3"]);
    expect(orderShops(shops, "gone")).toBe(shops);
    expect(orderShops(shops, null)).toBe(shops);
  });

  it.each([
    ["in_stock", 7, true, "7 in stock"],
    ["in_stock", 7, false, "In stock"],
    ["in_stock", null, true, "In stock"],
    ["low_stock", 2, true, "Only 2 left"],
    ["low_stock", 2, false, "Low stock"],
    ["out_of_stock", 0, true, "Out of stock"],
    ["transfer", 0, true, "Available to order"],
  ] as const)("says %s with quantity %s (quantities shown: %s) as %j", (status, quantity, quantities, text) => {
    expect(statusText(shop("1", status, { quantity }), quantities, t)).toBe(text);
  });

  it("announces nothing on the first answer or when no status changed", () => {
    expect(announcement(null, false, shops, t)).toBeNull();
    const withQuantities = shops.map((s) => ({ ...s, quantity: 99 }));
    expect(announcement(summarize(shops), true, withQuantities, t)).toBeNull();
  });

  it("names each shop whose status changed on a refresh, and ignores shops that appear", () => {
    const next = [shop("1", "low_stock"), shop("2", "low_stock"), shop("3", "in_stock"), shop("4", "in_stock")];
    expect(announcement(summarize(shops), true, next, t)).toBe("Shop 1: Low stock Shop 3: In stock");
  });

  it("sums up a new variant's list", () => {
    expect(announcement(summarize(shops), false, shops, t)).toBe("Shops with stock: 2 of 3");
    expect(announcement(summarize(shops), false, [], t)).toBe(en.empty);
  });
});

describe("formatting", () => {
  it("says ISO durations in the shopper's language and passes other text through", () => {
    const formatReadyIn = (value: string, lang: string) => readyIn(value, lang).replace(/\s/g, " "); // Intl may use no-break spaces
    expect(formatReadyIn("PT2H", "en")).toBe("2 hours");
    expect(formatReadyIn("PT1H", "en")).toBe("1 hour");
    expect(formatReadyIn("P1D", "fr")).toBe("1 jour");
    expect(formatReadyIn("PT45M", "de")).toBe("45 Minuten");
    expect(formatReadyIn("PT0H30M", "en")).toBe("30 minutes");
    expect(formatReadyIn("2-4 days", "en")).toBe("2-4 days");
    expect(formatReadyIn("PT0H", "en")).toBe("PT0H");
  });

  it("shows distances with one decimal close by and none further away", () => {
    expect(formatDistance(2.345, "en")).toBe("2.3");
    expect(formatDistance(2.345, "fr")).toBe("2,3");
    expect(formatDistance(12.6, "en")).toBe("13");
  });

  it("writes an address from what is there", () => {
    expect(formatAddress({ line1: "2 Rue X", city: "Lyon", zip: "69002", country: "FR" })).toBe("2 Rue X, 69002 Lyon");
    expect(formatAddress({ line1: null, city: "Lyon", zip: null, country: null })).toBe("Lyon");
    expect(formatAddress({ line1: null, city: null, zip: null, country: null })).toBe("");
  });

  it("keeps positions coarse and reads back only valid ones", () => {
    expect(coarsePosition(45.764043, 4.835659)).toEqual([45.76, 4.84]);
    expect(parsePosition("45.76,4.84")).toEqual([45.76, 4.84]);
    expect(parsePosition("45.7612345,-4.8")).toEqual([45.76, -4.8]);
    for (const bad of [null, "", ",", "91,0", "0,181", "abc", "1,2,3", "NaN,NaN"]) expect(parsePosition(bad), String(bad)).toBeNull();
  });
});

describe("bundle", () => {
  it("stays within 6 KB gzipped (and under theme check's 10 KB app block JavaScript threshold)", async () => {
    const built = await buildWidget("store-availability", { write: false });
    console.log(`store-availability.js: ${built.bytes} B, ${built.gzipBytes} B gzipped`);
    expect(built.gzipBytes).toBeLessThanOrEqual(6144);
    expect(built.bytes).toBeLessThanOrEqual(10_000);
    // A browser script, not a module: one IIFE, and no syntax newer than ES2019 (optional chaining is ES2020).
    const code = new TextDecoder().decode(built.code);
    expect(code).toMatch(/^("use strict";)?\(\(\)=>\{/);
    expect(code).not.toMatch(/\?\.[\w([]|\?\?/);
  });
});

describe("deploy", () => {
  // What Shopify CLI checks before it deploys a theme app extension: every file one folder down (minus
  // .shopifyignore) is in assets/, blocks/, locales/ or snippets/, with a type that folder allows.
  it("holds only what Shopify CLI accepts, once .shopifyignore leaves src/ out", () => {
    const ignored = readFileSync(path.join(EXTENSION, ".shopifyignore"), "utf8")
      .split("\n")
      .map((line) => /^([\w-]+)\/\*\*$/.exec(line.trim())?.[1])
      .filter(Boolean);
    const allowed: Record<string, RegExp> = {
      assets: /\.(jpe?g|json|js|css|png|svg|wasm)$/,
      blocks: /\.liquid$/,
      locales: /\.json$/,
      snippets: /\.liquid$/,
    };
    const folders = readdirSync(EXTENSION, { withFileTypes: true }).filter((e) => e.isDirectory() && !ignored.includes(e.name));
    for (const folder of folders) {
      const files = readdirSync(path.join(EXTENSION, folder.name), { withFileTypes: true }).filter((e) => e.isFile());
      for (const file of files) expect(`${folder.name}/${file.name}`).toMatch(allowed[folder.name] ?? /^$/);
    }
    expect(ignored).toContain("src");
  });
});

describe("types", () => {
  // The root tsconfig sees only what tests import; the widget has its own (ES2019 browsers, its JSX runtime).
  it("type-checks the whole widget for the browsers it targets", { timeout: 60_000 }, () => {
    const tsc = path.resolve(import.meta.dirname, "../../node_modules/.bin/tsc");
    let errors = "";
    try {
      execFileSync(tsc, ["-p", path.join(EXTENSION, "tsconfig.json"), "--noEmit"], { encoding: "utf8" });
    } catch (error) {
      errors = String((error as { stdout?: string }).stdout || error);
    }
    expect(errors).toBe("");
  });
});

describe("translations", () => {
  const files = readdirSync(LOCALES);
  const flatten = (value: unknown, prefix = ""): string[] =>
    typeof value === "string"
      ? [prefix]
      : Object.entries(value as object).flatMap(([key, child]) => flatten(child, prefix ? `${prefix}.${key}` : key));
  const read = (file: string) => JSON.parse(readFileSync(path.join(LOCALES, file), "utf8"));
  const placeholders = (text: string) => [...text.matchAll(/{{\s*(\w+)\s*}}/g)].map((m) => m[1]).sort();

  it("has the seven storefront languages, each with a schema file", () => {
    expect(files.sort()).toEqual(
      ["de", "en.default", "es", "fr", "ja", "ru", "zh-CN"].flatMap((code) => [`${code}.json`, `${code}.schema.json`]).sort(),
    );
  });

  for (const kind of [".json", ".schema.json"]) {
    const defaultFile = `en.default${kind}`;
    const others = files.filter((f) => f.endsWith(kind) && f !== defaultFile && (kind === ".schema.json" || !f.endsWith(".schema.json")));

    it.each(others)(`%s has exactly the keys of ${defaultFile}, with the same placeholders`, (file) => {
      const base = read(defaultFile);
      const other = read(file);
      expect(flatten(other).sort()).toEqual(flatten(base).sort());
      const get = (obj: unknown, key: string) => key.split(".").reduce((o: any, k) => o[k], obj) as string;
      for (const key of flatten(base)) {
        expect(placeholders(get(other, key)), `${file} ${key}`).toEqual(placeholders(get(base, key)));
        expect(get(other, key).trim(), `${file} ${key}`).not.toBe("");
      }
    });
  }

  it.each(files)("%s is within Shopify's 15 KB per locale file", (file) => {
    expect(statSync(path.join(LOCALES, file)).size).toBeLessThanOrEqual(15 * 1024);
  });

  it("puts every storefront string but the heading (rendered by Liquid) into the block's strings for the script", () => {
    const liquid = readFileSync(path.join(EXTENSION, "blocks", "store-availability.liquid"), "utf8");
    const rendered = [...liquid.matchAll(/"(\w+)": {{ 'store_availability\.(\w+)' \| t/g)];
    for (const [, jsonKey, localeKey] of rendered) expect(jsonKey).toBe(localeKey);
    expect(rendered.map((m) => m[1]).sort()).toEqual(Object.keys(en).filter((k) => k !== "heading").sort());
  });
});
