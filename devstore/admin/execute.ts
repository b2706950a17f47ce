import {
  execute,
  executeSync,
  GraphQLError,
  parse,
  validate,
  type DocumentNode,
  type GraphQLFieldResolver,
  type GraphQLFormattedError,
  type OperationDefinitionNode,
} from "graphql";
import type { DevStore } from "../state/store";
import { bulkQueryProblems, flattenBulkResult, maxConcurrentBulkQueries, type BulkOperations } from "./bulk";
import { actualQueryCost, MAX_SINGLE_QUERY_COST, requestedQueryCost } from "./cost";
import { IDEMPOTENT_MUTATIONS, idempotencyKey, type IdempotencyRegistry } from "./idempotency";
import * as mutations from "./mutations";
import { adminSchema } from "./schema";
import type { ThrottleRegistry } from "./throttle";
import {
  byId,
  filterInventoryItems,
  filterOrders,
  filterProducts,
  filterVariants,
  fulfillmentOrderView,
  fulfillmentView,
  inventoryItemView,
  locationView,
  numericId,
  orderView,
  productView,
  shopView,
  variantView,
  type AdminContext,
} from "./views";
import { connection, matchesQuery, UNBOUNDED } from "./connection";

// One Admin GraphQL request, as Shopify handles it: parse and validate against the real schema, price it,
// take the points from the app's bucket (or answer THROTTLED), run it, refund what it did not use, and report
// extensions.cost. Mutations that Shopify makes idempotent run through the idempotency registry.

export interface AdminRequest {
  query: string;
  variables?: Record<string, unknown> | null;
  operationName?: string | null;
}

export interface AdminResponse {
  status: number;
  body: { data?: unknown; errors?: GraphQLFormattedError[]; extensions?: Record<string, unknown> };
}

export interface ExecuteDeps {
  store: DevStore;
  throttles: ThrottleRegistry;
  idempotency: IdempotencyRegistry;
  /** Bulk operations (bulkOperationRunQuery); without it they are not implemented. */
  bulk?: BulkOperations;
}

type Resolver = (ctx: ExecContext, args: Record<string, unknown>) => unknown;

/** A root field that takes `id: ID!` and returns one object of a type, or null. */
function single<T>(table: Map<string, T>, type: string, args: Record<string, unknown>, view: (value: T) => unknown) {
  const value = table.get(numericId(String(args.id), type) ?? "");
  return value === undefined ? null : view(value);
}

