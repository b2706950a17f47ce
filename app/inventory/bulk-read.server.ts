import { EventEmitter } from "node:events";
import { z } from "zod";
import type { Database } from "../db.server";
import { AdminApiError, type AdminClient } from "../shopify/admin-client.server";
import { defineHandler, type TopicHandler } from "../webhooks/topic-handler";
import {
  BULK_ITEMS_QUERY,
  bulkItemLine,
  bulkOperationStatus,
  cancelBulkOperation,
  catalogSize,
  runBulkQuery,
  type ShopifyBulkOperation,
  type ShopifyInventoryItem,
} from "./admin-operations";
import { importLocations, storeItem, type ImportProgress } from "./mirror.server";

// The whole catalog in one read, for large shops: paging through tens of thousands of items under the cost
// limit takes long and spends the points live sync needs, so Shopify runs the query itself (a bulk operation,
// free of cost limits) and hands back a JSONL file. We start it, wait for it (the bulk_operations/finish
// webhook wakes us, polling with backoff is the fallback), then stream the file line by line: an item's
// variant and levels follow it (groupObjects), and each complete item is stored through storeItem, the same
// path paged reads take. The operation's id lives only in this call: a run that dies starts over next time.

/** From this many items on, a reconciliation reads the catalog with a bulk operation; below, paging is faster. */
export const BULK_READ_THRESHOLD = 2_000;

export interface BulkReadOptions {
  /** First wait between two looks at the operation; doubles up to maxPollIntervalMs. */
  pollIntervalMs?: number;
  maxPollIntervalMs?: number;
  /** Give up (and cancel the operation) after this long. */
  timeoutMs?: number;
  /** Report progress every this many items stored. */
  progressEvery?: number;
  /** Downloads the result file (tests wrap it). */
  fetch?: typeof fetch;
}

const DEFAULTS = { pollIntervalMs: 1000, maxPollIntervalMs: 10_000, timeoutMs: 30 * 60_000, progressEvery: 250 };

/** The bulk operation could not give us the catalog (refused, failed, too slow, file unreachable): page instead. */
export class BulkReadUnavailable extends Error {
  constructor(
    message: string,
    /** What was stored before it gave up (the ledger has it; paging will find nothing more to record there). */
    readonly progress: ImportProgress = { itemsRead: 0, changes: 0 },
  ) {
    super(message);
    this.name = "BulkReadUnavailable";
  }
}

/** The file Shopify produced is not what we asked for: the run stops with the line that is wrong. */
export class BulkFileInvalid extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BulkFileInvalid";
  }
}

// ---------------------------------------------------------------- waking on bulk_operations/finish

// On globalThis: the webhook worker and the reconciliation may run in module copies of one process.
const KEY = Symbol.for("omnistock.bulkOperations");
const globals = globalThis as unknown as Record<symbol, EventEmitter | undefined>;
const finished = (globals[KEY] ??= new EventEmitter().setMaxListeners(100));
const finishKey = (shop: string, id: string) => `${shop} ${id}`;

/** Says a bulk operation finished; true when a read in this process was waiting for it. */
export function bulkOperationFinished(shop: string, id: string): boolean {
  return finished.emit(finishKey(shop, id));
}

/** A wait that ends after `ms` or as soon as the operation is said to have finished, whichever comes first. */
function finishSignal(shop: string, id: string) {
  let signalled = false;
  let wake: () => void = () => {};
  const listener = () => {
    signalled = true;
    wake();
  };
  finished.on(finishKey(shop, id), listener);
  return {
    wait: (ms: number) =>
      new Promise<void>((resolve) => {
        if (signalled) return resolve();
        const timer = setTimeout(resolve, ms);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      }),
    dispose: () => finished.off(finishKey(shop, id), listener),
  };
}

const finishPayload = z.looseObject({
  admin_graphql_api_id: z.string().regex(/^gid:\/\/shopify\/BulkOperation\/\d+$/, "not a BulkOperation gid"),
  status: z.string(),
  error_code: z.string().nullish(),
});

