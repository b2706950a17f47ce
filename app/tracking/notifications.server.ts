import { randomUUID } from "node:crypto";
import { Prisma, type Shipment, type TrackingNotification } from "@prisma/client";
import nodemailer, { type Transporter } from "nodemailer";
import { isUniqueViolation, type Database } from "../db.server";
import type { DatabaseKind } from "../db/url";
import type { Logger } from "../observability/logger.server";
import type { SecretBox } from "../security/secrets.server";
import type { AdminClient } from "../shopify/admin-client.server";
import { retryDelayMs } from "../webhooks/delivery-status";
import { orderContact } from "./admin-operations";
import { carrierName } from "./carrier-companies.server";
import { detectCarriers } from "./carriers";
import {
  EMAILABLE_STATUSES,
  emailLocale,
  renderMerchantAlert,
  renderShopperEmail,
  type EmailableStatus,
  type RenderedEmail,
} from "./email-templates.server";
import { loadSettings, type SendingSettings } from "./notification-settings.server";

// Tracking emails go through an outbox: a status change queues one row per shipment, kind and trigger (a unique
// key, so however often a change is seen the email is queued once), and a worker sends due rows. Shopper
// addresses are not kept with shipments: the worker reads the order's email from Shopify when it sends.

const HOUR_MS = 3_600_000;
/** A status older than this is history (a late webhook, a backfill): the shopper is not emailed about it. */
export const SHOPPER_FRESHNESS_MS = 72 * HOUR_MS;
const MERCHANT_FRESHNESS_MS = 7 * 24 * HOUR_MS;
/** Attempts before a notification is parked as failed. */
export const MAX_NOTIFICATION_ATTEMPTS = 5;

export type NotificationKind = "shopper" | "merchant";
export type NotificationStatus = "pending" | "processing" | "sent" | "failed" | "skipped";

/** The link in a shopper email: the shop's tracking page for the order, else the carrier's page. */
function trackUrl(settings: SendingSettings, shipment: Shipment): string | null {
  if (settings.trackingPageUrl && shipment.orderName) {
    const url = new URL(settings.trackingPageUrl);
    url.searchParams.set("order", shipment.orderName);
    return url.toString();
  }
  if (shipment.trackingUrl) return shipment.trackingUrl;
  const detected = shipment.trackingNumber ? detectCarriers(shipment.trackingNumber).find((c) => c.carrier === shipment.carrierCode) : undefined;
  return detected?.trackingUrl ?? null;
}

const carrierLabel = (s: Shipment) => (s.carrierCode ? carrierName(s.carrierCode, s.trackingNumber, s.trackingCompany) : s.trackingCompany);

function adminShipmentsUrl(shop: string): string | null {
  const handle = /^([a-z0-9][a-z0-9-]*)\.myshopify\.com$/.exec(shop)?.[1];
  return handle ? `https://admin.shopify.com/store/${handle}/apps/omnistock/app/shipments` : null;
}

async function queue(
  db: Database,
  shipment: Shipment,
  kind: NotificationKind,
  trigger: string,
  locale: string,
  email: RenderedEmail,
): Promise<boolean> {
  try {
    await db.trackingNotification.create({
      data: {
        shop: shipment.shop,
        shipmentId: shipment.id,
        kind,
        trigger,
        locale,
        subject: email.subject,
        textBody: email.text,
        htmlBody: email.html,
      },
    });
    return true;
  } catch (error) {
    // Queued (or sent) before: once per shipment, kind and trigger.
    if (isUniqueViolation(error)) return false;
    throw error;
  }
}

/**
 * Queues what a shipment's change calls for: the shopper's email when its status became one the merchant chose,
 * the merchant's alert when it became an exception or late. A status is decided once (Shipment.notifiedStatus);
 * the decision waits while the order's details are unknown (an event came before its fulfillment), so the email
 * is not lost. Returns how many were queued.
 */
