import type { ProviderAccount, Shipment } from "@prisma/client";
import type { Config } from "../config.server";
import type { Database } from "../db.server";
import type { Logger } from "../observability/logger.server";
import type { SecretBox } from "../security/secrets.server";
import { normalizeTrackingNumber } from "./carriers";
import { planPolls, quotaHourStart, usedThisHour, type PollShipment, type ProviderQuota } from "./poll-quota";
import { applyProviderUpdate } from "./provider-webhooks.server";
import { fetchTrackings, needsNewKey, PASTE_KEY, POLL_BATCH_SIZE, PROVIDER_NAMES, ProviderPollError } from "./providers/poll";
import { TRACKING_PROVIDERS, type ProviderPollResult, type ProviderUpdate, type TrackingProvider } from "./providers/types";
import type { ExceptionReason, TrackingStatus } from "./status";

// The poller: for parcels whose provider does not push (or has not lately), ask it. Each shop sets, per
// provider, an API key and how many polls an hour its plan allows; that quota is kept in ProviderAccount and
// spent with conditional updates, so any number of worker processes together never spend more than it.
// planPolls decides what is due (a recent push or Shopify event counts as fresh news, so such parcels wait),
// results go through applyProviderUpdate exactly like webhooks, so an event reported twice is stored once.

export interface PollerDeps {
  db: Database;
  logger: Logger;
  box: SecretBox;
  /** Each provider's API, from OMNISTOCK_<PROVIDER>_API_URL (providerApiUrls). */
  apiUrls: Record<TrackingProvider, string>;
  timeoutMs?: number;
}

/** Parcels shipped longer ago than this are not polled any more (as the sweep). */
export const POLL_DAYS = 60;
/** Numbers one provider account polls in one run at most; the rest (never polled first) wait for the next run. */
export const MAX_NUMBERS_PER_RUN = 500;
const DAY_MS = 86_400_000;

export function providerApiUrls(
  config: Pick<Config, "OMNISTOCK_AFTERSHIP_API_URL" | "OMNISTOCK_17TRACK_API_URL" | "OMNISTOCK_EASYPOST_API_URL">,
): Record<TrackingProvider, string> {
  return {
    aftership: config.OMNISTOCK_AFTERSHIP_API_URL,
    "17track": config.OMNISTOCK_17TRACK_API_URL,
    easypost: config.OMNISTOCK_EASYPOST_API_URL,
  };
}

const isProvider = (value: string): value is TrackingProvider => (TRACKING_PROVIDERS as readonly string[]).includes(value);

type Candidate = Pick<
  Shipment,
  "id" | "source" | "status" | "exceptionReason" | "trackingNumberKey" | "providerCarrier" | "lastPushAt" | "lastEventAt" | "lastPolledAt"
>;

/** Polls what is due for every installed shop with polling on; returns how many shipments it polled. */
export async function runDuePolls(deps: PollerDeps, now = new Date()): Promise<number> {
  const accounts = await deps.db.providerAccount.findMany({
    where: { apiKey: { not: null }, pollPerHour: { gt: 0 } },
    orderBy: [{ shop: "asc" }, { provider: "asc" }],
  });
  // A shop that uninstalled the app keeps its accounts until shop/redact (48 hours later): its key is not used meanwhile.
  const uninstalled = new Set(
    (
      await deps.db.shop.findMany({
        where: { shop: { in: [...new Set(accounts.map((a) => a.shop))] }, uninstalledAt: { not: null } },
        select: { shop: true },
      })
    ).map((row) => row.shop),
  );
  const byShop = new Map<string, Map<TrackingProvider, ProviderAccount>>();
  for (const account of accounts) {
    // A refused key waits for the merchant to paste another (saving a key clears pollError).
    if (!isProvider(account.provider) || needsNewKey(account.pollError) || uninstalled.has(account.shop)) continue;
    let shop = byShop.get(account.shop);
    if (!shop) byShop.set(account.shop, (shop = new Map()));
    shop.set(account.provider, account);
  }
  let polled = 0;
  for (const [shop, shopAccounts] of byShop) {
    // One shop's trouble (a database hiccup, a bug) does not hold up the others; its parcels wait for the next run.
    try {
      polled += await pollShop(deps, shop, shopAccounts, now);
    } catch (error) {
      deps.logger.error("Tracking poller failed for a shop; its parcels are asked about on a later run", { shop, error });
    }
  }
  return polled;
}