const QUERY: Record<string, Resolver> = {
  shop: (ctx) => shopView(ctx),
  location: (ctx, args) => {
    const id = args.id ? numericId(String(args.id), "Location") : [...ctx.shop.locations.keys()][0];
    const location = id ? ctx.shop.locations.get(id) : undefined;
    return location ? locationView(ctx, location) : null;
  },
  locations: (ctx, args) =>
    connection(
      byId(ctx.shop.locations.values()).filter((l) => l.isActive || args.includeInactive),
      args,
      (l) => l.id,
      (l) => locationView(ctx, l),
    ),
  product: (ctx, args) => single(ctx.shop.products, "Product", args, (p) => productView(ctx, p)),
  products: (ctx, args) => connection(filterProducts(ctx, args.query as string), args, (p) => p.id, (p) => productView(ctx, p)),
  productVariant: (ctx, args) => single(ctx.shop.variants, "ProductVariant", args, (v) => variantView(ctx, v)),
  productVariants: (ctx, args) => connection(filterVariants(ctx, args.query as string), args, (v) => v.id, (v) => variantView(ctx, v)),
  inventoryItem: (ctx, args) => single(ctx.shop.inventoryItems, "InventoryItem", args, (i) => inventoryItemView(ctx, i)),
  inventoryItems: (ctx, args) =>
    connection(filterInventoryItems(ctx, args.query as string), args, (i) => i.id, (i) => inventoryItemView(ctx, i)),
  order: (ctx, args) => single(ctx.shop.orders, "Order", args, (o) => orderView(ctx, o)),
  orders: (ctx, args) => connection(filterOrders(ctx, args.query as string), args, (o) => o.id, (o) => orderView(ctx, o)),
  fulfillmentOrder: (ctx, args) =>
    single(ctx.shop.fulfillmentOrders, "FulfillmentOrder", args, (fo) => fulfillmentOrderView(ctx, fo)),
  fulfillment: (ctx, args) => single(ctx.shop.fulfillments, "Fulfillment", args, (f) => fulfillmentView(ctx, f)),
  productVariantsCount: (ctx, args) => {
    const count = filterVariants(ctx, args.query as string).length;
    const limit = typeof args.limit === "number" ? args.limit : null;
    return { __typename: "Count", count: limit === null ? count : Math.min(count, limit), precision: limit !== null && count > limit ? "AT_LEAST" : "EXACT" };
  },
  currentAppInstallation: (ctx) => appInstallationView(ctx),
  bulkOperation: (ctx, args) => bulkOperationById(ctx, String(args.id)),
  currentBulkOperation: (ctx, args) => {
    // The dev store runs bulk queries only: there is never a current bulk mutation.
    const latest = args.type === "MUTATION" ? undefined : bulkRegistry(ctx).list(ctx.appKey, ctx.shop.domain)[0];
    return latest ? bulkRegistry(ctx).view(latest) : null;
  },
  bulkOperations: (ctx, args) =>
    connection(
      bulkRegistry(ctx)
        .list(ctx.appKey, ctx.shop.domain)
        .filter((op) => matchesQuery(args.query as string, { status: op.status, operation_type: op.type, created_at: op.createdAt, id: Number(op.id) })),
      args,
      (op) => op.id,
      (op) => bulkRegistry(ctx).view(op),
    ),
  node: (ctx, args) => nodeById(ctx, String(args.id)),
  nodes: (ctx, args) => {
    const ids = args.ids as string[];
    if (ids.length > 250) {
      throw new GraphQLError(`The input array size of ${ids.length} is greater than the maximum allowed of 250.`, {
        extensions: { code: "MAX_INPUT_SIZE_EXCEEDED" },
      });
    }
    return ids.map((id) => nodeById(ctx, id));
  },
};

const MUTATION: Record<string, Resolver> = {
  inventoryAdjustQuantities: (ctx, args) => mutations.inventoryAdjustQuantities(ctx, args as never),
  inventorySetQuantities: (ctx, args) => mutations.inventorySetQuantities(ctx, args as never),
  inventoryMoveQuantities: (ctx, args) => mutations.inventoryMoveQuantities(ctx, args as never),
  orderCreate: (ctx, args) => mutations.orderCreate(ctx, args as never),
  metafieldsSet: (ctx, args) => mutations.metafieldsSet(ctx, args as never),
  fulfillmentCreate: (ctx, args) => mutations.fulfillmentCreate(ctx, args as never),
  fulfillmentTrackingInfoUpdate: (ctx, args) => mutations.fulfillmentTrackingInfoUpdate(ctx, args as never),
  fulfillmentOrderHold: (ctx, args) => mutations.fulfillmentOrderHold(ctx, args as never),
  fulfillmentOrderReleaseHold: (ctx, args) => mutations.fulfillmentOrderReleaseHold(ctx, args as never),
  fulfillmentOrderLineItemsPreparedForPickup: (ctx, args) => mutations.fulfillmentOrderLineItemsPreparedForPickup(ctx, args as never),
  bulkOperationRunQuery: (ctx, args) => bulkOperationRunQuery(ctx, String(args.query), args.groupObjects === true),
  bulkOperationCancel: (ctx, args) => {
    const op = bulkRecord(ctx, String(args.id));
    if (!op) return { __typename: "BulkOperationCancelPayload", bulkOperation: null, userErrors: [{ field: ["id"], message: "Bulk operation does not exist" }] };
    const problem = bulkRegistry(ctx).cancel(op);
    return {
      __typename: "BulkOperationCancelPayload",
      bulkOperation: bulkRegistry(ctx).view(op),
      userErrors: problem ? [{ field: null, message: problem }] : [],
    };
  },
};

