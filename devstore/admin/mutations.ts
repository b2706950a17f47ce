import { GraphQLError } from "graphql";
import { gid, INVENTORY_QUANTITY_NAMES, type QuantityName } from "../state/model";
import { StoreError } from "../state/store";
import type { AdminContext } from "./views";
import { fulfillmentOrderView, fulfillmentView, inventoryItemView, locationView, numericId, orderView } from "./views";

// Mutation resolvers. Shopify's rules that matter to an inventory app are enforced here as Shopify enforces
// them: at most 250 items per input array, an explicit changeFromQuantity on every item (a number for
// compare-and-swap, or null to skip it), CHANGE_FROM_QUANTITY_STALE with nothing applied when any item is
// stale, ledgerDocumentUri for every quantity name but `available`, and documented reasons only.
// The @idempotent directive is checked before these run (devstore/admin/idempotency.ts).

export const MAX_INPUT_ITEMS = 250;

/** Reasons Shopify accepts on inventory changes. */
export const INVENTORY_REASONS = new Set([
  "correction",
  "cycle_count_available",
  "damaged",
  "movement_created",
  "movement_updated",
  "movement_received",
  "movement_canceled",
  "other",
  "promotion",
  "quality_control",
  "received",
  "reservation_created",
  "reservation_deleted",
  "reservation_updated",
  "restock",
  "safety_stock",
  "shrinkage",
]);

interface UserError {
  field: string[] | null;
  message: string;
  code: string | null;
}

const userError = (field: (string | number)[] | null, message: string, code: string | null): UserError => ({
  field: field?.map(String) ?? null,
  message,
  code,
});

function requireArraySize(items: unknown[], path: string) {
  if (items.length > MAX_INPUT_ITEMS) {
    throw new GraphQLError(
      `The input array size of ${items.length} is greater than the maximum allowed of ${MAX_INPUT_ITEMS}.`,
      { extensions: { code: "MAX_INPUT_SIZE_EXCEEDED", path } },
    );
  }
}

function requireChangeFrom(item: object, path: string) {
  if (!Object.prototype.hasOwnProperty.call(item, "changeFromQuantity")) {
    throw new GraphQLError(
      `${path}.changeFromQuantity is required as of API version 2026-04: pass the quantity you expect (compare-and-swap) or null to skip the check.`,
      { extensions: { code: "BAD_REQUEST", path } },
    );
  }
}

function isUri(value: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\S+$/i.test(value);
}

function validReference(uri: string | null | undefined): boolean {
  return uri == null || isUri(uri);
}

function validLedger(name: string, uri: string | null | undefined): string | null {
  if (name === "available") return null;
  if (!uri) return `A ledger document URI is required for the ${name} quantity.`;
  if (!isUri(uri) || uri.startsWith("gid://shopify/")) return "The ledger document URI is invalid: it must be a URI that is not a gid://shopify one.";
  return null;
}

function adjustmentGroup(
  ctx: AdminContext,
  input: { reason: string; referenceDocumentUri?: string | null },
  changes: { name: string; delta: number; quantityAfterChange: number; itemId: string; locationId: string; ledgerDocumentUri: string | null }[],
) {
  const createdAt = ctx.store.now().toISOString();
  return {
    __typename: "InventoryAdjustmentGroup",
    id: gid("InventoryAdjustmentGroup", ctx.store.newId()),
    createdAt,
    reason: input.reason,
    referenceDocumentUri: input.referenceDocumentUri ?? null,
    app: null,
    staffMember: null,
    changes: (args: { inventoryItemIds?: string[]; locationIds?: string[]; quantityNames?: string[] }) =>
      changes
        .filter((c) => !args.quantityNames || args.quantityNames.includes(c.name))
        .filter((c) => !args.inventoryItemIds || args.inventoryItemIds.includes(gid("InventoryItem", c.itemId)))
        .filter((c) => !args.locationIds || args.locationIds.includes(gid("Location", c.locationId)))
        .map((c) => ({
          __typename: "InventoryChange",
          name: c.name,
          delta: c.delta,
          quantityAfterChange: c.quantityAfterChange,
          ledgerDocumentUri: c.ledgerDocumentUri,
          item: () => inventoryItemView(ctx, ctx.shop.inventoryItems.get(c.itemId)!),
          location: () => locationView(ctx, ctx.shop.locations.get(c.locationId)!),
        })),
  };
}