/** The latest of some instants, never later than now; null when none is known. */
function latest(now: Date, ...dates: (Date | null)[]): string | null {
  const times = dates.filter((d): d is Date => d !== null).map((d) => Math.min(d.getTime(), now.getTime()));
  return times.length ? new Date(Math.max(...times)).toISOString() : null;
}

/** The provider that polls a parcel: the one that last reported on it, else the first the shop polls with. */
export function pollingProviderOf(source: string, polling: ReadonlySet<string>): TrackingProvider | undefined {
  if (isProvider(source) && polling.has(source)) return source;
  return TRACKING_PROVIDERS.find((p) => polling.has(p));
}

async function pollShop(deps: PollerDeps, shop: string, accounts: Map<TrackingProvider, ProviderAccount>, now: Date): Promise<number> {
  const rows: Candidate[] = await deps.db.shipment.findMany({
    where: {
      shop,
      redactedAt: null,
      trackingNumberKey: { not: null },
      status: { notIn: ["delivered", "expired"] },
      shippedAt: { gte: new Date(now.getTime() - POLL_DAYS * DAY_MS) },
    },
    select: {
      id: true,
      source: true,
      status: true,
      exceptionReason: true,
      trackingNumberKey: true,
      providerCarrier: true,
      lastPushAt: true,
      lastEventAt: true,
      lastPolledAt: true,
    },
  });
  const polling = new Set<string>(accounts.keys());
  const byId = new Map<string, Candidate>();
  const shipments: PollShipment[] = [];
  for (const row of rows) {
    const provider = pollingProviderOf(row.source, polling);
    if (!provider || !row.trackingNumberKey) continue;
    byId.set(row.id, row);
    shipments.push({
      id: row.id,
      provider,
      status: row.status as TrackingStatus,
      ...(row.exceptionReason ? { reason: row.exceptionReason as ExceptionReason } : {}),
      // A push or a Shopify event is news as fresh as a poll: the parcel waits its interval from it.
      lastPolledAt: latest(now, row.lastPolledAt, row.lastPushAt, row.lastEventAt),
      lastChangedAt: latest(now, row.lastPushAt, row.lastEventAt),
    });
  }
  if (!shipments.length) return 0;

  const quotas: Record<string, ProviderQuota> = {};
  for (const [provider, account] of accounts) quotas[provider] = { perHour: account.pollPerHour, used: usedThisHour(account, now) };
  const plan = planPolls({ shipments, quotas, now });

  let polled = 0;
  for (const [provider, account] of accounts) {
    // One request asks about a number for every shipment that carries it; planPolls' order is kept.
    const numbers = new Map<string, Candidate[]>();
    for (const planned of plan.poll) {
      if (planned.provider !== provider) continue;
      const row = byId.get(planned.id)!;
      const list = numbers.get(row.trackingNumberKey!);
      if (list) list.push(row);
      else if (numbers.size < MAX_NUMBERS_PER_RUN) numbers.set(row.trackingNumberKey!, [row]);
    }
    if (numbers.size) polled += await pollProvider(deps, account as ProviderAccount & { provider: TrackingProvider }, [...numbers], now);
  }
  return polled;
}

