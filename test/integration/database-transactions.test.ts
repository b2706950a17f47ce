import { describe, expect, it } from "vitest";
import { db } from "../../app/db.server";
import { testShop } from "../support/shopify";

// One process runs several loops at once (webhooks, re-reads, pushes, tracking), each awaiting between its
// queries. On SQLite they share one connection: a query from one loop must never run inside another loop's
// open transaction, or that transaction's rollback would silently undo it.

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("transactions and concurrent work in one process", () => {
  it("a rolled-back transaction takes nothing written meanwhile by other work with it", async () => {
    const shop = testShop();
    const failing = db()
      .$transaction(async (tx) => {
        await tx.inventoryRefresh.create({ data: { shop, inventoryItemId: "in-tx", cause: "inside" } });
        await sleep(100);
        throw new Error("rolled back on purpose");
      })
      .catch((error: Error) => error.message);
    await sleep(20);
    // Other work, while the transaction is open.
    await db().inventoryRefresh.create({ data: { shop, inventoryItemId: "outside", cause: "outside" } });
    expect(await failing).toBe("rolled back on purpose");
    const rows = await db().inventoryRefresh.findMany({ where: { shop }, select: { inventoryItemId: true } });
    expect(rows.map((r) => r.inventoryItemId)).toEqual(["outside"]);
  });

  it("work outside a transaction never sees rows the transaction then rolls back", async () => {
    const shop = testShop();
    const failing = db()
      .$transaction(async (tx) => {
        await tx.inventoryRefresh.create({ data: { shop, inventoryItemId: "never", cause: "inside" } });
        await sleep(100);
        throw new Error("rolled back on purpose");
      })
      .catch(() => undefined);
    await sleep(20);
    // Runs beside the transaction (PostgreSQL) or waits for it to end (SQLite's single connection): either
    // way the row that is rolled back is not there.
    expect(await db().inventoryRefresh.count({ where: { shop } })).toBe(0);
    await failing;
  });
});