/** bulk_operations/finish only wakes the read waiting for the operation; the read asks Shopify how it ended. */
export const BULK_OPERATION_HANDLERS: Record<string, TopicHandler> = {
  "bulk_operations/finish": defineHandler({
    schema: finishPayload,
    async handle(payload, ctx) {
      return bulkOperationFinished(ctx.shop, payload.admin_graphql_api_id) ? "done" : "skipped";
    },
  }),
};

// ---------------------------------------------------------------- the read

/** How many items the shop has (one per variant); our mirror's count when Shopify cannot say. */
export async function catalogItemCount(db: Database, admin: AdminClient): Promise<number> {
  try {
    const { data } = await admin.run(catalogSize);
    if (data.productVariantsCount) return data.productVariantsCount.count;
  } catch (error) {
    if (!(error instanceof AdminApiError) || error.code === "UNAUTHORIZED") throw error;
  }
  return db.inventoryItem.count({ where: { shop: admin.shop } });
}

const TERMINAL = new Set(["COMPLETED", "FAILED", "CANCELED", "EXPIRED"]);

/** Admin API trouble while starting or watching the operation: paging may still work. */
async function adminCall<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof AdminApiError && error.code !== "UNAUTHORIZED") throw new BulkReadUnavailable(`${what} failed: ${error.message}`);
    throw error;
  }
}

async function startBulkRead(admin: AdminClient): Promise<string> {
  const { data } = await adminCall("Starting it", () => admin.run(runBulkQuery, { query: BULK_ITEMS_QUERY }));
  const payload = data.bulkOperationRunQuery;
  if (!payload?.bulkOperation) {
    const reasons = payload?.userErrors.map((e) => (e.code ? `${e.message} (${e.code})` : e.message)).join("; ");
    throw new BulkReadUnavailable(`Shopify refused to start it: ${reasons || "no reason given"}`);
  }
  return payload.bulkOperation.id;
}

/** Polls the operation until it ends, sooner when bulk_operations/finish says so; cancels it on timeout. */
async function waitForBulkOperation(admin: AdminClient, id: string, options: Required<Omit<BulkReadOptions, "fetch">>): Promise<ShopifyBulkOperation> {
  const deadline = Date.now() + options.timeoutMs;
  let interval = options.pollIntervalMs;
  for (;;) {
    // Listening before asking, so a webhook that lands while we ask is not missed.
    const signal = finishSignal(admin.shop, id);
    try {
      const { data } = await adminCall("Checking on it", () => admin.run(bulkOperationStatus, { id }));
      const op = data.bulkOperation;
      if (!op) throw new BulkReadUnavailable(`Shopify no longer knows bulk operation ${id}`);
      if (TERMINAL.has(op.status)) return op;
      const left = deadline - Date.now();
      if (left <= 0) {
        await admin.run(cancelBulkOperation, { id }).catch(() => {});
        throw new BulkReadUnavailable(`it had not finished after ${duration(options.timeoutMs)} (${op.objectCount} objects read); it was cancelled`);
      }
      await signal.wait(Math.min(interval, left));
      interval = Math.min(interval * 2, options.maxPollIntervalMs);
    } finally {
      signal.dispose();
    }
  }
}

const duration = (ms: number) => {
  const [amount, unit] = ms >= 60_000 ? [Math.round(ms / 60_000), "minute"] : [Math.round(ms / 1000), "second"];
  return `${amount} ${unit}${amount === 1 ? "" : "s"}`;
};

const describeEnd = (op: ShopifyBulkOperation) =>
  op.status === "FAILED"
    ? `Shopify reported it failed${op.errorCode ? ` (${op.errorCode})` : ""}`
    : `it ended as ${op.status.toLowerCase()}`;

/** The download broke off (the connection, not the content): paging can still read the catalog. */
class DownloadInterrupted extends Error {}

/** Lines of a UTF-8 stream, split as they arrive (never the whole file in memory). */
export async function* jsonlLines(body: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  const reader = body.getReader();
  const decoder = new TextDecoder("utf-8");
  let rest = "";
  for (;;) {
    let chunk: ReadableStreamReadResult<Uint8Array>;
    try {
      chunk = await reader.read();
    } catch (error) {
      throw new DownloadInterrupted(error instanceof Error ? error.message : String(error));
    }
    if (chunk.done) break;
    const lines = (rest + decoder.decode(chunk.value, { stream: true })).split("\n");
    rest = lines.pop()!;
    yield* lines;
  }
  rest += decoder.decode();
  if (rest) yield rest;
}

