import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { buildWidget } from "../../scripts/build-extensions";
import { checkForm, numberFromSearch } from "../../extensions/order-tracking/src/form";
import { formatDay, formatEventTime, formatPlaced, formatWait, pageLocale, safeLink } from "../../extensions/order-tracking/src/format";
import { interpolate, parseMessages, translator } from "../../extensions/order-tracking/src/i18n";
import { fetchTracking, trackingUrl, type Lookup } from "../../extensions/order-tracking/src/request";
import { explanation, outcomeMessage, progress, resultsView, type ViewOptions } from "../../extensions/order-tracking/src/results";
import { EXCEPTION_REASONS, type Order, type Shipment, type TrackingEvent } from "../../extensions/order-tracking/src/types";

// The order tracking widget's logic, its size budget and its translations.

const EXTENSION = path.resolve(import.meta.dirname, "../../extensions/order-tracking");
const LOCALES = path.join(EXTENSION, "locales");
const read = (file: string) => JSON.parse(readFileSync(path.join(LOCALES, file), "utf8"));
const LANGUAGES = ["en.default", "de", "es", "fr", "ja", "ru", "zh-CN"];

const en = read("en.default.json").order_tracking as Record<string, string>;
const t = translator(en);
// Intl may put no-break spaces in dates and units; compare with plain ones.
const plain = (text: string | null) => text?.replace(/[\u00a0\u202f]/g, " ") ?? null;

function event(at: string, status: TrackingEvent["status"], description = "", location: string | null = null): TrackingEvent {
  return { at, status, description, location };
}

function shipment(extra: Partial<Shipment> = {}): Shipment {
  return {
    id: "gid://shopify/Fulfillment/1",
    carrier: { code: "dhl", name: "DHL Express" },
    trackingNumber: "1234567890",
    trackingUrl: "https://www.dhl.com/track?id=1234567890",
    status: "in_transit",
    reason: null,
    step: 2,
    estimatedDelivery: "2026-11-24",
    late: false,
    pickup: null,
    items: [{ title: "Organic Tee", quantity: 2 }],
    events: [event("2026-11-20T09:00:00+01:00", "info_received", "Label created"), event("2026-11-21T14:05:00+01:00", "in_transit", "Departed facility", "Lyon")],
    ...extra,
  };
}

const order = (extra: Partial<Order> = {}): Order => ({ name: "#1001", placedAt: "2026-11-19T10:00:00Z", destination: "Lyon, France", shipments: [shipment()], ...extra });
const options: ViewOptions = { t, lang: "en-GB", items: true, timeZone: "Europe/Paris", now: new Date("2026-11-21T12:00:00Z") };

