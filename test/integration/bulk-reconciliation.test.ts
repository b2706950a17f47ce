import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "../../app/db.server";
import { bulkImportShop } from "../../app/inventory/bulk-read.server";
import { importShop, recordApplied } from "../../app/inventory/mirror.server";
import * as webhooksRoute from "../../app/routes/webhooks";
import { createAdminClient, type AdminClient } from "../../app/shopify/admin-client.server";
import { reconcileShop, type ReconcileDeps } from "../../app/sync/reconcile.server";
import { adminSchema } from "../../devstore/admin/schema";
import type { ShopUsage } from "../../devstore/admin/usage";
import type { Quantities } from "../../devstore/state/model";
import type { DevStore } from "../../devstore/state/store";
import type { RunningDevStore } from "../../devstore/server";
import { callAction, drainWebhooks, quietLogger } from "../support/app";
import { seedFixture, startFixtureDevStore, type Fixture } from "../support/devstore";

// Reconciliation of a large catalog through a Shopify bulk operation, against the dev store over HTTP: two
// shops hold the same catalog and the same drift; one is read in bulk, the other page by page, and both must
// end with the same mirror and the same ledger. The bulk read falls back to paging when Shopify cannot deliver.

const BULK = "fixture.myshopify.com";
const PAGED = "twin.myshopify.com";
const EXTRA_ITEMS = 30;

let devstore: RunningDevStore & { fixture: Fixture };
let receiver: http.Server;
/** Drains the forwarder started; awaited before the file's database goes away. */
const drains = new Set<Promise<unknown>>();
const admins = new Map<string, AdminClient>();

/** The same 30 extra products in a shop, with every quantity state in use and some items at one location only. */
function addCatalog(store: DevStore, shop: string) {
  const now = new Date().toISOString();
  for (let i = 0; i < EXTRA_ITEMS; i += 1) {
    const [productId, variantId, itemId] = [String(5000 + i), String(6000 + i), String(7000 + i)];
    const sku = `BULK-${String(i).padStart(3, "0")}`;
    store.addProduct(
      shop,
      { id: productId, title: `Bulk ${i}`, handle: `bulk-${i}`, productType: "Test", vendor: "Fixture", descriptionHtml: "", tags: [], status: "ACTIVE", options: ["Title"], imageUrl: null, createdAt: now, updatedAt: now },
      [{ id: variantId, productId, title: "Default Title", sku, barcode: `400${i}`, price: "9.00", compareAtPrice: null, selectedOptions: ["Default Title"], inventoryPolicy: i % 4 === 0 ? "CONTINUE" : "DENY", inventoryItemId: itemId, position: 1, createdAt: now, updatedAt: now }],
      [{ id: itemId, variantId, sku, tracked: true, requiresShipping: true, unitCost: null, createdAt: now, updatedAt: now }],
    );
    const quantities: Quantities = { available: 5 + (i % 7), committed: i % 3, reserved: i % 2, incoming: i % 4, damaged: i % 5 === 0 ? 1 : 0, quality_control: 0, safety_stock: i % 6 === 0 ? 2 : 0 };
    store.putLevel(shop, { inventoryItemId: itemId, locationId: "11", quantities, updatedAt: now });
    if (i % 2 === 0) store.putLevel(shop, { inventoryItemId: itemId, locationId: "12", quantities: { ...quantities, available: i % 5, incoming: 0 }, updatedAt: now });
  }
}

/** What webhooks never told the app: the same changes in a shop, straight in the dev store's state. */
function drift(store: DevStore, shop: string) {
  const state = store.shop(shop);
  const level = (item: string, location: string) => store.level(shop, item, location)!.quantities;
  level("7003", "11").available -= 4;
  level("7004", "11").committed += 2;
  level("7006", "11").safety_stock += 3;
  level("7010", "12").incoming += 6;
  // Disconnected from the shop floor; connected there instead.
  state.inventoryLevels.delete("7012:12");
  store.putLevel(shop, { inventoryItemId: "7013", locationId: "12", quantities: { available: 7, committed: 0, reserved: 0, incoming: 0, damaged: 1, quality_control: 0, safety_stock: 0 }, updatedAt: new Date().toISOString() });
  // A product added since the last read.
  const now = new Date().toISOString();
  store.addProduct(
    shop,
    { id: "5999", title: "New arrival", handle: "new-arrival", productType: "Test", vendor: "Fixture", descriptionHtml: "", tags: [], status: "ACTIVE", options: ["Title"], imageUrl: null, createdAt: now, updatedAt: now },
    [{ id: "6999", productId: "5999", title: "Default Title", sku: "NEW-1", barcode: null, price: "12.00", compareAtPrice: null, selectedOptions: ["Default Title"], inventoryPolicy: "DENY", inventoryItemId: "7999", position: 1, createdAt: now, updatedAt: now }],
    [{ id: "7999", variantId: "6999", sku: "NEW-1", tracked: true, requiresShipping: true, unitCost: null, createdAt: now, updatedAt: now }],
  );
  store.putLevel(shop, { inventoryItemId: "7999", locationId: "11", quantities: { available: 11, committed: 0, reserved: 0, incoming: 0, damaged: 0, quality_control: 0, safety_stock: 0 }, updatedAt: now });
}

