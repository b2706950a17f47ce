import { z } from "zod";
import type { Database } from "../db.server";
import type { SecretBox } from "../security/secrets.server";
import { EMAILABLE_STATUSES, type EmailableStatus } from "./email-templates.server";
import { POLL_DAYS, pollingProviderOf, usedThisHour } from "./poll-quota";
import { needsNewKey } from "./providers/poll";
import { TRACKING_PROVIDERS, type TrackingProvider } from "./providers/types";

// A shop's tracking email settings and its tracking provider accounts. Secrets (the SMTP password, provider
// webhook secrets and API keys) are sealed with OMNISTOCK_ENCRYPTION_KEY and never leave the server.

export const DEFAULT_SHOPPER_STATUSES: readonly EmailableStatus[] = [
  "in_transit",
  "out_for_delivery",
  "available_for_pickup",
  "delivered",
  "exception",
];

export interface NotificationSettings {
  shopperEmails: boolean;
  shopperStatuses: EmailableStatus[];
  alertEmail: string | null;
  alertOnException: boolean;
  alertOnLate: boolean;
  trackingPageUrl: string | null;
  fromAddress: string | null;
  fromName: string | null;
  smtp: { host: string; port: number; secure: boolean; user: string | null; hasPassword: boolean } | null;
}

/** Settings plus the sealed SMTP password, for the outbox worker only. */
export interface SendingSettings extends NotificationSettings {
  sealedSmtpPassword: string | null;
}

function statusesOf(json: string | null): EmailableStatus[] {
  if (json === null) return [...DEFAULT_SHOPPER_STATUSES];
  try {
    const parsed = z.array(z.enum(EMAILABLE_STATUSES)).safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : [...DEFAULT_SHOPPER_STATUSES];
  } catch {
    return [...DEFAULT_SHOPPER_STATUSES];
  }
}

export async function loadSettings(db: Database, shop: string): Promise<SendingSettings> {
  const row = await db.notificationSetting.findUnique({ where: { shop } });
  return {
    shopperEmails: row?.shopperEmails ?? true,
    shopperStatuses: statusesOf(row?.shopperStatuses ?? null),
    alertEmail: row?.alertEmail ?? null,
    alertOnException: row?.alertOnException ?? true,
    alertOnLate: row?.alertOnLate ?? true,
    trackingPageUrl: row?.trackingPageUrl ?? null,
    fromAddress: row?.fromAddress ?? null,
    fromName: row?.fromName ?? null,
    smtp: row?.smtpHost
      ? { host: row.smtpHost, port: row.smtpPort ?? 587, secure: row.smtpSecure, user: row.smtpUser, hasPassword: Boolean(row.smtpPassword) }
      : null,
    sealedSmtpPassword: row?.smtpPassword ?? null,
  };
}

/** What the admin page may show: everything but the password. */
export async function settingsForAdmin(db: Database, shop: string): Promise<NotificationSettings> {
  const { sealedSmtpPassword: _password, ...settings } = await loadSettings(db, shop);
  return settings;
}

const checkbox = z
  .union([z.literal("on"), z.literal("true"), z.literal("")])
  .optional()
  .transform((value) => value === "on" || value === "true");
const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .optional()
    .transform((value) => (value ? value : null));