export async function queueNotifications(db: Database, before: Shipment, after: Shipment, now: Date): Promise<number> {
  if (after.redactedAt) return 0;
  const statusChanged = after.status !== (after.notifiedStatus ?? "pending");
  // The order's details (its date, customer and language) come from the Admin API, not from fulfillment
  // webhooks: an email decided before them would go out in the wrong language.
  const ready = Boolean(after.orderId && after.orderName && after.orderPlacedAt);
  const newLateness = after.lateness && after.lateness !== before.lateness ? after.lateness : null;
  if (!(statusChanged && ready) && !newLateness) return 0;

  const settings = await loadSettings(db, after.shop);
  const age = after.lastEventAt ? now.getTime() - after.lastEventAt.getTime() : Number.POSITIVE_INFINITY;
  const orderName = after.orderName ?? `fulfillment ${after.fulfillmentId}`;
  let queued = 0;

  if (statusChanged && ready) {
    const status = after.status as EmailableStatus;
    if (
      settings.shopperEmails &&
      EMAILABLE_STATUSES.includes(status) &&
      settings.shopperStatuses.includes(status) &&
      age <= SHOPPER_FRESHNESS_MS
    ) {
      const shop = await db.shop.findUnique({ where: { shop: after.shop }, select: { name: true } });
      const locale = emailLocale(after.locale);
      const email = renderShopperEmail({
        locale,
        status,
        shopName: shop?.name ?? after.shop,
        orderName,
        carrierName: carrierLabel(after),
        trackingNumber: after.trackingNumber,
        estimatedDelivery: after.estimatedDelivery,
        trackUrl: trackUrl(settings, after),
      });
      if (await queue(db, after, "shopper", status, locale, email)) queued += 1;
    }
    if (after.status === "exception" && settings.alertEmail && settings.alertOnException && age <= MERCHANT_FRESHNESS_MS) {
      if (await queue(db, after, "merchant", "exception", "en", merchantAlert(after, "exception", orderName))) queued += 1;
    }
    await db.shipment.updateMany({ where: { id: after.id }, data: { notifiedStatus: after.status } });
  }
  // An exception has its own alert; lateness is news only for parcels that otherwise look fine.
  if (newLateness && after.status !== "exception" && settings.alertEmail && settings.alertOnLate && (newLateness === "late" || newLateness === "stalled")) {
    if (await queue(db, after, "merchant", newLateness, "en", merchantAlert(after, newLateness, orderName))) queued += 1;
  }
  return queued;
}

function merchantAlert(shipment: Shipment, trigger: "exception" | "late" | "stalled", orderName: string): RenderedEmail {
  return renderMerchantAlert({
    trigger,
    orderName,
    carrierName: carrierLabel(shipment),
    trackingNumber: shipment.trackingNumber,
    reason: shipment.exceptionReason,
    // Late means past the promised date when checkout promised one (detectLateness), else past the estimate.
    estimatedDelivery: trigger === "late" ? (shipment.promisedDate ?? shipment.estimatedDelivery) : shipment.estimatedDelivery,
    lastEventAt: shipment.lastEventAt?.toISOString() ?? null,
    adminUrl: adminShipmentsUrl(shipment.shop),
  });
}

// ---------------------------------------------------------------------------------------------------------
// The outbox worker.

export interface OutboxDeps {
  db: Database;
  kind: DatabaseKind;
  logger: Logger;
  box: SecretBox;
  adminFor: (shop: string) => Promise<AdminClient | null>;
  /** Demo mode: nothing leaves the machine; messages are captured for the admin to read. */
  capture: boolean;
  /** The transport to send through instead of the shop's SMTP server (tests). */
  transport?: (settings: SendingSettings) => Transporter;
  now?: () => Date;
}

/** Claims due notifications, as jobs/claim.server.ts does for webhooks and pushes (SKIP LOCKED on PostgreSQL). */
async function claimNotifications(db: Database, kind: DatabaseKind, limit: number, leaseMs: number, now: Date) {
  const token = randomUUID();
  let n = 0;
  const p = () => (kind === "postgresql" ? `$${++n}` : "?");
  const rows = await db.$queryRawUnsafe<{ id: number }[]>(
    `UPDATE "TrackingNotification"
        SET status = 'processing', "lockedBy" = ${p()}, "lockedUntil" = ${p()}, attempts = attempts + 1
      WHERE id IN (
        SELECT id FROM "TrackingNotification"
         WHERE (status = 'pending' AND "availableAt" <= ${p()}) OR (status = 'processing' AND "lockedUntil" < ${p()})
         ORDER BY id LIMIT ${p()} ${kind === "postgresql" ? "FOR UPDATE SKIP LOCKED" : ""})
      RETURNING id`,
    token,
    new Date(now.getTime() + leaseMs),
    now,
    now,
    limit,
  );
  return { token, ids: rows.map((row) => Number(row.id)) };
}

class Undeliverable extends Error {}

/** A transport to the shop's SMTP server, or null when it has none. */
export function smtpTransport(settings: SendingSettings, box: SecretBox): Transporter | null {
  if (!settings.smtp) return null;
  return nodemailer.createTransport({
    host: settings.smtp.host,
    port: settings.smtp.port,
    secure: settings.smtp.secure,
    ...(settings.smtp.user
      ? { auth: { user: settings.smtp.user, pass: settings.sealedSmtpPassword ? box.open(settings.sealedSmtpPassword) : "" } }
      : {}),
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 20_000,
  });
}

/** Checks that the shop's SMTP server accepts a connection and the login: null when it does, else why not. */
export async function checkSmtp(db: Database, box: SecretBox, shop: string): Promise<string | null> {
  const transport = smtpTransport(await loadSettings(db, shop), box);
  if (!transport) return "No SMTP server is set up";
  try {
    await transport.verify();
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    transport.close();
  }
}

