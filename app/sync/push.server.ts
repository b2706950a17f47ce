import type { Channel, ChannelListing, PushJob } from "@prisma/client";
import type { Database } from "../db.server";
import type { DatabaseKind } from "../db/url";
import { recordApplied, refreshItems } from "../inventory/mirror.server";
import { claimDueRows } from "../jobs/claim.server";
import { notifyWorkQueued } from "../jobs/signals.server";
import type { Logger } from "../observability/logger.server";
import type { AdminClient } from "../shopify/admin-client.server";
import { MAX_DELIVERY_ATTEMPTS, retryDelayMs } from "../webhooks/delivery-status";
import { adapterFor, type ChannelAdapter } from "../channels/adapters";
import { setQuantities, type QuantityInput } from "./admin-operations";
import { derivedKey } from "./keys";
import { listingsOfItems, sellableFor, type Sellable } from "./sellable.server";

// The outbox: what each channel may sell is pushed from durable jobs, one per listing. A change to an item
// (re)queues its listings; jobs for the same listing coalesce. A worker claims due jobs, works out each
// listing's quantity from the mirror and the channel's rules, and writes it with compare-and-swap against
// what the channel last showed: it never overwrites a sale it has not seen (CHANGE_FROM_QUANTITY_STALE makes
// it re-read and recompute).

export const MAX_ITEMS_PER_WRITE = 250;

export interface PushDeps {
  db: Database;
  kind: DatabaseKind;
  logger: Logger;
  adminFor: (shop: string) => Promise<AdminClient | null>;
  now?: () => Date;
}

/** Queues pushes for every synced listing of these items. Returns how many listings were queued. */
export async function enqueuePushes(db: Database, shop: string, inventoryItemIds: string[]): Promise<number> {
  if (inventoryItemIds.length === 0) return 0;
  const listings = await listingsOfItems(db, shop, inventoryItemIds);
  if (listings.length) process.nextTick(notifyWorkQueued, "push");
  const now = new Date();
  for (const listing of listings) {
    // A job being pushed right now only learns that it must run again (see settle); others become due now.
    const running = await db.pushJob.updateMany({ where: { listingId: listing.id, status: "processing" }, data: { enqueuedAt: now } });
    if (running.count > 0) continue;
    const waiting = await db.pushJob.updateMany({
      where: { listingId: listing.id },
      data: { status: "pending", enqueuedAt: now, availableAt: now, attempts: 0, lastError: null },
    });
    if (waiting.count > 0) continue;
    try {
      await db.pushJob.create({ data: { shop, channelId: listing.channelId, listingId: listing.id, enqueuedAt: now } });
    } catch (error) {
      if ((error as { code?: string }).code !== "P2002") throw error; // queued meanwhile
    }
  }
  return listings.length;
}

/** Queues a push for every matched listing of a channel (its rules changed, or it was just linked). */
export async function requeueChannel(db: Database, shop: string, channelId: string): Promise<number> {
  const listings = await db.channelListing.findMany({ where: { shop, channelId }, select: { id: true, inventoryItemId: true } });
  const bundles = await db.listingComponent.findMany({ where: { listingId: { in: listings.map((l) => l.id) } }, select: { inventoryItemId: true } });
  const items = new Set([...listings.flatMap((l) => (l.inventoryItemId ? [l.inventoryItemId] : [])), ...bundles.map((b) => b.inventoryItemId)]);
  return enqueuePushes(db, shop, [...items]);
}

/** What one listing may sell now (see sellable.server.ts). */
export async function desiredQuantity(db: Database, channel: Channel, listing: ChannelListing): Promise<Sellable> {
  return (await sellableFor(db, channel, [listing])).get(listing.id)!;
}

/** Listings with nothing to push: not matched to an item and not a bundle. */
async function mappedListingIds(db: Database, listings: ChannelListing[]): Promise<Set<string>> {
  const bundles = await db.listingComponent.findMany({ where: { listingId: { in: listings.map((l) => l.id) } }, select: { listingId: true } });
  return new Set([...listings.filter((l) => l.inventoryItemId).map((l) => l.id), ...bundles.map((b) => b.listingId)]);
}

type Outcome = { job: PushJob; status: "done" } | { job: PushJob; status: "retry" | "failed"; error: string };

/** Claims due pushes and runs them; returns how many jobs it handled. */
export async function processPushJobs(deps: PushDeps, options: { limit?: number; leaseMs?: number } = {}): Promise<number> {
  const now = deps.now ?? (() => new Date());
  const claim = await claimDueRows(deps.db, deps.kind, {
    table: "PushJob",
    limit: options.limit ?? MAX_ITEMS_PER_WRITE,
    leaseMs: options.leaseMs ?? 60_000,
    now: now(),
  });
  if (claim.ids.length === 0) return 0;
  const jobs = await deps.db.pushJob.findMany({ where: { id: { in: claim.ids }, lockedBy: claim.token } });
  const byChannel = new Map<string, PushJob[]>();
  for (const job of jobs) byChannel.set(job.channelId, [...(byChannel.get(job.channelId) ?? []), job]);
  for (const [channelId, channelJobs] of byChannel) {
    const outcomes = await pushChannel(deps, channelId, channelJobs).catch((error: unknown) =>
      channelJobs.map((job): Outcome => ({ job, status: "retry", error: error instanceof Error ? error.message : String(error) })),
    );
    for (const outcome of outcomes) await settle(deps, claim.token, outcome, now());
  }
  return jobs.length;
}

