import { GraphQLError } from "graphql";
import {
  gid,
  INVENTORY_QUANTITY_NAMES,
  onHand,
  type Fulfillment,
  type FulfillmentOrder,
  type InventoryItem,
  type InventoryLevel,
  type LineItem,
  type Location,
  type Order,
  type Product,
  type ShopState,
  type Variant,
} from "../state/model";
import type { DevStore } from "../state/store";
import { connection, matchesQuery, type ConnectionArgs } from "./connection";

// GraphQL views of the dev store's data. Each view is a plain object whose keys are the schema's field
// names; fields with arguments are functions (graphql-js calls them with the arguments). A field a view does
// not define is reported as not implemented by the executor, never silently null.

export interface AdminContext {
  store: DevStore;
  shop: ShopState;
  /** The API key of the app calling (for inventory history). */
  appKey: string;
}

type Args = ConnectionArgs & { query?: string | null; sortKey?: string | null };
type View = Record<string, unknown>;

export const byId = <T extends { id: string }>(items: Iterable<T>) => [...items].sort((a, b) => Number(a.id) - Number(b.id));

export function shopView(ctx: AdminContext): View {
  const { shop } = ctx;
  return {
    __typename: "Shop",
    id: gid("Shop", "1"),
    name: shop.name,
    email: shop.email,
    contactEmail: shop.email,
    myshopifyDomain: shop.domain,
    currencyCode: shop.currencyCode,
    ianaTimezone: shop.ianaTimezone,
    primaryDomain: { __typename: "Domain", id: gid("Domain", "1"), url: `https://${shop.domain}`, host: shop.domain },
    plan: { __typename: "ShopPlan", ...shop.plan, partnerDevelopment: true },
  };
}

export function locationView(ctx: AdminContext, location: Location): View {
  const a = location.address;
  return {
    __typename: "Location",
    id: gid("Location", location.id),
    legacyResourceId: location.id,
    name: location.name,
    isActive: location.isActive,
    isFulfillmentService: false,
    fulfillsOnlineOrders: location.fulfillsOnlineOrders,
    shipsInventory: location.fulfillsOnlineOrders,
    createdAt: location.createdAt,
    updatedAt: location.updatedAt,
    address: {
      __typename: "LocationAddress",
      address1: a.address1,
      address2: a.address2 ?? null,
      city: a.city,
      province: a.province ?? null,
      provinceCode: a.provinceCode ?? null,
      zip: a.zip,
      country: a.country,
      countryCode: a.countryCode,
      phone: a.phone ?? null,
      latitude: a.latitude ?? null,
      longitude: a.longitude ?? null,
      formatted: [a.address1, `${a.zip} ${a.city}`, a.country],
    },
    localPickupSettingsV2: location.localPickup
      ? {
          __typename: "DeliveryLocalPickupSettings",
          instructions: location.localPickup.instructions,
          pickupTime: location.localPickup.readyWithinHours <= 1 ? "ONE_HOUR" : location.localPickup.readyWithinHours <= 2 ? "TWO_HOURS" : location.localPickup.readyWithinHours <= 4 ? "FOUR_HOURS" : location.localPickup.readyWithinHours <= 24 ? "TWENTY_FOUR_HOURS" : "TWO_TO_FOUR_DAYS",
        }
      : null,
    inventoryLevels: (args: Args) =>
      connection(
        byLevel([...ctx.shop.inventoryLevels.values()].filter((l) => l.locationId === location.id)),
        args,
        levelId,
        (level) => levelView(ctx, level),
      ),
    inventoryLevel: (args: { inventoryItemId: string }) => {
      const itemId = numericId(args.inventoryItemId, "InventoryItem");
      const level = itemId ? ctx.store.level(ctx.shop.domain, itemId, location.id) : undefined;
      return level ? levelView(ctx, level) : null;
    },
  };
}

