import type { ProviderAccount, Shipment } from "@prisma/client";
import type { Config } from "../config.server";
import type { Database } from "../db.server";
import type { Logger } from "../observability/logger.server";
import type { SecretBox } from "../security/secrets.server";
import { normalizeTrackingNumber } from "./carriers";
import { forgetRegistrationsBefore, pauseProvider, pausedUntil, rememberRegistration, wasRegistered } from "./poll-memory.server";
import { planPolls, POLL_DAYS, pollingProviderOf, quotaHourStart, usedThisHour, type PollShipment, type ProviderQuota } from "./poll-quota";
import { applyProviderUpdate } from "./provider-webhooks.server";
import {
  fetchTrackings,
  needsNewKey,
  PASTE_KEY,
  POLL_BATCH_SIZE,
  ProviderPollError,
  registerTrackings,
  type PollRequestOptions,
} from "./providers/poll";
import { PROVIDER_NAMES, TRACKING_PROVIDERS, type ProviderPollResult, type ProviderUpdate, type TrackingProvider } from "./providers/types";
import type { ExceptionReason, TrackingStatus } from "./status";

// The poller: for parcels whose provider does not push (or has not lately), ask it. Each shop sets, per
// provider, an API key and how many polls an hour its plan allows; that quota is kept in ProviderAccount and
// spent with conditional updates, so any number of worker processes together never spend more than it.
// planPolls decides what is due (a recent push or Shopify event counts as fresh news, so such parcels wait),
// results go through applyProviderUpdate exactly like webhooks, so an event reported twice is stored once.
// Numbers are sent as the merchant wrote them (Shipment.trackingNumber) and answers matched back by the
// normalised key. A number the provider has never been told about is registered with it once, from the quota.
// A 429 is a per-second rate limit: the provider is paused for that shop until it says, and the polls it
// refused are given back.

export interface PollerDeps {
  db: Database;
  logger: Logger;
  box: SecretBox;
  /** Each provider's API, from OMNISTOCK_<PROVIDER>_API_URL (providerApiUrls). */
  apiUrls: Record<TrackingProvider, string>;
  timeoutMs?: number;
}

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
  | "id"
  | "source"
  | "status"
  | "exceptionReason"
  | "trackingNumber"
  | "trackingNumberKey"
  | "providerCarrier"
  | "lastPushAt"
  | "lastEventAt"
  | "lastPolledAt"
>;

/** One number as a provider is asked about it: the merchant's spelling, its matching key and the shipments carrying it. */
interface AskedNumber {
  key: string;
  number: string;
  rows: Candidate[];
}

/** Polls what is due for every installed shop with polling on; returns how many shipments it polled. */
export async function runDuePolls(deps: PollerDeps, now = new Date()): Promise<number> {
  forgetRegistrationsBefore(new Date(now.getTime() - POLL_DAYS * DAY_MS));
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
      trackingNumber: true,
      trackingNumberKey: true,
      providerCarrier: true,
      lastPushAt: true,
      lastEventAt: true,
      lastPolledAt: true,
    },
  });
  // A paused provider keeps its parcels (they wait for it rather than going to another provider for a minute).
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
    if (pausedUntil(shop, provider, now)) continue;
    // One request asks about a number for every shipment that carries it; planPolls' order is kept.
    const numbers = new Map<string, AskedNumber>();
    for (const planned of plan.poll) {
      if (planned.provider !== provider) continue;
      const row = byId.get(planned.id)!;
      const key = row.trackingNumberKey!;
      const asked = numbers.get(key);
      if (asked) asked.rows.push(row);
      // As the merchant registered it: the provider (and the carrier behind it) may read the spelling.
      else if (numbers.size < MAX_NUMBERS_PER_RUN) numbers.set(key, { key, number: row.trackingNumber?.trim() || key, rows: [row] });
    }
    if (numbers.size) polled += await pollProvider(deps, account as ProviderAccount & { provider: TrackingProvider }, [...numbers.values()], now);
  }
  return polled;
}

