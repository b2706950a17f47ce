import { z } from "zod";

// Shapes of the webhook payloads Omnistock acts on (Shopify's samples are in ../shared/shopify/webhooks/).
// Numeric ids above 2^53 lose precision in JSON.parse, so ids are taken from admin_graphql_api_id where
// Shopify sends one.

const numericId = z.union([z.number().int().nonnegative(), z.string().regex(/^\d+$/)]).transform(String);

const compliancePayload = z.object({
  shop_id: numericId,
  shop_domain: z.string().min(1),
});

export const complianceCustomer = z.object({
  id: numericId.nullish(),
  email: z.string().nullish(),
  phone: z.string().nullish(),
});

export const customersDataRequestPayload = compliancePayload.extend({
  customer: complianceCustomer,
  orders_requested: z.array(numericId).default([]),
  data_request: z.object({ id: numericId }).optional(),
});

export const customersRedactPayload = compliancePayload.extend({
  customer: complianceCustomer,
  orders_to_redact: z.array(numericId).default([]),
});

export const shopRedactPayload = compliancePayload;

export const appUninstalledPayload = z.looseObject({
  id: numericId.nullish(),
  name: z.string().nullish(),
});

export const appScopesUpdatePayload = z.looseObject({
  previous: z.array(z.string()),
  current: z.array(z.string()),
  updated_at: z.string().nullish(),
});

/** Any other topic: a JSON object, validated in full by the module that processes it. */
export const genericPayload = z.record(z.string(), z.unknown());

export type CustomersDataRequestPayload = z.infer<typeof customersDataRequestPayload>;
export type CustomersRedactPayload = z.infer<typeof customersRedactPayload>;
export type ShopRedactPayload = z.infer<typeof shopRedactPayload>;
export type AppScopesUpdatePayload = z.infer<typeof appScopesUpdatePayload>;
