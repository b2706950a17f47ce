import { GraphQLError, Kind, type FieldNode, type GraphQLResolveInfo } from "graphql";

// Since 2026-04 Shopify refuses inventory and refund mutations that lack @idempotent(key:), replays a
// finished request that reuses its key with the original result, and refuses a reused key whose request
// differs (IDEMPOTENCY_KEY_PARAMETER_MISMATCH) or is still running (IDEMPOTENCY_CONCURRENT_REQUEST).

export const IDEMPOTENT_MUTATIONS = new Set([
  "inventoryAdjustQuantities",
  "inventorySetQuantities",
  "inventoryMoveQuantities",
  "refundCreate",
  "inventoryShipmentReceive",
]);

interface Entry {
  fingerprint: string;
  state: "running" | "done";
  result?: unknown;
  at: number;
}

/** Keys are remembered per app and shop for a day, as Shopify does. */
const TTL_MS = 24 * 60 * 60 * 1000;

export class IdempotencyRegistry {
  readonly #entries = new Map<string, Entry>();

  constructor(private readonly now: () => number = Date.now) {}

  /**
   * Runs a mutation field under its idempotency key. `run` is called at most once per key; the payload's
   * type name decides the user error shape for a mismatch.
   */
  async run(scope: string, key: string, fingerprint: string, payloadType: string, run: () => Promise<unknown> | unknown) {
    const id = `${scope}:${key}`;
    const existing = this.#entries.get(id);
    if (existing && this.now() - existing.at < TTL_MS) {
      if (existing.fingerprint !== fingerprint) {
        return failure(payloadType, "IDEMPOTENCY_KEY_PARAMETER_MISMATCH", "The idempotency key was already used with different parameters.");
      }
      if (existing.state === "running") {
        return failure(payloadType, "IDEMPOTENCY_CONCURRENT_REQUEST", "A request with this idempotency key is already being processed.");
      }
      return existing.result;
    }
    const entry: Entry = { fingerprint, state: "running", at: this.now() };
    this.#entries.set(id, entry);
    try {
      entry.result = await run();
      entry.state = "done";
      return entry.result;
    } catch (error) {
      this.#entries.delete(id);
      throw error;
    }
  }
}

function failure(payloadType: string, code: string, message: string) {
  return { __typename: payloadType, inventoryAdjustmentGroup: null, userErrors: [{ field: null, message, code }] };
}

/** The key of the field's @idempotent directive, or an error saying that one is required. */
export function idempotencyKey(info: GraphQLResolveInfo): string {
  const node: FieldNode = info.fieldNodes[0]!;
  const directive = node.directives?.find((d) => d.name.value === "idempotent");
  const argument = directive?.arguments?.find((a) => a.name.value === "key");
  let key: unknown;
  if (argument?.value.kind === Kind.STRING) key = argument.value.value;
  else if (argument?.value.kind === Kind.VARIABLE) key = info.variableValues[argument.value.name.value];
  if (typeof key !== "string" || key.length === 0) {
    throw new GraphQLError(
      `The @idempotent(key: "...") directive is required on ${info.fieldName} as of API version 2026-04. Use a UUID per logical change and reuse it only to retry that change.`,
      { extensions: { code: "BAD_REQUEST" } },
    );
  }
  if (key.length > 255) throw new GraphQLError("The idempotency key is longer than 255 characters.", { extensions: { code: "BAD_REQUEST" } });
  return key;
}