async function pollProvider(
  deps: PollerDeps,
  account: ProviderAccount & { provider: TrackingProvider },
  numbers: [string, Candidate[]][],
  now: Date,
): Promise<number> {
  const { shop, provider } = account;
  const name = PROVIDER_NAMES[provider];
  let apiKey: string;
  try {
    apiKey = deps.box.open(account.apiKey!);
  } catch {
    await recordError(deps, account, `Omnistock cannot read the stored ${name} API key. ${PASTE_KEY}`);
    deps.logger.error("Tracking poller cannot decrypt a provider API key: OMNISTOCK_ENCRYPTION_KEY differs from the one it was sealed with", {
      shop,
      provider,
      action: "restore the previous OMNISTOCK_ENCRYPTION_KEY, or have the merchant paste the key again in Notifications > Tracking providers",
    });
    return 0;
  }

  let polled = 0;
  let answered = false;
  for (let start = 0; start < numbers.length; start += POLL_BATCH_SIZE[provider]) {
    const wanted = numbers.slice(start, start + POLL_BATCH_SIZE[provider]);
    const granted = await claimQuota(deps.db, account, wanted.length, now);
    if (granted === 0) break;
    const batch = await claimShipments(deps.db, wanted.slice(0, granted), now);
    // Another worker took some of these parcels first: give back the polls it will spend itself.
    if (batch.length < granted) await refundQuota(deps.db, account, granted - batch.length, now);

    if (batch.length) {
      let result: ProviderPollResult;
      try {
        result = await fetchTrackings(
          provider,
          batch.map(([number]) => number),
          { apiKey, baseUrl: deps.apiUrls[provider], ...(deps.timeoutMs ? { timeoutMs: deps.timeoutMs } : {}) },
        );
      } catch (error) {
        if (!(error instanceof ProviderPollError)) throw error;
        await recordFailure(deps, account, error, now);
        return polled;
      }
      answered = true;
      polled += await applyResult(deps, shop, batch, result, now);
    }
    if (granted < wanted.length) break;
  }
  // A poll that worked clears what went wrong before.
  if (answered && account.pollError !== null) {
    await deps.db.providerAccount.updateMany({ where: { shop, provider, pollError: { not: null } }, data: { pollError: null } });
  }
  return polled;
}

/** Stores what the provider answered, one update per number; returns how many shipments were polled. */
async function applyResult(deps: PollerDeps, shop: string, batch: [string, Candidate[]][], result: ProviderPollResult, now: Date): Promise<number> {
  const updates = new Map<string, ProviderUpdate[]>();
  for (const update of result.updates) {
    const key = normalizeTrackingNumber(update.trackingNumber);
    updates.set(key, [...(updates.get(key) ?? []), update]);
  }
  let polled = 0;
  for (const [number, rows] of batch) {
    polled += rows.length;
    const found = updates.get(number);
    if (!found) continue; // Nothing yet (not registered with the provider, no scan): asked again after the interval.
    // The same number with several carriers: keep the one we already follow.
    const update = found.find((u) => u.carrierCode && rows.some((r) => r.providerCarrier === u.carrierCode)) ?? found[0]!;
    await applyProviderUpdate(deps.db, shop, update, now);
  }
  if (result.rejected.length) {
    deps.logger.debug("Tracking provider has no tracking for some numbers yet", {
      shop,
      rejected: result.rejected.slice(0, 10).map((r) => `${r.trackingNumber}: ${r.message}`),
    });
  }
  return polled;
}

// ---------------------------------------------------------------------------------------------------------
// The hourly quota, in ProviderAccount (pollHourStart, pollUsed). Every change is one conditional UPDATE, so
// concurrent workers (PostgreSQL re-checks the condition after a competing update commits) never overspend it.

const accountKey = (account: Pick<ProviderAccount, "shop" | "provider">) => ({ shop: account.shop, provider: account.provider });