const excerpt = (line: string) => (line.length > 120 ? `${line.slice(0, 120)}...` : line);

/**
 * Items from the JSONL of BULK_ITEMS_QUERY: an item line, then its variant and level lines (`__parentId` is the
 * item's id). Each item is yielded once its lines are all read. A line that is not JSON, not one of the three
 * shapes, or that belongs to another item than the one before it stops the read, naming the line.
 */
export async function* bulkItems(lines: AsyncIterable<string>): AsyncGenerator<ShopifyInventoryItem> {
  let current: ShopifyInventoryItem | null = null;
  let number = 0;
  for await (const raw of lines) {
    number += 1;
    if (!raw.trim()) continue;
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      throw new BulkFileInvalid(`Line ${number} of Shopify's bulk read is not JSON: ${excerpt(raw)}`);
    }
    const parsed = bulkItemLine.safeParse(json);
    if (!parsed.success) {
      throw new BulkFileInvalid(`Line ${number} of Shopify's bulk read is not an inventory item, variant or level as asked: ${excerpt(raw)}`);
    }
    const line = parsed.data;
    if (!("__parentId" in line)) {
      if (current) yield current;
      current = { ...line, variants: { nodes: [] }, inventoryLevels: { nodes: [] } };
      continue;
    }
    const { __parentId: parentId, ...child } = line;
    if (!current || parentId !== current.id) {
      throw new BulkFileInvalid(`Line ${number} of Shopify's bulk read belongs to ${parentId}, which is not the item on the lines before it`);
    }
    if ("location" in child) current.inventoryLevels.nodes.push(child);
    else current.variants.nodes.push(child);
  }
  if (current) yield current;
}

/**
 * Reads every location (paged: a handful) and every inventory item of a shop through a bulk operation, storing
 * each item as it is read and reporting progress. Throws BulkReadUnavailable when paging should be used
 * instead, BulkFileInvalid when the file is wrong.
 */
export async function bulkImportShop(
  db: Database,
  admin: AdminClient,
  cause: string,
  onProgress: (progress: ImportProgress) => void = () => {},
  options: BulkReadOptions = {},
): Promise<ImportProgress> {
  const settings = {
    pollIntervalMs: options.pollIntervalMs ?? DEFAULTS.pollIntervalMs,
    maxPollIntervalMs: options.maxPollIntervalMs ?? DEFAULTS.maxPollIntervalMs,
    timeoutMs: options.timeoutMs ?? DEFAULTS.timeoutMs,
    progressEvery: options.progressEvery ?? DEFAULTS.progressEvery,
  };
  await importLocations(db, admin);
  // When the read was asked for: a level written after this (our own sale or push) is newer than the file.
  const at = new Date();
  const id = await startBulkRead(admin);
  const op = await waitForBulkOperation(admin, id, settings);
  if (op.status !== "COMPLETED") throw new BulkReadUnavailable(describeEnd(op));

  const progress: ImportProgress = { itemsRead: 0, changes: 0 };
  // Shopify gives no file when the query found nothing.
  if (op.url) {
    let response: Response;
    try {
      response = await (options.fetch ?? fetch)(op.url);
    } catch (error) {
      throw new BulkReadUnavailable(`its file could not be downloaded (${error instanceof Error ? error.message : String(error)})`);
    }
    if (!response.ok || !response.body) throw new BulkReadUnavailable(`its file could not be downloaded (HTTP ${response.status})`);
    try {
      for await (const item of bulkItems(jsonlLines(response.body))) {
        progress.changes += await storeItem(db, admin.shop, item, cause, at);
        progress.itemsRead += 1;
        if (progress.itemsRead % settings.progressEvery === 0) onProgress({ ...progress });
      }
    } catch (error) {
      if (error instanceof DownloadInterrupted) {
        throw new BulkReadUnavailable(`the download of its file broke off after ${progress.itemsRead} items (${error.message})`, { ...progress });
      }
      throw error;
    }
  }
  onProgress({ ...progress });
  return progress;
}