interface Resolved {
  itemId: string;
  locationId: string;
}

function resolveTarget(ctx: AdminContext, inventoryItemId: string, locationId: string, field: (string | number)[]): Resolved | UserError {
  const itemId = numericId(inventoryItemId, "InventoryItem");
  if (!itemId || !ctx.shop.inventoryItems.has(itemId)) {
    return userError([...field, "inventoryItemId"], "The specified inventory item could not be found.", "INVALID_INVENTORY_ITEM");
  }
  const location = numericId(locationId, "Location");
  if (!location || !ctx.shop.locations.has(location)) {
    return userError([...field, "locationId"], "The specified location could not be found.", "INVALID_LOCATION");
  }
  if (!ctx.store.level(ctx.shop.domain, itemId, location)) {
    return userError([...field, "locationId"], "The inventory item is not stocked at the location.", "ITEM_NOT_STOCKED_AT_LOCATION");
  }
  return { itemId, locationId: location };
}

const isError = (value: Resolved | UserError): value is UserError => "message" in value;

// ---------------------------------------------------------------- inventory

interface AdjustInput {
  reason: string;
  name: string;
  referenceDocumentUri?: string | null;
  changes: { delta: number; changeFromQuantity?: number | null; inventoryItemId: string; locationId: string; ledgerDocumentUri?: string | null }[];
}

export function inventoryAdjustQuantities(ctx: AdminContext, { input }: { input: AdjustInput }) {
  requireArraySize(input.changes, "input.changes");
  input.changes.forEach((change, i) => requireChangeFrom(change, `input.changes[${i}]`));
  const fail = (errors: UserError[]) => ({ __typename: "InventoryAdjustQuantitiesPayload", inventoryAdjustmentGroup: null, userErrors: errors });

  if (!INVENTORY_REASONS.has(input.reason)) return fail([userError(["input", "reason"], "The specified reason is invalid.", "INVALID_REASON")]);
  if (!(INVENTORY_QUANTITY_NAMES as readonly string[]).includes(input.name)) {
    return fail([userError(["input", "name"], "The quantity name must be one of the valid quantity names.", "INVALID_QUANTITY_NAME")]);
  }
  if (!validReference(input.referenceDocumentUri)) {
    return fail([userError(["input", "referenceDocumentUri"], "The reference document URI is invalid.", "INVALID_REFERENCE_DOCUMENT")]);
  }

  const errors: UserError[] = [];
  const targets: (Resolved & { delta: number; ledger: string | null })[] = [];
  input.changes.forEach((change, i) => {
    const field = ["input", "changes", i];
    const ledgerProblem = validLedger(input.name, change.ledgerDocumentUri);
    if (ledgerProblem) return void errors.push(userError([...field, "ledgerDocumentUri"], ledgerProblem, "INVALID_LEDGER_DOCUMENT"));
    const target = resolveTarget(ctx, change.inventoryItemId, change.locationId, field);
    if (isError(target)) return void errors.push(target);
    const level = ctx.store.level(ctx.shop.domain, target.itemId, target.locationId)!;
    const current = ctx.store.quantity(level, input.name as QuantityName);
    if (change.changeFromQuantity != null && change.changeFromQuantity !== current) {
      return void errors.push(
        userError([...field, "changeFromQuantity"], "The changeFromQuantity argument no longer matches the persisted quantity.", "CHANGE_FROM_QUANTITY_STALE"),
      );
    }
    if (input.name !== "available" && current + change.delta < 0) {
      return void errors.push(userError([...field, "delta"], `The ${input.name} quantity cannot be lower than 0.`, "INVALID_QUANTITY_TOO_LOW"));
    }
    targets.push({ ...target, delta: change.delta, ledger: change.ledgerDocumentUri ?? null });
  });
  // All or nothing: one bad item and no quantity changes.
  if (errors.length) return fail(errors);

  const changes = targets.flatMap((t) => {
    const level = ctx.store.changeQuantity(ctx.shop.domain, {
      inventoryItemId: t.itemId,
      locationId: t.locationId,
      name: input.name as QuantityName,
      delta: t.delta,
      reason: input.reason,
      referenceDocumentUri: input.referenceDocumentUri,
      actor: ctx.appKey,
    });
    const entry = { itemId: t.itemId, locationId: t.locationId, delta: t.delta, ledgerDocumentUri: t.ledger };
    const rows = [{ ...entry, name: input.name, quantityAfterChange: ctx.store.quantity(level, input.name as QuantityName) }];
    if (input.name !== "on_hand") rows.push({ ...entry, name: "on_hand", quantityAfterChange: ctx.store.quantity(level, "on_hand") });
    return rows;
  });
  return { __typename: "InventoryAdjustQuantitiesPayload", inventoryAdjustmentGroup: adjustmentGroup(ctx, input, changes), userErrors: [] };
}

