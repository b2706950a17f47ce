import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { databaseKind, db } from "../../app/db.server";
import { createLogger } from "../../app/observability/logger.server";
import { processDueDeliveries } from "../../app/webhooks/processor.server";

// Calls Remix route modules the way the server does, with a real Request and the per-file test database.

export async function callAction(
  module: { action: (args: ActionFunctionArgs) => unknown },
  request: Request,
  params: Record<string, string> = {},
): Promise<Response> {
  return toResponse(await module.action({ request, params, context: {} }));
}

export async function callLoader(
  module: { loader: (args: LoaderFunctionArgs) => unknown },
  request: Request,
  params: Record<string, string> = {},
): Promise<Response> {
  return toResponse(await module.loader({ request, params, context: {} }));
}

function toResponse(value: unknown): Response {
  if (value instanceof Response) return value;
  throw new Error("expected the route to answer with a Response");
}

export const quietLogger = createLogger("error", {}, () => {});

/** Runs the webhook worker until nothing is due. */
export async function drainWebhooks(now?: () => Date): Promise<number> {
  let total = 0;
  for (;;) {
    const handled = await processDueDeliveries({ db: db(), kind: databaseKind(), logger: quietLogger, now });
    if (handled === 0) return total;
    total += handled;
  }
}