describe("requests", () => {
  it("sends order number and email, encoded", () => {
    const url = new URL(trackingUrl("/fr/apps/omnistock", { by: "order", order: "#1001", email: "ada+shop@example.com" }), "https://shop.example");
    expect(url.pathname).toBe("/fr/apps/omnistock/tracking");
    expect(Object.fromEntries(url.searchParams)).toEqual({ order: "#1001", email: "ada+shop@example.com" });
    expect(url.search).toBe("?order=%231001&email=ada%2Bshop%40example.com");
  });

  it("sends a tracking number alone, and nothing at all for a logged-in customer's own orders", () => {
    expect(trackingUrl("/apps/omnistock", { by: "number", number: "1Z999AA10123456784" })).toBe("/apps/omnistock/tracking?number=1Z999AA10123456784");
    expect(trackingUrl("/apps/omnistock", { by: "customer" })).toBe("/apps/omnistock/tracking");
  });

  it("joins a proxy path with a trailing slash with one slash", () => {
    expect(trackingUrl("/a/stock/", { by: "customer" })).toBe("/a/stock/tracking");
  });

  const fake = (status: number, body: unknown, headers: Record<string, string> = {}) => {
    const calls: [string, RequestInit][] = [];
    const impl = (async (url: string, init: RequestInit) => {
      calls.push([url, init]);
      return new Response(typeof body === "string" ? body : JSON.stringify(body), { status, headers });
    }) as unknown as typeof fetch;
    return { calls, impl };
  };

  it("asks for JSON, never from the cache, and returns the orders", async () => {
    const { calls, impl } = fake(200, { orders: [order()] });
    expect(await fetchTracking("/apps/omnistock/tracking", impl)).toEqual({ kind: "found", orders: [order()] });
    expect(calls[0]![1]).toMatchObject({ headers: { Accept: "application/json" }, cache: "no-store" });
  });

  it.each([
    [404, { error: "not_found" }, {}, { kind: "not_found" }],
    [429, { error: "rate_limited", retryAfter: 120 }, {}, { kind: "rate_limited", retryAfter: 120 }],
    [429, "Too Many Requests", { "Retry-After": "30" }, { kind: "rate_limited", retryAfter: 30 }],
    [429, "", {}, { kind: "rate_limited", retryAfter: 60 }],
    [400, { error: "invalid_request", message: "email is required" }, {}, { kind: "invalid" }],
    [500, { error: "internal" }, {}, { kind: "failed" }],
    [502, "<html>Bad gateway</html>", {}, { kind: "failed" }],
    [200, { order: {} }, {}, { kind: "failed" }],
    [200, "<!doctype html><title>Shop</title>", {}, { kind: "failed" }],
  ] as const)("maps %s %j to an outcome", async (status, body, headers, outcome) => {
    expect(await fetchTracking("/x", fake(status, body, headers).impl)).toEqual(outcome);
  });

  it("turns a network failure into an outcome rather than a rejection", async () => {
    const offline = (async () => {
      throw new TypeError("Failed to fetch");
    }) as unknown as typeof fetch;
    expect(await fetchTracking("/x", offline)).toEqual({ kind: "failed" });
  });
});

describe("form", () => {
  it("asks for an order number and a well-formed email, trimmed", () => {
    expect(checkForm("order", { order: " #1001 ", email: " ada@example.com " })).toEqual({ lookup: { by: "order", order: "#1001", email: "ada@example.com" } });
    expect(checkForm("order", { order: "", email: "" })).toEqual({ errors: { order: "missing_order", email: "missing_email" } });
    expect(checkForm("order", { order: "1001", email: "ada@example" })).toEqual({ errors: { email: "bad_email" } });
    expect(checkForm("order", { order: "1001", email: "not an email" })).toEqual({ errors: { email: "bad_email" } });
    expect(checkForm("order", { order: "EU-1001", email: "ada@example.com" })).toMatchObject({ lookup: { order: "EU-1001" } });
    expect(checkForm("order", { order: "ada@example.com", email: "ada@example.com" })).toEqual({ errors: { order: "bad_order" } });
  });

  it("takes a tracking number as printed, spaces and all", () => {
    expect(checkForm("number", { number: " 1Z 999 AA1 01 2345 6784 ", order: "ignored" })).toEqual({ lookup: { by: "number", number: "1Z999AA10123456784" } });
    expect(checkForm("number", { number: "   " })).toEqual({ errors: { number: "missing_number" } });
  });

  it("prefills a tracking number from ?number= and never reads an order or email from the URL", () => {
    expect(numberFromSearch("?number=LX123456789FR")).toBe("LX123456789FR");
    expect(numberFromSearch("?utm_source=email&number=1Z%20999%20AA1")).toBe("1Z999AA1");
    expect(numberFromSearch("?order=%231001&email=ada%40example.com")).toBeNull();
    expect(numberFromSearch("?number=JD014600006281230.1")).toBe("JD014600006281230.1");
    for (const bad of ["?number=", "?number=abc12", "?number=<script>", "?number=-123456", `?number=${"9".repeat(61)}`]) expect(numberFromSearch(bad), bad).toBeNull();
  });
});