// ---------------------------------------------------------------- bulk operations (devstore/admin/bulk.ts)

function bulkRegistry(ctx: ExecContext): BulkOperations {
  if (!ctx.deps.bulk) throw notImplemented("Mutation", "bulkOperationRunQuery");
  return ctx.deps.bulk;
}

function bulkRecord(ctx: ExecContext, id: string) {
  const numeric = numericId(id, "BulkOperation");
  return numeric ? bulkRegistry(ctx).get(ctx.appKey, ctx.shop.domain, numeric) : undefined;
}

function bulkOperationById(ctx: ExecContext, id: string) {
  const op = bulkRecord(ctx, id);
  return op ? bulkRegistry(ctx).view(op) : null;
}

/**
 * Checks the inner query (the schema, then Shopify's bulk rules) and the concurrency limit, then runs it over
 * every object, with no cost, and hands the JSONL lines to the registry, which completes the operation later.
 */
function bulkOperationRunQuery(ctx: ExecContext, query: string, groupObjects: boolean) {
  const registry = bulkRegistry(ctx);
  const refuse = (userErrors: { field: string[] | null; message: string; code: string }[]) => ({
    __typename: "BulkOperationRunQueryPayload",
    bulkOperation: null,
    userErrors,
  });
  const invalid = (messages: string[]) => refuse(messages.map((message) => ({ field: ["query"], message, code: "INVALID" })));
  if (!query.trim()) return invalid(["Invalid bulk query: syntax error, unexpected end of file"]);
  let document: DocumentNode;
  try {
    document = parse(query);
  } catch (error) {
    return invalid([`Invalid bulk query: ${(error as GraphQLError).message}`]);
  }
  const schema = adminSchema();
  const validationErrors = validate(schema, document);
  if (validationErrors.length) return invalid(validationErrors.map((error) => `Invalid bulk query: ${shopifyValidationError(error).message}`));
  const problems = bulkQueryProblems(schema, document);
  if (problems.length) return invalid(problems);

  const running = registry.inProgress(ctx.appKey, ctx.shop.domain);
  const limit = maxConcurrentBulkQueries(ctx.apiVersion);
  if (running.length >= limit) {
    return refuse([
      limit === 1
        ? { field: null, message: `A bulk query operation for this app and shop is already in progress: gid://shopify/BulkOperation/${running[0]!.id}.`, code: "OPERATION_IN_PROGRESS" }
        : { field: null, message: "Bulk operations limit reached. Please try again later.", code: "LIMIT_REACHED" },
    ]);
  }

  // Every connection unbounded, nothing charged. A field the dev store lacks fails here, naming it.
  const result = executeSync({ schema, document, contextValue: { ...ctx, bulk: true }, fieldResolver, typeResolver });
  if (result.errors?.length) throw result.errors[0]!;
  const lines = flattenBulkResult(schema, document, (result.data ?? {}) as Record<string, unknown>, groupObjects);
  const op = registry.start({ appKey: ctx.appKey, shop: ctx.shop.domain, query, lines });
  return { __typename: "BulkOperationRunQueryPayload", bulkOperation: registry.view(op), userErrors: [] };
}

/** The calling app's installation in the shop: it owns the app-data metafields theme extensions read. */
function appInstallationView(ctx: AdminContext) {
  const metafields = ctx.store.appMetafields(ctx.shop.domain);
  return {
    __typename: "AppInstallation",
    id: mutations.appInstallationId(ctx),
    metafield: ({ namespace, key }: { namespace: string; key: string }) => {
      const value = metafields[namespace]?.[key];
      return value === undefined ? null : { __typename: "Metafield", namespace, key, value, type: "single_line_text_field" };
    },
  };
}