interface SetInput {
  name: string;
  reason: string;
  referenceDocumentUri?: string | null;
  ignoreCompareQuantity?: boolean;
  quantities: { inventoryItemId: string; locationId: string; quantity: number; changeFromQuantity?: number | null; compareQuantity?: number | null }[];
}

export function inventorySetQuantities(ctx: AdminContext, { input }: { input: SetInput }) {
  requireArraySize(input.quantities, "input.quantities");
  input.quantities.forEach((quantity, i) => requireChangeFrom(quantity, `input.quantities[${i}]`));
  const fail = (errors: UserError[]) => ({ __typename: "InventorySetQuantitiesPayload", inventoryAdjustmentGroup: null, userErrors: errors });

  if (input.name !== "available" && input.name !== "on_hand") {
    return fail([userError(["input", "name"], "The quantity name must be either 'available' or 'on_hand'.", "INVALID_NAME")]);
  }
  if (!INVENTORY_REASONS.has(input.reason)) return fail([userError(["input", "reason"], "The specified reason is invalid.", "INVALID_REASON")]);
  if (!validReference(input.referenceDocumentUri)) {
    return fail([userError(["input", "referenceDocumentUri"], "The reference document URI is invalid.", "INVALID_REFERENCE_DOCUMENT")]);
  }
  const errors: UserError[] = [];
  const seen = new Set<string>();
  const targets: (Resolved & { quantity: number })[] = [];
  input.quantities.forEach((entry, i) => {
    const field = ["input", "quantities", i];
    if (entry.quantity < 0) return void errors.push(userError([...field, "quantity"], "The quantity can't be negative.", "INVALID_QUANTITY_NEGATIVE"));
    const target = resolveTarget(ctx, entry.inventoryItemId, entry.locationId, field);
    if (isError(target)) return void errors.push(target);
    const key = `${target.itemId}:${target.locationId}`;
    if (seen.has(key)) {
      return void errors.push(userError(field, "The combination of inventoryItemId and locationId must be unique.", "NO_DUPLICATE_INVENTORY_ITEM_ID_GROUP_ID_PAIR"));
    }
    seen.add(key);
    const level = ctx.store.level(ctx.shop.domain, target.itemId, target.locationId)!;
    const current = ctx.store.quantity(level, input.name as QuantityName);
    if (entry.changeFromQuantity != null && entry.changeFromQuantity !== current) {
      return void errors.push(
        userError([...field, "changeFromQuantity"], "The changeFromQuantity argument no longer matches the persisted quantity.", "CHANGE_FROM_QUANTITY_STALE"),
      );
    }
    targets.push({ ...target, quantity: entry.quantity });
  });
  if (errors.length) return fail(errors);

  const changes = targets.flatMap((t) => {
    const delta = ctx.store.setQuantity(ctx.shop.domain, {
      inventoryItemId: t.itemId,
      locationId: t.locationId,
      name: input.name as "available" | "on_hand",
      quantity: t.quantity,
      reason: input.reason,
      referenceDocumentUri: input.referenceDocumentUri,
      actor: ctx.appKey,
    });
    const level = ctx.store.level(ctx.shop.domain, t.itemId, t.locationId)!;
    const entry = { itemId: t.itemId, locationId: t.locationId, delta, ledgerDocumentUri: null };
    return [
      { ...entry, name: "available", quantityAfterChange: level.quantities.available },
      { ...entry, name: "on_hand", quantityAfterChange: ctx.store.quantity(level, "on_hand") },
    ];
  });
  return { __typename: "InventorySetQuantitiesPayload", inventoryAdjustmentGroup: adjustmentGroup(ctx, input, changes), userErrors: [] };
}

