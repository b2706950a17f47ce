// What apps spent on the Admin API, per shop: requests, the points Shopify reported (extensions.cost) and how
// many answers were THROTTLED. Read by benchmarks to measure an app's cost per unit of work; counting only,
// it changes no answer.

export interface OperationUsage {
  requests: number;
  /** Sum of extensions.cost.actualQueryCost (what the bucket was really charged). */
  actualQueryCost: number;
  /** Sum of extensions.cost.requestedQueryCost (what was taken up front, before the refund). */
  requestedQueryCost: number;
  /** Answers refused with THROTTLED (nothing ran, nothing was charged). */
  throttled: number;
}

export interface ShopUsage extends OperationUsage {
  /** The same counts per GraphQL operation name ("(anonymous)" when the document names none). */
  byOperation: Record<string, OperationUsage>;
}

const emptyUsage = (): OperationUsage => ({ requests: 0, actualQueryCost: 0, requestedQueryCost: 0, throttled: 0 });

interface AnsweredBody {
  errors?: readonly { extensions?: Record<string, unknown> }[];
  extensions?: Record<string, unknown>;
}

/** The operation's name: the one the request gave, else the first one the document declares. */
export function operationNameOf(query: string, operationName?: string | null): string {
  if (operationName) return operationName;
  return /\b(?:query|mutation|subscription)\s+([_A-Za-z][_0-9A-Za-z]*)/.exec(query)?.[1] ?? "(anonymous)";
}

export class AdminUsage {
  readonly shops = new Map<string, ShopUsage>();

  /** Counts one answered Admin GraphQL request. */
  record(shop: string, operation: string, body: AnsweredBody): void {
    let usage = this.shops.get(shop);
    if (!usage) this.shops.set(shop, (usage = { ...emptyUsage(), byOperation: {} }));
    const perOperation = (usage.byOperation[operation] ??= emptyUsage());
    const cost = body.extensions?.cost as { requestedQueryCost?: unknown; actualQueryCost?: unknown } | undefined;
    const throttled = (body.errors ?? []).some((error) => error.extensions?.code === "THROTTLED");
    for (const target of [usage, perOperation]) {
      target.requests += 1;
      if (typeof cost?.actualQueryCost === "number") target.actualQueryCost += cost.actualQueryCost;
      if (typeof cost?.requestedQueryCost === "number") target.requestedQueryCost += cost.requestedQueryCost;
      if (throttled) target.throttled += 1;
    }
  }

  /** A deep copy of the counts so far (subtract two snapshots to measure a window). */
  snapshot(): Record<string, ShopUsage> {
    return Object.fromEntries(
      [...this.shops].map(([shop, usage]) => [
        shop,
        { ...usage, byOperation: Object.fromEntries(Object.entries(usage.byOperation).map(([name, counts]) => [name, { ...counts }])) },
      ]),
    );
  }
}