async function settle(deps: PushDeps, token: string, outcome: Outcome, now: Date) {
  const { job } = outcome;
  if (outcome.status === "done") {
    // Re-queued while we pushed (enqueuedAt moved): push again rather than lose that change.
    const done = await deps.db.pushJob.updateMany({
      where: { id: job.id, lockedBy: token, enqueuedAt: job.enqueuedAt },
      data: { status: "done", lockedBy: null, lockedUntil: null, lastError: null },
    });
    if (done.count === 0) {
      await deps.db.pushJob.updateMany({ where: { id: job.id, lockedBy: token }, data: { status: "pending", lockedBy: null, lockedUntil: null, availableAt: now } });
    }
    return;
  }
  const giveUp = outcome.status === "failed" || job.attempts >= MAX_DELIVERY_ATTEMPTS;
  if (giveUp) deps.logger.error("A push failed for good; retry it from Sync activity once the cause is fixed", { shop: job.shop, listing: job.listingId, error: outcome.error });
  await deps.db.pushJob.updateMany({
    where: { id: job.id, lockedBy: token },
    data: {
      status: giveUp ? "failed" : "pending",
      lockedBy: null,
      lockedUntil: null,
      lastError: outcome.error,
      availableAt: new Date(now.getTime() + retryDelayMs(job.attempts)),
    },
  });
}

async function pushChannel(deps: PushDeps, channelId: string, jobs: PushJob[]): Promise<Outcome[]> {
  const channel = await deps.db.channel.findUnique({ where: { id: channelId } });
  if (!channel || channel.status !== "active") return jobs.map((job) => ({ job, status: "done" }));
  if (channel.kind !== "shopify_store") {
    const adapter = adapterFor(channel.kind);
    if (!adapter) return jobs.map((job) => ({ job, status: "failed", error: `${channel.name}: no adapter for ${channel.kind} channels is installed` }));
    return pushThroughAdapter(deps, channel, adapter, jobs);
  }
  if (!channel.remoteAccount || !channel.remoteLocationId) {
    return jobs.map((job) => ({ job, status: "failed", error: `${channel.name}: choose the location Omnistock writes to in that store` }));
  }
  const remote = await deps.adminFor(channel.remoteAccount);
  if (!remote) {
    return jobs.map((job) => ({ job, status: "retry", error: `No access to ${channel.remoteAccount}: open Omnistock in that store to re-authorize it` }));
  }
  const listings = new Map(
    (await deps.db.channelListing.findMany({ where: { id: { in: jobs.map((j) => j.listingId) } } })).map((l) => [l.id, l]),
  );
  const outcomes: Outcome[] = [];
  const mapped = await mappedListingIds(deps.db, [...listings.values()]);
  const pending = jobs.filter((job) => {
    if (mapped.has(job.listingId)) return true;
    outcomes.push({ job, status: "done" }); // unmatched or removed: nothing to push
    return false;
  });

  for (let attempt = 0; pending.length > 0 && attempt < 3; attempt += 1) {
    const writes: { job: PushJob; listing: ChannelListing; input: QuantityInput; reason: string }[] = [];
    const batch = pending.splice(0);
    const batchListings = batch.map((job) => listings.get(job.listingId)!);
    const [sellable, shownLevels] = await Promise.all([
      sellableFor(deps.db, channel, batchListings),
      deps.db.inventoryLevel.findMany({
        where: { shop: channel.remoteAccount, locationId: channel.remoteLocationId, inventoryItemId: { in: batchListings.map((l) => l.remoteListingId) } },
      }),
    ]);
    const shownOf = new Map(shownLevels.map((level) => [level.inventoryItemId, level]));
    for (const job of batch) {
      const listing = listings.get(job.listingId)!;
      const desired = sellable.get(listing.id)!;
      const shown = shownOf.get(listing.remoteListingId);
      if (shown && shown.available === desired.quantity) {
        outcomes.push({ job, status: "done" });
        continue;
      }
      writes.push({
        job,
        listing,
        reason: desired.reason,
        input: {
          inventoryItemId: `gid://shopify/InventoryItem/${listing.remoteListingId}`,
          locationId: `gid://shopify/Location/${channel.remoteLocationId}`,
          quantity: desired.quantity,
          changeFromQuantity: shown ? shown.available : null,
        },
      });
    }
    if (writes.length === 0) break;
    const key = derivedKey("push", channel.id, ...writes.flatMap((w) => [w.job.id, w.job.enqueuedAt.toISOString(), w.input.quantity, String(w.input.changeFromQuantity)]));
    const { data } = await remote.run(setQuantities, {
      key,
      input: { name: "available", reason: "correction", referenceDocumentUri: `gid://omnistock/Push/${key}`, quantities: writes.map((w) => w.input) },
    });
    const errors = data.inventorySetQuantities.userErrors;
    if (errors.some((e) => e.code === "CHANGE_FROM_QUANTITY_STALE")) {
      // The channel sold or changed something we have not seen: read it, then work the numbers out again.
      await refreshItems(deps.db, remote, writes.map((w) => w.listing.remoteListingId), `stale push to ${channel.name}`);
      pending.push(...writes.map((w) => w.job));
      continue;
    }
    if (errors.length > 0) {
      // Shopify refuses the whole batch; the items it names failed, the others go again without them.
      const refused = new Map<number, string>();
      for (const error of errors) {
        const index = error.field?.[0] === "input" && error.field[1] === "quantities" ? Number(error.field[2]) : NaN;
        if (Number.isInteger(index)) refused.set(index, error.message);
      }
      writes.forEach((write, index) => {
        const reason = refused.get(index) ?? (refused.size === 0 ? errors.map((e) => e.message).join("; ") : undefined);
        if (reason !== undefined) {
          outcomes.push({ job: write.job, status: "failed", error: `${channel.name} refused ${write.listing.remoteSku ?? write.listing.remoteListingId}: ${reason}` });
        } else {
          pending.push(write.job);
        }
      });
      continue;
    }
    const pushedAt = new Date();
    for (const write of writes) {
      const previous = write.input.changeFromQuantity;
      await recordApplied(deps.db, {
        shop: channel.remoteAccount,
        inventoryItemId: write.listing.remoteListingId,
        locationId: channel.remoteLocationId,
        delta: previous === null ? 0 : write.input.quantity - previous,
        quantityAfter: write.input.quantity,
        cause: `push from ${channel.shop}: ${write.reason}`,
        idempotencyKey: `${key}:${write.listing.id}`,
      });
      await deps.db.channelListing.update({ where: { id: write.listing.id }, data: { lastPushed: write.input.quantity, lastPushedAt: pushedAt } });
      outcomes.push({ job: write.job, status: "done" });
    }
  }
  for (const job of pending) outcomes.push({ job, status: "retry", error: `${channel.name} kept changing while we pushed; will try again` });
  return outcomes;
}