function nodeById(ctx: ExecContext, id: string): unknown {
  const match = /^gid:\/\/shopify\/([A-Za-z]+)\/(\d+)$/.exec(id);
  if (!match) return null;
  const [, type, numeric] = match;
  switch (type) {
    case "Location":
      return ctx.shop.locations.has(numeric!) ? locationView(ctx, ctx.shop.locations.get(numeric!)!) : null;
    case "Product":
      return ctx.shop.products.has(numeric!) ? productView(ctx, ctx.shop.products.get(numeric!)!) : null;
    case "ProductVariant":
      return ctx.shop.variants.has(numeric!) ? variantView(ctx, ctx.shop.variants.get(numeric!)!) : null;
    case "InventoryItem":
      return ctx.shop.inventoryItems.has(numeric!) ? inventoryItemView(ctx, ctx.shop.inventoryItems.get(numeric!)!) : null;
    case "Order":
      return ctx.shop.orders.has(numeric!) ? orderView(ctx, ctx.shop.orders.get(numeric!)!) : null;
    case "FulfillmentOrder":
      return ctx.shop.fulfillmentOrders.has(numeric!) ? fulfillmentOrderView(ctx, ctx.shop.fulfillmentOrders.get(numeric!)!) : null;
    case "Fulfillment":
      return ctx.shop.fulfillments.has(numeric!) ? fulfillmentView(ctx, ctx.shop.fulfillments.get(numeric!)!) : null;
    case "BulkOperation":
      return ctx.deps.bulk ? bulkOperationById(ctx, id) : null;
    default:
      return null;
  }
}

interface ExecContext extends AdminContext {
  deps: ExecuteDeps;
  /** The Admin API version the app called (some limits depend on it). */
  apiVersion?: string;
  /** Inside a bulk operation: connections return every node (see connection.ts). */
  bulk?: boolean;
}

/** Resolves root fields from the tables above and every other field from the view objects. */
const fieldResolver: GraphQLFieldResolver<unknown, ExecContext> = (source, args, ctx, info) => {
  const parent = info.parentType.name;
  // Shopify names its root types QueryRoot and Mutation.
  const isQuery = info.parentType === info.schema.getQueryType();
  const isMutation = info.parentType === info.schema.getMutationType();
  if (isQuery || isMutation) {
    const resolve = (isQuery ? QUERY : MUTATION)[info.fieldName];
    if (!resolve) throw notImplemented(parent, info.fieldName);
    if (ctx.bulk) return resolve(ctx, { ...args, [UNBOUNDED]: true });
    if (isMutation && IDEMPOTENT_MUTATIONS.has(info.fieldName)) {
      const key = idempotencyKey(info);
      const payloadType = String(info.returnType).replace(/!$/, "");
      return ctx.deps.idempotency.run(
        `${ctx.appKey}:${ctx.shop.domain}`,
        key,
        `${info.fieldName}:${JSON.stringify(args)}`,
        payloadType,
        () => resolve(ctx, args),
      );
    }
    return resolve(ctx, args);
  }
  const record = source as Record<string, unknown>;
  if (info.fieldName === "__typename") return parent;
  if (!(info.fieldName in record)) throw notImplemented(parent, info.fieldName);
  const value = record[info.fieldName];
  if (typeof value !== "function") return value;
  return (value as (a: unknown) => unknown)(ctx.bulk ? { ...args, [UNBOUNDED]: true } : args);
};

function notImplemented(type: string, field: string) {
  return new GraphQLError(
    `The dev store does not implement ${type}.${field} yet. Add it to devstore/admin/ if Omnistock needs it.`,
    { extensions: { code: "NOT_IMPLEMENTED_IN_DEV_STORE", typeName: type, fieldName: field } },
  );
}

function typeResolver(value: unknown) {
  return (value as { __typename?: string }).__typename;
}