interface Terminal {
  locationId: string;
  name: string;
  ledgerDocumentUri?: string | null;
  changeFromQuantity?: number | null;
}
interface MoveInput {
  reason: string;
  referenceDocumentUri: string;
  changes: { inventoryItemId: string; quantity: number; from: Terminal; to: Terminal }[];
}

export function inventoryMoveQuantities(ctx: AdminContext, { input }: { input: MoveInput }) {
  requireArraySize(input.changes, "input.changes");
  input.changes.forEach((change, i) => {
    requireChangeFrom(change.from, `input.changes[${i}].from`);
    requireChangeFrom(change.to, `input.changes[${i}].to`);
  });
  const fail = (errors: UserError[]) => ({ __typename: "InventoryMoveQuantitiesPayload", inventoryAdjustmentGroup: null, userErrors: errors });
  if (!INVENTORY_REASONS.has(input.reason)) return fail([userError(["input", "reason"], "The specified reason is invalid.", "INVALID_REASON")]);
  if (!isUri(input.referenceDocumentUri)) {
    return fail([userError(["input", "referenceDocumentUri"], "The reference document URI is invalid.", "INVALID_REFERENCE_DOCUMENT")]);
  }
  const errors: UserError[] = [];
  const moves: (Resolved & { quantity: number; from: string; to: string; fromLedger: string | null; toLedger: string | null })[] = [];
  input.changes.forEach((change, i) => {
    const field = ["input", "changes", i];
    if (change.from.locationId !== change.to.locationId) {
      return void errors.push(userError(field, "The quantities can't be moved between different locations.", "DIFFERENT_LOCATIONS"));
    }
    if (change.from.name === change.to.name) return void errors.push(userError(field, "The quantity names must be different.", "SAME_QUANTITY_NAME"));
    for (const [side, terminal] of [["from", change.from], ["to", change.to]] as const) {
      if (!(INVENTORY_QUANTITY_NAMES as readonly string[]).includes(terminal.name) || terminal.name === "on_hand") {
        return void errors.push(userError([...field, side, "name"], "The quantity name is invalid.", "INVALID_QUANTITY_NAME"));
      }
      const problem = validLedger(terminal.name, terminal.ledgerDocumentUri);
      if (problem) return void errors.push(userError([...field, side, "ledgerDocumentUri"], problem, "INVALID_LEDGER_DOCUMENT"));
    }
    const target = resolveTarget(ctx, change.inventoryItemId, change.from.locationId, field);
    if (isError(target)) return void errors.push(target);
    const level = ctx.store.level(ctx.shop.domain, target.itemId, target.locationId)!;
    for (const [side, terminal] of [["from", change.from], ["to", change.to]] as const) {
      if (terminal.changeFromQuantity != null && terminal.changeFromQuantity !== ctx.store.quantity(level, terminal.name as QuantityName)) {
        return void errors.push(
          userError([...field, side, "changeFromQuantity"], "The changeFromQuantity argument no longer matches the persisted quantity.", "CHANGE_FROM_QUANTITY_STALE"),
        );
      }
    }
    if (ctx.store.quantity(level, change.from.name as QuantityName) < change.quantity) {
      return void errors.push(userError([...field, "quantity"], "The quantity can't be negative after the move.", "INVALID_QUANTITY_NEGATIVE"));
    }
    moves.push({ ...target, quantity: change.quantity, from: change.from.name, to: change.to.name, fromLedger: change.from.ledgerDocumentUri ?? null, toLedger: change.to.ledgerDocumentUri ?? null });
  });
  if (errors.length) return fail(errors);
  const changes = moves.flatMap((m) => {
    ctx.store.moveQuantity(ctx.shop.domain, {
      inventoryItemId: m.itemId,
      locationId: m.locationId,
      from: m.from as QuantityName,
      to: m.to as QuantityName,
      quantity: m.quantity,
      reason: input.reason,
      referenceDocumentUri: input.referenceDocumentUri,
      actor: ctx.appKey,
    });
    const level = ctx.store.level(ctx.shop.domain, m.itemId, m.locationId)!;
    return [
      { itemId: m.itemId, locationId: m.locationId, name: m.from, delta: -m.quantity, quantityAfterChange: ctx.store.quantity(level, m.from as QuantityName), ledgerDocumentUri: m.fromLedger },
      { itemId: m.itemId, locationId: m.locationId, name: m.to, delta: m.quantity, quantityAfterChange: ctx.store.quantity(level, m.to as QuantityName), ledgerDocumentUri: m.toLedger },
    ];
  });
  return { __typename: "InventoryMoveQuantitiesPayload", inventoryAdjustmentGroup: adjustmentGroup(ctx, input, changes), userErrors: [] };
}

