import { afterAll, describe, expect, it } from "vitest";
import { createDatabase, databaseKind, databaseUrl, db } from "../../app/db.server";
import { claimDueRows } from "../../app/jobs/claim.server";
import { registerTopicHandler } from "../../app/webhooks/handlers.server";
import { genericPayload } from "../../app/webhooks/payloads";
import { processDueDeliveries } from "../../app/webhooks/processor.server";
import { quietLogger } from "../support/app";
import { testShop } from "../support/shopify";

// Several app instances and workers share one PostgreSQL database: each claims its own rows, none twice.
// On SQLite one process does it all, so its four workers share the process's one client.

const postgres = databaseKind() === "postgresql";
const workers = Array.from({ length: 4 }, () => (postgres ? createDatabase(databaseUrl(), { poolSize: 3 }) : db()));
afterAll(() => Promise.all(postgres ? workers.map((worker) => worker.$disconnect()) : []));

async function seed(shop: string, topic: string, count: number) {
  await db().webhookDelivery.createMany({
    data: Array.from({ length: count }, (_, i) => ({
      webhookId: `${shop}-${i}`,
      shop,
      topic,
      apiVersion: "2026-10",
      payload: JSON.stringify({ n: i }),
    })),
  });
}

describe("claiming work", () => {
  it("gives concurrent claimers disjoint rows until all are taken", async () => {
    const shop = testShop();
    await seed(shop, "orders/create", 120);
    const claimed: number[][] = workers.map(() => []);
    await Promise.all(
      workers.map(async (worker, index) => {
        for (;;) {
          const claim = await claimDueRows(worker, databaseKind(), { table: "WebhookDelivery", limit: 7, leaseMs: 60_000 });
          if (claim.ids.length === 0) return;
          claimed[index]!.push(...claim.ids);
        }
      }),
    );
    const all = claimed.flat();
    expect(all).toHaveLength(120);
    expect(new Set(all).size).toBe(120);
    const rows = await db().webhookDelivery.findMany({ where: { shop } });
    expect(rows.every((row) => row.status === "processing" && row.attempts === 1)).toBe(true);
  });

  it("takes over rows whose lease ran out (a worker that crashed mid-batch)", async () => {
    const shop = testShop();
    await seed(shop, "orders/create", 3);
    const start = new Date();
    const first = await claimDueRows(db(), databaseKind(), { table: "WebhookDelivery", limit: 10, leaseMs: 30_000, now: start });
    expect(first.ids).toHaveLength(3);
    const tooEarly = await claimDueRows(db(), databaseKind(), {
      table: "WebhookDelivery", limit: 10, leaseMs: 30_000, now: new Date(start.getTime() + 29_000),
    });
    expect(tooEarly.ids).toEqual([]);
    const later = await claimDueRows(db(), databaseKind(), {
      table: "WebhookDelivery", limit: 10, leaseMs: 30_000, now: new Date(start.getTime() + 31_000),
    });
    expect(later.ids).toEqual(first.ids);
    const rows = await db().webhookDelivery.findMany({ where: { shop } });
    // The crashed worker never got to try: taking its claim over does not use up one of the attempts.
    expect(rows.every((row) => row.attempts === 1 && row.lockedBy === later.token)).toBe(true);
  });

  it("processes every delivery exactly once with four workers running at the same time", async () => {
    const seen = new Map<string, number>();
    registerTopicHandler("test/count_calls", {
      schema: genericPayload,
      async handle(_payload, ctx) {
        seen.set(ctx.webhookId, (seen.get(ctx.webhookId) ?? 0) + 1);
        return "done";
      },
    });
    const shop = testShop();
    await seed(shop, "test/count_calls", 200);
    await Promise.all(
      workers.map(async (worker) => {
        const deps = { db: worker, kind: databaseKind(), logger: quietLogger };
        while ((await processDueDeliveries(deps, { limit: 9 })) > 0);
      }),
    );
    expect(seen.size).toBe(200);
    expect([...seen.values()].every((calls) => calls === 1)).toBe(true);
    expect(await db().webhookDelivery.count({ where: { shop, status: "done" } })).toBe(200);
  });
});