/** Forwards bulk_operations/finish to the app's real webhook route and runs the webhook worker, as production does. */
async function startWebhookForwarder(): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", async () => {
      if (req.headers["x-shopify-topic"] !== "bulk_operations/finish") return void res.writeHead(200).end();
      const headers = new Headers();
      for (const [name, value] of Object.entries(req.headers)) {
        if (typeof value === "string" && (name.startsWith("x-shopify-") || name === "content-type")) headers.set(name, value);
      }
      const body = new Uint8Array(Buffer.concat(chunks));
      const response = await callAction(webhooksRoute, new Request("http://127.0.0.1:3999/webhooks", { method: "POST", headers, body }));
      res.writeHead(response.status).end();
      const drain = drainWebhooks();
      drains.add(drain);
      await drain.finally(() => drains.delete(drain));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return server;
}

beforeAll(async () => {
  devstore = await startFixtureDevStore({ bulkDelayMs: 200 });
  seedFixture(devstore.store, PAGED);
  for (const shop of [BULK, PAGED]) {
    addCatalog(devstore.store, shop);
    const { accessToken } = devstore.install(shop);
    admins.set(shop, createAdminClient({ shop, accessToken, origin: devstore.url }));
  }
  receiver = await startWebhookForwarder();
  adminSchema(); // parsed once, here rather than inside the first test's time limit
  devstore.setAppUrl(`http://127.0.0.1:${(receiver.address() as AddressInfo).port}`);
}, 60_000);
afterAll(async () => {
  await devstore?.close();
  await new Promise((resolve) => receiver?.close(resolve));
  await Promise.all(drains);
});

const deps = (bulkRead: ReconcileDeps["bulkRead"]): ReconcileDeps => ({
  db: db(),
  logger: quietLogger,
  adminFor: async (shop) => admins.get(shop) ?? null,
  bulkRead,
});
const inBulk = { threshold: 10, pollIntervalMs: 100 };
const paged = { threshold: 1_000_000 };

/** Requests per operation name the dev store answered for a shop since `before`. */
function requestsSince(before: Record<string, ShopUsage>, shop: string): Record<string, number> {
  const now = devstore.usage.snapshot()[shop]?.byOperation ?? {};
  return Object.fromEntries(
    Object.entries(now)
      .map(([name, usage]) => [name, usage.requests - (before[shop]?.byOperation[name]?.requests ?? 0)] as const)
      .filter(([, count]) => count > 0),
  );
}

/** The mirror of a shop, comparable across shops. */
async function mirrorOf(shop: string) {
  const levels = await db().inventoryLevel.findMany({ where: { shop }, orderBy: [{ inventoryItemId: "asc" }, { locationId: "asc" }] });
  const items = await db().inventoryItem.findMany({ where: { shop }, orderBy: { inventoryItemId: "asc" } });
  return {
    levels: levels.map(({ shop: _shop, observedAt: _observed, updatedAt: _updated, ...level }) => level),
    items: items.map((item) => [item.inventoryItemId, item.sku, item.variantId, item.productTitle, item.barcode, item.inventoryPolicy, item.tracked]),
  };
}

/** Every mirrored quantity equals the dev store's, and the ledger adds up to it. */
async function expectMirrorTrue(shop: string) {
  const state = devstore.store.shop(shop);
  const levels = await db().inventoryLevel.findMany({ where: { shop } });
  expect(levels.length).toBe(state.inventoryLevels.size);
  for (const level of levels) {
    const truth = devstore.store.level(shop, level.inventoryItemId, level.locationId)!;
    expect(level, `${level.inventoryItemId} at ${level.locationId}`).toMatchObject({
      available: truth.quantities.available,
      committed: truth.quantities.committed,
      incoming: truth.quantities.incoming,
      safetyStock: truth.quantities.safety_stock,
      onHand: devstore.store.quantity(truth, "on_hand"),
    });
  }
  const sums = await db().inventoryLedgerEntry.groupBy({ by: ["inventoryItemId", "locationId", "quantityName"], where: { shop }, _sum: { delta: true } });
  const sum = (item: string, location: string, name: string) =>
    sums.find((s) => s.inventoryItemId === item && s.locationId === location && s.quantityName === name)?._sum.delta ?? 0;
  for (const level of levels) {
    for (const [name, column] of [["available", "available"], ["committed", "committed"], ["on_hand", "onHand"], ["safety_stock", "safetyStock"], ["incoming", "incoming"]] as const) {
      expect(sum(level.inventoryItemId, level.locationId, name), `${name} of ${level.inventoryItemId} at ${level.locationId}`).toBe(level[column]);
    }
  }
}