/**
 * Marketplaces through their adapter: the quantity we last set is what we expect the channel to show; a
 * channel that changed it (a sale we have not heard of yet) answers stale, and we read it before trying again.
 */
async function pushThroughAdapter(deps: PushDeps, channel: Channel, adapter: ChannelAdapter, jobs: PushJob[]): Promise<Outcome[]> {
  const account = { id: channel.id, remoteAccount: channel.remoteAccount, credentials: null };
  const outcomes: Outcome[] = [];
  let pending = jobs;
  for (let attempt = 0; pending.length > 0 && attempt < 3; attempt += 1) {
    const listings = new Map((await deps.db.channelListing.findMany({ where: { id: { in: pending.map((j) => j.listingId) } } })).map((l) => [l.id, l]));
    const writes: { job: PushJob; listing: ChannelListing; quantity: number }[] = [];
    const mapped = await mappedListingIds(deps.db, [...listings.values()]);
    const sellable = await sellableFor(deps.db, channel, [...listings.values()].filter((l) => mapped.has(l.id)));
    for (const job of pending) {
      const listing = listings.get(job.listingId);
      if (!listing || !mapped.has(listing.id)) {
        outcomes.push({ job, status: "done" });
        continue;
      }
      const desired = sellable.get(listing.id)!;
      if (listing.lastPushed === desired.quantity) outcomes.push({ job, status: "done" });
      else writes.push({ job, listing, quantity: desired.quantity });
    }
    pending = [];
    if (writes.length === 0) break;
    const results = await adapter.setQuantities(
      account,
      writes.map((w) => ({ remoteListingId: w.listing.remoteListingId, quantity: w.quantity, expected: w.listing.lastPushed })),
    );
    let stale = false;
    for (const [index, write] of writes.entries()) {
      const result = results[index];
      if (result?.ok) {
        await deps.db.channelListing.update({ where: { id: write.listing.id }, data: { lastPushed: result.quantity, lastPushedAt: new Date() } });
        outcomes.push({ job: write.job, status: "done" });
      } else if (result?.stale) {
        stale = true;
        pending.push(write.job);
      } else {
        outcomes.push({ job: write.job, status: "failed", error: `${channel.name} refused ${write.listing.remoteSku ?? write.listing.remoteListingId}: ${result?.error ?? "no answer"}` });
      }
    }
    if (stale) {
      // Learn what the channel shows now, then work the numbers out again.
      const shown = new Map((await adapter.listListings(account)).map((l) => [l.remoteListingId, l.quantity]));
      for (const job of pending) {
        const listing = listings.get(job.listingId)!;
        if (shown.has(listing.remoteListingId)) {
          await deps.db.channelListing.update({ where: { id: listing.id }, data: { lastPushed: shown.get(listing.remoteListingId)! } });
        }
      }
    }
  }
  for (const job of pending) outcomes.push({ job, status: "retry", error: `${channel.name} kept changing while we pushed; will try again` });
  return outcomes;
}
