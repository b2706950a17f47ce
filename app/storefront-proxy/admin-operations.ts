import { z } from "zod";
import { adminOperation } from "../shopify/admin-operation";

// App-data metafields (owned by the app's installation) that the theme app extensions read through Liquid's
// `app.metafields`: the key the blocks sign their settings with, and the app proxy's path.

/** The app's installation in this shop: the owner of app-data metafields. 2 points. */
export const currentInstallation = adminOperation<Record<string, never>, { currentAppInstallation: { id: string } }>(
  /* GraphQL */ `
    query CurrentInstallation {
      currentAppInstallation {
        id
      }
    }
  `,
  z.object({ currentAppInstallation: z.object({ id: z.string() }) }),
);

export interface AppMetafieldInput {
  ownerId: string;
  namespace: string;
  key: string;
  type: "single_line_text_field";
  value: string;
}

/** Writes app-data metafields. 10 points. */
export const setAppMetafields = adminOperation<
  { metafields: AppMetafieldInput[] },
  { metafieldsSet: { metafields: { key: string }[] | null; userErrors: { field: string[] | null; message: string; code: string | null }[] } }
>(
  /* GraphQL */ `
    mutation SetAppMetafields($metafields: [MetafieldsSetInput!]!) {
      metafieldsSet(metafields: $metafields) {
        metafields {
          key
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
    metafieldsSet: z.object({
      metafields: z.array(z.object({ key: z.string() })).nullable(),
      userErrors: z.array(z.object({ field: z.array(z.string()).nullable(), message: z.string(), code: z.string().nullable() })),
    }),
  }),
);