async function ledgerOf(shop: string, cause: string) {
  const entries = await db().inventoryLedgerEntry.findMany({ where: { shop, cause } });
  return entries
    .map((e) => [e.inventoryItemId, e.locationId, e.quantityName, e.delta, e.quantityAfter, e.kind].join(" "))
    .sort();
}

const causeOf = (runId: string) => `reconciliation ${runId.slice(0, 8)}`;

describe("reconciliation of a large catalog", () => {
  it("reads in bulk above the threshold and repairs drift exactly as paging does", async () => {
    for (const shop of [BULK, PAGED]) await importShop(db(), admins.get(shop)!, "initial import");
    expect(await mirrorOf(BULK)).toEqual(await mirrorOf(PAGED));
    for (const shop of [BULK, PAGED]) drift(devstore.store, shop);

    const before = devstore.usage.snapshot();
    const bulkRun = await reconcileShop(deps(inBulk), BULK, "merchant");
    const pagedRun = await reconcileShop(deps(paged), PAGED, "merchant");
    expect(bulkRun).toMatchObject({ status: "done", error: null, itemsRead: EXTRA_ITEMS + 4 });
    expect(pagedRun).toMatchObject({ status: "done", error: null, itemsRead: EXTRA_ITEMS + 4 });

    // The bulk run read the catalog with one bulk operation, never page by page; the other one paged.
    const bulkRequests = requestsSince(before, BULK);
    expect(bulkRequests.RunBulkQuery).toBe(1);
    expect(bulkRequests.BulkOperationStatus).toBeGreaterThanOrEqual(1);
    expect(bulkRequests.InventoryItemsPage).toBeUndefined();
    const pagedRequests = requestsSince(before, PAGED);
    expect(pagedRequests.InventoryItemsPage).toBeGreaterThanOrEqual(1);
    expect(pagedRequests.RunBulkQuery).toBeUndefined();
    expect(devstore.bulk.list(process.env.SHOPIFY_API_KEY!, BULK)[0]).toMatchObject({ status: "COMPLETED", rootObjectCount: EXTRA_ITEMS + 4 });

    // Same repairs, same ledger, same findings.
    expect(bulkRun.changes).toBeGreaterThan(0);
    expect(bulkRun.changes).toBe(pagedRun.changes);
    expect(await ledgerOf(BULK, causeOf(bulkRun.id))).toEqual(await ledgerOf(PAGED, causeOf(pagedRun.id)));
    expect(JSON.parse(bulkRun.findings)).toEqual(JSON.parse(pagedRun.findings));
    expect(JSON.parse(bulkRun.findings)).toContainEqual({ inventoryItemId: "7003", locationId: "11", delta: -4, quantityAfter: expect.any(Number) });
    expect(await mirrorOf(BULK)).toEqual(await mirrorOf(PAGED));
    await expectMirrorTrue(BULK);
    await expectMirrorTrue(PAGED);
  }, 45_000);

  it("reports progress while it stores the file", async () => {
    devstore.store.level(BULK, "7020", "11")!.quantities.available += 1;
    const progress: { itemsRead: number; changes: number }[] = [];
    const result = await bulkImportShop(db(), admins.get(BULK)!, "progress check", (p) => progress.push(p), { pollIntervalMs: 100, progressEvery: 10 });
    // available and on_hand changed.
    expect(result).toEqual({ itemsRead: EXTRA_ITEMS + 4, changes: 2 });
    expect(progress.map((p) => p.itemsRead)).toEqual([10, 20, 30, EXTRA_ITEMS + 4]);
    expect(progress.at(-1)).toEqual(result);
  });

  it("is woken by bulk_operations/finish rather than waiting for its next look", async () => {
    const before = devstore.usage.snapshot();
    const started = Date.now();
    // The operation takes 1.5 s, so the first look finds it running; without the webhook, the second look would
    // come 15 seconds after the first.
    devstore.bulk.settings.delayMs = 1_500;
    const run = await reconcileShop(deps({ threshold: 10, pollIntervalMs: 15_000 }), BULK, "merchant").finally(() => {
      devstore.bulk.settings.delayMs = 200;
    });
    expect(run.status).toBe("done");
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(requestsSince(before, BULK).BulkOperationStatus).toBe(2);
    // The webhook went through the app's route and worker, which woke the waiting read.
    const operation = `gid://shopify/BulkOperation/${devstore.bulk.list(process.env.SHOPIFY_API_KEY!, BULK)[0]!.id}`;
    const delivery = await db().webhookDelivery.findFirst({ where: { shop: BULK, topic: "bulk_operations/finish", payload: { contains: operation } } });
    expect(delivery).toMatchObject({ status: "done" });
  });

  it("keeps a level the app wrote after it asked for the bulk read (the file is older)", async () => {
    const { tee } = devstore.fixture.items;
    const mirrored = await db().inventoryLevel.findUniqueOrThrow({ where: { shop_inventoryItemId_locationId: { shop: BULK, inventoryItemId: tee.inventoryItemId, locationId: "11" } } });
    const truth = devstore.store.level(BULK, tee.inventoryItemId, "11")!.quantities;
    expect(mirrored.available).toBe(truth.available);
    // While the file is on its way, our own sale of 2 applies in Shopify and is recorded in the mirror.
    const download: typeof fetch = async (input, init) => {
      truth.available -= 2;
      await recordApplied(db(), { shop: BULK, inventoryItemId: tee.inventoryItemId, locationId: "11", delta: -2, quantityAfter: truth.available, cause: "linked sale", idempotencyKey: `sale-${Date.now()}` });
      return fetch(input, init);
    };
    await db().inventoryRefresh.deleteMany({ where: { shop: BULK } });
    await bulkImportShop(db(), admins.get(BULK)!, "stale check", undefined, { pollIntervalMs: 100, fetch: download });
    const after = await db().inventoryLevel.findUniqueOrThrow({ where: { shop_inventoryItemId_locationId: { shop: BULK, inventoryItemId: tee.inventoryItemId, locationId: "11" } } });
    expect(after.available).toBe(truth.available);
    expect(await db().inventoryLedgerEntry.count({ where: { shop: BULK, cause: "stale check" } })).toBe(0);
    // The file disagreed with the newer write: the item is queued for a fresh read.
    expect(await db().inventoryRefresh.findUnique({ where: { shop_inventoryItemId: { shop: BULK, inventoryItemId: tee.inventoryItemId } } })).not.toBeNull();
    await db().inventoryRefresh.deleteMany({ where: { shop: BULK } });
  });
});

