import { z } from "zod";
import { adminOperation } from "../shopify/admin-operation";

export const shopDetails = adminOperation(
  /* GraphQL */ `
    query ShopDetails {
      shop {
        name
        myshopifyDomain
        currencyCode
        ianaTimezone
        primaryDomain {
          url
        }
        plan {
          publicDisplayName
          shopifyPlus
        }
      }
    }
  `,
  z.object({
    shop: z.object({
      name: z.string(),
      myshopifyDomain: z.string(),
      currencyCode: z.string(),
      ianaTimezone: z.string(),
      primaryDomain: z.object({ url: z.string() }),
      plan: z.object({ publicDisplayName: z.string(), shopifyPlus: z.boolean() }),
    }),
  }),
);
