import { z } from "zod";
import { adminOperation } from "../shopify/admin-operation";

// The Admin API reads behind the inventory mirror. Sizes are chosen so every request stays under Shopify's
// 1,000-point limit for a single query (cost arithmetic beside each).

export const QUANTITY_NAMES = [
  "available",
  "committed",
  "reserved",
  "incoming",
  "on_hand",
  "damaged",
  "quality_control",
  "safety_stock",
] as const;

/** Most locations read per item (Shopify's Standard plans allow fewer locations than this). */
export const LEVELS_PER_ITEM = 50;

/** Points one item costs to read with `levels` levels: 1 + variants(first: 1) (2 + 1 x (1 + product 1)) +
 * inventoryLevels (2 + levels x (1 + location 1 + quantities 1)). */
export const itemReadCost = (levels: number) => 7 + 3 * levels;

/** Items re-read in one request at the most levels: 6 x 157 = 942 points. */
export const ITEMS_PER_READ = Math.floor(1000 / itemReadCost(LEVELS_PER_ITEM));

/**
 * How to read a shop's items: as many levels per item as it has locations (a little headroom for one just
 * added), and as many items per request as stay under 1,000 points. Shopify reserves the requested cost before
 * it runs a query, so asking for 50 levels in a 3-location shop would make every read wait for points it never
 * uses: 6 items would reserve 942 points instead of 6 x 22.
 */
export function itemReadPlan(locationCount: number): { levels: number; itemsPerRead: number } {
  const levels = Math.min(LEVELS_PER_ITEM, Math.max(1, locationCount + 2));
  return { levels, itemsPerRead: Math.min(250, Math.floor(990 / itemReadCost(levels))) };
}

// What the mirror stores of an item, its variant and each of its levels: shared by the paged reads below and
// the bulk read of the whole catalog.
const ITEM_SCALARS = /* GraphQL */ `
  id
  sku
  tracked
`;
const VARIANT_FIELDS = /* GraphQL */ `
  id
  title
  barcode
  inventoryPolicy
  product {
    id
    title
  }
`;
const LEVEL_FIELDS = /* GraphQL */ `
  location {
    id
  }
  quantities(names: ${JSON.stringify(QUANTITY_NAMES)}) {
    name
    quantity
  }
`;

const ITEM_FIELDS = /* GraphQL */ `
  ${ITEM_SCALARS}
  variants(first: 1) {
    nodes {
      ${VARIANT_FIELDS}
    }
  }
  inventoryLevels(first: $levels) {
    nodes {
      ${LEVEL_FIELDS}
    }
  }
`;

const itemSchema = z.object({
  id: z.string(),
  sku: z.string().nullable(),
  tracked: z.boolean(),
  variants: z.object({
    nodes: z.array(
      z.object({
        id: z.string(),
        title: z.string(),
        barcode: z.string().nullable(),
        inventoryPolicy: z.enum(["DENY", "CONTINUE"]),
        product: z.object({ id: z.string(), title: z.string() }),
      }),
    ),
  }),
  inventoryLevels: z.object({
    nodes: z.array(
      z.object({
        location: z.object({ id: z.string() }),
        quantities: z.array(z.object({ name: z.string(), quantity: z.number().int() })),
      }),
    ),
  }),
});
export type ShopifyInventoryItem = z.infer<typeof itemSchema>;

/** Re-reads inventory items a webhook hinted at (a null node: the item no longer exists). */
export const inventoryItemsById = adminOperation<{ ids: string[]; levels: number }, { nodes: (ShopifyInventoryItem | null)[] }>(
  /* GraphQL */ `
    query InventoryItemsById($ids: [ID!]!, $levels: Int!) {
      nodes(ids: $ids) {
        ... on InventoryItem {
          ${ITEM_FIELDS}
        }
      }
    }
  `,
  z.object({ nodes: z.array(itemSchema.nullable()) }),
);

