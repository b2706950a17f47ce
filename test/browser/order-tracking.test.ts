import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { db } from "../../app/db.server";
import { HOME_SHOP } from "../../devstore/demo-shops";
import type { RunningDevStore } from "../../devstore/server";
import type { Customer, Order } from "../../devstore/state/model";
import type { DevStore } from "../../devstore/state/store";
import { screenshotPath } from "../support/browser";
import { startDemoStorefront, type DemoStorefront } from "../support/demo-storefront";

// The order-tracking block on a demo storefront page, in Chromium, against the app: a split order found by
// number and email, one parcel by its tracking number, an exception explained, the logged-in view, "wrong
// email" and "no such order" told apart by nothing, the rate limit, axe-core, several languages.

const root = path.resolve(import.meta.dirname, "../..");
let demo: DemoStorefront;
let devstore: RunningDevStore;
let page: Page;
let customer: Customer;
let order: Order;
const UPS = "1Z999AA10123456784";
const DHL = "3318810025";

/** A new order of two items for a demo customer, shipped in two parcels; the second fails a delivery. */
function shipSplitOrder(store: DevStore) {
  const shop = store.shop(HOME_SHOP);
  customer = [...shop.customers.values()].find((c) => c.locale === "en")!;
  const stocked = [...shop.variants.values()].filter((v) => [...shop.inventoryLevels.values()].some((l) => l.inventoryItemId === v.inventoryItemId && l.quantities.available > 2));
  order = store.createOrder(HOME_SHOP, {
    customerId: customer.id,
    lineItems: [{ variantId: stocked[0]!.id, quantity: 1 }, { variantId: stocked[1]!.id, quantity: 1 }],
    shippingAddress: { address1: "3 rue Neuve", city: "Lyon", zip: "69001", country: "France", countryCode: "FR" },
  });
  const fulfillmentOrders = [...shop.fulfillmentOrders.values()].filter((fo) => fo.orderId === order.id);
  const lines = fulfillmentOrders.flatMap((fo) => fo.lineItems.map((line) => ({ fo, line })));
  const first = store.fulfill(HOME_SHOP, { fulfillmentOrderId: lines[0]!.fo.id, lineItems: [{ fulfillmentOrderLineItemId: lines[0]!.line.id, quantity: 1 }], trackingCompany: "UPS", trackingNumbers: [UPS] });
  const second = store.fulfill(HOME_SHOP, { fulfillmentOrderId: lines[1]!.fo.id, lineItems: [{ fulfillmentOrderLineItemId: lines[1]!.line.id, quantity: 1 }], trackingCompany: "DHL Express", trackingNumbers: [DHL] });
  const now = Date.now();
  store.addFulfillmentEvent(HOME_SHOP, first.id, { status: "IN_TRANSIT", message: "Departed facility", happenedAt: new Date(now - 3_600_000).toISOString(), city: "Lyon", country: "France", estimatedDeliveryAt: null });
  store.addFulfillmentEvent(HOME_SHOP, second.id, { status: "ATTEMPTED_DELIVERY", message: "Recipient not at home", happenedAt: new Date(now - 1_800_000).toISOString(), city: "Lyon", country: "France", estimatedDeliveryAt: null });
}

const cards = () => page.locator("article.ot__card");
const results = (response: { url(): string }) => response.url().includes("/apps/omnistock/tracking");

async function lookUpOrder(name: string, email: string) {
  await page.getByLabel("Order number and email").check();
  await page.getByLabel("Order number", { exact: true }).fill(name);
  await page.getByLabel("Email", { exact: true }).fill(email);
  const [response] = await Promise.all([page.waitForResponse(results), page.getByRole("button", { name: "Track" }).click()]);
  return { status: response.status(), body: await response.text(), headers: response.headers() };
}

