import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningDevStore } from "../../devstore/server";
import { parseMessages } from "../../extensions/order-tracking/src/i18n";
import { startFixtureDevStore, type Fixture } from "../support/devstore";

// The order tracking block rendered by the dev storefront from extensions/order-tracking on a content page, as
// Shopify renders it: schema defaults, routes.root_url, app-data metafields, customer, the shopper's language.

let devstore: RunningDevStore & { fixture: Fixture };

beforeAll(async () => {
  devstore = await startFixtureDevStore({ extensionsDir: path.resolve(import.meta.dirname, "../../extensions") });
});
afterAll(() => devstore.close());

const decode = (value: string) => value.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");

async function block(pathname: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${devstore.url}${pathname}`, { headers });
  expect(response.status).toBe(200);
  const html = await response.text();
  const element = /<omnistock-order-tracking[\s\S]*?<\/omnistock-order-tracking>/.exec(html)?.[0];
  expect(element, "the block renders").toBeDefined();
  const open = /<omnistock-order-tracking[^>]*>/.exec(element!)![0];
  const attribute = (name: string) => {
    const value = new RegExp(`\\s${name}(?:="([^"]*)")?[\\s>]`).exec(open);
    return value ? decode(value[1] ?? "") : undefined;
  };
  const strings = /<script type="application\/json" data-ot-i18n>([\s\S]*?)<\/script>/.exec(element!)?.[1];
  const i18n = JSON.parse(strings ?? "null") as Record<string, string>;
  return { html, element: element!, attribute, i18n, strings: strings! };
}

/** The input named `name`, as a tag. */
const input = (element: string, name: string) => new RegExp(`<input[^>]*\\sname="${name}"[^>]*>`).exec(element)?.[0] ?? "";