function transportOf(deps: OutboxDeps, settings: SendingSettings): { transporter: Transporter; name: "smtp" | "capture" } {
  if (deps.transport) return { transporter: deps.transport(settings), name: deps.capture ? "capture" : "smtp" };
  if (deps.capture) return { transporter: nodemailer.createTransport({ jsonTransport: true }), name: "capture" };
  const smtp = smtpTransport(settings, deps.box);
  if (!smtp) throw new Undeliverable("No SMTP server is set up: add one in Notifications");
  return { transporter: smtp, name: "smtp" };
}

/** The address a notification goes to: the merchant's alert address, or the order's email read from Shopify. */
async function recipientOf(deps: OutboxDeps, row: TrackingNotification, settings: SendingSettings): Promise<string> {
  if (row.recipient) return deps.box.open(row.recipient);
  if (row.kind === "merchant") {
    if (!settings.alertEmail) throw new Undeliverable("No alert address is set");
    return settings.alertEmail;
  }
  const shipment = await deps.db.shipment.findUnique({ where: { id: row.shipmentId }, select: { orderId: true, redactedAt: true } });
  if (!shipment?.orderId || shipment.redactedAt) throw new Undeliverable("The shipment's order is unknown or was erased");
  const admin = await deps.adminFor(row.shop);
  if (!admin) throw new Undeliverable("No Admin API access for the shop; it may have uninstalled");
  const { data } = await admin.run(orderContact, { id: `gid://shopify/Order/${shipment.orderId}` });
  if (!data.order?.email) throw new Undeliverable("The order has no email address");
  return data.order.email;
}

async function sendOne(deps: OutboxDeps, id: number, token: string, now: () => Date) {
  const { db } = deps;
  const row = await db.trackingNotification.findFirst({ where: { id, lockedBy: token } });
  if (!row) return;
  const log = deps.logger.child({ shop: row.shop, notification: row.id, kind: row.kind, trigger: row.trigger });
  const settle = (status: NotificationStatus, data: Prisma.TrackingNotificationUpdateManyMutationInput = {}) =>
    db.trackingNotification.updateMany({ where: { id, lockedBy: token }, data: { status, lockedBy: null, lockedUntil: null, ...data } });

  try {
    const settings = await loadSettings(db, row.shop);
    const to = await recipientOf(deps, row, settings);
    if (!row.recipient) await db.trackingNotification.updateMany({ where: { id, lockedBy: token }, data: { recipient: deps.box.seal(to) } });
    const { transporter, name } = transportOf(deps, settings);
    const shop = await db.shop.findUnique({ where: { shop: row.shop }, select: { name: true } });
    const info = (await transporter.sendMail({
      from: { name: settings.fromName ?? shop?.name ?? row.shop, address: settings.fromAddress ?? `no-reply@${row.shop}` },
      to,
      subject: row.subject,
      text: row.textBody,
      html: row.htmlBody,
      headers: { "Auto-Submitted": "auto-generated" },
    })) as { messageId?: string };
    await settle("sent", { sentAt: now(), transport: name, messageId: info.messageId ?? null, lastError: null });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (error instanceof Undeliverable) {
      log.warn("Tracking email not sent", { reason: message });
      await settle("skipped", { lastError: message });
    } else if (row.attempts >= MAX_NOTIFICATION_ATTEMPTS) {
      log.error("Tracking email failed for good", { attempts: row.attempts, error: message });
      await settle("failed", { lastError: message });
    } else {
      log.warn("Tracking email failed; will retry", { attempts: row.attempts, error: message });
      await settle("pending", { lastError: message, availableAt: new Date(now().getTime() + retryDelayMs(row.attempts)) });
    }
  }
}

/** Sends due notifications; returns how many it handled. */
export async function processNotificationOutbox(deps: OutboxDeps, options: { limit?: number; leaseMs?: number } = {}): Promise<number> {
  const now = deps.now ?? (() => new Date());
  const claim = await claimNotifications(deps.db, deps.kind, options.limit ?? 20, options.leaseMs ?? 60_000, now());
  for (const id of claim.ids) await sendOne(deps, id, claim.token, now);
  return claim.ids.length;
}

/** Recent notifications of a shop for the admin (recipients opened), newest first. */
export async function recentNotifications(db: Database, box: SecretBox, shop: string, take = 50) {
  const rows = await db.trackingNotification.findMany({ where: { shop }, orderBy: { id: "desc" }, take });
  return rows.map((row) => {
    let recipient: string | null = null;
    try {
      recipient = row.recipient ? box.open(row.recipient) : null;
    } catch {
      recipient = null;
    }
    return {
      id: row.id,
      kind: row.kind as NotificationKind,
      trigger: row.trigger,
      locale: row.locale,
      recipient,
      subject: row.subject,
      textBody: row.textBody,
      htmlBody: row.htmlBody,
      status: row.status as NotificationStatus,
      transport: row.transport,
      lastError: row.lastError,
      createdAt: row.createdAt.toISOString(),
      sentAt: row.sentAt?.toISOString() ?? null,
    };
  });
}