describe("results", () => {
  it("shows one card per shipment of a split order, numbered", () => {
    const split = order({ shipments: [shipment({ id: "a" }), shipment({ id: "b", status: "delivered", step: 4, carrier: null, trackingUrl: null })] });
    const view = resultsView([split], options)!;
    expect(view.heading).toBe("Order #1001");
    expect(view.orders[0]!.placed).toBe("Placed on 19 November 2026");
    expect(view.orders[0]!.destination).toBe("Delivering to Lyon, France");
    expect(view.orders[0]!.shipments.map((s) => [s.id, s.title, s.headline])).toEqual([
      ["a", "Shipment 1 of 2", "On its way"],
      ["b", "Shipment 2 of 2", "Delivered"],
    ]);
  });

  it("calls a single shipment just a shipment, with its carrier, number, link, items and estimate", () => {
    const [card] = resultsView([order()], options)!.orders[0]!.shipments;
    expect(card).toMatchObject({
      title: "Shipment",
      carrier: "DHL Express",
      number: "1234567890",
      link: { href: "https://www.dhl.com/track?id=1234567890", text: "Track with DHL Express" },
      items: ["2 × Organic Tee"],
      estimate: "Expected Tuesday 24 November",
      explanation: null,
    });
  });

  it("hides items when the merchant turned the list off", () => {
    expect(resultsView([order()], { ...options, items: false })!.orders[0]!.shipments[0]!.items).toEqual([]);
  });

  it("names a logged-in customer's orders and several found orders", () => {
    expect(resultsView([order()], { ...options, mine: true })!.heading).toBe("Your recent orders");
    expect(resultsView([order(), order({ name: "#1002" })], options)!.heading).toBe("Your orders");
    expect(resultsView([], options)).toBeNull();
  });

  it("shows an order that hasn't shipped as ordered, and says so", () => {
    const [card] = resultsView([order({ shipments: [] })], options)!.orders[0]!.shipments;
    expect(card!.steps.map((s) => s.state)).toEqual(["current", "todo", "todo", "todo", "todo"]);
    expect(card!.explanation).toBe(en.not_shipped);
    expect(card!.link).toBeNull();
  });

  it("marks the steps before the current one done, and the current one current", () => {
    const steps = progress(shipment({ step: 2 }), t);
    expect(steps.map((s) => s.label)).toEqual(["Ordered", "Shipped", "In transit", "Out for delivery", "Delivered"]);
    expect(steps.map((s) => s.state)).toEqual(["done", "done", "current", "todo", "todo"]);
    expect(progress(shipment({ step: 4, status: "delivered" }), t).map((s) => s.state)).toEqual(["done", "done", "done", "done", "current"]);
  });

  it("off the happy path, shows how far the events got with no current step", () => {
    const stuck = shipment({ status: "exception", reason: "customs_hold", step: null });
    expect(progress(stuck, t).map((s) => s.state)).toEqual(["done", "done", "done", "todo", "todo"]);
    expect(progress(shipment({ step: null, events: [] }), t).map((s) => s.state)).toEqual(["done", "todo", "todo", "todo", "todo"]);
    expect(progress(shipment({ step: 9 }), t).some((s) => s.state === "current")).toBe(false);
  });

  it("says when a shipment is expected, and when it is running late", () => {
    const card = (extra: Partial<Shipment>, lang = "en-GB") => resultsView([order({ shipments: [shipment(extra)] })], { ...options, lang })!.orders[0]!.shipments[0]!;
    expect(card({}).estimate).toBe("Expected Tuesday 24 November");
    expect(card({ late: true }).estimate).toBe("Expected by Tuesday 24 November — running late");
    expect(card({ late: true, estimatedDelivery: null }).estimate).toBe("Running late");
    expect(card({ estimatedDelivery: null }).estimate).toBeNull();
    expect(card({ status: "delivered", step: 4 }).estimate).toBeNull();
    expect(card({ estimatedDelivery: "2027-01-05" }).estimate).toBe("Expected Tuesday, 5 January 2027");
    expect(card({ estimatedDelivery: "soon" }).estimate).toBeNull();
  });

  it("explains exception reasons, unknown codes, and off-path statuses without a reason", () => {
    expect(explanation("exception", "customs_hold", t)).toBe(en.reason_customs_hold);
    expect(explanation("attempt_fail", "recipient_unavailable", t)).toBe(en.reason_recipient_unavailable);
    expect(explanation("exception", "a_code_from_next_year", t)).toBe(en.reason_unknown);
    expect(explanation("exception", null, t)).toBe(en.reason_unknown);
    expect(explanation("returning_to_sender", null, t)).toBe(en.reason_returned);
    expect(explanation("expired", null, t)).toBe(en.reason_stalled);
    expect(explanation("in_transit", null, t)).toBeNull();
  });

  it("lists events newest first, in the shopper's time zone, with the status when the carrier gave no words", () => {
    const events = [
      event("2026-11-20T09:00:00+01:00", "info_received", "Label created"),
      event("2026-11-22T07:30:00+01:00", "out_for_delivery", "  "),
      event("2026-11-21T14:05:00+01:00", "in_transit", "Departed facility", "Lyon"),
    ];
    const [card] = resultsView([order({ shipments: [shipment({ events })] })], options)!.orders[0]!.shipments;
    expect(card!.events.map((e) => [e.at, plain(e.time), e.text, e.location])).toEqual([
      ["2026-11-22T07:30:00+01:00", "Sun 22 Nov 07:30", "Out for delivery", null],
      ["2026-11-21T14:05:00+01:00", "Sat 21 Nov 14:05", "Departed facility", "Lyon"],
      ["2026-11-20T09:00:00+01:00", "Fri 20 Nov 09:00", "Label created", null],
    ]);
    const tokyo = resultsView([order({ shipments: [shipment({ events })] })], { ...options, timeZone: "Asia/Tokyo" })!;
    expect(plain(tokyo.orders[0]!.shipments[0]!.events[0]!.time)).toBe("Sun 22 Nov 15:30");
  });

  it("shows pickup details for store pickup", () => {
    const pickup = { name: "Presqu'île shop", address: "2 Rue de la République, 69002 Lyon", hours: "Mon–Sat 10:00–19:00" };
    const [card] = resultsView([order({ shipments: [shipment({ status: "available_for_pickup", step: 3, pickup })] })], options)!.orders[0]!.shipments;
    expect(card).toMatchObject({ headline: "Ready for pickup", pickup });
  });

  it("links only to http(s) tracking pages", () => {
    const link = (trackingUrl: string | null) => resultsView([order({ shipments: [shipment({ trackingUrl })] })], options)!.orders[0]!.shipments[0]!.link;
    expect(link("javascript:alert(1)")).toBeNull();
    expect(link("//evil.example/x")).toBeNull();
    expect(link(null)).toBeNull();
    expect(resultsView([order({ shipments: [shipment({ carrier: null })] })], options)!.orders[0]!.shipments[0]!.link!.text).toBe("Track this parcel");
  });
});