// ---------------------------------------------------------------- orders and fulfilment

interface OrderCreateArgs {
  order: {
    lineItems?: { variantId?: string | null; quantity: number }[] | null;
    email?: string | null;
    customer?: { toAssociate?: { id?: string | null } | null } | null;
    sourceName?: string | null;
    name?: string | null;
    processedAt?: string | null;
    shippingAddress?: { address1?: string | null; city?: string | null; zip?: string | null; countryCode?: string | null; country?: string | null } | null;
  };
  options?: { inventoryBehaviour?: "BYPASS" | "DECREMENT_IGNORING_POLICY" | "DECREMENT_OBEYING_POLICY" | null } | null;
}

function storeFailure(error: unknown, typename: string) {
  if (!(error instanceof StoreError)) throw error;
  return { __typename: typename, userErrors: [userError(error.field.length ? error.field : null, error.message, error.code)] };
}

export function orderCreate(ctx: AdminContext, args: OrderCreateArgs) {
  const lines = args.order.lineItems ?? [];
  requireArraySize(lines, "order.lineItems");
  try {
    const order = ctx.store.createOrder(ctx.shop.domain, {
      lineItems: lines.map((line, i) => {
        const variantId = line.variantId ? numericId(line.variantId, "ProductVariant") : null;
        if (!variantId) throw new StoreError("A line item needs a variantId", "INVALID", ["order", "lineItems", String(i), "variantId"]);
        return { variantId, quantity: line.quantity };
      }),
      email: args.order.email ?? null,
      customerId: args.order.customer?.toAssociate?.id ? numericId(args.order.customer.toAssociate.id, "Customer") : null,
      sourceName: args.order.sourceName ?? undefined,
      name: args.order.name ?? undefined,
      processedAt: args.order.processedAt ?? undefined,
      inventoryBehaviour: args.options?.inventoryBehaviour ?? "BYPASS",
      shippingAddress: args.order.shippingAddress
        ? {
            address1: args.order.shippingAddress.address1 ?? "",
            city: args.order.shippingAddress.city ?? "",
            zip: args.order.shippingAddress.zip ?? "",
            country: args.order.shippingAddress.country ?? "",
            countryCode: args.order.shippingAddress.countryCode ?? "",
          }
        : null,
    });
    return { __typename: "OrderCreatePayload", order: orderView(ctx, order), userErrors: [] };
  } catch (error) {
    return { order: null, ...storeFailure(error, "OrderCreatePayload") };
  }
}

interface FulfillmentCreateArgs {
  fulfillment: {
    lineItemsByFulfillmentOrder: { fulfillmentOrderId: string; fulfillmentOrderLineItems?: { id: string; quantity: number }[] | null }[];
    trackingInfo?: { number?: string | null; numbers?: string[] | null; url?: string | null; urls?: string[] | null; company?: string | null } | null;
  };
}

