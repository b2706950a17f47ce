// Omnistock for the flash-sale benchmark, in its own process (as in production, where Shopify is elsewhere):
//   node --import tsx bench/flash-sale-app.ts      (started by flash-sale-run.ts with an IPC channel)
// Migrates the fresh database DATABASE_URL names, serves the production build (webhooks on the fast path),
// then on request installs the app on the shops the way Shopify-managed installation leaves them (a shop row,
// the offline session, the install-time reconciliation that reads the catalog), links the linked stores with
// a connection code, matches their SKUs, and starts the production background workers (startBackgroundWork):
// the latency measured is what `npm start` gives. Configuration comes from the environment.
import type { AppToBench, BenchToApp, WorkCounts } from "./flash-sale-protocol";

const send = (message: AppToBench) => process.send?.(message);

async function main() {
  const url = process.env.DATABASE_URL;
  if (!url || !process.send) throw new Error("flash-sale-app.ts is started by the flash-sale benchmark (DATABASE_URL and an IPC channel)");
  // Imported only now: the app reads its configuration at first use.
  const { migrateDatabase } = await import("../app/db/migrations.server");
  await migrateDatabase(url);
  const { db } = await import("../app/db.server");
  const { startHttpServer } = await import("../server/app-server");
  const { startBackgroundWork } = await import("../server/background");
  const { closeDeliveryWriters } = await import("../app/webhooks/delivery-writer.server");
  const http = await startHttpServer({ port: 0, host: "127.0.0.1", dev: false });
  let work: { stop(): Promise<void> } | undefined;

  const counts = async (): Promise<WorkCounts> => {
    const [webhooks, refreshes, pushes, failedWebhooks, failedPushes, reservations] = await Promise.all([
      db().webhookDelivery.count({ where: { status: { in: ["pending", "processing"] } } }),
      db().inventoryRefresh.count(),
      db().pushJob.count({ where: { status: { in: ["pending", "processing"] } } }),
      db().webhookDelivery.count({ where: { status: "failed" } }),
      db().pushJob.count({ where: { status: "failed" } }),
      db().reservation.count(),
    ]);
    return { webhooks, refreshes, pushes, failedWebhooks, failedPushes, reservations };
  };

  const setup = async (message: Extract<BenchToApp, { type: "setup" }>) => {
    const started = Date.now();
    const { Session } = await import("@shopify/shopify-app-remix/server");
    const { sessionStorage } = await import("../app/shopify.server");
    const { adminClientFor } = await import("../app/shopify/admin-session.server");
    const { recordInstall, refreshShopDetails } = await import("../app/shops/installation.server");
    const { reconcileShop } = await import("../app/sync/reconcile.server");
    const { createConnectionCode, linkAndMatch } = await import("../app/channels/linking.server");
    const { logger } = await import("../app/observability/logger.server");
    const deps = { db: db(), logger, adminFor: adminClientFor };

    // Shops install independently (each reads its catalog within its own Admin API bucket), so side by side.
    await Promise.all(
      message.installations.map(async ({ shop, accessToken }) => {
        await recordInstall(db(), shop, message.scopes);
        await sessionStorage.storeSession(
          new Session({ id: `offline_${shop}`, shop, state: "", isOnline: false, scope: message.scopes, accessToken }),
        );
        const admin = await adminClientFor(shop);
        if (!admin) throw new Error(`No Admin API client for ${shop} after storing its session`);
        await refreshShopDetails(db(), admin, logger);
        const run = await reconcileShop(deps, shop, "install");
        if (run.status !== "done") throw new Error(`The install-time reconciliation of ${shop} failed: ${run.error ?? run.status}`);
      }),
    );
    const matched: Record<string, number> = {};
    for (const linked of message.linked) {
      const { code } = await createConnectionCode(db(), message.home);
      const result = await linkAndMatch(db(), code, linked, adminClientFor);
      matched[linked] = result.matched;
      if (result.conflicts > 0) throw new Error(`${linked}: ${result.conflicts} SKUs did not match the home store's`);
    }
    work = startBackgroundWork();
    send({ type: "ready", matched, setupMs: Date.now() - started });
  };

  const stop = async () => {
    await work?.stop();
    const final = await counts();
    const failures = await db().webhookDelivery.findMany({ where: { status: "failed" }, select: { topic: true, lastError: true }, take: 5 });
    const pushFailures = await db().pushJob.findMany({ where: { status: "failed" }, select: { lastError: true }, take: 5 });
    await http.close();
    await closeDeliveryWriters();
    await db().$disconnect();
    send({
      type: "stopped",
      counts: final,
      failures: [...failures.map((f) => `${f.topic}: ${f.lastError ?? "?"}`), ...pushFailures.map((p) => `push: ${p.lastError ?? "?"}`)],
    });
    process.disconnect();
  };

  process.on("message", (message: BenchToApp) => {
    const handle = async () => {
      if (message.type === "setup") await setup(message);
      else if (message.type === "counts") send({ type: "counts", counts: await counts() });
      else if (message.type === "stop") await stop();
    };
    handle().catch((error: unknown) => {
      send({ type: "error", message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
    });
  });
  send({ type: "listening", url: http.url });
}

main().catch((error: unknown) => {
  send({ type: "error", message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  process.exitCode = 1;
  process.disconnect?.();
});