describe("messages", () => {
  const byOrder: Lookup = { by: "order", order: "#1001", email: "ada@example.com" };

  it("says not found the same way whichever of number and email was wrong", () => {
    expect(outcomeMessage({ kind: "not_found" }, byOrder, { t })).toBe("We couldn't find an order with that number and email. Check both and try again.");
    expect(outcomeMessage({ kind: "found", orders: [] }, byOrder, { t })).toBe(en.not_found);
    expect(outcomeMessage({ kind: "not_found" }, { by: "number", number: "X1234" }, { t })).toBe(en.not_found_number);
    expect(outcomeMessage({ kind: "not_found" }, { by: "customer" }, { t })).toBe(en.no_orders);
  });

  it("gives the wait in minutes when rate limited, and words for the other failures", () => {
    expect(outcomeMessage({ kind: "rate_limited", retryAfter: 150 }, byOrder, { t, lang: "en" })).toBe("That's a lot of lookups in a short time. Please try again in 3 minutes.");
    expect(outcomeMessage({ kind: "rate_limited", retryAfter: 5 }, byOrder, { t, lang: "en" })).toContain("in 1 minute.");
    expect(outcomeMessage({ kind: "invalid" }, byOrder, { t })).toBe(en.invalid);
    expect(outcomeMessage({ kind: "failed" }, byOrder, { t })).toBe(en.error);
  });
});

