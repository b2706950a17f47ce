import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { buildSchema, NoDeprecatedCustomRule, parse, specifiedRules, validate, type GraphQLSchema } from "graphql";
import { isAdminOperation, type AdminOperation } from "../../app/shopify/admin-operation";
import { ADMIN_SCHEMA_PATH } from "./shopify";

let schema: GraphQLSchema | undefined;

/** The real Admin API schema (2026-01 copy), parsed once per test file. */
export function adminSchema(): GraphQLSchema {
  schema ??= buildSchema(readFileSync(ADMIN_SCHEMA_PATH, "utf8"), { assumeValidSDL: true });
  return schema;
}

/** graphql-js validation plus NoDeprecatedCustomRule: the messages, or [] when the document is valid. */
export function validateAdminDocument(source: string): string[] {
  let document;
  try {
    document = parse(source);
  } catch (error) {
    return [(error as Error).message];
  }
  return validate(adminSchema(), document, [...specifiedRules, NoDeprecatedCustomRule]).map((e) => e.message);
}

const APP_DIR = path.resolve(import.meta.dirname, "../../app");

/** Every admin-operations.ts under app/, with the operations it exports. */
export async function appAdminOperations(): Promise<{ file: string; operation: AdminOperation<unknown, unknown> }[]> {
  const files = readdirSync(APP_DIR, { recursive: true, encoding: "utf8" })
    .filter((file) => path.basename(file) === "admin-operations.ts")
    .sort();
  const found = [];
  for (const file of files) {
    const module = (await import(path.join(APP_DIR, file))) as Record<string, unknown>;
    for (const value of Object.values(module)) {
      if (isAdminOperation(value)) found.push({ file: `app/${file}`, operation: value });
    }
  }
  return found;
}
