import { createHmac } from "node:crypto";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningDevStore } from "../../devstore/server";
import { startFixtureDevStore, type Fixture } from "../support/devstore";

// The store availability block rendered by the dev storefront from extensions/store-availability, as Shopify
// renders it: Liquid settings, app-data metafields, hmac_sha256, routes.root_url, and the shopper's language.

const WIDGET_KEY = "widget-key-for-tests";
let devstore: RunningDevStore & { fixture: Fixture };

beforeAll(async () => {
  devstore = await startFixtureDevStore({ extensionsDir: path.resolve(import.meta.dirname, "../../extensions") });
  devstore.store.setAppMetafield(devstore.fixture.shop, "omnistock", "widget_key", "single_line_text_field", WIDGET_KEY);
});
afterAll(() => devstore.close());

async function block(pathname: string) {
  const html = await (await fetch(`${devstore.url}${pathname}`)).text();
  const element = /<omnistock-availability[\s\S]*?<\/omnistock-availability>/.exec(html)?.[0];
  expect(element, "the block renders").toBeDefined();
  const attribute = (name: string) => {
    const value = new RegExp(`\\s${name}="([^"]*)"`).exec(element!)?.[1];
    return value?.replace(/&amp;/g, "&").replace(/&#39;/g, "'").replace(/&quot;/g, '"');
  };
  const i18n = /<script type="application\/json" data-osa-i18n>([\s\S]*?)<\/script>/.exec(element!)?.[1];
  return { html, element: element!, attribute, i18n: JSON.parse(i18n ?? "null") as Record<string, string> };
}

describe("store availability block", () => {
  it("renders the frame with the variant, product, signed default settings and a deferred script", async () => {
    const { html, element, attribute } = await block("/products/organic-tee");
    expect(attribute("data-variant")).toBe(devstore.fixture.items.tee.variantId);
    expect(attribute("data-product")).toBe("100");
    expect(attribute("data-proxy")).toBe("/apps/omnistock");
    const settings = attribute("data-settings")!;
    expect(settings).toBe("q=0&low=3&n=5&pickup=1&loc=");
    expect(attribute("data-sig")).toBe(createHmac("sha256", WIDGET_KEY).update(settings).digest("hex"));
    expect(element).toContain('style="--osa-rows: 5;"');
    expect(element).toContain('aria-live="polite"');
    expect(element.match(/osa__skeleton/g)).toHaveLength(5);
    expect(html).toContain('<script src="/extensions/store-availability/assets/store-availability.js" defer></script>');
    expect(html).toContain('<link rel="stylesheet" href="/extensions/store-availability/assets/store-availability.css">');
  });

  it("joins the proxy path to a language's root with one slash and renders the strings in that language", async () => {
    const { element, attribute, i18n } = await block("/fr/products/organic-tee");
    expect(attribute("data-proxy")).toBe("/fr/apps/omnistock");
    expect(element).toContain("Disponibilité en magasin</h2>");
    expect(i18n.in_stock).toBe("En stock");
    expect(i18n.low_stock_count).toBe("Plus que {count} en stock");
    expect(i18n.error).toBe("Impossible de charger la disponibilité en magasin.");
    expect(i18n.changed).toBe("{shop} : {status}");
  });

  it("takes the proxy path from the app's metafield when the merchant renamed the proxy", async () => {
    devstore.store.setAppMetafield(devstore.fixture.shop, "omnistock", "proxy_path", "single_line_text_field", "/a/stock");
    try {
      expect((await block("/ja/products/organic-tee")).attribute("data-proxy")).toBe("/ja/a/stock");
      expect((await block("/products/organic-tee")).attribute("data-proxy")).toBe("/a/stock");
    } finally {
      devstore.store.shop(devstore.fixture.shop).appMetafields.delete("omnistock.proxy_path");
    }
  });

  it("follows ?variant= on the server side too", async () => {
    const { attribute } = await block(`/products/stoneware-mug?variant=${devstore.fixture.items.mug.variantId}`);
    expect(attribute("data-variant")).toBe(devstore.fixture.items.mug.variantId);
  });
});