export function productView(ctx: AdminContext, product: Product): View {
  const variants = () => ctx.store.productVariants(ctx.shop.domain, product.id);
  return {
    __typename: "Product",
    id: gid("Product", product.id),
    legacyResourceId: product.id,
    title: product.title,
    handle: product.handle,
    productType: product.productType,
    vendor: product.vendor,
    status: product.status,
    tags: product.tags,
    descriptionHtml: product.descriptionHtml,
    createdAt: product.createdAt,
    updatedAt: product.updatedAt,
    tracksInventory: variants().some((v) => ctx.shop.inventoryItems.get(v.inventoryItemId)?.tracked),
    totalInventory: variants().reduce((sum, v) => sum + variantAvailable(ctx, v), 0),
    hasOnlyDefaultVariant: variants().length === 1 && variants()[0]!.title === "Default Title",
    variants: (args: Args) => connection(variants(), args, (v) => v.id, (v) => variantView(ctx, v)),
  };
}

function variantAvailable(ctx: AdminContext, variant: Variant): number {
  return [...ctx.shop.inventoryLevels.values()]
    .filter((level) => level.inventoryItemId === variant.inventoryItemId)
    .reduce((sum, level) => sum + level.quantities.available, 0);
}

export function variantView(ctx: AdminContext, variant: Variant): View {
  const product = ctx.shop.products.get(variant.productId)!;
  const options = product.options.map((name, index) => ({
    __typename: "SelectedOption",
    name,
    value: variant.selectedOptions[index] ?? "",
  }));
  return {
    __typename: "ProductVariant",
    id: gid("ProductVariant", variant.id),
    legacyResourceId: variant.id,
    title: variant.title,
    displayName: `${product.title} - ${variant.title}`,
    sku: variant.sku,
    barcode: variant.barcode,
    price: variant.price,
    compareAtPrice: variant.compareAtPrice,
    inventoryPolicy: variant.inventoryPolicy,
    inventoryQuantity: variantAvailable(ctx, variant),
    availableForSale: variant.inventoryPolicy === "CONTINUE" || variantAvailable(ctx, variant) > 0,
    position: variant.position,
    createdAt: variant.createdAt,
    updatedAt: variant.updatedAt,
    selectedOptions: options,
    product: () => productView(ctx, product),
    inventoryItem: () => inventoryItemView(ctx, ctx.shop.inventoryItems.get(variant.inventoryItemId)!),
  };
}

const byLevel = (levels: InventoryLevel[]) =>
  [...levels].sort((a, b) => Number(a.inventoryItemId) - Number(b.inventoryItemId) || Number(a.locationId) - Number(b.locationId));
const levelId = (level: InventoryLevel) => `${level.locationId}?inventory_item_id=${level.inventoryItemId}`;

export function inventoryItemView(ctx: AdminContext, item: InventoryItem): View {
  return {
    __typename: "InventoryItem",
    id: gid("InventoryItem", item.id),
    legacyResourceId: item.id,
    sku: item.sku,
    tracked: item.tracked,
    requiresShipping: item.requiresShipping,
    createdAt: item.createdAt,
    updatedAt: item.updatedAt,
    unitCost: item.unitCost ? { __typename: "MoneyV2", amount: item.unitCost, currencyCode: ctx.shop.currencyCode } : null,
    variant: () => variantView(ctx, ctx.shop.variants.get(item.variantId)!),
    variants: (args: Args) =>
      connection([ctx.shop.variants.get(item.variantId)!].filter(Boolean), args, (v) => v.id, (v) => variantView(ctx, v)),
    inventoryLevels: (args: Args) =>
      connection(
        byLevel([...ctx.shop.inventoryLevels.values()].filter((l) => l.inventoryItemId === item.id)),
        args,
        levelId,
        (level) => levelView(ctx, level),
      ),
    inventoryLevel: (args: { locationId: string }) => {
      const locationId = numericId(args.locationId, "Location");
      const level = locationId ? ctx.store.level(ctx.shop.domain, item.id, locationId) : undefined;
      return level ? levelView(ctx, level) : null;
    },
  };
}

