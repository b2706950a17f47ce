import { EventEmitter } from "node:events";
import {
  emptyQuantities,
  levelKey,
  onHand,
  type Address,
  type Customer,
  type DeliveryPromise,
  type Fulfillment,
  type FulfillmentEvent,
  type FulfillmentOrder,
  type InventoryItem,
  type InventoryLevel,
  type LineItem,
  type Location,
  type Order,
  type Product,
  type QuantityName,
  type Quantities,
  type Refund,
  type Return,
  type ShopState,
  type Variant,
} from "./model";

// The dev store's behaviour: every change Shopify would make, with the webhooks Shopify would send.
// Rules that matter to Omnistock follow Shopify: on_hand is derived, quantities never go below zero unless the
// variant may oversell, an order claims stock available -> committed at the location that fulfils it,
// fulfilment removes it from committed, restocks add it back to available.

export interface StoreEvent {
  shop: string;
  topic: string;
  /** Builds the REST-shaped webhook body; called once per delivery attempt group. */
  payload: Record<string, unknown>;
  triggeredAt: string;
}

export class StoreError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly field: string[] = [],
  ) {
    super(message);
  }
}

/** One row of the shop's inventory history, as the merchant sees it in the admin. */
export interface InventoryChange {
  at: string;
  inventoryItemId: string;
  locationId: string;
  name: QuantityName;
  delta: number;
  quantityAfter: number;
  reason: string;
  referenceDocumentUri: string | null;
  /** The app that made the change (its API key), or "shopify" for the store's own actions. */
  actor: string;
}

export interface ShopInit {
  domain: string;
  name: string;
  email?: string;
  currencyCode?: string;
  ianaTimezone?: string;
  plan?: { publicDisplayName: string; shopifyPlus: boolean };
}

export interface OrderLineInput {
  variantId: string;
  quantity: number;
}

export interface OrderInput {
  lineItems: OrderLineInput[];
  email?: string | null;
  customerId?: string | null;
  sourceName?: string;
  /** POS sales: the shop where the sale happened (stock is taken there). */
  locationId?: string | null;
  shippingAddress?: Address | null;
  deliveryMethod?: "SHIPPING" | "PICK_UP";
  /** The delivery window promised at checkout, on the order's fulfillment order. */
  deliveryPromise?: DeliveryPromise | null;
  /** Shopify's OrderCreateInputsInventoryBehavior. */
  inventoryBehaviour?: "BYPASS" | "DECREMENT_IGNORING_POLICY" | "DECREMENT_OBEYING_POLICY";
  name?: string;
  processedAt?: string;
}

export class DevStore extends EventEmitter<{ event: [StoreEvent] }> {
  readonly shops = new Map<string, ShopState>();
  readonly history = new Map<string, InventoryChange[]>();
  #nextId = 1_000_000;
  #orderNumbers = new Map<string, number>();
  /** The clock, replaceable in tests. */
  now: () => Date = () => new Date();