export function fulfillmentCreate(ctx: AdminContext, args: FulfillmentCreateArgs) {
  const groups = args.fulfillment.lineItemsByFulfillmentOrder;
  requireArraySize(groups, "fulfillment.lineItemsByFulfillmentOrder");
  if (groups.length !== 1) {
    return { __typename: "FulfillmentCreatePayload", fulfillment: null, userErrors: [userError(["fulfillment"], "The dev store fulfils one fulfillment order per call.", null)] };
  }
  const group = groups[0]!;
  const tracking = args.fulfillment.trackingInfo;
  try {
    const fulfillment = ctx.store.fulfill(ctx.shop.domain, {
      fulfillmentOrderId: numericId(group.fulfillmentOrderId, "FulfillmentOrder") ?? "",
      lineItems: group.fulfillmentOrderLineItems?.map((line) => ({
        fulfillmentOrderLineItemId: numericId(line.id, "FulfillmentOrderLineItem") ?? "",
        quantity: line.quantity,
      })),
      trackingCompany: tracking?.company ?? null,
      trackingNumbers: tracking?.numbers ?? (tracking?.number ? [tracking.number] : []),
      trackingUrls: tracking?.urls ?? (tracking?.url ? [tracking.url] : []),
    });
    return { __typename: "FulfillmentCreatePayload", fulfillment: fulfillmentView(ctx, fulfillment), userErrors: [] };
  } catch (error) {
    return { fulfillment: null, ...storeFailure(error, "FulfillmentCreatePayload") };
  }
}

export function fulfillmentTrackingInfoUpdate(
  ctx: AdminContext,
  args: { fulfillmentId: string; trackingInfoInput: { number?: string | null; numbers?: string[] | null; url?: string | null; urls?: string[] | null; company?: string | null } },
) {
  const info = args.trackingInfoInput;
  try {
    const fulfillment = ctx.store.updateTracking(ctx.shop.domain, numericId(args.fulfillmentId, "Fulfillment") ?? "", {
      company: info.company ?? null,
      numbers: info.numbers ?? (info.number ? [info.number] : []),
      urls: info.urls ?? (info.url ? [info.url] : []),
    });
    return { __typename: "FulfillmentTrackingInfoUpdatePayload", fulfillment: fulfillmentView(ctx, fulfillment), userErrors: [] };
  } catch (error) {
    return { fulfillment: null, ...storeFailure(error, "FulfillmentTrackingInfoUpdatePayload") };
  }
}

export function fulfillmentOrderHold(
  ctx: AdminContext,
  args: { id: string; fulfillmentHold: { reason: string; reasonNotes?: string | null; handle?: string | null } },
) {
  try {
    const fo = ctx.store.hold(ctx.shop.domain, numericId(args.id, "FulfillmentOrder") ?? "", {
      reason: args.fulfillmentHold.reason,
      reasonNotes: args.fulfillmentHold.reasonNotes ?? null,
      handle: args.fulfillmentHold.handle || null,
    });
    const view = fulfillmentOrderView(ctx, fo);
    return {
      __typename: "FulfillmentOrderHoldPayload",
      fulfillmentOrder: view,
      fulfillmentHold: (view.fulfillmentHolds as unknown[]).at(-1) ?? null,
      remainingFulfillmentOrder: null,
      userErrors: [],
    };
  } catch (error) {
    return { fulfillmentOrder: null, fulfillmentHold: null, remainingFulfillmentOrder: null, ...storeFailure(error, "FulfillmentOrderHoldPayload") };
  }
}

export function fulfillmentOrderReleaseHold(ctx: AdminContext, args: { id: string }) {
  try {
    const fo = ctx.store.releaseHold(ctx.shop.domain, numericId(args.id, "FulfillmentOrder") ?? "");
    return { __typename: "FulfillmentOrderReleaseHoldPayload", fulfillmentOrder: fulfillmentOrderView(ctx, fo), userErrors: [] };
  } catch (error) {
    return { fulfillmentOrder: null, ...storeFailure(error, "FulfillmentOrderReleaseHoldPayload") };
  }
}

interface PreparedForPickupArgs {
  input: { lineItemsByFulfillmentOrder: { fulfillmentOrderId: string }[] };
}

