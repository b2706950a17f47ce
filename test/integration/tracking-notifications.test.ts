import { createServer } from "node:net";
import nodemailer from "nodemailer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { databaseKind, db } from "../../app/db.server";
import { adminClientFor } from "../../app/shopify/admin-session.server";
import { saveSettings, settingsFormSchema } from "../../app/tracking/notification-settings.server";
import { processNotificationOutbox, recentNotifications, type OutboxDeps } from "../../app/tracking/notifications.server";
import { sweepShipments } from "../../app/tracking/sweep.server";
import { quietLogger } from "../support/app";
import { box, placeOrder, processWebhooks, startTrackingStore, type TrackingStore } from "./tracking-fixtures";

const HOUR = 3_600_000;
let store: TrackingStore;
let shop: string;

interface Captured {
  to: string;
  subject: string;
  text: string;
  html: string;
}
const captured: Captured[] = [];
/** nodemailer's JSON transport: the message is built exactly as for SMTP, then handed back instead of sent. */
const capture = () => {
  const transport = nodemailer.createTransport({ jsonTransport: true });
  const send = transport.sendMail.bind(transport);
  transport.sendMail = (async (mail: nodemailer.SendMailOptions) => {
    const info = await send(mail);
    const message = JSON.parse(info.message);
    captured.push({ to: message.to[0].address, subject: message.subject, text: message.text, html: message.html });
    return info;
  }) as typeof transport.sendMail;
  return transport;
};

const outbox = (extra: Partial<OutboxDeps> = {}): OutboxDeps => ({
  db: db(),
  kind: databaseKind(),
  logger: quietLogger,
  box: box(),
  adminFor: adminClientFor,
  capture: true,
  transport: capture,
  ...extra,
});

async function sendAll(deps = outbox()) {
  let total = 0;
  for (let n = await processNotificationOutbox(deps); n > 0; n = await processNotificationOutbox(deps)) total += n;
  return total;
}

const settle = async () => {
  await store.devstore.dispatcher.settle();
  await processWebhooks(true);
};

function event(fulfillmentId: string, status: string, at: number) {
  store.devstore.store.addFulfillmentEvent(shop, fulfillmentId, {
    status: status as "IN_TRANSIT",
    message: status === "DELIVERED" ? "Livré en boîte aux lettres" : null,
    happenedAt: new Date(at).toISOString(),
    city: "Lyon",
    country: "France",
    estimatedDeliveryAt: status === "IN_TRANSIT" ? new Date(at + 48 * HOUR).toISOString() : null,
  });
}

beforeAll(async () => {
  store = await startTrackingStore();
  shop = store.devstore.fixture.shop;
  const now = new Date().toISOString();
  store.devstore.store.addCustomer(shop, { id: "950", firstName: "Camille", lastName: "Martin", email: "camille@example.fr", phone: null, locale: "fr", password: "x", createdAt: now });
  store.devstore.store.addCustomer(shop, { id: "951", firstName: "Yuki", lastName: "Tanaka", email: "yuki@example.jp", phone: null, locale: "ja", password: "x", createdAt: now });
  store.devstore.store.addCustomer(shop, { id: "952", firstName: "João", lastName: "Silva", email: "joao@example.br", phone: null, locale: "pt-BR", password: "x", createdAt: now });
  const form = settingsFormSchema.parse({
    shopperEmails: "on",
    statuses: ["in_transit", "out_for_delivery", "available_for_pickup", "delivered", "exception"],
    alertEmail: "ops@fixture.example",
    alertOnException: "on",
    alertOnLate: "on",
    trackingPageUrl: "https://fixture.example/pages/tracking",
  });
  await saveSettings(db(), box(), shop, form);
}, 60_000);
afterAll(async () => {
  await store?.close();
});