describe("formatting", () => {
  const now = new Date("2026-06-01T00:00:00Z");

  it("writes an estimated day in the page's language, without letting a time zone move it", () => {
    expect(formatDay("2026-11-24", "en-GB", now)).toBe("Tuesday 24 November");
    expect(formatDay("2026-11-24", "fr", now)).toBe("mardi 24 novembre");
    expect(formatDay("2026-11-24", "de", now)).toBe("Dienstag, 24. November");
    expect(formatDay("2026-11-24", "ja", now)).toBe("11月24日火曜日");
    expect(formatDay("2027-01-05", "en-GB", now)).toBe("Tuesday, 5 January 2027");
    for (const bad of ["", "24/11/2026", "2026-13-45x"]) expect(formatDay(bad, "en", now), bad).toBeNull();
  });

  it("writes event times and order dates in a given zone", () => {
    expect(plain(formatEventTime("2026-11-24T23:30:00Z", "en-GB", "Europe/Paris"))).toBe("Wed 25 Nov 00:30");
    expect(plain(formatEventTime("2026-11-24T23:30:00Z", "en-US", "America/New_York"))).toBe("Tue, Nov 24 6:30 PM");
    expect(formatEventTime("yesterday", "en")).toBeNull();
    expect(formatPlaced("2026-11-19T23:30:00Z", "fr", "Europe/Paris")).toBe("20 novembre 2026");
  });

  it("writes waits in whole minutes, rounded up, in the page's language", () => {
    expect(plain(formatWait(61, "en"))).toBe("2 minutes");
    expect(plain(formatWait(0, "en"))).toBe("1 minute");
    expect(plain(formatWait(180, "ru"))).toBe("3 минуты");
    expect(plain(formatWait(300, "fr"))).toBe("5 minutes");
  });

  it("uses the page's language only when Intl accepts it", () => {
    expect(pageLocale("fr")).toBe("fr");
    expect(pageLocale("zh-CN")).toBe("zh-CN");
    expect(pageLocale("")).toBeUndefined();
    expect(pageLocale("not a language!")).toBeUndefined();
  });

  it("lets only http(s) links out", () => {
    expect(safeLink("https://t.example/x?y=1")).toBe("https://t.example/x?y=1");
    expect(safeLink("HTTP://t.example")).toBe("HTTP://t.example");
    for (const bad of ["javascript:alert(1)", "data:text/html,x", "/relative", "https://a b", ""]) expect(safeLink(bad), bad).toBeNull();
  });
});

describe("strings", () => {
  it("fills {name} (what the block renders) and {{ name }} (the locale files' own form)", () => {
    expect(interpolate("Shipment {index} of {count}", { index: 1, count: 2 })).toBe("Shipment 1 of 2");
    expect(interpolate("Order {{ name }}", { name: "#1001" })).toBe("Order #1001");
  });

  it("decodes what Shopify's t filter escapes, and survives a broken block", () => {
    expect(parseMessages('{"not_found":"We couldn&#39;t find it","n":1}')).toEqual({ not_found: "We couldn't find it" });
    expect(parseMessages("{oops")).toEqual({});
  });
});

