import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningDevStore } from "../../devstore/server";
import { startFixtureDevStore, type Fixture } from "../support/devstore";

// The dev storefront renders theme app extension blocks through Liquid, as a Shopify theme would.
// test/fixtures/extensions/sample-widget is a small block that uses what the real widgets use.

let devstore: RunningDevStore & { fixture: Fixture };
beforeAll(async () => {
  devstore = await startFixtureDevStore();
});
afterAll(() => devstore.close());

describe("dev storefront", () => {
  it("renders app blocks on product pages with product, routes, settings and translations", async () => {
    const html = await (await fetch(`${devstore.url}/products/organic-tee`)).text();
    expect(html).toContain('<div class="sample-widget" data-variant-id="200" data-proxy="/apps/omnistock"');
    expect(html).toContain("<p>Availability of Organic Tee</p>");
    expect(html).toContain('<p class="sku">TEE-BLK-M</p>');
    expect(html).toContain('<script src="/extensions/sample-widget/assets/stock-note.js" defer></script>');
    expect(html).not.toContain("{% schema %}");
    expect(html).not.toContain('"target": "section"');
  });

  it("follows ?variant= and the shopper's language, falling back to the default locale", async () => {
    const fr = await (await fetch(`${devstore.url}/fr/products/organic-tee?variant=200`)).text();
    expect(fr).toContain('<html lang="fr">');
    expect(fr).toContain("<p>Disponibilité de Organic Tee</p>");
    expect(fr).toContain('data-proxy="/fr/apps/omnistock"');
  });

  it("serves extension assets and refuses paths outside them", async () => {
    const asset = await fetch(`${devstore.url}/extensions/sample-widget/assets/stock-note.js`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get("content-type")).toBe("text/javascript");
    expect((await fetch(`${devstore.url}/extensions/sample-widget/assets/..%2F..%2Fshopify.extension.toml`)).status).toBe(404);
  });

  it("greets a logged-in shopper through the customer object", async () => {
    const login = await fetch(`${devstore.url}/account/login`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: "email=ada%40example.com&password=shopper-1",
      redirect: "manual",
    });
    const cookie = login.headers.get("set-cookie")!.split(";")[0]!;
    const html = await (await fetch(`${devstore.url}/products/organic-tee`, { headers: { Cookie: cookie } })).text();
    expect(html).toContain('<p class="greeting">Hello Ada</p>');
    const wrong = await fetch(`${devstore.url}/account/login`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: "email=ada%40example.com&password=nope",
    });
    expect(wrong.status).toBe(401);
  });
});