export function levelView(ctx: AdminContext, level: InventoryLevel): View {
  return {
    __typename: "InventoryLevel",
    id: gid("InventoryLevel", levelId(level)),
    createdAt: level.updatedAt,
    updatedAt: level.updatedAt,
    canDeactivate: onHand(level.quantities) === 0,
    item: () => inventoryItemView(ctx, ctx.shop.inventoryItems.get(level.inventoryItemId)!),
    location: () => locationView(ctx, ctx.shop.locations.get(level.locationId)!),
    quantities: (args: { names: string[] }) =>
      args.names.map((name) => {
        if (!(INVENTORY_QUANTITY_NAMES as readonly string[]).includes(name)) {
          throw new GraphQLError(`Invalid quantity name: '${name}'`, { extensions: { code: "BAD_REQUEST" } });
        }
        return {
          __typename: "InventoryQuantity",
          id: gid("InventoryQuantity", `${levelId(level)}&name=${name}`),
          name,
          quantity: name === "on_hand" ? onHand(level.quantities) : level.quantities[name as keyof typeof level.quantities],
          updatedAt: level.updatedAt,
        };
      }),
  };
}

export function orderView(ctx: AdminContext, order: Order): View {
  const customer = order.customerId ? ctx.shop.customers.get(order.customerId) : undefined;
  const fulfillmentOrders = byId([...ctx.shop.fulfillmentOrders.values()].filter((fo) => fo.orderId === order.id));
  const fulfillments = byId([...ctx.shop.fulfillments.values()].filter((f) => f.orderId === order.id));
  return {
    __typename: "Order",
    id: gid("Order", order.id),
    legacyResourceId: order.id,
    name: order.name,
    number: Number(order.name.replace(/\D/g, "")) || 0,
    email: order.email,
    createdAt: order.createdAt,
    updatedAt: order.updatedAt,
    processedAt: order.createdAt,
    cancelledAt: order.cancelledAt,
    closedAt: order.closedAt,
    closed: order.closedAt !== null,
    sourceName: order.sourceName,
    customerLocale: order.customerLocale,
    currencyCode: order.currencyCode,
    displayFinancialStatus: order.financialStatus,
    displayFulfillmentStatus: order.fulfillmentStatus,
    test: false,
    retailLocation: order.locationId ? locationView(ctx, ctx.shop.locations.get(order.locationId)!) : null,
    shippingAddress: order.shippingAddress
      ? {
          __typename: "MailingAddress",
          address1: order.shippingAddress.address1,
          city: order.shippingAddress.city,
          zip: order.shippingAddress.zip,
          country: order.shippingAddress.country,
          countryCodeV2: order.shippingAddress.countryCode,
        }
      : null,
    customer: customer
      ? {
          __typename: "Customer",
          id: gid("Customer", customer.id),
          firstName: customer.firstName,
          lastName: customer.lastName,
          displayName: `${customer.firstName} ${customer.lastName}`,
          locale: customer.locale,
        }
      : null,
    lineItems: (args: Args) =>
      connection(order.lineItems, args, (l) => l.id, (line) => ({
        ...lineItemView(line),
        currentQuantity: line.quantity,
        unfulfilledQuantity: line.fulfillableQuantity,
        variant: () => (line.variantId && ctx.shop.variants.get(line.variantId) ? variantView(ctx, ctx.shop.variants.get(line.variantId)!) : null),
        product: () => (line.productId && ctx.shop.products.get(line.productId) ? productView(ctx, ctx.shop.products.get(line.productId)!) : null),
      })),
    fulfillmentOrders: (args: Args) =>
      connection(fulfillmentOrders, args, (fo) => fo.id, (fo) => fulfillmentOrderView(ctx, fo)),
    fulfillments: (args: { first?: number | null }) =>
      fulfillments.slice(0, args.first ?? undefined).map((f) => fulfillmentView(ctx, f)),
  };
}