describe("shopper emails", () => {
  let fulfillmentId: string;

  it("a status the merchant chose is queued once, in the order's language, however often the webhook comes", async () => {
    const { fo } = placeOrder(store, [{ variantId: store.devstore.fixture.items.tee.variantId, quantity: 1 }], { customerId: "950" });
    store.devstore.dispatcher.chaos = { duplicate: 1, drop: 0, delayMs: [0, 20] };
    fulfillmentId = store.devstore.store.fulfill(shop, { fulfillmentOrderId: fo.id, trackingCompany: "La Poste", trackingNumbers: ["RR123456785FR"] }).id;
    await settle();
    event(fulfillmentId, "IN_TRANSIT", Date.now() - 2 * HOUR);
    await settle();
    event(fulfillmentId, "OUT_FOR_DELIVERY", Date.now() - HOUR);
    await settle();
    event(fulfillmentId, "DELIVERED", Date.now() - 10 * 60_000);
    await settle();
    store.devstore.dispatcher.chaos = { duplicate: 0, drop: 0, delayMs: [0, 0] };

    const shipment = await db().shipment.findUniqueOrThrow({ where: { shop_fulfillmentId: { shop, fulfillmentId } } });
    const notes = await db().trackingNotification.findMany({ where: { shipmentId: shipment.id }, orderBy: { id: "asc" } });
    // info_received (shipped) is not among the chosen statuses.
    expect(notes.map((n) => [n.kind, n.trigger, n.locale, n.status])).toEqual([
      ["shopper", "in_transit", "fr", "pending"],
      ["shopper", "out_for_delivery", "fr", "pending"],
      ["shopper", "delivered", "fr", "pending"],
    ]);
    // The address is not stored until the email is sent.
    expect(notes.every((n) => n.recipient === null)).toBe(true);
  });

  it("the worker reads the address from the order and sends through the transport, once", async () => {
    captured.length = 0;
    expect(await sendAll()).toBe(3);
    expect(captured.map((m) => m.to)).toEqual(["camille@example.fr", "camille@example.fr", "camille@example.fr"]);
    expect(captured.map((m) => m.subject)).toEqual([
      expect.stringMatching(/^Fixture Goods: En route \(#\d+\)$/),
      expect.stringMatching(/En cours de livraison/),
      expect.stringMatching(/Livrée/),
    ]);
    const [transit] = captured;
    expect(transit!.text).toContain("Bonne nouvelle : votre commande #");
    expect(transit!.text).toContain("Numéro de suivi: RR123456785FR");
    expect(transit!.text).toMatch(/Suivre mon colis: https:\/\/fixture\.example\/pages\/tracking\?order=%23\d+/);
    expect(transit!.html).toContain('<html lang="fr">');
    expect(transit!.html).toContain("Transporteur");

    const rows = await db().trackingNotification.findMany({ where: { shop, kind: "shopper" } });
    expect(rows.every((r) => r.status === "sent" && r.transport === "capture" && r.sentAt)).toBe(true);
    // Sealed at rest, readable on the Notifications page.
    expect(rows.every((r) => r.recipient && !r.recipient.includes("camille"))).toBe(true);
    const listed = await recentNotifications(db(), box(), shop);
    expect(listed.filter((n) => n.kind === "shopper").map((n) => n.recipient)).toEqual(["camille@example.fr", "camille@example.fr", "camille@example.fr"]);

    captured.length = 0;
    expect(await sendAll()).toBe(0);
    expect(captured).toHaveLength(0);
  });

  it.each([
    ["951", "配送中", "ja"],
    ["952", "On its way", "en"],
  ])("customer %s is written to in their language (%s), falling back to English", async (customerId, label, locale) => {
    const { fo } = placeOrder(store, [{ variantId: store.devstore.fixture.items.mug.variantId, quantity: 1 }], { customerId });
    const id = store.devstore.store.fulfill(shop, { fulfillmentOrderId: fo.id, trackingCompany: "UPS", trackingNumbers: ["1Z999AA10123456784"] }).id;
    event(id, "IN_TRANSIT", Date.now() - HOUR);
    await settle();
    captured.length = 0;
    await sendAll();
    expect(captured).toHaveLength(1);
    expect(captured[0]!.subject).toContain(label);
    const note = await db().trackingNotification.findFirstOrThrow({ where: { shop, trigger: "in_transit" }, orderBy: { id: "desc" } });
    expect(note.locale).toBe(locale);
  });

  it("old news (a status older than three days) and unchosen statuses email nobody", async () => {
    const { fo } = placeOrder(store, [{ variantId: store.devstore.fixture.items.tee.variantId, quantity: 1 }], { customerId: "950" });
    const id = store.devstore.store.fulfill(shop, { fulfillmentOrderId: fo.id, trackingCompany: "UPS", trackingNumbers: ["1Z999AA10123456784"] }).id;
    event(id, "IN_TRANSIT", Date.now() - 5 * 24 * HOUR);
    await settle();
    const shipment = await db().shipment.findUniqueOrThrow({ where: { shop_fulfillmentId: { shop, fulfillmentId: id } } });
    expect(shipment.status).toBe("in_transit");
    expect(await db().trackingNotification.count({ where: { shipmentId: shipment.id, kind: "shopper" } })).toBe(0);
  });
});

describe("merchant alerts and the transport", () => {
  it("a parcel that stalls is found by the sweep and the merchant is alerted once", async () => {
    const { fo } = placeOrder(store, [{ variantId: store.devstore.fixture.items.cap.variantId, quantity: 1 }], { customerId: "950" });
    const id = store.devstore.store.fulfill(shop, { fulfillmentOrderId: fo.id, trackingCompany: "DPD", trackingNumbers: ["01234567890123"] }).id;
    event(id, "IN_TRANSIT", Date.now() - 2 * HOUR);
    await settle();
    const shipment = await db().shipment.findUniqueOrThrow({ where: { shop_fulfillmentId: { shop, fulfillmentId: id } } });
    expect(shipment.lateness).toBeNull();

    // Six days later, with no news from DPD (a standard carrier: stalled after five days).
    const later = new Date(Date.now() + 6 * 24 * HOUR);
    await sweepShipments(db(), later);
    await sweepShipments(db(), later);
    expect((await db().shipment.findUniqueOrThrow({ where: { id: shipment.id } })).lateness).toBe("stalled");
    const alerts = await db().trackingNotification.findMany({ where: { shipmentId: shipment.id, kind: "merchant" } });
    expect(alerts.map((a) => a.trigger)).toEqual(["stalled"]);

    captured.length = 0;
    await sendAll();
    const alert = captured.find((m) => m.to === "ops@fixture.example");
    expect(alert?.subject).toMatch(/^Stalled shipment: #\d+$/);
    expect(alert?.text).toContain("has had no carrier update for several days");
  });

  it("without a capture transport or an SMTP server, emails are skipped with the reason; an unreachable server is retried", async () => {
    const note = await db().trackingNotification.findFirstOrThrow({ where: { shop, status: "sent" } });
    await db().trackingNotification.update({ where: { id: note.id }, data: { status: "pending", attempts: 0 } });
    await sendAll(outbox({ capture: false, transport: undefined }));
    expect(await db().trackingNotification.findUniqueOrThrow({ where: { id: note.id } })).toMatchObject({
      status: "skipped",
      lastError: "No SMTP server is set up: add one in Notifications",
    });

    // A real SMTP transport, pointed at a port where nothing listens.
    const port = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, "127.0.0.1", () => {
        const { port: free } = server.address() as { port: number };
        server.close(() => resolve(free));
      });
    });
    await saveSettings(
      db(),
      box(),
      shop,
      settingsFormSchema.parse({ shopperEmails: "on", statuses: ["delivered"], smtpHost: "127.0.0.1", smtpPort: String(port), smtpUser: "mailer", smtpPassword: "s3cret-pass", fromAddress: "shop@fixture.example" }),
    );
    const stored = await db().notificationSetting.findUniqueOrThrow({ where: { shop } });
    expect(stored.smtpPassword).not.toContain("s3cret");
    await db().trackingNotification.update({ where: { id: note.id }, data: { status: "pending", attempts: 0, lastError: null } });
    expect(await processNotificationOutbox(outbox({ capture: false, transport: undefined }))).toBe(1);
    const retried = await db().trackingNotification.findUniqueOrThrow({ where: { id: note.id } });
    expect(retried.status).toBe("pending");
    expect(retried.attempts).toBe(1);
    expect(retried.lastError).toMatch(/ECONNREFUSED|connect/i);
    expect(retried.availableAt.getTime()).toBeGreaterThan(Date.now());
  });

  it("validates the settings form", () => {
    const result = settingsFormSchema.safeParse({ alertEmail: "not an email", trackingPageUrl: "javascript:alert(1)", smtpHost: "smtp.example.com", smtpPort: "99999", statuses: ["teleported"] });
    expect(result.success).toBe(false);
    const paths = result.error!.issues.map((i) => i.path.join("."));
    expect(paths).toEqual(expect.arrayContaining(["alertEmail", "trackingPageUrl", "smtpPort", "statuses.0"]));
  });
});
