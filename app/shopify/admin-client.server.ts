import { ClientError, GraphQLClient } from "graphql-request";
import { z } from "zod";
import type { AdminOperation } from "./admin-operation";

export const ADMIN_API_VERSION = "2026-10";

// Cost report Shopify puts on every Admin GraphQL response (extensions.cost).
const costSchema = z.object({
  requestedQueryCost: z.number(),
  actualQueryCost: z.number().nullable(),
  throttleStatus: z.object({
    maximumAvailable: z.number(),
    currentlyAvailable: z.number(),
    restoreRate: z.number(),
  }),
});
export type QueryCost = z.infer<typeof costSchema>;

export type AdminApiErrorCode = "THROTTLED" | "GRAPHQL" | "HTTP" | "UNAUTHORIZED" | "INVALID_RESPONSE";

export class AdminApiError extends Error {
  constructor(
    message: string,
    readonly code: AdminApiErrorCode,
    readonly operation: string,
    readonly cost?: QueryCost,
  ) {
    super(message);
    this.name = "AdminApiError";
  }
}

export interface AdminClientOptions {
  shop: string;
  accessToken: string;
  /** Unset: https://{shop}. The demo and the tests point it at the local dev store. */
  origin?: string;
  fetch?: typeof fetch;
  /** How many times to wait out THROTTLED before giving up. */
  maxThrottleRetries?: number;
  sleep?: (ms: number) => Promise<void>;
}

export interface AdminResult<Result> {
  data: Result;
  cost: QueryCost | null;
}

export interface AdminClient {
  readonly shop: string;
  run<Variables, Result>(operation: AdminOperation<Variables, Result>, variables?: Variables): Promise<AdminResult<Result>>;
}

export function adminGraphqlUrl(shop: string, origin?: string): string {
  return `${origin ?? `https://${shop}`}/admin/api/${ADMIN_API_VERSION}/graphql.json`;
}

function readCost(extensions: unknown): QueryCost | null {
  const parsed = costSchema.safeParse((extensions as { cost?: unknown } | undefined)?.cost);
  return parsed.success ? parsed.data : null;
}

/** Milliseconds until the bucket holds what the throttled query asked for. */
export function throttleWaitMs(cost: QueryCost | null): number {
  if (!cost) return 1000;
  const missing = cost.requestedQueryCost - cost.throttleStatus.currentlyAvailable;
  return Math.max(50, Math.ceil((missing / Math.max(1, cost.throttleStatus.restoreRate)) * 1000));
}

// Pacing: what each shop's bucket looked like after our last request (Shopify reports it on every answer),
// and what each operation cost. Before sending, we wait until the bucket has refilled enough, so a long sync
// runs at the shop's rate limit instead of running into THROTTLED.
// Kept on globalThis: Remix's server build and server/main.ts load separate copies of this module in one
// process, and the shop's bucket is one for both.
interface PacingState {
  buckets: Map<string, { status: QueryCost["throttleStatus"]; at: number }>;
  operationCosts: Map<string, number>;
  inFlight: Map<string, number>;
  gates: Map<string, Promise<void>>;
}
const PACING = Symbol.for("omnistock.adminPacing");
const pacing = ((globalThis as unknown as Record<symbol, PacingState | undefined>)[PACING] ??= {
  buckets: new Map(),
  operationCosts: new Map(),
  inFlight: new Map(),
  gates: new Map(),
});
const { buckets, operationCosts } = pacing;

/** Milliseconds to wait before sending an operation that is expected to cost `cost` points. */
export function pacingWaitMs(shop: string, cost: number, now = Date.now()): number {
  const last = buckets.get(shop);
  if (!last) return 0;
  const { maximumAvailable, currentlyAvailable, restoreRate } = last.status;
  const available = Math.min(maximumAvailable, currentlyAvailable + (restoreRate * (now - last.at)) / 1000);
  const needed = Math.min(cost, maximumAvailable);
  return available >= needed ? 0 : Math.ceil(((needed - available) / Math.max(1, restoreRate)) * 1000);
}

