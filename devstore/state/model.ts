// The dev store's data: what a Shopify shop holds, as far as Omnistock uses it. Plain data, no behaviour;
// devstore/state/store.ts changes it and emits the webhooks Shopify would send.
// Ids are numeric strings (the number in the gid): gid://shopify/<Type>/<id>.

export const INVENTORY_QUANTITY_NAMES = [
  "available",
  "committed",
  "reserved",
  "incoming",
  "on_hand",
  "damaged",
  "quality_control",
  "safety_stock",
] as const;
export type QuantityName = (typeof INVENTORY_QUANTITY_NAMES)[number];

/** Stored states; on_hand and available are derived (on_hand = sum of the rest, available as stored). */
export interface Quantities {
  available: number;
  committed: number;
  reserved: number;
  incoming: number;
  damaged: number;
  quality_control: number;
  safety_stock: number;
}

export interface Address {
  address1: string;
  address2?: string | null;
  city: string;
  province?: string | null;
  provinceCode?: string | null;
  zip: string;
  country: string;
  countryCode: string;
  phone?: string | null;
  latitude?: number | null;
  longitude?: number | null;
}

export interface Location {
  id: string;
  name: string;
  kind: "warehouse" | "retail";
  address: Address;
  isActive: boolean;
  fulfillsOnlineOrders: boolean;
  /** Local pickup: null when the location offers none. */
  localPickup: { instructions: string; readyWithinHours: number } | null;
  /** Opening hours, e.g. { mon: "10:00-19:00", ..., sun: null }; null when unknown. */
  openingHours: Record<string, string | null> | null;
  createdAt: string;
  updatedAt: string;
}

