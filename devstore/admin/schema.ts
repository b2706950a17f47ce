import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { buildSchema, type GraphQLSchema } from "graphql";

// The dev store speaks Shopify's real Admin schema (../shared/shopify/admin/), so an operation that Shopify
// would refuse is refused here too.
const here = path.dirname(fileURLToPath(import.meta.url));
export const ADMIN_SCHEMA_FILE =
  process.env.OMNISTOCK_ADMIN_SCHEMA ?? path.resolve(here, "../../../shared/shopify/admin/admin-2026-01.graphql");

let schema: GraphQLSchema | undefined;

export function adminSchema(): GraphQLSchema {
  schema ??= buildSchema(readFileSync(ADMIN_SCHEMA_FILE, "utf8"), { assumeValidSDL: true });
  return schema;
}