/** Takes up to `wanted` polls from this hour's quota; returns how many it got (0: none left). */
export async function claimQuota(db: Database, account: Pick<ProviderAccount, "shop" | "provider">, wanted: number, now: Date): Promise<number> {
  const hour = quotaHourStart(now);
  // A new hour starts the count again (once: a second worker finds it started).
  await db.providerAccount.updateMany({
    where: { ...accountKey(account), OR: [{ pollHourStart: null }, { pollHourStart: { lt: hour } }] },
    data: { pollHourStart: hour, pollUsed: 0 },
  });
  for (let attempt = 0; attempt < 5; attempt++) {
    const row = await db.providerAccount.findUnique({
      where: { shop_provider: accountKey(account) },
      select: { pollPerHour: true, pollUsed: true, pollHourStart: true },
    });
    if (!row || row.pollHourStart?.getTime() !== hour.getTime()) return 0;
    const take = Math.min(wanted, row.pollPerHour - row.pollUsed);
    if (take <= 0) return 0;
    const { count } = await db.providerAccount.updateMany({
      where: { ...accountKey(account), pollHourStart: hour, pollPerHour: row.pollPerHour, pollUsed: { lte: row.pollPerHour - take } },
      data: { pollUsed: { increment: take } },
    });
    if (count === 1) return take;
    // Another worker spent some in between: look again.
  }
  return 0;
}

/** Gives back polls claimed but not spent (in the same hour only). */
async function refundQuota(db: Database, account: Pick<ProviderAccount, "shop" | "provider">, polls: number, now: Date): Promise<void> {
  await db.providerAccount.updateMany({
    where: { ...accountKey(account), pollHourStart: quotaHourStart(now), pollUsed: { gte: polls } },
    data: { pollUsed: { decrement: polls } },
  });
}

/**
 * Marks each parcel polled now, unless another worker did since we read it; returns the numbers with at least
 * one parcel still ours. Set before asking, so a failed request waits the parcel's interval like any poll.
 */
async function claimShipments(db: Database, numbers: [string, Candidate[]][], now: Date): Promise<[string, Candidate[]][]> {
  const claimed: [string, Candidate[]][] = [];
  for (const [number, rows] of numbers) {
    const ours: Candidate[] = [];
    for (const row of rows) {
      const { count } = await db.shipment.updateMany({ where: { id: row.id, lastPolledAt: row.lastPolledAt }, data: { lastPolledAt: now } });
      if (count === 1) ours.push(row);
    }
    if (ours.length) claimed.push([number, ours]);
  }
  return claimed;
}

// ---------------------------------------------------------------------------------------------------------
// Failures: the merchant reads pollError on the Notifications page.

async function recordError(deps: PollerDeps, account: ProviderAccount, message: string): Promise<void> {
  // Only for the key we used: a key pasted meanwhile gets its own chance.
  await deps.db.providerAccount.updateMany({ where: { ...accountKey(account), apiKey: account.apiKey }, data: { pollError: message } });
}

async function recordFailure(deps: PollerDeps, account: ProviderAccount & { provider: TrackingProvider }, error: ProviderPollError, now: Date) {
  const fields = { shop: account.shop, provider: account.provider, status: error.httpStatus ?? null, problem: error.message };
  switch (error.failure) {
    case "key_refused":
      await recordError(deps, account, error.message);
      // Logged once: the provider is skipped from now until the key changes.
      deps.logger.warn("Tracking provider refused the shop's API key; polling it stops until the merchant pastes a new key", fields);
      return;
    case "quota_exhausted":
      // Spend the rest of the hour: the provider will say the same until then.
      await deps.db.providerAccount.updateMany({
        where: { ...accountKey(account), pollHourStart: quotaHourStart(now) },
        data: { pollUsed: account.pollPerHour, pollError: error.message },
      });
      deps.logger.warn("Tracking provider says the shop's quota is used up; polling it resumes next hour", fields);
      return;
    case "unavailable":
    case "bad_response":
      await recordError(deps, account, error.message);
      deps.logger.warn("Tracking poll failed; the parcels are asked again after their interval", fields);
      return;
  }
}