describe("when the bulk operation cannot deliver", () => {
  it("falls back to paging when it fails, and tells the merchant", async () => {
    devstore.store.level(BULK, "7021", "11")!.quantities.available += 5;
    devstore.bulk.settings.fail = "INTERNAL_SERVER_ERROR";
    const before = devstore.usage.snapshot();
    try {
      const run = await reconcileShop(deps(inBulk), BULK, "schedule");
      expect(run).toMatchObject({ status: "done", itemsRead: EXTRA_ITEMS + 4 });
      const [note, ...differences] = JSON.parse(run.findings);
      expect(note.note).toMatch(/^Reading your 34 items in one bulk operation did not work: Shopify reported it failed \(INTERNAL_SERVER_ERROR\)\. They were read page by page instead/);
      expect(differences).toContainEqual({ inventoryItemId: "7021", locationId: "11", delta: 5, quantityAfter: expect.any(Number) });
    } finally {
      devstore.bulk.settings.fail = null;
    }
    const requests = requestsSince(before, BULK);
    expect(requests.RunBulkQuery).toBe(1);
    expect(requests.InventoryItemsPage).toBeGreaterThanOrEqual(1);
    await expectMirrorTrue(BULK);
  });

  it("falls back to paging when it takes too long, and cancels it", async () => {
    devstore.bulk.settings.delayMs = 60_000;
    try {
      const run = await reconcileShop(deps({ threshold: 10, pollIntervalMs: 100, timeoutMs: 1_500 }), BULK, "schedule");
      expect(run.status).toBe("done");
      expect(JSON.parse(run.findings)[0].note).toMatch(/it had not finished after 2 seconds \(\d+ objects read\); it was cancelled\. They were read page by page/);
    } finally {
      devstore.bulk.settings.delayMs = 200;
    }
    const latest = devstore.bulk.list(process.env.SHOPIFY_API_KEY!, BULK)[0]!;
    await expect.poll(() => latest.status).toBe("CANCELED");
  });

  it("fails the run at a malformed line, naming it, without paging", async () => {
    const corrupt: typeof fetch = async (input, init) => {
      const lines = (await (await fetch(input, init)).text()).split("\n");
      lines[3] = '{"location":{"id":"gid://shopify/Location/11"},"quantities":"lots"}';
      return new Response(lines.join("\n"), { status: 200 });
    };
    const before = devstore.usage.snapshot();
    const run = await reconcileShop(deps({ ...inBulk, fetch: corrupt }), BULK, "merchant");
    expect(run.status).toBe("failed");
    expect(run.error).toMatch(/^Line 4 of Shopify's bulk read is not an inventory item, variant or level as asked: \{"location"/);
    expect(requestsSince(before, BULK).InventoryItemsPage).toBeUndefined();
  });
});