describe("order tracking block", () => {
  it("renders on a page with the proxy path, the schema defaults and its assets", async () => {
    const { html, attribute } = await block("/pages/track-order");
    expect(attribute("data-proxy")).toBe("/apps/omnistock");
    expect(attribute("data-items")).toBe("1");
    expect(attribute("data-customer")).toBeUndefined();
    expect(attribute("style")).toBeUndefined(); // no accent: the theme's colours
    expect(html).toContain('<script src="/extensions/order-tracking/assets/order-tracking.js" defer></script>');
    expect(html).toContain('<link rel="stylesheet" href="/extensions/order-tracking/assets/order-tracking.css">');
    expect(html).toContain("Track your order</h2>");
  });

  it("shows only on pages: not on product pages, where the store availability block is", async () => {
    const product = await (await fetch(`${devstore.url}/products/organic-tee`)).text();
    expect(product).not.toContain("<omnistock-order-tracking");
    expect(product).toContain("<omnistock-availability");
    expect((await block("/pages/track-order")).html).not.toContain("<omnistock-availability");
  });

  it("renders an accessible form with both lookups, never sent as GET", async () => {
    const { element } = await block("/pages/track-order");
    expect(element).toMatch(/<form class="ot__form" method="post" novalidate data-ot-form aria-labelledby="ot-[^"]+-heading">/);
    expect(element).toContain('<input type="radio" name="by" value="order" checked>');
    expect(element).toContain('<input type="radio" name="by" value="number">');
    expect(element).toContain("<legend>Find your order with</legend>");

    const expectations: [string, string[]][] = [
      ["order", ['type="text"', "required", 'autocomplete="off"', 'inputmode="text"']],
      ["email", ['type="email"', "required", 'autocomplete="email"', 'inputmode="email"']],
      ["number", ['type="text"', "required", "disabled", 'autocomplete="off"', 'inputmode="text"']],
    ];
    for (const [name, attributes] of expectations) {
      const tag = input(element, name);
      for (const attribute of attributes) expect(tag, `${name} ${attribute}`).toContain(attribute);
      // A real label, and the hint and error slot it is described by.
      const id = /\sid="([^"]+)"/.exec(tag)![1]!;
      expect(element).toMatch(new RegExp(`<label for="${id}">[^<]+</label>`));
      const describedBy = /aria-describedby="([^"]+)"/.exec(tag)![1]!.split(" ");
      expect(describedBy).toEqual([`${id}-hint`, `${id}-error`]);
      expect(element).toContain(`<p class="ot__hint" id="${id}-hint">`);
      expect(element).toContain(`<p class="ot__error" id="${id}-error" data-ot-error="${name}"></p>`);
    }
    // The tracking number fields wait, hidden, until the shopper picks that lookup.
    expect(element).toContain('<div class="ot__fields" data-ot-mode="number" hidden>');
  });

  it("has a results region with a polite live region and no placeholder for an anonymous shopper", async () => {
    const { element } = await block("/pages/track-order");
    expect(element).toContain('<div class="ot__results" data-ot-results>');
    expect(element).toContain('<p class="ot__vh" aria-live="polite" aria-atomic="true" data-ot-live></p>');
    expect(element).toContain('<div class="ot__body" data-ot-body></div>');
  });

  it("passes every string the script needs, with placeholders for it to fill", async () => {
    const { i18n, strings } = await block("/pages/track-order");
    expect(i18n.not_found).toBe("We couldn't find an order with that number and email. Check both and try again.");
    expect(i18n.shipment_n).toBe("Shipment {index} of {count}");
    expect(i18n.expected_late).toBe("Expected by {date} — running late");
    expect(i18n.rate_limited).toBe("That's a lot of lookups in a short time. Please try again in {time}.");
    expect(i18n.reason_customs_hold).toMatch(/customs/);
    expect(Object.keys(i18n)).not.toContain("heading");
    expect(Object.values(i18n).filter((text) => text.startsWith("translation missing"))).toEqual([]);
    expect(parseMessages(strings)).toEqual(i18n);
  });

  it("joins the proxy path to a language's root with one slash and renders that language", async () => {
    const { element, attribute, i18n } = await block("/fr/pages/track-order");
    expect(attribute("data-proxy")).toBe("/fr/apps/omnistock");
    expect(element).toContain("Suivre ma commande</h2>");
    expect(element).toContain("Numéro de commande</label>");
    expect(i18n.not_found).toBe("Nous n'avons trouvé aucune commande avec ce numéro et cet e-mail. Vérifiez les deux et réessayez.");
    expect(i18n.shipment_n).toBe("Colis {index} sur {count}");
    expect(i18n.expected).toBe("Livraison prévue le {date}");
    expect(i18n.step_out_for_delivery).toBe("En cours de livraison");
  });

  it("takes the proxy path from the app's metafield when the merchant renamed the proxy", async () => {
    devstore.store.setAppMetafield(devstore.fixture.shop, "omnistock", "proxy_path", "single_line_text_field", "/a/stock");
    try {
      expect((await block("/ja/pages/track-order")).attribute("data-proxy")).toBe("/ja/a/stock");
      expect((await block("/pages/track-order")).attribute("data-proxy")).toBe("/a/stock");
    } finally {
      devstore.store.shop(devstore.fixture.shop).appMetafields.delete("omnistock.proxy_path");
    }
  });

  it("tells the script a customer is logged in, without saying who, and reserves room for their orders", async () => {
    const login = await fetch(`${devstore.url}/account/login`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: "email=ada%40example.com&password=shopper-1",
      redirect: "manual",
    });
    const cookie = login.headers.get("set-cookie")!.split(";")[0]!;
    const { element, attribute } = await block("/pages/track-order", { Cookie: cookie });
    expect(attribute("data-customer")).toBe("");
    expect(element).not.toContain("ada@example.com");
    expect(element).not.toContain("900"); // the customer's id
    expect(element).toContain('<div class="ot__body" data-ot-body aria-busy="true"><div class="ot__card ot__skeleton" aria-hidden="true"></div>');
  });
});
