import { config } from "../app/config.server";
import { db } from "../app/db.server";
import { processRefreshQueue } from "../app/inventory/hints.server";
import { processPushJobs } from "../app/sync/push.server";
import { reconcileDueShop } from "../app/sync/reconcile.server";
import { onWebhookStored, onWorkQueued } from "../app/jobs/signals.server";
import { adminClientFor } from "../app/shopify/admin-session.server";
import { startWorkerLoop } from "../app/jobs/worker.server";
import { logger } from "../app/observability/logger.server";
import { processorDeps } from "../app/services.server";
import { processDueDeliveries } from "../app/webhooks/processor.server";
import { trackingWorkDeps } from "../app/tracking/services.server";
import { runTrackingWork } from "../app/tracking/worker.server";

export interface BackgroundWork {
  stop(): Promise<void>;
}

/** The workers this process runs. On PostgreSQL any number of processes may run them side by side. */
export function startBackgroundWork(): BackgroundWork {
  const deps = processorDeps();
  const leaseMs = config().OMNISTOCK_WORKER_LEASE_SECONDS * 1000;
  const webhooks = startWorkerLoop({
    name: "webhook processor",
    logger,
    runBatch: () => processDueDeliveries(deps, { leaseMs }),
  });
  const refreshes = startWorkerLoop({
    name: "inventory re-read",
    logger,
    runBatch: () => processRefreshQueue({ db: db(), logger, adminFor: adminClientFor }, { leaseMs }),
  });
  const pushes = startWorkerLoop({
    name: "channel pushes",
    logger,
    runBatch: () => processPushJobs(deps, { leaseMs }),
    idleMs: 250,
  });
  const reconciliation = startWorkerLoop({
    name: "reconciliation",
    logger,
    runBatch: () => reconcileDueShop({ db: db(), logger, adminFor: adminClientFor }, config().OMNISTOCK_RECONCILE_HOURS * 3_600_000),
    idleMs: 60_000,
  });
  const tracking = startWorkerLoop({ name: "tracking", logger, runBatch: () => runTrackingWork(trackingWorkDeps()), idleMs: 2000 });
  const unsubscribers = [
    onWebhookStored(() => webhooks.wake()),
    onWorkQueued("refresh", () => refreshes.wake()),
    onWorkQueued("push", () => pushes.wake()),
  ];
  return {
    stop: async () => {
      for (const unsubscribe of unsubscribers) unsubscribe();
      await Promise.all([webhooks.stop(), refreshes.stop(), pushes.stop(), reconciliation.stop(), tracking.stop()]);
    },
  };
}
