import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "smol-toml";

// What Shopify reads from the app's shopify.app.toml: the webhook topics to deliver and the scopes to grant.

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

export function readAppToml(file = path.join(root, "shopify.app.toml")) {
  const toml = parse(readFileSync(file, "utf8")) as {
    access_scopes: { scopes: string };
    webhooks: { subscriptions: { topics?: string[] }[] };
  };
  return {
    topics: new Set(toml.webhooks.subscriptions.flatMap((s) => s.topics ?? [])),
    scopes: toml.access_scopes.scopes.split(",").map((scope) => scope.trim()),
  };
}

export const EXTENSIONS_DIR = path.join(root, "extensions");