/** Pages through every inventory item (initial import and reconciliation): 2 + first x itemReadCost(levels). */
export const inventoryItemsPage = adminOperation<{ after?: string | null; first: number; levels: number }, { inventoryItems: { nodes: ShopifyInventoryItem[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } }>(
  /* GraphQL */ `
    query InventoryItemsPage($after: String, $first: Int!, $levels: Int!) {
      inventoryItems(first: $first, after: $after) {
        nodes {
          ${ITEM_FIELDS}
        }
        pageInfo {
          hasNextPage
          endCursor
        }
      }
    }
  `,
  z.object({
    inventoryItems: z.object({
      nodes: z.array(itemSchema),
      pageInfo: z.object({ hasNextPage: z.boolean(), endCursor: z.string().nullable() }),
    }),
  }),
);

/**
 * Every inventory item with its variants and levels, for bulkOperationRunQuery: Shopify runs it server-side with
 * no cost limit. Bulk queries take no `first` and select connections through `edges { node }`; each nested node
 * comes back on its own JSONL line with `__parentId` (the item's id, which is why the item selects `id`).
 */
export const BULK_ITEMS_QUERY = /* GraphQL */ `
  {
    inventoryItems {
      edges {
        node {
          ${ITEM_SCALARS}
          variants {
            edges {
              node {
                ${VARIANT_FIELDS}
              }
            }
          }
          inventoryLevels {
            edges {
              node {
                ${LEVEL_FIELDS}
              }
            }
          }
        }
      }
    }
  }
`;

/** One line of the bulk read's JSONL: an item, or one of its variants or levels (which name the item). */
export const bulkItemLine = z.union([
  itemSchema.pick({ id: true, sku: true, tracked: true }).extend({ id: z.string().regex(/^gid:\/\/shopify\/InventoryItem\/\d+$/) }).strict(),
  itemSchema.shape.variants.shape.nodes.element.extend({ __parentId: z.string() }).strict(),
  itemSchema.shape.inventoryLevels.shape.nodes.element.extend({ __parentId: z.string() }).strict(),
]);
export type BulkItemLine = z.infer<typeof bulkItemLine>;

/** How many items a shop has: one inventory item per variant. 1 point. */
export const catalogSize = adminOperation<Record<string, never>, { productVariantsCount: { count: number; precision: string } | null }>(
  /* GraphQL */ `
    query CatalogSize {
      productVariantsCount(limit: null) {
        count
        precision
      }
    }
  `,
  z.object({ productVariantsCount: z.object({ count: z.number().int(), precision: z.string() }).nullable() }),
);

const bulkUserErrors = z.array(z.object({ field: z.array(z.string()).nullable(), message: z.string(), code: z.string().nullable() }));

/** Starts a bulk query (10 points, like any mutation; the run itself costs nothing). Children follow their item. */
export const runBulkQuery = adminOperation<
  { query: string },
  { bulkOperationRunQuery: { bulkOperation: { id: string; status: string } | null; userErrors: z.infer<typeof bulkUserErrors> } | null }
>(
  /* GraphQL */ `
    mutation RunBulkQuery($query: String!) {
      bulkOperationRunQuery(query: $query, groupObjects: true) {
        bulkOperation {
          id
          status
        }
        userErrors {
          field
          message
          code
        }
      }
    }
  `,
  z.object({
    bulkOperationRunQuery: z.object({ bulkOperation: z.object({ id: z.string(), status: z.string() }).nullable(), userErrors: bulkUserErrors }).nullable(),
  }),
);

const bulkOperationSchema = z.object({
  id: z.string(),
  status: z.enum(["CREATED", "RUNNING", "COMPLETED", "FAILED", "CANCELING", "CANCELED", "EXPIRED"]),
  errorCode: z.string().nullable(),
  // UnsignedInt64: Shopify sends it as a string.
  objectCount: z.coerce.number(),
  url: z.string().nullable(),
});
export type ShopifyBulkOperation = z.infer<typeof bulkOperationSchema>;

/** Where a bulk operation is: polled while waiting for it (the bulk_operations/finish webhook is a hint). 1 point. */
export const bulkOperationStatus = adminOperation<{ id: string }, { bulkOperation: ShopifyBulkOperation | null }>(
  /* GraphQL */ `
    query BulkOperationStatus($id: ID!) {
      bulkOperation(id: $id) {
        id
        status
        errorCode
        objectCount
        url
      }
    }
  `,
  z.object({ bulkOperation: bulkOperationSchema.nullable() }),
);

/** Stops a bulk operation we gave up waiting for, so it does not hold one of the shop's slots. 10 points. */
export const cancelBulkOperation = adminOperation<{ id: string }, { bulkOperationCancel: { userErrors: { message: string }[] } | null }>(
  /* GraphQL */ `
    mutation CancelBulkOperation($id: ID!) {
      bulkOperationCancel(id: $id) {
        userErrors {
          message
        }
      }
    }
  `,
  z.object({ bulkOperationCancel: z.object({ userErrors: z.array(z.object({ message: z.string() })) }).nullable() }),
);

const locationSchema = z.object({
  id: z.string(),
  name: z.string(),
  isActive: z.boolean(),
  fulfillsOnlineOrders: z.boolean(),
  address: z.object({
    address1: z.string().nullable(),
    zip: z.string().nullable(),
    country: z.string().nullable(),
    city: z.string().nullable(),
    countryCode: z.string().nullable(),
    latitude: z.number().nullable(),
    longitude: z.number().nullable(),
  }),
  localPickupSettingsV2: z.object({ pickupTime: z.string() }).nullable(),
});
export type ShopifyLocation = z.infer<typeof locationSchema>;

/** Every location, active or not: 2 + 100 x (1 + address 1 + pickup 1) = 302 points. */
export const locationsPage = adminOperation<{ after?: string | null }, { locations: { nodes: ShopifyLocation[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } }>(
  /* GraphQL */ `
    query LocationsPage($after: String) {
      locations(first: 100, after: $after, includeInactive: true) {
        nodes {
          id
          name
          isActive
          fulfillsOnlineOrders
          address {
            address1
            zip
            country
            city
            countryCode
            latitude
            longitude
          }
          localPickupSettingsV2 {
            pickupTime
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
    locations: z.object({
      nodes: z.array(locationSchema),
      pageInfo: z.object({ hasNextPage: z.boolean(), endCursor: z.string().nullable() }),
    }),
  }),
);

const moveUserErrors = z.array(z.object({ field: z.array(z.string()).nullable(), message: z.string(), code: z.string().nullable() }));

export interface MoveTerminal {
  locationId: string;
  name: "available" | "safety_stock";
  ledgerDocumentUri: string | null;
  changeFromQuantity: number | null;
}

/**
 * Moves units between quantity states at one location: store safety stock holds units back from `available`
 * for walk-in customers (and gives them back). 10 points.
 */
export const moveQuantities = adminOperation<
  {
    key: string;
    input: {
      reason: "safety_stock";
      referenceDocumentUri: string;
      changes: { inventoryItemId: string; quantity: number; from: MoveTerminal; to: MoveTerminal }[];
    };
  },
  { inventoryMoveQuantities: { inventoryAdjustmentGroup: { id: string } | null; userErrors: z.infer<typeof moveUserErrors> } }
>(
  /* GraphQL */ `
    mutation MoveQuantities($input: InventoryMoveQuantitiesInput!, $key: String!) {
      inventoryMoveQuantities(input: $input) @idempotent(key: $key) {
        inventoryAdjustmentGroup {
          id
        }
        userErrors {
          field
          message
          code
        }
      }
    }
  `,
  z.object({
    inventoryMoveQuantities: z.object({ inventoryAdjustmentGroup: z.object({ id: z.string() }).nullable(), userErrors: moveUserErrors }),
  }),
);