// Requests this process has sent to a shop and not heard back from: Shopify has charged (or will charge) them,
// but the bucket we remember does not show it yet. Every loop of the process (webhooks, re-reads, pushes) sends
// to the same shops, so they queue for points here, one decision at a time per shop.
const { inFlight, gates } = pacing;

/** Waits until the shop's bucket can take `cost` on top of what is in flight, then counts it in flight. */
async function reservePoints(shop: string, cost: number, sleep: (ms: number) => Promise<void>): Promise<() => void> {
  const turn = (gates.get(shop) ?? Promise.resolve()).then(async () => {
    for (let wait = pacingWaitMs(shop, cost + (inFlight.get(shop) ?? 0)); wait > 0; wait = pacingWaitMs(shop, cost + (inFlight.get(shop) ?? 0))) {
      await sleep(wait);
    }
    inFlight.set(shop, (inFlight.get(shop) ?? 0) + cost);
  });
  gates.set(shop, turn.catch(() => {}));
  await turn;
  let released = false;
  return () => {
    if (released) return;
    released = true;
    inFlight.set(shop, Math.max(0, (inFlight.get(shop) ?? 0) - cost));
  };
}

function remember(shop: string, operation: string, cost: QueryCost | null) {
  if (!cost) return;
  buckets.set(shop, { status: cost.throttleStatus, at: Date.now() });
  operationCosts.set(operation, cost.requestedQueryCost);
}

/** A thin Admin GraphQL client (graphql-request) that validates results, paces itself and waits out THROTTLED. */
export function createAdminClient(options: AdminClientOptions): AdminClient {
  const client = new GraphQLClient(adminGraphqlUrl(options.shop, options.origin), {
    headers: { "X-Shopify-Access-Token": options.accessToken },
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const maxRetries = options.maxThrottleRetries ?? 5;

  return {
    shop: options.shop,
    async run(operation, variables) {
      for (let attempt = 0; ; attempt += 1) {
        const release = await reservePoints(options.shop, operationCosts.get(operation.name) ?? 10, sleep);
        try {
          const response = await client.rawRequest<unknown>(
            operation.document,
            (variables ?? {}) as Record<string, unknown>,
          );
          const data = operation.result.safeParse(response.data);
          if (!data.success) {
            throw new AdminApiError(
              `${operation.name} returned an unexpected shape: ${data.error.issues[0]?.message ?? "invalid"}`,
              "INVALID_RESPONSE",
              operation.name,
            );
          }
          const cost = readCost(response.extensions);
          remember(options.shop, operation.name, cost);
          return { data: data.data, cost };
        } catch (error) {
          if (!(error instanceof ClientError)) throw error;
          const { response } = error;
          const cost = readCost(response.extensions);
          remember(options.shop, operation.name, cost);
          const throttled =
            response.status === 429 || (response.errors ?? []).some((e) => e.extensions?.code === "THROTTLED");
          if (throttled) {
            if (attempt < maxRetries) {
              await sleep(throttleWaitMs(cost));
              continue;
            }
            throw new AdminApiError(`${operation.name} was throttled ${attempt + 1} times`, "THROTTLED", operation.name, cost ?? undefined);
          }
          if (response.status === 401 || response.status === 403) {
            throw new AdminApiError(
              `Shopify refused the access token for ${options.shop} (HTTP ${response.status}); the merchant must open Omnistock again to re-authorize`,
              "UNAUTHORIZED",
              operation.name,
            );
          }
          const messages = (response.errors ?? []).map((e) => e.message).join("; ");
          throw new AdminApiError(
            `${operation.name} failed: ${messages || `HTTP ${response.status}`}`,
            messages ? "GRAPHQL" : "HTTP",
            operation.name,
            cost ?? undefined,
          );
        } finally {
          release();
        }
      }
    },
  };
}