beforeAll(async () => {
  demo = await startDemoStorefront({ viewport: { width: 1280, height: 1000 } });
  ({ devstore, page } = demo);

  // Parcels shipped after the install arrive as fulfillment webhooks.
  shipSplitOrder(devstore.store);
  const deadline = Date.now() + 60_000;
  const arrived = async () =>
    (await db().shipment.count({ where: { shop: HOME_SHOP, orderId: order.id } })) === 2 &&
    (await db().shipment.count({ where: { shop: HOME_SHOP, orderId: order.id, status: { in: ["attempt_fail", "exception"] } } })) === 1;
  while (!(await arrived())) {
    if (Date.now() > deadline) throw new Error("The shipments of the new order and their events never arrived");
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}, 180_000);

afterAll(() => demo?.close(), 120_000);

describe("the order tracking block", () => {
  it("finds a split order by number and email: both parcels, their progress, and the failed delivery explained", async () => {
    await page.goto(`${devstore.url}/pages/track-order`);
    const answer = await lookUpOrder(order.name, customer.email.toUpperCase());
    expect(answer.status).toBe(200);
    await expect.poll(() => cards().count()).toBe(2);
    await expect(page.getByText(UPS).first().isVisible()).resolves.toBe(true);
    await expect(page.getByText(DHL).first().isVisible()).resolves.toBe(true);
    const failed = cards().filter({ hasText: DHL });
    await expect(failed.getAttribute("data-status")).resolves.toMatch(/attempt_fail|exception/);
    await expect(failed.innerText()).resolves.toMatch(/Shipment 2 of 2[\s\S]*The carrier tried to deliver it/i);
    await page.screenshot({ path: screenshotPath("tracking-split-order"), fullPage: true });
  });

  it("is accessible: axe-core finds no serious or critical violation", async () => {
    await page.addScriptTag({ content: readFileSync(path.join(root, "node_modules/axe-core/axe.min.js"), "utf8") });
    const violations = await page.evaluate(async () => {
      const axe = (window as unknown as { axe: { run(context: Element): Promise<{ violations: { id: string; impact: string }[] }> } }).axe;
      return (await axe.run(document.querySelector("[data-ot]") ?? document.body)).violations.map((v) => ({ id: v.id, impact: v.impact }));
    });
    expect(violations.filter((v) => v.impact === "serious" || v.impact === "critical")).toEqual([]);
  });

  it("answers a wrong email exactly as an order that does not exist", async () => {
    const wrongEmail = await lookUpOrder(order.name, "someone.else@example.com");
    const noSuchOrder = await lookUpOrder("#999999", customer.email);
    expect(wrongEmail.status).toBe(404);
    expect(noSuchOrder.body).toBe(wrongEmail.body);
    expect(noSuchOrder.status).toBe(wrongEmail.status);
    await expect(page.getByText("We couldn't find an order with that number and email").isVisible()).resolves.toBe(true);
  });

  it("finds one parcel by its tracking number", async () => {
    await page.getByLabel("Tracking number", { exact: true }).first().check();
    await page.locator("input[name=number]").fill(UPS.toLowerCase().replace(/(.{4})/g, "$1 "));
    await Promise.all([page.waitForResponse(results), page.getByRole("button", { name: "Track" }).click()]);
    await expect.poll(() => cards().count()).toBe(1);
    await expect(cards().first().getByText(UPS).isVisible()).resolves.toBe(true);
  });

  it("shows a logged-in customer's orders without typing, in their language", async () => {
    await page.goto(`${devstore.url}/account/login`);
    await page.getByLabel("Email").fill(customer.email);
    await page.getByLabel("Password").fill(customer.password);
    await page.getByRole("button", { name: "Log in" }).click();
    await page.waitForURL(`${devstore.url}/`);
    for (const locale of ["fr", "ja"]) {
      await page.goto(`${devstore.url}/${locale}/pages/track-order`);
      await cards().first().waitFor({ timeout: 20_000 });
      await expect.poll(() => cards().count()).toBeGreaterThanOrEqual(2);
      await expect(page.getByText(UPS).first().isVisible()).resolves.toBe(true);
      await expect(page.getByText("Lyon, FR", { exact: false }).first().isVisible()).resolves.toBe(true);
      expect(await page.getAttribute("html", "lang")).toBe(locale);
      await page.screenshot({ path: screenshotPath(`tracking-logged-in-${locale}`), fullPage: true });
    }
  });
  it("stops a run of lookups from one address with a clear message", async () => {
    await page.goto(`${devstore.url}/pages/track-order`);
    let limited = null as null | { status: number; body: string };
    for (let attempt = 0; attempt < 15 && !limited; attempt += 1) {
      const answer = await lookUpOrder(`#${500_000 + attempt}`, "guess@example.com");
      if (answer.status === 429) limited = answer;
    }
    expect(limited?.status).toBe(429);
    expect((JSON.parse(limited!.body) as { retryAfter: number }).retryAfter).toBeGreaterThan(0);
    await expect(page.getByText("That's a lot of lookups in a short time", { exact: false }).isVisible()).resolves.toBe(true);
  });
});