export function fulfillmentOrderView(ctx: AdminContext, fo: FulfillmentOrder): View {
  const order = ctx.shop.orders.get(fo.orderId)!;
  const location = ctx.shop.locations.get(fo.assignedLocationId)!;
  return {
    __typename: "FulfillmentOrder",
    id: gid("FulfillmentOrder", fo.id),
    status: fo.status,
    createdAt: fo.createdAt,
    updatedAt: fo.updatedAt,
    orderId: gid("Order", order.id),
    orderName: order.name,
    order: () => orderView(ctx, order),
    assignedLocation: {
      __typename: "FulfillmentOrderAssignedLocation",
      name: location.name,
      city: location.address.city,
      countryCode: location.address.countryCode,
      location: () => locationView(ctx, location),
    },
    deliveryMethod: {
      __typename: "DeliveryMethod",
      id: gid("DeliveryMethod", fo.id),
      methodType: fo.deliveryMethod,
      minDeliveryDateTime: fo.deliveryPromise?.minDeliveryDateTime ?? null,
      maxDeliveryDateTime: fo.deliveryPromise?.maxDeliveryDateTime ?? null,
    },
    fulfillmentHolds: fo.holds.map((hold, index) => ({
      __typename: "FulfillmentHold",
      id: gid("FulfillmentHold", `${fo.id}${index}`),
      reason: hold.reason,
      reasonNotes: hold.reasonNotes,
      handle: hold.handle,
    })),
    lineItems: (args: Args) =>
      connection(fo.lineItems, args, (l) => l.id, (foLine) => {
        const line = order.lineItems.find((l) => l.id === foLine.lineItemId)!;
        const variant = line.variantId ? ctx.shop.variants.get(line.variantId) : undefined;
        return {
          __typename: "FulfillmentOrderLineItem",
          id: gid("FulfillmentOrderLineItem", foLine.id),
          totalQuantity: foLine.totalQuantity,
          remainingQuantity: foLine.remainingQuantity,
          sku: line.sku,
          productTitle: line.title,
          variantTitle: line.variantTitle,
          inventoryItemId: variant ? gid("InventoryItem", variant.inventoryItemId) : null,
          variant: () => (variant ? variantView(ctx, variant) : null),
          lineItem: () => lineItemView(line),
        };
      }),
    fulfillments: (args: Args) =>
      connection(
        byId([...ctx.shop.fulfillments.values()].filter((f) => f.fulfillmentOrderId === fo.id)),
        args,
        (f) => f.id,
        (f) => fulfillmentView(ctx, f),
      ),
  };
}

/** An order's line item, as fulfillment orders and fulfillments point to it. */
function lineItemView(line: LineItem): View {
  return {
    __typename: "LineItem",
    id: gid("LineItem", line.id),
    title: line.title,
    name: line.variantTitle ? `${line.title} - ${line.variantTitle}` : line.title,
    variantTitle: line.variantTitle,
    sku: line.sku,
    quantity: line.quantity,
  };
}

// FulfillmentEventStatus has no PICKED_UP (that is a display status): a pickup's last event reads as DELIVERED.
const eventStatus = (status: string) => (status === "PICKED_UP" ? "DELIVERED" : status);

