import { z } from "zod";
import { adminOperation } from "../shopify/admin-operation";

// The Admin API reads behind tracking: one fulfillment (a webhook said it changed and we lack its order's
// details), one fulfillment order (a local pickup was marked ready: there is no fulfillment yet), a page of
// recent orders with their fulfillments (the backfill after install), and an order's contact address (read
// when a shopper email is sent, so we never store it). Cost arithmetic beside each.

/** Line items read per fulfillment; a parcel with more lists the first ones. */
export const LINES_PER_FULFILLMENT = 20;
/** Carrier events read per fulfillment, oldest first (Shopify sorts by HAPPENED_AT). */
export const EVENTS_PER_FULFILLMENT = 30;
/** Fulfillments read per order (an order shipped in more parts than this is rare). */
export const FULFILLMENTS_PER_ORDER = 10;

// Per fulfillment: 1 + trackingInfo 1 + originAddress 1 + location 1
//   + fulfillmentOrders (2 + 1 x (1 + deliveryMethod 1 + assignedLocation 1 + location 1)) = 6
//     (the fulfillment order's id and the promise, deliveryMethod.maxDeliveryDateTime, are scalars: free)
//   + fulfillmentLineItems (2 + 20 x (1 + lineItem 1)) = 42
//   + events (2 + 30 x 1) = 32
// = 84 points. (Order.fulfillments is a list: charged once, not per element.)
const FULFILLMENT_FIELDS = /* GraphQL */ `
  id
  name
  status
  createdAt
  updatedAt
  displayStatus
  estimatedDeliveryAt
  trackingInfo(first: 1) {
    company
    number
    url
  }
  originAddress {
    countryCode
  }
  location {
    id
  }
  fulfillmentOrders(first: 1) {
    nodes {
      id
      deliveryMethod {
        methodType
        maxDeliveryDateTime
      }
      assignedLocation {
        location {
          id
        }
      }
    }
  }
  fulfillmentLineItems(first: ${LINES_PER_FULFILLMENT}) {
    nodes {
      quantity
      lineItem {
        name
      }
    }
  }
  events(first: ${EVENTS_PER_FULFILLMENT}) {
    nodes {
      id
      status
      message
      happenedAt
      city
      province
      country
      estimatedDeliveryAt
    }
  }
`;

// Per order: 1 + customer 1 + shippingAddress 1 + retailLocation 1 + fulfillments 84 = 88 points.
const ORDER_FIELDS = /* GraphQL */ `
  id
  name
  number
  email
  customerLocale
  createdAt
  customer {
    id
  }
  shippingAddress {
    city
    countryCodeV2
  }
  retailLocation {
    id
  }
`;

// DeliveryMethod.maxDeliveryDateTime: the latest moment the shopper was promised at checkout (null without a promise).
const deliveryMethodSchema = z.object({ methodType: z.string(), maxDeliveryDateTime: z.string().nullable() }).nullable();

const fulfillmentSchema = z.object({
  id: z.string(),
  name: z.string(),
  status: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  displayStatus: z.string().nullable(),
  estimatedDeliveryAt: z.string().nullable(),
  trackingInfo: z.array(z.object({ company: z.string().nullable(), number: z.string().nullable(), url: z.string().nullable() })),
  originAddress: z.object({ countryCode: z.string() }).nullable(),
  location: z.object({ id: z.string() }).nullable(),
  fulfillmentOrders: z.object({
    nodes: z.array(
      z.object({
        id: z.string(),
        deliveryMethod: deliveryMethodSchema,
        assignedLocation: z.object({ location: z.object({ id: z.string() }).nullable() }),
      }),
    ),
  }),
  fulfillmentLineItems: z.object({
    nodes: z.array(z.object({ quantity: z.number().int().nullable(), lineItem: z.object({ name: z.string() }) })),
  }),
  events: z.object({
    nodes: z.array(
      z.object({
        id: z.string(),
        status: z.string(),
        message: z.string().nullable(),
        happenedAt: z.string(),
        city: z.string().nullable(),
        province: z.string().nullable(),
        country: z.string().nullable(),
        estimatedDeliveryAt: z.string().nullable(),
      }),
    ),
  }),
});
export type ShopifyFulfillment = z.infer<typeof fulfillmentSchema>;

const orderSchema = z.object({
  id: z.string(),
  name: z.string(),
  number: z.number().int(),
  email: z.string().nullable(),
  customerLocale: z.string().nullable(),
  createdAt: z.string(),
  customer: z.object({ id: z.string() }).nullable(),
  shippingAddress: z.object({ city: z.string().nullable(), countryCodeV2: z.string().nullable() }).nullable(),
  retailLocation: z.object({ id: z.string() }).nullable(),
});
export type ShopifyTrackedOrder = z.infer<typeof orderSchema>;

/** One fulfillment with its order: 84 + order (1 + customer 1 + shippingAddress 1 + retailLocation 1) = 88 points. Null when it no longer exists. */
export const fulfillmentWithOrder = adminOperation<
  { id: string },
  { fulfillment: (ShopifyFulfillment & { order: ShopifyTrackedOrder }) | null }