/**
 * Local pickup: the merchant's items are on the shelf. Every fulfillment order must be a pickup with something
 * left to prepare, or nothing is marked (userErrors name each one that is not); then each is marked and its
 * fulfillment_orders/line_items_prepared_for_pickup webhook is sent.
 */
export function fulfillmentOrderLineItemsPreparedForPickup(ctx: AdminContext, { input }: PreparedForPickupArgs) {
  const groups = input.lineItemsByFulfillmentOrder;
  requireArraySize(groups, "input.lineItemsByFulfillmentOrder");
  const payload = (userErrors: UserError[]) => ({ __typename: "FulfillmentOrderLineItemsPreparedForPickupPayload", userErrors });
  if (groups.length === 0) {
    return payload([userError(["input", "lineItemsByFulfillmentOrder"], "At least one fulfillment order is required.", "FULFILLMENT_ORDER_INVALID")]);
  }
  const ids: string[] = [];
  const errors: UserError[] = [];
  groups.forEach((group, i) => {
    const field = ["input", "lineItemsByFulfillmentOrder", i, "fulfillmentOrderId"];
    const id = numericId(group.fulfillmentOrderId, "FulfillmentOrder");
    const problem = id ? ctx.store.pickupPreparationProblem(ctx.shop.domain, id) : { code: "FULFILLMENT_ORDER_INVALID", message: "Invalid fulfillment order ID provided." };
    if (problem) return void errors.push(userError(field, problem.message, problem.code));
    if (!ids.includes(id!)) ids.push(id!);
  });
  if (errors.length) return payload(errors);
  try {
    ctx.store.prepareForPickup(ctx.shop.domain, ids);
    return payload([]);
  } catch (error) {
    return storeFailure(error, "FulfillmentOrderLineItemsPreparedForPickupPayload");
  }
}

// ---------------------------------------------------------------- app-data metafields

/** One installation per app and shop; its id is stable for the shop. */
export function appInstallationId(ctx: AdminContext): string {
  const digits = [...`${ctx.appKey}:${ctx.shop.domain}`].reduce((sum, c) => (sum * 31 + c.charCodeAt(0)) % 1_000_000_007, 7);
  return `gid://shopify/AppInstallation/${digits}`;
}

interface MetafieldInput {
  ownerId: string;
  namespace?: string | null;
  key: string;
  type?: string | null;
  value: string;
}

/** metafieldsSet for the app's own installation (app-data metafields); other owners are not emulated. */
export function metafieldsSet(ctx: AdminContext, { metafields }: { metafields: MetafieldInput[] }) {
  const fail = (errors: UserError[]) => ({ __typename: "MetafieldsSetPayload", metafields: null, userErrors: errors });
  if (metafields.length > 25) return fail([userError(["metafields"], "Exceeded the maximum metafields input limit of 25.", "LESS_THAN_OR_EQUAL_TO")]);
  const errors: UserError[] = [];
  metafields.forEach((m, i) => {
    if (m.ownerId !== appInstallationId(ctx)) errors.push(userError(["metafields", i, "ownerId"], "The dev store only emulates app-data metafields on the app's own installation.", "INVALID"));
    if (!m.namespace || m.namespace.length < 3) errors.push(userError(["metafields", i, "namespace"], "Namespace is too short (minimum is 3 characters)", "TOO_SHORT"));
    if (!/^[a-zA-Z0-9_-]{2,64}$/.test(m.key)) errors.push(userError(["metafields", i, "key"], "Key is invalid", "INVALID"));
    if (!m.type) errors.push(userError(["metafields", i, "type"], "Type can't be blank", "BLANK"));
  });
  if (errors.length) return fail(errors);
  for (const m of metafields) ctx.store.setAppMetafield(ctx.shop.domain, m.namespace!, m.key, m.type!, m.value);
  return {
    __typename: "MetafieldsSetPayload",
    metafields: metafields.map((m) => ({ __typename: "Metafield", namespace: m.namespace, key: m.key, value: m.value, type: m.type })),
    userErrors: [],
  };
}