const EMAIL = /^[^\s@<>"]+@[^\s@<>"]+\.[^\s@<>"]+$/;
const optionalEmail = optionalText(254).refine((value) => value === null || EMAIL.test(value), "Enter an email address such as orders@example.com");

/** The settings form, as the admin page posts it (statuses repeated, checkboxes "on"). */
export const settingsFormSchema = z
  .object({
    shopperEmails: checkbox,
    statuses: z.array(z.enum(EMAILABLE_STATUSES, { error: "Unknown status" })).default([]),
    alertEmail: optionalEmail,
    alertOnException: checkbox,
    alertOnLate: checkbox,
    trackingPageUrl: optionalText(2000).refine(
      (value) => value === null || /^https:\/\/[^\s]+$/.test(value),
      "Enter the full address of your tracking page, starting with https://",
    ),
    fromAddress: optionalEmail,
    fromName: optionalText(100),
    smtpHost: optionalText(253).refine(
      (value) => value === null || /^[a-z0-9.-]+$/i.test(value),
      "Enter the SMTP server's host name, such as smtp.example.com",
    ),
    smtpPort: z
      .string()
      .trim()
      .optional()
      .transform((value, ctx) => {
        if (!value) return null;
        const port = Number(value);
        if (!Number.isInteger(port) || port < 1 || port > 65535) {
          ctx.addIssue({ code: "custom", message: "Enter a port between 1 and 65535 (usually 587 or 465)" });
          return z.NEVER;
        }
        return port;
      }),
    smtpSecure: checkbox,
    smtpUser: optionalText(254),
    // Empty keeps the stored password; clearSmtpPassword removes it.
    smtpPassword: z.string().max(500).optional().transform((value) => (value ? value : null)),
    clearSmtpPassword: checkbox,
  })
  .superRefine((form, ctx) => {
    if (form.smtpHost && !form.fromAddress) {
      ctx.addIssue({ code: "custom", path: ["fromAddress"], message: "Emails sent through your SMTP server need a from address" });
    }
  });
export type SettingsForm = z.output<typeof settingsFormSchema>;

export async function saveSettings(db: Database, box: SecretBox, shop: string, form: SettingsForm): Promise<void> {
  const data = {
    shopperEmails: form.shopperEmails,
    shopperStatuses: JSON.stringify([...new Set(form.statuses)]),
    alertEmail: form.alertEmail,
    alertOnException: form.alertOnException,
    alertOnLate: form.alertOnLate,
    trackingPageUrl: form.trackingPageUrl,
    fromAddress: form.fromAddress,
    fromName: form.fromName,
    smtpHost: form.smtpHost,
    smtpPort: form.smtpPort,
    smtpSecure: form.smtpSecure,
    smtpUser: form.smtpUser,
    ...(form.smtpPassword ? { smtpPassword: box.seal(form.smtpPassword) } : form.clearSmtpPassword ? { smtpPassword: null } : {}),
  };
  await db.notificationSetting.upsert({ where: { shop }, create: { shop, ...data }, update: data });
}

// ---------------------------------------------------------------------------------------------------------
// Tracking provider accounts. Two ways in, either enough on its own: the secret a provider signs its webhooks
// with (push), and the API key plus an hourly quota the poller spends (pull). Both are sealed.

/** Stored in place of a sealed secret when the merchant only polls: no webhook from this provider is accepted. */
const NO_WEBHOOK_SECRET = "";

const optionalSecret = (message: string) => optionalText(500).refine((value) => value === null || value.length >= 8, message);

/** The provider form. An empty secret, key or quota keeps what is stored. */
export const providerFormSchema = z.object({
  provider: z.enum(TRACKING_PROVIDERS),
  webhookSecret: optionalSecret("Paste the whole webhook secret from the provider's settings"),
  apiKey: optionalSecret("Paste the whole API key from the provider's settings"),
  pollPerHour: z
    .string()
    .trim()
    .optional()
    .transform((value, ctx) => {
      if (!value) return null;
      const perHour = Number(value);
      if (!/^\d+$/.test(value) || !Number.isSafeInteger(perHour) || perHour > 100_000) {
        ctx.addIssue({ code: "custom", message: "Enter the polls per hour your plan allows, a whole number from 0 (no polling) to 100000" });
        return z.NEVER;
      }
      return perHour;
    }),
});
export type ProviderForm = z.output<typeof providerFormSchema>;

/** The webhook secret alone (kept for callers that only connect webhooks). */
export async function saveProviderAccount(db: Database, box: SecretBox, shop: string, provider: TrackingProvider, webhookSecret: string) {
  const sealed = box.seal(webhookSecret);
  await db.providerAccount.upsert({
    where: { shop_provider: { shop, provider } },
    create: { shop, provider, webhookSecret: sealed },
    update: { webhookSecret: sealed },
  });
}

/**
 * Saves the provider form: what is filled in replaces what is stored. Returns the problem to show, or null.
 * A new key clears the poll error (a refused key stops polling until it is replaced).
 */
export async function saveProviderForm(db: Database, box: SecretBox, shop: string, form: ProviderForm): Promise<string | null> {
  const stored = await db.providerAccount.findUnique({ where: { shop_provider: { shop, provider: form.provider } } });
  if (!stored && !form.webhookSecret && !form.apiKey) {
    return "Paste the webhook secret (to receive webhooks), the API key (to poll), or both";
  }
  const pollPerHour = form.pollPerHour ?? stored?.pollPerHour ?? 0;
  if (pollPerHour > 0 && !form.apiKey && !stored?.apiKey) {
    return "Polling needs the provider's API key: paste it, or set polls per hour to 0";
  }
  const data = {
    ...(form.webhookSecret ? { webhookSecret: box.seal(form.webhookSecret) } : {}),
    ...(form.apiKey ? { apiKey: box.seal(form.apiKey), pollError: null } : {}),
    pollPerHour,
  };
  await db.providerAccount.upsert({
    where: { shop_provider: { shop, provider: form.provider } },
    create: { shop, provider: form.provider, webhookSecret: NO_WEBHOOK_SECRET, ...data },
    update: data,
  });
  return null;
}

export async function removeProviderAccount(db: Database, shop: string, provider: TrackingProvider) {
  await db.providerAccount.deleteMany({ where: { shop, provider } });
}

/**
 * Parcels each polling provider was asked about that it has no tracking for yet: numbers it did not follow
 * (the poller registers them) or followed without a scan so far. Parcels in flight, polled at least once, whose
 * latest update did not come from the provider that polls them. Many of them: wrong carriers or numbers.
 */
async function parcelsAwaitingTracking(db: Database, shop: string, polling: ReadonlySet<string>, now: Date): Promise<Partial<Record<TrackingProvider, number>>> {
  if (polling.size === 0) return {};
  const bySource = await db.shipment.groupBy({
    by: ["source"],
    where: {
      shop,
      redactedAt: null,
      trackingNumberKey: { not: null },
      status: { notIn: ["delivered", "expired"] },
      shippedAt: { gte: new Date(now.getTime() - POLL_DAYS * 86_400_000) },
      lastPolledAt: { not: null },
    },
    _count: { _all: true },
  });
  const awaiting: Partial<Record<TrackingProvider, number>> = {};
  for (const group of bySource) {
    const provider = pollingProviderOf(group.source, polling);
    if (provider && provider !== group.source) awaiting[provider] = (awaiting[provider] ?? 0) + group._count._all;
  }
  return awaiting;
}

/** Which providers a shop has connected and how polling goes (never their secrets). */
export async function providerAccounts(db: Database, shop: string, now = new Date()) {
  const rows = await db.providerAccount.findMany({ where: { shop }, orderBy: { provider: "asc" } });
  // The providers the poller asks, as it routes parcels (runDuePolls): a key, a quota, and no refused key.
  const polling = new Set(rows.filter((row) => row.apiKey !== null && row.pollPerHour > 0 && !needsNewKey(row.pollError)).map((row) => row.provider));
  const awaiting = await parcelsAwaitingTracking(db, shop, polling, now);
  return rows.map((row) => ({
    provider: row.provider as TrackingProvider,
    updatedAt: row.updatedAt.toISOString(),
    webhooks: row.webhookSecret !== NO_WEBHOOK_SECRET,
    hasApiKey: row.apiKey !== null,
    pollPerHour: row.pollPerHour,
    pollUsedThisHour: usedThisHour(row, now),
    pollError: row.pollError,
    /** Parcels this provider was asked about and has no tracking for yet. */
    awaitingTracking: awaiting[row.provider as TrackingProvider] ?? 0,
  }));
}

/** The webhook secret a provider signs this shop's webhooks with, or null when the shop has not connected it. */
export async function providerSecret(db: Database, box: SecretBox, shop: string, provider: TrackingProvider): Promise<string | null> {
  const row = await db.providerAccount.findUnique({ where: { shop_provider: { shop, provider } }, select: { webhookSecret: true } });
  return row && row.webhookSecret !== NO_WEBHOOK_SECRET ? box.open(row.webhookSecret) : null;
}
