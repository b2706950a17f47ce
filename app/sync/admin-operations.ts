import { z } from "zod";
import { adminOperation } from "../shopify/admin-operation";

// The writes the sync engine makes. Both need @idempotent(key:) and an explicit changeFromQuantity on every
// item (Admin API 2026-04 and later); 10 points each.

const userErrors = z.array(z.object({ field: z.array(z.string()).nullable(), message: z.string(), code: z.string().nullable() }));
const changes = z.object({
  changes: z.array(z.object({ name: z.string(), delta: z.number().int(), quantityAfterChange: z.number().int().nullable() })),
});

/** What both writes answer: the available quantities after the change, or why Shopify refused. */
const ADJUSTMENT_FIELDS = /* GraphQL */ `
  inventoryAdjustmentGroup {
    changes(quantityNames: ["available"]) {
      name
      delta
      quantityAfterChange
    }
  }
  userErrors {
    field
    message
    code
  }
`;
const adjustmentResult = z.object({ inventoryAdjustmentGroup: changes.nullable(), userErrors });
type AdjustmentResult = z.infer<typeof adjustmentResult>;

export interface QuantityInput {
  inventoryItemId: string;
  locationId: string;
  quantity: number;
  changeFromQuantity: number | null;
}

/** Absolute writes with compare-and-swap: pushes of what a channel may sell. */
export const setQuantities = adminOperation<
  { key: string; input: { name: "available"; reason: string; referenceDocumentUri: string; quantities: QuantityInput[] } },
  { inventorySetQuantities: AdjustmentResult }
>(
  /* GraphQL */ `
    mutation SetQuantities($input: InventorySetQuantitiesInput!, $key: String!) {
      inventorySetQuantities(input: $input) @idempotent(key: $key) {
        ${ADJUSTMENT_FIELDS}
      }
    }
  `,
  z.object({ inventorySetQuantities: adjustmentResult }),
);

export interface ChangeInput {
  inventoryItemId: string;
  locationId: string;
  delta: number;
  changeFromQuantity: number | null;
}

/** Relative writes: a sale on another channel takes units from the home store. */
export const adjustQuantities = adminOperation<
  { key: string; input: { name: "available"; reason: string; referenceDocumentUri: string; changes: ChangeInput[] } },
  { inventoryAdjustQuantities: AdjustmentResult }
>(
  /* GraphQL */ `
    mutation AdjustQuantities($input: InventoryAdjustQuantitiesInput!, $key: String!) {
      inventoryAdjustQuantities(input: $input) @idempotent(key: $key) {
        ${ADJUSTMENT_FIELDS}
      }
    }
  `,
  z.object({ inventoryAdjustQuantities: adjustmentResult }),
);

const orderSchema = z.object({
  id: z.string(),
  name: z.string(),
  createdAt: z.string(),
  cancelledAt: z.string().nullable(),
  lineItems: z.object({
    nodes: z.array(z.object({ id: z.string(), quantity: z.number().int(), variant: z.object({ id: z.string() }).nullable() })),
  }),
});
export type RecentOrder = z.infer<typeof orderSchema>;

/**
 * Orders placed in a store since a moment, with what they sold: reconciliation finds sales whose webhook
 * never came. 2 + 10 x (1 + lineItems (2 + 30 x (1 + variant 1))) = 632 points.
 */
export const ordersSince = adminOperation<
  { query: string; after?: string | null },
  { orders: { nodes: RecentOrder[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } }
>(
  /* GraphQL */ `
    query OrdersSince($query: String!, $after: String) {
      orders(first: 10, after: $after, query: $query, sortKey: CREATED_AT) {
        nodes {
          id
          name
          createdAt
          cancelledAt
          lineItems(first: 30) {
            nodes {
              id
              quantity
              variant {
                id
              }
            }
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
    orders: z.object({ nodes: z.array(orderSchema), pageInfo: z.object({ hasNextPage: z.boolean(), endCursor: z.string().nullable() }) }),
  }),
);