  newId(): string {
    this.#nextId += 1;
    return String(this.#nextId);
  }

  /** Ids handed out by seed data must not collide with ours. */
  reserveIdsBelow(id: number) {
    this.#nextId = Math.max(this.#nextId, id);
  }

  /** The next order gets the number after this one (#1001 follows 1000). */
  setOrderNumber(domain: string, last: number) {
    this.#orderNumbers.set(domain, last);
  }

  createShop(init: ShopInit): ShopState {
    if (this.shops.has(init.domain)) throw new StoreError(`Shop ${init.domain} exists`, "TAKEN");
    const shop: ShopState = {
      domain: init.domain,
      name: init.name,
      email: init.email ?? `owner@${init.domain}`,
      currencyCode: init.currencyCode ?? "EUR",
      ianaTimezone: init.ianaTimezone ?? "Europe/Paris",
      plan: init.plan ?? { publicDisplayName: "Grow", shopifyPlus: false },
      locations: new Map(),
      products: new Map(),
      variants: new Map(),
      inventoryItems: new Map(),
      inventoryLevels: new Map(),
      customers: new Map(),
      orders: new Map(),
      fulfillmentOrders: new Map(),
      fulfillments: new Map(),
      refunds: new Map(),
      returns: new Map(),
      appMetafields: new Map(),
    };
    this.shops.set(init.domain, shop);
    this.history.set(init.domain, []);
    this.#orderNumbers.set(init.domain, 1000);
    return shop;
  }

  shop(domain: string): ShopState {
    const shop = this.shops.get(domain);
    if (!shop) throw new StoreError(`No shop ${domain} in the dev store`, "NOT_FOUND");
    return shop;
  }

  /** App-data metafields grouped for Liquid: namespace -> key -> value. */
  appMetafields(domain: string): Record<string, Record<string, string>> {
    const grouped: Record<string, Record<string, string>> = {};
    for (const [name, metafield] of this.shop(domain).appMetafields) {
      const [namespace, key] = name.split(".") as [string, string];
      (grouped[namespace] ??= {})[key] = metafield.value;
    }
    return grouped;
  }

  setAppMetafield(domain: string, namespace: string, key: string, type: string, value: string) {
    this.shop(domain).appMetafields.set(`${namespace}.${key}`, { type, value });
  }

  // ---------------------------------------------------------------- catalog

  addLocation(domain: string, location: Location) {
    this.shop(domain).locations.set(location.id, location);
  }

  addProduct(domain: string, product: Product, variants: Variant[], items: InventoryItem[]) {
    const shop = this.shop(domain);
    shop.products.set(product.id, product);
    for (const variant of variants) shop.variants.set(variant.id, variant);
    for (const item of items) shop.inventoryItems.set(item.id, item);
  }

  addCustomer(domain: string, customer: Customer) {
    this.shop(domain).customers.set(customer.id, customer);
  }

  putLevel(domain: string, level: InventoryLevel) {
    this.shop(domain).inventoryLevels.set(levelKey(level.inventoryItemId, level.locationId), level);
  }

  productVariants(domain: string, productId: string): Variant[] {
    return [...this.shop(domain).variants.values()]
      .filter((variant) => variant.productId === productId)
      .sort((a, b) => a.position - b.position);
  }

  // ---------------------------------------------------------------- inventory

  level(domain: string, inventoryItemId: string, locationId: string): InventoryLevel | undefined {
    return this.shop(domain).inventoryLevels.get(levelKey(inventoryItemId, locationId));
  }

  quantity(level: InventoryLevel, name: QuantityName): number {
    return name === "on_hand" ? onHand(level.quantities) : level.quantities[name];
  }

  /**
   * Changes one named quantity at one location by delta, as inventoryAdjustQuantities does. Changing
   * on_hand changes available by the same amount (on_hand is derived). Emits inventory_levels/update when
   * available changed.
   */
  changeQuantity(
    domain: string,
    change: {
      inventoryItemId: string;
      locationId: string;
      name: QuantityName;
      delta: number;
      reason: string;
      referenceDocumentUri?: string | null;
      actor?: string;
      allowNegative?: boolean;
    },
  ): InventoryLevel {
    const shop = this.shop(domain);
    if (!shop.inventoryItems.has(change.inventoryItemId)) {
      throw new StoreError("The specified inventory item could not be found.", "ITEM_NOT_FOUND");
    }
    if (!shop.locations.has(change.locationId)) {
      throw new StoreError("The specified location could not be found.", "LOCATION_NOT_FOUND");
    }
    const level = this.ensureLevel(domain, change.inventoryItemId, change.locationId);
    const stored: keyof Quantities = change.name === "on_hand" ? "available" : change.name;
    const after = level.quantities[stored] + change.delta;
    if (after < 0 && stored !== "available" && !change.allowNegative) {
      throw new StoreError(`The ${change.name} quantity cannot go below zero.`, "INVALID_QUANTITY_NEGATIVE");
    }
    level.quantities[stored] = after;
    level.updatedAt = this.now().toISOString();
    this.history.get(domain)!.push({
      at: level.updatedAt,
      inventoryItemId: change.inventoryItemId,
      locationId: change.locationId,
      name: change.name,
      delta: change.delta,
      quantityAfter: this.quantity(level, change.name),
      reason: change.reason,
      referenceDocumentUri: change.referenceDocumentUri ?? null,
      actor: change.actor ?? "shopify",
    });
    if (stored === "available" && change.delta !== 0) this.emitLevelUpdate(domain, level);
    return level;
  }

  /** Sets a quantity to an absolute value (inventorySetQuantities); returns the delta applied. */
  setQuantity(
    domain: string,
    change: {
      inventoryItemId: string;
      locationId: string;
      name: "available" | "on_hand";
      quantity: number;
      reason: string;
      referenceDocumentUri?: string | null;
      actor?: string;
    },
  ): number {
    const level = this.ensureLevel(domain, change.inventoryItemId, change.locationId);
    const delta = change.quantity - this.quantity(level, change.name);
    this.changeQuantity(domain, { ...change, delta });
    return delta;
  }

  /** Moves units between states at one location (inventoryMoveQuantities). */
  moveQuantity(
    domain: string,
    move: {
      inventoryItemId: string;
      locationId: string;
      from: QuantityName;
      to: QuantityName;
      quantity: number;
      reason: string;
      referenceDocumentUri?: string | null;
      actor?: string;
    },
  ) {
    const level = this.ensureLevel(domain, move.inventoryItemId, move.locationId);
    if (this.quantity(level, move.from) < move.quantity) {
      throw new StoreError(`Not enough ${move.from} units to move.`, "INVALID_QUANTITY_NEGATIVE");
    }
    this.changeQuantity(domain, { ...move, name: move.from, delta: -move.quantity });
    this.changeQuantity(domain, { ...move, name: move.to, delta: move.quantity });
  }

  private ensureLevel(domain: string, inventoryItemId: string, locationId: string): InventoryLevel {
    const shop = this.shop(domain);
    const key = levelKey(inventoryItemId, locationId);
    let level = shop.inventoryLevels.get(key);
    if (!level) {
      level = { inventoryItemId, locationId, quantities: emptyQuantities(), updatedAt: this.now().toISOString() };
      shop.inventoryLevels.set(key, level);
      this.emitEvent(domain, "inventory_levels/connect", {
        inventory_item_id: Number(inventoryItemId),
        location_id: Number(locationId),
        available: 0,
        updated_at: level.updatedAt,
        admin_graphql_api_id: `gid://shopify/InventoryLevel/${locationId}?inventory_item_id=${inventoryItemId}`,
      });
    }
    return level;
  }

  private emitLevelUpdate(domain: string, level: InventoryLevel) {
    this.emitEvent(domain, "inventory_levels/update", {
      inventory_item_id: Number(level.inventoryItemId),
      location_id: Number(level.locationId),
      available: level.quantities.available,
      updated_at: level.updatedAt,
      admin_graphql_api_id: `gid://shopify/InventoryLevel/${level.locationId}?inventory_item_id=${level.inventoryItemId}`,
    });
  }

  // ---------------------------------------------------------------- orders

  /** The location that fulfils an order: the POS shop, else the first online-fulfilling location with all of it. */
  private assignLocation(shop: ShopState, input: OrderInput): string {
    if (input.locationId) {
      if (!shop.locations.has(input.locationId)) throw new StoreError("Unknown location", "INVALID", ["locationId"]);
      return input.locationId;
    }
    const candidates = [...shop.locations.values()].filter((l) => l.isActive && l.fulfillsOnlineOrders);
    const complete = candidates.find((location) =>
      input.lineItems.every((line) => {
        const variant = shop.variants.get(line.variantId);
        const level = variant && shop.inventoryLevels.get(levelKey(variant.inventoryItemId, location.id));
        return (level?.quantities.available ?? 0) >= line.quantity;
      }),
    );
    const fallback = candidates[0] ?? [...shop.locations.values()][0];
    if (!complete && !fallback) throw new StoreError("The shop has no location", "INVALID");
    return (complete ?? fallback)!.id;
  }

  createOrder(domain: string, input: OrderInput): Order {
    const shop = this.shop(domain);
    if (input.lineItems.length === 0) throw new StoreError("An order needs line items", "INVALID", ["lineItems"]);
    const behaviour = input.inventoryBehaviour ?? "BYPASS";
    const locationId = this.assignLocation(shop, input);

    const lines: LineItem[] = input.lineItems.map((line, index) => {
      const variant = shop.variants.get(line.variantId);
      if (!variant) throw new StoreError("The variant does not exist", "INVALID", ["lineItems", String(index), "variantId"]);
      if (!Number.isInteger(line.quantity) || line.quantity < 1) {
        throw new StoreError("Quantity must be at least 1", "INVALID", ["lineItems", String(index), "quantity"]);
      }
      const product = shop.products.get(variant.productId)!;
      return {
        id: this.newId(),
        variantId: variant.id,
        productId: product.id,
        title: product.title,
        variantTitle: variant.title === "Default Title" ? null : variant.title,
        sku: variant.sku,
        quantity: line.quantity,
        price: variant.price,
        fulfillableQuantity: line.quantity,
      };
    });

    // Check every line before claiming any stock: an order is created whole or not at all.
    if (behaviour === "DECREMENT_OBEYING_POLICY") {
      lines.forEach((line, index) => {
        const variant = shop.variants.get(line.variantId!)!;
        const item = shop.inventoryItems.get(variant.inventoryItemId)!;
        const available = shop.inventoryLevels.get(levelKey(item.id, locationId))?.quantities.available ?? 0;
        if (item.tracked && variant.inventoryPolicy === "DENY" && available < line.quantity) {
          throw new StoreError(
            `${line.title}${line.variantTitle ? ` - ${line.variantTitle}` : ""} is out of stock`,
            "INVENTORY_CLAIM_FAILED",
            ["lineItems", String(index)],
          );
        }
      });
    }

    const now = input.processedAt ?? this.now().toISOString();
    const number = this.#orderNumbers.get(domain)! + 1;
    this.#orderNumbers.set(domain, number);
    const order: Order = {
      id: this.newId(),
      name: input.name ?? `#${number}`,
      email: input.email ?? (input.customerId ? (shop.customers.get(input.customerId)?.email ?? null) : null),
      customerId: input.customerId ?? null,
      sourceName: input.sourceName ?? (input.locationId ? "pos" : "web"),
      locationId: input.sourceName === "pos" || (input.locationId && !input.sourceName) ? locationId : null,
      currencyCode: shop.currencyCode,
      lineItems: lines,
      shippingAddress: input.shippingAddress ?? null,
      financialStatus: "PAID",
      fulfillmentStatus: "UNFULFILLED",
      cancelledAt: null,
      closedAt: null,
      customerLocale: input.customerId ? (shop.customers.get(input.customerId)?.locale ?? "en") : "en",
      createdAt: now,
      updatedAt: now,
    };
    shop.orders.set(order.id, order);

    if (behaviour !== "BYPASS") {
      for (const line of lines) {
        const variant = shop.variants.get(line.variantId!)!;
        if (!shop.inventoryItems.get(variant.inventoryItemId)!.tracked) continue;
        const reference = `gid://shopify/Order/${order.id}`;
        this.changeQuantity(domain, {
          inventoryItemId: variant.inventoryItemId,
          locationId,
          name: "available",
          delta: -line.quantity,
          reason: "reservation_created",
          referenceDocumentUri: reference,
        });
        this.changeQuantity(domain, {
          inventoryItemId: variant.inventoryItemId,
          locationId,
          name: "committed",
          delta: line.quantity,
          reason: "reservation_created",
          referenceDocumentUri: reference,
        });
      }
    }

    const fulfillmentOrder: FulfillmentOrder = {
      id: this.newId(),
      orderId: order.id,
      assignedLocationId: locationId,
      status: "OPEN",
      deliveryMethod: input.deliveryMethod ?? (order.sourceName === "pos" ? "PICK_UP" : "SHIPPING"),
      lineItems: lines.map((line) => ({
        id: this.newId(),
        lineItemId: line.id,
        totalQuantity: line.quantity,
        remainingQuantity: line.quantity,
      })),
      holds: [],
      deliveryPromise: input.deliveryPromise ?? null,
      preparedForPickupAt: null,
      createdAt: now,
      updatedAt: now,
    };
    shop.fulfillmentOrders.set(fulfillmentOrder.id, fulfillmentOrder);
    this.emitEvent(domain, "orders/create", orderPayload(shop, order));
    return order;
  }

  /** Sets the delivery window checkout promised for a fulfillment order (tests and scripts: Shopify has no mutation for it). */
  setDeliveryPromise(domain: string, fulfillmentOrderId: string, promise: DeliveryPromise | null): FulfillmentOrder {
    const fo = this.shop(domain).fulfillmentOrders.get(fulfillmentOrderId);
    if (!fo) throw new StoreError("Fulfillment order not found", "NOT_FOUND", ["fulfillmentOrderId"]);
    fo.deliveryPromise = promise;
    fo.updatedAt = this.now().toISOString();
    return fo;
  }

  /** Why a fulfillment order's items cannot be marked prepared for pickup, as Shopify's user error; null when they can. */
  pickupPreparationProblem(domain: string, fulfillmentOrderId: string): { code: string; message: string } | null {
    const fo = this.shop(domain).fulfillmentOrders.get(fulfillmentOrderId);
    if (!fo) return { code: "FULFILLMENT_ORDER_INVALID", message: "Invalid fulfillment order ID provided." };
    if (fo.deliveryMethod !== "PICK_UP") {
      return { code: "FULFILLMENT_ORDER_INVALID", message: "The fulfillment order's delivery method is not local pickup." };
    }
    if (fo.status === "ON_HOLD" || fo.status === "SCHEDULED") {
      return { code: "UNABLE_TO_PREPARE_QUANTITY", message: `Unable to prepare quantity: the fulfillment order is ${fo.status === "ON_HOLD" ? "on hold" : "scheduled"}.` };
    }
    // Closed (collected), cancelled or incomplete: nothing is left on the shelf to prepare.
    if ((fo.status !== "OPEN" && fo.status !== "IN_PROGRESS") || fo.lineItems.every((line) => line.remainingQuantity === 0)) {
      return { code: "NO_LINE_ITEMS_TO_PREPARE_FOR_FULFILLMENT_ORDER", message: "The fulfillment order does not have any line items that can be prepared." };
    }
    return null;
  }

  /**
   * Local pickup: marks the items of fulfillment orders prepared (fulfillmentOrderLineItemsPreparedForPickup), all
   * or none, and sends fulfillment_orders/line_items_prepared_for_pickup for each. The fulfillment order goes in
   * progress; its fulfillment is created when the customer collects it (fulfill). Marking again resends the
   * webhook and keeps the first readiness time.
   */
  prepareForPickup(domain: string, fulfillmentOrderIds: string[]): FulfillmentOrder[] {
    const shop = this.shop(domain);
    fulfillmentOrderIds.forEach((id, index) => {
      const problem = this.pickupPreparationProblem(domain, id);
      if (problem) throw new StoreError(problem.message, problem.code, ["input", "lineItemsByFulfillmentOrder", String(index), "fulfillmentOrderId"]);
    });
    const now = this.now().toISOString();
    const prepared = fulfillmentOrderIds.map((id) => {
      const fo = shop.fulfillmentOrders.get(id)!;
      fo.status = "IN_PROGRESS";
      fo.preparedForPickupAt ??= now;
      fo.updatedAt = now;
      return fo;
    });
    for (const fo of prepared) {
      const payload = {
        fulfillment_order: {
          id: `gid://shopify/FulfillmentOrder/${fo.id}`,
          status: fo.status.toLowerCase(),
          preparable: this.pickupPreparationProblem(domain, fo.id) === null,
          delivery_method: { method_type: "pickup" },
        },
      };
      this.emitEvent(domain, "fulfillment_orders/line_items_prepared_for_pickup", payload, now);
    }
    return prepared;
  }

  /** Fulfils what remains of a fulfillment order (or the given quantities), with tracking. */
  fulfill(
    domain: string,
    input: {
      fulfillmentOrderId: string;
      lineItems?: { fulfillmentOrderLineItemId: string; quantity: number }[];
      trackingCompany?: string | null;
      trackingNumbers?: string[];
      trackingUrls?: string[];
    },
  ): Fulfillment {
    const shop = this.shop(domain);
    const fo = shop.fulfillmentOrders.get(input.fulfillmentOrderId);
    if (!fo) throw new StoreError("Fulfillment order not found", "NOT_FOUND", ["fulfillmentOrderId"]);
    if (fo.status === "ON_HOLD") throw new StoreError("The fulfillment order is on hold", "INVALID");
    if (fo.status === "CLOSED" || fo.status === "CANCELLED") throw new StoreError("Already closed", "INVALID");
    const order = shop.orders.get(fo.orderId)!;
    const now = this.now().toISOString();
    const picked = (input.lineItems ?? fo.lineItems.map((l) => ({ fulfillmentOrderLineItemId: l.id, quantity: l.remainingQuantity })))
      .map((request) => {
        const foLine = fo.lineItems.find((l) => l.id === request.fulfillmentOrderLineItemId);
        if (!foLine) throw new StoreError("Unknown fulfillment order line item", "INVALID");
        if (request.quantity > foLine.remainingQuantity) throw new StoreError("Quantity exceeds what remains", "INVALID");
        return { foLine, quantity: request.quantity };
      })
      .filter((entry) => entry.quantity > 0);

    for (const { foLine, quantity } of picked) {
      foLine.remainingQuantity -= quantity;
      const line = order.lineItems.find((l) => l.id === foLine.lineItemId)!;
      line.fulfillableQuantity -= quantity;
      const variant = line.variantId ? shop.variants.get(line.variantId) : undefined;
      const level = variant && shop.inventoryLevels.get(levelKey(variant.inventoryItemId, fo.assignedLocationId));
      if (level && level.quantities.committed >= quantity) {
        this.changeQuantity(domain, {
          inventoryItemId: variant!.inventoryItemId,
          locationId: fo.assignedLocationId,
          name: "committed",
          delta: -quantity,
          reason: "reservation_deleted",
          referenceDocumentUri: `gid://shopify/Order/${order.id}`,
        });
      }
    }
    fo.status = fo.lineItems.every((l) => l.remainingQuantity === 0) ? "CLOSED" : "IN_PROGRESS";
    fo.updatedAt = now;
    const fulfillment: Fulfillment = {
      id: this.newId(),
      orderId: order.id,
      fulfillmentOrderId: fo.id,
      locationId: fo.assignedLocationId,
      status: "SUCCESS",
      trackingCompany: input.trackingCompany ?? null,
      trackingNumbers: input.trackingNumbers ?? [],
      trackingUrls: input.trackingUrls ?? [],
      lineItems: picked.map(({ foLine, quantity }) => ({ lineItemId: foLine.lineItemId, quantity })),
      events: [],
      createdAt: now,
      updatedAt: now,
    };
    shop.fulfillments.set(fulfillment.id, fulfillment);
    const allDone = order.lineItems.every((line) => line.fulfillableQuantity === 0);
    order.fulfillmentStatus = allDone ? "FULFILLED" : "PARTIALLY_FULFILLED";
    order.updatedAt = now;
    this.emitEvent(domain, "fulfillments/create", fulfillmentPayload(shop, fulfillment));
    this.emitEvent(domain, allDone ? "orders/fulfilled" : "orders/partially_fulfilled", orderPayload(shop, order));
    this.emitEvent(domain, "orders/updated", orderPayload(shop, order));
    return fulfillment;
  }

  updateTracking(
    domain: string,
    fulfillmentId: string,
    tracking: { company?: string | null; numbers: string[]; urls?: string[] },
  ): Fulfillment {
    const fulfillment = this.shop(domain).fulfillments.get(fulfillmentId);
    if (!fulfillment) throw new StoreError("Fulfillment not found", "NOT_FOUND", ["fulfillmentId"]);
    fulfillment.trackingCompany = tracking.company ?? fulfillment.trackingCompany;
    fulfillment.trackingNumbers = tracking.numbers;
    fulfillment.trackingUrls = tracking.urls ?? [];
    fulfillment.updatedAt = this.now().toISOString();
    this.emitEvent(domain, "fulfillments/update", fulfillmentPayload(this.shop(domain), fulfillment));
    return fulfillment;
  }

  addFulfillmentEvent(domain: string, fulfillmentId: string, event: Omit<FulfillmentEvent, "id">): FulfillmentEvent {
    const shop = this.shop(domain);
    const fulfillment = shop.fulfillments.get(fulfillmentId);
    if (!fulfillment) throw new StoreError("Fulfillment not found", "NOT_FOUND", ["fulfillmentId"]);
    const created = { ...event, id: this.newId() };
    fulfillment.events.push(created);
    fulfillment.updatedAt = this.now().toISOString();
    this.emitEvent(domain, "fulfillment_events/create", {
      id: Number(created.id),
      fulfillment_id: Number(fulfillment.id),
      status: created.status.toLowerCase(),
      message: created.message,
      happened_at: created.happenedAt,
      city: created.city,
      country: created.country,
      estimated_delivery_at: created.estimatedDeliveryAt,
      order_id: Number(fulfillment.orderId),
      shop_id: 1,
      created_at: fulfillment.updatedAt,
      updated_at: fulfillment.updatedAt,
      admin_graphql_api_id: `gid://shopify/FulfillmentEvent/${created.id}`,
    });
    return created;
  }

  hold(domain: string, fulfillmentOrderId: string, hold: { reason: string; reasonNotes?: string | null; handle?: string | null }) {
    const fo = this.shop(domain).fulfillmentOrders.get(fulfillmentOrderId);
    if (!fo) throw new StoreError("Fulfillment order not found", "NOT_FOUND", ["id"]);
    if (fo.status !== "OPEN" && fo.status !== "ON_HOLD") throw new StoreError("Only open fulfillment orders can be held", "INVALID");
    if (hold.handle && fo.holds.some((h) => h.handle === hold.handle)) {
      throw new StoreError("A hold with this handle exists", "DUPLICATE_FULFILLMENT_HOLD_HANDLE");
    }
    fo.holds.push({ reason: hold.reason, reasonNotes: hold.reasonNotes ?? null, handle: hold.handle ?? null, heldAt: this.now().toISOString() });
    fo.status = "ON_HOLD";
    this.emitEvent(domain, "fulfillment_holds/added", { fulfillment_order: { id: `gid://shopify/FulfillmentOrder/${fo.id}`, status: "on_hold" }, fulfillment_hold: hold });
    return fo;
  }

  releaseHold(domain: string, fulfillmentOrderId: string, handles?: string[]) {
    const fo = this.shop(domain).fulfillmentOrders.get(fulfillmentOrderId);
    if (!fo) throw new StoreError("Fulfillment order not found", "NOT_FOUND", ["id"]);
    fo.holds = handles ? fo.holds.filter((h) => !h.handle || !handles.includes(h.handle)) : [];
    if (fo.holds.length === 0) fo.status = "OPEN";
    this.emitEvent(domain, "fulfillment_holds/released", { fulfillment_order: { id: `gid://shopify/FulfillmentOrder/${fo.id}`, status: fo.status.toLowerCase() } });
    return fo;
  }

  /** Cancels an order; with restock the claimed units go back to available where they were taken. */
  cancelOrder(domain: string, orderId: string, options: { restock: boolean }): Order {
    const shop = this.shop(domain);
    const order = shop.orders.get(orderId);
    if (!order) throw new StoreError("Order not found", "NOT_FOUND", ["orderId"]);
    if (order.cancelledAt) throw new StoreError("The order is already cancelled", "INVALID");
    const now = this.now().toISOString();
    const restocked: Refund["lineItems"] = [];
    for (const fo of [...shop.fulfillmentOrders.values()].filter((f) => f.orderId === orderId)) {
      for (const foLine of fo.lineItems) {
        const line = order.lineItems.find((l) => l.id === foLine.lineItemId)!;
        const variant = line.variantId ? shop.variants.get(line.variantId) : undefined;
        const level = variant && shop.inventoryLevels.get(levelKey(variant.inventoryItemId, fo.assignedLocationId));
        if (variant && level && foLine.remainingQuantity > 0 && level.quantities.committed >= foLine.remainingQuantity) {
          const reference = `gid://shopify/Order/${order.id}`;
          this.changeQuantity(domain, { inventoryItemId: variant.inventoryItemId, locationId: fo.assignedLocationId, name: "committed", delta: -foLine.remainingQuantity, reason: "reservation_deleted", referenceDocumentUri: reference });
          if (options.restock) {
            this.changeQuantity(domain, { inventoryItemId: variant.inventoryItemId, locationId: fo.assignedLocationId, name: "available", delta: foLine.remainingQuantity, reason: "restock", referenceDocumentUri: reference });
          }
        }
        if (options.restock && foLine.remainingQuantity > 0) {
          restocked.push({ lineItemId: foLine.lineItemId, quantity: foLine.remainingQuantity, restockType: "CANCEL", locationId: fo.assignedLocationId });
        }
        line.fulfillableQuantity = 0;
        foLine.remainingQuantity = 0;
      }
      fo.status = "CANCELLED";
      fo.updatedAt = now;
    }
    order.cancelledAt = now;
    order.updatedAt = now;
    // Shopify records the restock of a cancellation as a refund (restock_type "cancel") and says so twice.
    if (restocked.length > 0) {
      const refund: Refund = { id: this.newId(), orderId, note: "Order cancelled", lineItems: restocked, createdAt: now };
      shop.refunds.set(refund.id, refund);
      this.emitEvent(domain, "refunds/create", refundPayload(order, refund));
    }
    this.emitEvent(domain, "orders/cancelled", orderPayload(shop, order));
    return order;
  }

  /** A refund; RETURN restocks at the given location (where the parcel came back). */
  refund(domain: string, orderId: string, input: { note?: string | null; lineItems: Refund["lineItems"] }): Refund {
    const shop = this.shop(domain);
    const order = shop.orders.get(orderId);
    if (!order) throw new StoreError("Order not found", "NOT_FOUND", ["orderId"]);
    const refund: Refund = { id: this.newId(), orderId, note: input.note ?? null, lineItems: input.lineItems, createdAt: this.now().toISOString() };
    for (const entry of input.lineItems) {
      const line = order.lineItems.find((l) => l.id === entry.lineItemId);
      if (!line) throw new StoreError("Unknown line item", "INVALID", ["lineItems"]);
      const variant = line.variantId ? shop.variants.get(line.variantId) : undefined;
      if (variant && entry.restockType !== "NO_RESTOCK" && entry.locationId) {
        this.changeQuantity(domain, { inventoryItemId: variant.inventoryItemId, locationId: entry.locationId, name: "available", delta: entry.quantity, reason: "restock", referenceDocumentUri: `gid://shopify/Refund/${refund.id}` });
      }
    }
    shop.refunds.set(refund.id, refund);
    const refundedAll = order.lineItems.every((line) => input.lineItems.some((l) => l.lineItemId === line.id && l.quantity >= line.quantity));
    order.financialStatus = refundedAll ? "REFUNDED" : "PARTIALLY_REFUNDED";
    order.updatedAt = refund.createdAt;
    this.emitEvent(domain, "refunds/create", refundPayload(order, refund));
    this.emitEvent(domain, "orders/updated", orderPayload(shop, order));
    return refund;
  }

  addReturn(domain: string, ret: Return) {
    this.shop(domain).returns.set(ret.id, ret);
  }

  /** Everything recorded in the shop's inventory history. */
  inventoryHistory(domain: string): InventoryChange[] {
    return this.history.get(domain) ?? [];
  }

  emitEvent(shop: string, topic: string, payload: Record<string, unknown>, triggeredAt = this.now().toISOString()) {
    this.emit("event", { shop, topic, payload, triggeredAt });
  }
}

// ---------------------------------------------------------------- REST-shaped payloads (see shared samples)

export function refundPayload(order: Order, refund: Refund): Record<string, unknown> {
  return {
    id: Number(refund.id),
    order_id: Number(order.id),
    note: refund.note,
    created_at: refund.createdAt,
    processed_at: refund.createdAt,
    restock: refund.lineItems.some((l) => l.restockType !== "NO_RESTOCK"),
    admin_graphql_api_id: `gid://shopify/Refund/${refund.id}`,
    refund_line_items: refund.lineItems.map((l, index) => {
      const line = order.lineItems.find((item) => item.id === l.lineItemId);
      return {
        id: Number(refund.id) * 1000 + index,
        line_item_id: Number(l.lineItemId),
        quantity: l.quantity,
        restock_type: l.restockType.toLowerCase(),
        location_id: l.locationId ? Number(l.locationId) : null,
        line_item: line
          ? { id: Number(line.id), variant_id: line.variantId ? Number(line.variantId) : null, quantity: line.quantity, sku: line.sku, title: line.title, admin_graphql_api_id: `gid://shopify/LineItem/${line.id}` }
          : null,
      };
    }),
  };
}

export function orderPayload(shop: ShopState, order: Order): Record<string, unknown> {
  const customer = order.customerId ? shop.customers.get(order.customerId) : undefined;
  return {
    id: Number(order.id),
    admin_graphql_api_id: `gid://shopify/Order/${order.id}`,
    name: order.name,
    order_number: Number(order.name.replace(/\D/g, "")) || null,
    email: order.email,
    contact_email: order.email,
    created_at: order.createdAt,
    updated_at: order.updatedAt,
    processed_at: order.createdAt,
    cancelled_at: order.cancelledAt,
    closed_at: order.closedAt,
    currency: order.currencyCode,
    financial_status: order.financialStatus.toLowerCase(),
    fulfillment_status:
      order.fulfillmentStatus === "UNFULFILLED" ? null : order.fulfillmentStatus === "FULFILLED" ? "fulfilled" : "partial",
    source_name: order.sourceName,
    location_id: order.locationId ? Number(order.locationId) : null,
    customer_locale: order.customerLocale,
    test: false,
    customer: customer
      ? {
          id: Number(customer.id),
          admin_graphql_api_id: `gid://shopify/Customer/${customer.id}`,
          email: customer.email,
          first_name: customer.firstName,
          last_name: customer.lastName,
        }
      : null,
    line_items: order.lineItems.map((line) => {
      const variant = line.variantId ? shop.variants.get(line.variantId) : undefined;
      return {
        id: Number(line.id),
        admin_graphql_api_id: `gid://shopify/LineItem/${line.id}`,
        variant_id: line.variantId ? Number(line.variantId) : null,
        product_id: line.productId ? Number(line.productId) : null,
        title: line.title,
        variant_title: line.variantTitle,
        sku: line.sku,
        quantity: line.quantity,
        current_quantity: line.quantity,
        fulfillable_quantity: line.fulfillableQuantity,
        price: line.price,
        requires_shipping: true,
        grams: 0,
        variant_inventory_management: variant ? "shopify" : null,
      };
    }),
    shipping_address: order.shippingAddress
      ? {
          address1: order.shippingAddress.address1,
          city: order.shippingAddress.city,
          zip: order.shippingAddress.zip,
          country: order.shippingAddress.country,
          country_code: order.shippingAddress.countryCode,
          latitude: order.shippingAddress.latitude ?? null,
          longitude: order.shippingAddress.longitude ?? null,
        }
      : null,
  };
}

export function fulfillmentPayload(shop: ShopState, fulfillment: Fulfillment): Record<string, unknown> {
  const order = shop.orders.get(fulfillment.orderId)!;
  return {
    id: Number(fulfillment.id),
    admin_graphql_api_id: `gid://shopify/Fulfillment/${fulfillment.id}`,
    order_id: Number(fulfillment.orderId),
    status: fulfillment.status.toLowerCase(),
    created_at: fulfillment.createdAt,
    updated_at: fulfillment.updatedAt,
    location_id: Number(fulfillment.locationId),
    name: `${order.name}.${[...shop.fulfillments.values()].filter((f) => f.orderId === order.id).indexOf(fulfillment) + 1}`,
    // As in Shopify's sample: the order's email and where the parcel goes.
    email: order.email,
    destination: order.shippingAddress
      ? {
          address1: order.shippingAddress.address1,
          city: order.shippingAddress.city,
          zip: order.shippingAddress.zip,
          country: order.shippingAddress.country,
          country_code: order.shippingAddress.countryCode,
        }
      : null,
    origin_address: null,
    tracking_company: fulfillment.trackingCompany,
    tracking_number: fulfillment.trackingNumbers[0] ?? null,
    tracking_numbers: fulfillment.trackingNumbers,
    tracking_url: fulfillment.trackingUrls[0] ?? null,
    tracking_urls: fulfillment.trackingUrls,
    shipment_status: fulfillment.events.at(-1)?.status.toLowerCase() ?? null,
    line_items: fulfillment.lineItems.map((l) => {
      const line = order.lineItems.find((x) => x.id === l.lineItemId)!;
      return { id: Number(line.id), variant_id: line.variantId ? Number(line.variantId) : null, sku: line.sku, quantity: l.quantity, title: line.title };
    }),
  };
}