/** Shopify's wording for the validation errors an app is most likely to hit. */
function shopifyValidationError(error: GraphQLError): GraphQLFormattedError {
  const formatted = error.toJSON();
  const unknownField = /^Cannot query field "(\w+)" on type "(\w+)"/.exec(error.message);
  if (unknownField) {
    return {
      ...formatted,
      message: `Field '${unknownField[1]}' doesn't exist on type '${unknownField[2]}'`,
      extensions: { code: "undefinedField", typeName: unknownField[2], fieldName: unknownField[1] },
    };
  }
  const unknownArgument = /^Unknown argument "(\w+)" on field "(\w+)\.(\w+)"/.exec(error.message);
  if (unknownArgument) {
    return {
      ...formatted,
      message: `Field '${unknownArgument[3]}' doesn't accept argument '${unknownArgument[1]}'`,
      extensions: { code: "argumentNotAccepted", name: unknownArgument[3], typeName: "Field", argumentName: unknownArgument[1] },
    };
  }
  return { ...formatted, extensions: { code: "GRAPHQL_VALIDATION_FAILED" } };
}

function selectedOperation(document: DocumentNode, operationName: string | null | undefined): OperationDefinitionNode | undefined {
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === "OperationDefinition");
  return operationName ? operations.find((o) => o.name?.value === operationName) : operations.length === 1 ? operations[0] : undefined;
}

export async function executeAdminRequest(
  request: AdminRequest,
  context: { store: DevStore; shopDomain: string; appKey: string; apiVersion?: string },
  deps: ExecuteDeps,
): Promise<AdminResponse> {
  const schema = adminSchema();
  let document: DocumentNode;
  try {
    document = parse(request.query);
  } catch (error) {
    return { status: 200, body: { errors: [(error as GraphQLError).toJSON()] } };
  }
  const validationErrors = validate(schema, document);
  if (validationErrors.length) return { status: 200, body: { errors: validationErrors.map(shopifyValidationError) } };

  const variables = request.variables ?? {};
  const operationName = request.operationName ?? undefined;
  const requested = requestedQueryCost(schema, document, operationName, variables);
  const bucket = deps.throttles.bucket(context.appKey, context.shopDomain);
  if (requested > MAX_SINGLE_QUERY_COST) {
    return {
      status: 200,
      body: {
        errors: [
          {
            message: `Query cost is ${requested}, which exceeds the single query max cost limit (${MAX_SINGLE_QUERY_COST}).\n\nSee https://shopify.dev/concepts/about-apis/rate-limits for more information on how the\ncost of a query is calculated.\n\nTo query larger amounts of data with fewer limits, bulk operations should be used instead.\nSee https://shopify.dev/tutorials/perform-bulk-operations-with-admin-api for usage details.\n`,
            extensions: { code: "MAX_COST_EXCEEDED", cost: requested, maxCost: MAX_SINGLE_QUERY_COST },
          },
        ],
      },
    };
  }
  const taken = bucket.tryTake(requested);
  if (!taken.ok) {
    return {
      status: 200,
      body: {
        errors: [{ message: "Throttled", extensions: { code: "THROTTLED", documentation: "https://shopify.dev/api/usage/rate-limits" } }],
        extensions: { cost: { requestedQueryCost: requested, actualQueryCost: null, throttleStatus: taken.status } },
      },
    };
  }

  const shop = context.store.shop(context.shopDomain);
  const ctx: ExecContext = { store: context.store, shop, appKey: context.appKey, deps, apiVersion: context.apiVersion };
  const operation = selectedOperation(document, operationName);
  const result = await execute({
    schema,
    document,
    variableValues: variables,
    operationName,
    contextValue: ctx,
    fieldResolver,
    typeResolver,
  });
  const actual = operation ? actualQueryCost(schema, document, operationName, variables, result.data) : requested;
  const status = bucket.refund(Math.max(0, requested - actual));
  return {
    status: 200,
    body: {
      ...(result.data !== undefined ? { data: result.data } : {}),
      ...(result.errors?.length ? { errors: result.errors.map((e) => e.toJSON()) } : {}),
      extensions: { cost: { requestedQueryCost: requested, actualQueryCost: actual, throttleStatus: status } },
    },
  };
}