>(
  /* GraphQL */ `
    query TrackingFulfillment($id: ID!) {
      fulfillment(id: $id) {
        ${FULFILLMENT_FIELDS}
        order {
          ${ORDER_FIELDS}
        }
      }
    }
  `,
  z.object({ fulfillment: fulfillmentSchema.extend({ order: orderSchema }).nullable() }),
);

/** Line items read per fulfillment order (a pickup with more lists the first ones). */
export const LINES_PER_FULFILLMENT_ORDER = 20;
/** Fulfillments read per fulfillment order: a pickup is collected in one; a few cover a split collection. */
export const FULFILLMENTS_PER_FULFILLMENT_ORDER = 5;

const fulfillmentOrderSchema = z.object({
  id: z.string(),
  status: z.string(),
  deliveryMethod: deliveryMethodSchema,
  assignedLocation: z.object({ location: z.object({ id: z.string() }).nullable() }),
  lineItems: z.object({
    nodes: z.array(z.object({ totalQuantity: z.number().int(), lineItem: z.object({ name: z.string() }) })),
  }),
  fulfillments: z.object({ nodes: z.array(z.object({ id: z.string(), status: z.string() })) }),
  order: orderSchema,
});
export type ShopifyFulfillmentOrder = z.infer<typeof fulfillmentOrderSchema>;

/**
 * One fulfillment order with its order, for a pickup marked ready (fulfillment_orders/
 * line_items_prepared_for_pickup): 1 + deliveryMethod 1 + assignedLocation (1 + location 1)
 *   + lineItems (2 + 20 x (1 + lineItem 1)) = 42 + fulfillments (2 + 5 x 1) = 7
 *   + order (1 + customer 1 + shippingAddress 1 + retailLocation 1) = 4
 * = 57 points. Null when it no longer exists.
 */
export const fulfillmentOrderWithOrder = adminOperation<{ id: string }, { fulfillmentOrder: ShopifyFulfillmentOrder | null }>(
  /* GraphQL */ `
    query TrackingFulfillmentOrder($id: ID!) {
      fulfillmentOrder(id: $id) {
        id
        status
        deliveryMethod {
          methodType
          maxDeliveryDateTime
        }
        assignedLocation {
          location {
            id
          }
        }
        lineItems(first: ${LINES_PER_FULFILLMENT_ORDER}) {
          nodes {
            totalQuantity
            lineItem {
              name
            }
          }
        }
        fulfillments(first: ${FULFILLMENTS_PER_FULFILLMENT_ORDER}) {
          nodes {
            id
            status
          }
        }
        order {
          ${ORDER_FIELDS}
        }
      }
    }
  `,
  z.object({ fulfillmentOrder: fulfillmentOrderSchema.nullable() }),
);

/** Orders read per backfill page: 2 + 10 x 88 = 882 points. */
export const ORDERS_PER_BACKFILL_PAGE = 10;

/** A page of orders created since a date (`query: "created_at:>=..."`), newest first, with their fulfillments. */
export const trackedOrdersPage = adminOperation<
  { query: string; after?: string | null },
  {
    orders: {
      nodes: (ShopifyTrackedOrder & { fulfillments: ShopifyFulfillment[] })[];
      pageInfo: { hasNextPage: boolean; endCursor: string | null };
    };
  }
>(
  /* GraphQL */ `
    query TrackingOrdersPage($query: String!, $after: String) {
      orders(first: ${ORDERS_PER_BACKFILL_PAGE}, after: $after, query: $query, sortKey: CREATED_AT, reverse: true) {
        nodes {
          ${ORDER_FIELDS}
          fulfillments(first: ${FULFILLMENTS_PER_ORDER}) {
            ${FULFILLMENT_FIELDS}
          }
        }
        pageInfo {
          hasNextPage
          endCursor
        }
      }
    }
  `,
  z.object({
    orders: z.object({
      nodes: z.array(orderSchema.extend({ fulfillments: z.array(fulfillmentSchema) })),
      pageInfo: z.object({ hasNextPage: z.boolean(), endCursor: z.string().nullable() }),
    }),
  }),
);

/** The address a shopper email goes to, read when it is sent: 1 point. */
export const orderContact = adminOperation<{ id: string }, { order: { email: string | null } | null }>(
  /* GraphQL */ `
    query TrackingOrderContact($id: ID!) {
      order(id: $id) {
        email
      }
    }
  `,
  z.object({ order: z.object({ email: z.string().nullable() }).nullable() }),
);

/** The shop's IANA time zone, when installation did not store it (its promised days end there): 1 point. */
export const shopTimeZone = adminOperation<Record<string, never>, { shop: { ianaTimezone: string } }>(
  /* GraphQL */ `
    query TrackingShopTimeZone {
      shop {
        ianaTimezone
      }
    }
  `,
  z.object({ shop: z.object({ ianaTimezone: z.string() }) }),
);
