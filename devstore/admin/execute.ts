import {
  execute,
  GraphQLError,
  parse,
  validate,
  type DocumentNode,
  type GraphQLFieldResolver,
  type GraphQLFormattedError,
  type OperationDefinitionNode,
} from "graphql";
import type { DevStore } from "../state/store";
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
import { connection } from "./connection";

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
}

type Resolver = (ctx: AdminContext, args: Record<string, unknown>) => unknown;

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
  currentAppInstallation: (ctx) => appInstallationView(ctx),
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
};

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

function nodeById(ctx: AdminContext, id: string): unknown {
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
    default:
      return null;
  }
}

interface ExecContext extends AdminContext {
  deps: ExecuteDeps;
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
  return typeof value === "function" ? (value as (a: unknown) => unknown)(args) : value;
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
  context: { store: DevStore; shopDomain: string; appKey: string },
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
  const ctx: ExecContext = { store: context.store, shop, appKey: context.appKey, deps };
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
