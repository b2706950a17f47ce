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

/** Locations per item read at once: items stocked in more locations are read level page by level page. */
export const LEVELS_PER_ITEM = 50;
// Per item: 1 + variants(first: 1) (2 + 1 x (1 + product 1)) + inventoryLevels (2 + 50 x (1 + location 1 + quantities 1))
// = 1 + 4 + 152 = 157 points.
export const ITEM_READ_COST = 157;
/** Items re-read in one nodes(ids:) request: 6 x 157 = 942 points. */
export const ITEMS_PER_READ = Math.floor(1000 / ITEM_READ_COST);

const ITEM_FIELDS = /* GraphQL */ `
  id
  sku
  tracked
  variants(first: 1) {
    nodes {
      id
      title
      barcode
      inventoryPolicy
      product {
        id
        title
      }
    }
  }
  inventoryLevels(first: ${LEVELS_PER_ITEM}) {
    nodes {
      location {
        id
      }
      quantities(names: ${JSON.stringify(QUANTITY_NAMES)}) {
        name
        quantity
      }
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
export const inventoryItemsById = adminOperation<{ ids: string[] }, { nodes: (ShopifyInventoryItem | null)[] }>(
  /* GraphQL */ `
    query InventoryItemsById($ids: [ID!]!) {
      nodes(ids: $ids) {
        ... on InventoryItem {
          ${ITEM_FIELDS}
        }
      }
    }
  `,
  z.object({ nodes: z.array(itemSchema.nullable()) }),
);

/** Pages through every inventory item (initial import and reconciliation): 2 + 6 x 157 = 944 points. */
export const inventoryItemsPage = adminOperation<{ after?: string | null }, { inventoryItems: { nodes: ShopifyInventoryItem[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } }>(
  /* GraphQL */ `
    query InventoryItemsPage($after: String) {
      inventoryItems(first: ${ITEMS_PER_READ}, after: $after) {
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