export interface Product {
  id: string;
  title: string;
  handle: string;
  productType: string;
  vendor: string;
  descriptionHtml: string;
  tags: string[];
  status: "ACTIVE" | "DRAFT" | "ARCHIVED";
  /** Option names in order, e.g. ["Size", "Colour"]. */
  options: string[];
  imageUrl: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface Variant {
  id: string;
  productId: string;
  title: string;
  sku: string | null;
  barcode: string | null;
  price: string;
  compareAtPrice: string | null;
  /** Values for the product's options, same order. */
  selectedOptions: string[];
  inventoryPolicy: "DENY" | "CONTINUE";
  inventoryItemId: string;
  position: number;
  createdAt: string;
  updatedAt: string;
}

export interface InventoryItem {
  id: string;
  variantId: string;
  sku: string | null;
  tracked: boolean;
  requiresShipping: boolean;
  unitCost: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface InventoryLevel {
  inventoryItemId: string;
  locationId: string;
  quantities: Quantities;
  updatedAt: string;
}

export interface Customer {
  id: string;
  firstName: string;
  lastName: string;
  email: string;
  phone: string | null;
  locale: string;
  /** The shopper's password on the dev storefront (demo only). */
  password: string;
  createdAt: string;
}

export interface LineItem {
  id: string;
  variantId: string | null;
  productId: string | null;
  title: string;
  variantTitle: string | null;
  sku: string | null;
  quantity: number;
  price: string;
  /** Quantity not yet fulfilled, refunded or removed. */
  fulfillableQuantity: number;
}

export type FulfillmentOrderStatus =
  | "OPEN"
  | "IN_PROGRESS"
  | "ON_HOLD"
  | "SCHEDULED"
  | "INCOMPLETE"
  | "CLOSED"
  | "CANCELLED";

export interface FulfillmentHold {
  reason: string;
  reasonNotes: string | null;
  handle: string | null;
  heldAt: string;
}

/** The delivery window the shopper was promised at checkout (DeliveryMethod.min/maxDeliveryDateTime). */
export interface DeliveryPromise {
  minDeliveryDateTime: string | null;
  maxDeliveryDateTime: string | null;
}

export interface FulfillmentOrder {
  id: string;
  orderId: string;
  assignedLocationId: string;
  status: FulfillmentOrderStatus;
  deliveryMethod: "SHIPPING" | "PICK_UP" | "LOCAL";
  lineItems: { id: string; lineItemId: string; totalQuantity: number; remainingQuantity: number }[];
  holds: FulfillmentHold[];
  /** None when checkout promised no date. */
  deliveryPromise?: DeliveryPromise | null;
  /** Local pickup: when the merchant marked the items prepared (fulfillmentOrderLineItemsPreparedForPickup). */
  preparedForPickupAt?: string | null;
  createdAt: string;
  updatedAt: string;
}

export type FulfillmentEventStatus =
  | "LABEL_PRINTED"
  | "LABEL_PURCHASED"
  | "CONFIRMED"
  | "IN_TRANSIT"
  | "OUT_FOR_DELIVERY"
  | "ATTEMPTED_DELIVERY"
  | "READY_FOR_PICKUP"
  | "PICKED_UP"
  | "DELIVERED"
  | "DELAYED"
  | "FAILURE"
  | "CARRIER_PICKED_UP";

export interface FulfillmentEvent {
  id: string;
  status: FulfillmentEventStatus;
  message: string | null;
  happenedAt: string;
  city: string | null;
  country: string | null;
  estimatedDeliveryAt: string | null;
}

export interface Fulfillment {
  id: string;
  orderId: string;
  fulfillmentOrderId: string;
  locationId: string;
  status: "SUCCESS" | "CANCELLED" | "ERROR" | "FAILURE" | "OPEN" | "PENDING";
  trackingCompany: string | null;
  trackingNumbers: string[];
  trackingUrls: string[];
  lineItems: { lineItemId: string; quantity: number }[];
  events: FulfillmentEvent[];
  createdAt: string;
  updatedAt: string;
}

export interface Refund {
  id: string;
  orderId: string;
  note: string | null;
  lineItems: { lineItemId: string; quantity: number; restockType: "RETURN" | "CANCEL" | "NO_RESTOCK"; locationId: string | null }[];
  createdAt: string;
}

export interface Return {
  id: string;
  orderId: string;
  status: "REQUESTED" | "OPEN" | "CLOSED" | "DECLINED" | "CANCELED";
  lineItems: { lineItemId: string; quantity: number }[];
  /** Where the parcel came back, once received. */
  locationId: string | null;
  createdAt: string;
}

export interface Order {
  id: string;
  name: string;
  email: string | null;
  customerId: string | null;
  /** "web", "pos", or a channel's name. */
  sourceName: string;
  /** The POS location for in-store sales. */
  locationId: string | null;
  currencyCode: string;
  lineItems: LineItem[];
  shippingAddress: Address | null;
  financialStatus: "PAID" | "PENDING" | "REFUNDED" | "PARTIALLY_REFUNDED";
  fulfillmentStatus: "UNFULFILLED" | "PARTIALLY_FULFILLED" | "FULFILLED";
  cancelledAt: string | null;
  closedAt: string | null;
  customerLocale: string;
  createdAt: string;
  updatedAt: string;
}

export interface ShopState {
  domain: string;
  name: string;
  email: string;
  currencyCode: string;
  ianaTimezone: string;
  plan: { publicDisplayName: string; shopifyPlus: boolean };
  locations: Map<string, Location>;
  products: Map<string, Product>;
  variants: Map<string, Variant>;
  inventoryItems: Map<string, InventoryItem>;
  /** Keyed by `${inventoryItemId}:${locationId}`. */
  inventoryLevels: Map<string, InventoryLevel>;
  customers: Map<string, Customer>;
  orders: Map<string, Order>;
  fulfillmentOrders: Map<string, FulfillmentOrder>;
  fulfillments: Map<string, Fulfillment>;
  refunds: Map<string, Refund>;
  returns: Map<string, Return>;
  /** The installed app's app-data metafields (AppInstallation owner): "namespace.key" -> value. Liquid reads
   * them as `app.metafields.namespace.key`. */
  appMetafields: Map<string, { type: string; value: string }>;
}

export const levelKey = (inventoryItemId: string, locationId: string) => `${inventoryItemId}:${locationId}`;

export function onHand(q: Quantities): number {
  return q.available + q.committed + q.reserved + q.damaged + q.quality_control + q.safety_stock;
}

export function emptyQuantities(): Quantities {
  return { available: 0, committed: 0, reserved: 0, incoming: 0, damaged: 0, quality_control: 0, safety_stock: 0 };
}

export function gid(type: string, id: string): string {
  return `gid://shopify/${type}/${id}`;
}

/** The numeric id in a gid, or null when the gid is not of that type. */
export function parseGid(value: string, type: string): string | null {
  const match = new RegExp(`^gid://shopify/${type}/(\\d+)(\\?.*)?$`).exec(value);
  return match ? match[1]! : null;
}