export function fulfillmentView(ctx: AdminContext, fulfillment: Fulfillment): View {
  const order = ctx.shop.orders.get(fulfillment.orderId)!;
  const location = ctx.shop.locations.get(fulfillment.locationId)!;
  const siblings = byId([...ctx.shop.fulfillments.values()].filter((f) => f.orderId === order.id));
  const lineOf = (lineItemId: string) => order.lineItems.find((l) => l.id === lineItemId)!;
  const at = (status: string) => fulfillment.events.find((e) => e.status === status)?.happenedAt ?? null;
  return {
    __typename: "Fulfillment",
    id: gid("Fulfillment", fulfillment.id),
    legacyResourceId: fulfillment.id,
    name: `${order.name}.${siblings.findIndex((f) => f.id === fulfillment.id) + 1}`,
    status: fulfillment.status,
    createdAt: fulfillment.createdAt,
    updatedAt: fulfillment.updatedAt,
    displayStatus: fulfillment.events.at(-1)?.status ?? "FULFILLED",
    estimatedDeliveryAt: fulfillment.events.findLast((e) => e.estimatedDeliveryAt)?.estimatedDeliveryAt ?? null,
    deliveredAt: at("DELIVERED") ?? at("PICKED_UP"),
    inTransitAt: at("IN_TRANSIT"),
    requiresShipping: true,
    totalQuantity: fulfillment.lineItems.reduce((sum, l) => sum + l.quantity, 0),
    order: () => orderView(ctx, order),
    originAddress: {
      __typename: "FulfillmentOriginAddress",
      address1: location.address.address1,
      address2: location.address.address2 ?? null,
      city: location.address.city,
      countryCode: location.address.countryCode,
      provinceCode: location.address.provinceCode ?? null,
      zip: location.address.zip,
    },
    fulfillmentOrders: (args: Args) => {
      const fo = ctx.shop.fulfillmentOrders.get(fulfillment.fulfillmentOrderId);
      return connection(fo ? [fo] : [], args, (f) => f.id, (f) => fulfillmentOrderView(ctx, f));
    },
    fulfillmentLineItems: (args: Args) =>
      connection(fulfillment.lineItems, args, (l) => `${fulfillment.id}${l.lineItemId}`, (l) => {
        return {
          __typename: "FulfillmentLineItem",
          id: gid("FulfillmentLineItem", `${fulfillment.id}${l.lineItemId}`),
          quantity: l.quantity,
          lineItem: lineItemView(lineOf(l.lineItemId)),
        };
      }),
    location: () => locationView(ctx, location),
    trackingInfo: (args: { first?: number | null }) =>
      fulfillment.trackingNumbers.slice(0, args.first ?? undefined).map((number, index) => ({
        __typename: "FulfillmentTrackingInfo",
        company: fulfillment.trackingCompany,
        number,
        url: fulfillment.trackingUrls[index] ?? null,
      })),
    events: (args: Args) =>
      connection(fulfillment.events, args, (e) => e.id, (event) => ({
        __typename: "FulfillmentEvent",
        id: gid("FulfillmentEvent", event.id),
        status: eventStatus(event.status),
        message: event.message,
        happenedAt: event.happenedAt,
        createdAt: event.happenedAt,
        city: event.city,
        province: null,
        country: event.country,
        estimatedDeliveryAt: event.estimatedDeliveryAt,
      })),
  };
}

/** The numeric id in a gid of the given type, or null. */
export function numericId(value: string, type: string): string | null {
  const match = new RegExp(`^gid://shopify/${type}/(\\d+)$`).exec(value);
  return match ? match[1]! : null;
}

export function filterProducts(ctx: AdminContext, query: string | null | undefined): Product[] {
  return byId(ctx.shop.products.values()).filter((p) =>
    matchesQuery(query, {
      title: p.title,
      handle: p.handle,
      product_type: p.productType,
      vendor: p.vendor,
      status: p.status.toLowerCase(),
      updated_at: p.updatedAt,
      created_at: p.createdAt,
      id: Number(p.id),
    }),
  );
}

export function filterVariants(ctx: AdminContext, query: string | null | undefined): Variant[] {
  return byId(ctx.shop.variants.values()).filter((v) =>
    matchesQuery(query, {
      sku: v.sku,
      barcode: v.barcode,
      title: v.title,
      product_id: Number(v.productId),
      updated_at: v.updatedAt,
      id: Number(v.id),
    }),
  );
}

export function filterInventoryItems(ctx: AdminContext, query: string | null | undefined): InventoryItem[] {
  return byId(ctx.shop.inventoryItems.values()).filter((i) =>
    matchesQuery(query, { sku: i.sku, updated_at: i.updatedAt, created_at: i.createdAt, id: Number(i.id) }),
  );
}

export function filterOrders(ctx: AdminContext, query: string | null | undefined): Order[] {
  return byId(ctx.shop.orders.values()).filter((o) =>
    matchesQuery(query, {
      name: o.name,
      email: o.email,
      created_at: o.createdAt,
      updated_at: o.updatedAt,
      source_name: o.sourceName,
      id: Number(o.id),
      fulfillment_status: o.fulfillmentStatus.toLowerCase(),
    }),
  );
}