async function pollProvider(deps: PollerDeps, account: ProviderAccount & { provider: TrackingProvider }, numbers: AskedNumber[], now: Date): Promise<number> {
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
  const options: PollRequestOptions = { apiKey, baseUrl: deps.apiUrls[provider], now, ...(deps.timeoutMs ? { timeoutMs: deps.timeoutMs } : {}) };

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
        result = await fetchTrackings(provider, batch.map((n) => n.number), options);
      } catch (error) {
        if (!(error instanceof ProviderPollError)) throw error;
        if (error.failure === "rate_limited") {
          // Nothing was answered: the polls go back to the hour, and the parcels are due again after the pause.
          await refundQuota(deps.db, account, batch.length, now);
          await unclaimShipments(deps.db, batch, now);
        }
        await recordFailure(deps, account, error);
        return polled;
      }
      answered = true;
      polled += await applyResult(deps, shop, batch, result, now);
      const unknown = new Set(result.unknown.map(normalizeTrackingNumber));
      const failure = await registerUnknown(deps, account, options, batch.filter((n) => unknown.has(n.key)), now);
      if (failure) {
        await recordFailure(deps, account, failure);
        return polled;
      }
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
async function applyResult(deps: PollerDeps, shop: string, batch: AskedNumber[], result: ProviderPollResult, now: Date): Promise<number> {
  const updates = new Map<string, ProviderUpdate[]>();
  for (const update of result.updates) {
    // "Pending", no scan: the provider follows the number but knows nothing yet; that says less than "shipped".
    if (update.status === "pending" && update.events.length === 0) continue;
    const key = normalizeTrackingNumber(update.trackingNumber);
    updates.set(key, [...(updates.get(key) ?? []), update]);
  }
  let polled = 0;
  for (const { key, rows } of batch) {
    polled += rows.length;
    const found = updates.get(key);
    if (!found) continue; // Nothing yet (just registered, no scan): asked again after the interval.
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

/**
 * Registers numbers the provider said it does not follow, each at most once per process (and the providers
 * answer a repeat as already registered), spending one poll of the hourly quota per number. Returns the failure
 * that stopped it, if any, for the caller to record.
 */
async function registerUnknown(
  deps: PollerDeps,
  account: ProviderAccount & { provider: TrackingProvider },
  options: PollRequestOptions,
  unknown: AskedNumber[],
  now: Date,
): Promise<ProviderPollError | null> {
  const { shop, provider } = account;
  const fresh = unknown.filter((n) => !wasRegistered(shop, provider, n.key));
  if (!fresh.length) return null;
  const granted = await claimQuota(deps.db, account, fresh.length, now);
  // The rest are found unknown again at their next poll, with the next hour's quota.
  const items = fresh.slice(0, granted);
  if (!items.length) return null;
  const result = await registerTrackings(
    provider,
    items.map((n) => {
      // A carrier code of this provider's own, from an earlier answer; otherwise the provider detects the carrier.
      const carrier = n.rows.find((r) => r.source === provider && r.providerCarrier)?.providerCarrier;
      return { number: n.number, ...(carrier ? { carrier } : {}) };
    }),
    options,
  );
  const byNumber = new Map(items.map((n) => [normalizeTrackingNumber(n.number), n]));
  const done = [...result.registered, ...result.refused.map((r) => r.trackingNumber)];
  // Refused numbers too: the provider would refuse them again.
  for (const number of done) {
    const asked = byNumber.get(normalizeTrackingNumber(number));
    if (asked) rememberRegistration(shop, provider, asked.key, now);
  }
  const unsent = items.length - done.length;
  if (unsent > 0) await refundQuota(deps.db, account, unsent, now);
  if (result.registered.length) {
    deps.logger.info("Registered tracking numbers with the provider so it follows them; their tracking shows once the carrier scans them", {
      shop,
      provider,
      registered: result.registered.length,
      numbers: result.registered.slice(0, 10),
    });
  }
  if (result.refused.length) {
    deps.logger.warn("Tracking provider will not follow some tracking numbers; check the carrier and tracking number of these orders in Shopify", {
      shop,
      provider,
      refused: result.refused.slice(0, 10).map((r) => `${r.trackingNumber}: ${r.message}`),
    });
  }
  return result.failure ?? null;
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
async function claimShipments(db: Database, numbers: AskedNumber[], now: Date): Promise<AskedNumber[]> {
  const claimed: AskedNumber[] = [];
  for (const asked of numbers) {
    const ours: Candidate[] = [];
    for (const row of asked.rows) {
      const { count } = await db.shipment.updateMany({ where: { id: row.id, lastPolledAt: row.lastPolledAt }, data: { lastPolledAt: now } });
      if (count === 1) ours.push(row);
    }
    if (ours.length) claimed.push({ ...asked, rows: ours });
  }
  return claimed;
}

/** Undoes claimShipments for a request the provider did not answer (a rate limit): the parcels stay due. */
async function unclaimShipments(db: Database, numbers: AskedNumber[], now: Date): Promise<void> {
  for (const { rows } of numbers) {
    for (const row of rows) await db.shipment.updateMany({ where: { id: row.id, lastPolledAt: now }, data: { lastPolledAt: row.lastPolledAt } });
  }
}

// ---------------------------------------------------------------------------------------------------------
// Failures: the merchant reads pollError on the Notifications page.

async function recordError(deps: PollerDeps, account: ProviderAccount, message: string): Promise<void> {
  // Only for the key we used: a key pasted meanwhile gets its own chance.
  await deps.db.providerAccount.updateMany({ where: { ...accountKey(account), apiKey: account.apiKey }, data: { pollError: message } });
}

async function recordFailure(deps: PollerDeps, account: ProviderAccount & { provider: TrackingProvider }, error: ProviderPollError) {
  const fields = { shop: account.shop, provider: account.provider, status: error.httpStatus ?? null, problem: error.message };
  switch (error.failure) {
    case "key_refused":
      await recordError(deps, account, error.message);
      // Logged once: the provider is skipped from now until the key changes.
      deps.logger.warn("Tracking provider refused the shop's API key; polling it stops until the merchant pastes a new key", fields);
      return;
    case "rate_limited": {
      const until = error.retryAt ?? new Date(Date.now() + 60_000);
      pauseProvider(account.shop, account.provider, until);
      await recordError(deps, account, error.message);
      deps.logger.warn("Tracking provider is rate limiting the shop's requests; polling it pauses until the provider's reset, nothing was counted", {
        ...fields,
        resumesAt: until.toISOString(),
      });
      return;
    }
    case "account_refused":
      await recordError(deps, account, error.message);
      deps.logger.warn("Tracking provider refused the shop's account (not its key); the merchant fixes it at the provider, polls go on", fields);
      return;
    case "unavailable":
    case "bad_response":
      await recordError(deps, account, error.message);
      deps.logger.warn("Tracking poll failed; the parcels are asked again after their interval", fields);
      return;
  }
}