describe("bundle", () => {
  it("stays within 6 KB gzipped", async () => {
    const built = await buildWidget("order-tracking", { write: false });
    console.log(`order-tracking.js: ${built.bytes} B, ${built.gzipBytes} B gzipped`);
    expect(built.gzipBytes).toBeLessThanOrEqual(6144);
    // A browser script, not a module: one IIFE, and no syntax newer than ES2019 (optional chaining is ES2020).
    const code = new TextDecoder().decode(built.code);
    expect(code).toMatch(/^("use strict";)?\(\(\)=>\{/);
    expect(code).not.toMatch(/\?\.[\w([]|\?\?/);
  });
});

describe("translations", () => {
  const files = readdirSync(LOCALES).sort();
  const flatten = (value: unknown, prefix = ""): [string, string][] =>
    typeof value === "string"
      ? [[prefix, value]]
      : Object.entries(value as object).flatMap(([key, child]) => flatten(child, prefix ? `${prefix}.${key}` : key));
  const placeholders = (text: string) => [...text.matchAll(/{{\s*(\w+)\s*}}/g)].map((m) => m[1]).sort();

  it("has the seven storefront languages, each with a schema file", () => {
    expect(files).toEqual(LANGUAGES.flatMap((code) => [`${code}.json`, `${code}.schema.json`]).sort());
  });

  for (const kind of [".json", ".schema.json"]) {
    const base = new Map(flatten(read(`en.default${kind}`)));
    it.each(LANGUAGES.filter((code) => code !== "en.default"))(`%s${kind} has exactly the keys of en.default${kind}, with the same placeholders`, (code) => {
      const other = new Map(flatten(read(`${code}${kind}`)));
      expect([...other.keys()].sort()).toEqual([...base.keys()].sort());
      for (const [key, text] of other) {
        expect(placeholders(text), `${code} ${key}`).toEqual(placeholders(base.get(key)!));
        expect(text.trim(), `${code} ${key}`).not.toBe("");
      }
    });
  }

  it.each(files)("%s is within Shopify's 15 KB per locale file", (file) => {
    expect(statSync(path.join(LOCALES, file)).size).toBeLessThanOrEqual(15 * 1024);
  });

  it.each(LANGUAGES)("%s explains every exception reason and names every status", (code) => {
    const strings = read(`${code}.json`).order_tracking as Record<string, unknown>;
    for (const reason of EXCEPTION_REASONS) expect(strings[`reason_${reason}`], `${code} reason_${reason}`).toEqual(expect.stringMatching(/\S/));
    const statuses = ["pending", "info_received", "in_transit", "out_for_delivery", "available_for_pickup", "attempt_fail", "delivered", "exception", "expired", "returning_to_sender"];
    for (const status of statuses) expect(strings[`status_${status}`], `${code} status_${status}`).toEqual(expect.stringMatching(/\S/));
  });

  it("puts every string the script uses into the block's strings: all but the heading and the form (rendered by Liquid)", () => {
    const liquid = readFileSync(path.join(EXTENSION, "blocks", "order-tracking.liquid"), "utf8");
    const rendered = [...liquid.matchAll(/"(\w+)": {{ 'order_tracking\.(\w+)' \| t/g)];
    for (const [, jsonKey, localeKey] of rendered) expect(jsonKey).toBe(localeKey);
    const scriptKeys = Object.keys(en).filter((key) => key !== "heading" && key !== "form");
    expect(rendered.map((m) => m[1]).sort()).toEqual(scriptKeys.sort());
    // Each placeholder reaches the script as {name}.
    for (const key of scriptKeys) {
      for (const name of placeholders(en[key]!)) expect(liquid, key).toMatch(new RegExp(`'order_tracking\\.${key}' \\| t:[^|]*${name}: '\\{${name}\\}'`));
    }
    // And every Liquid `t` key exists.
    const flat = new Map(flatten(read("en.default.json")));
    for (const [, key] of liquid.matchAll(/'(order_tracking\.[\w.]+)' \| t/g)) expect(flat.has(key!), key).toBe(true);
  });
});
