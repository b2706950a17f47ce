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

/** A thin Admin GraphQL client (graphql-request) that validates results and waits out THROTTLED replies. */
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
          return { data: data.data, cost: readCost(response.extensions) };
        } catch (error) {
          if (!(error instanceof ClientError)) throw error;
          const { response } = error;
          const cost = readCost(response.extensions);
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
        }
      }
    },
  };
}
