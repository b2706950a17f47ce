import { readFileSync } from "node:fs";
import path from "node:path";
import { ApiVersion } from "@shopify/shopify-app-remix/server";
import { parse } from "smol-toml";
import { describe, expect, it } from "vitest";
import { derivePostgresSchema } from "../../app/db/postgres-schema";
import { ADMIN_API_VERSION } from "../../app/shopify/admin-client.server";
import { ACCESS_SCOPES } from "../../app/shopify/scopes";
import { COMPLIANCE_TOPICS, SUBSCRIBED_TOPICS, topicEnumName } from "../../app/webhooks/topics";
import { ADMIN_SCHEMA_PATH } from "../support/shopify";

const root = path.resolve(import.meta.dirname, "../..");
const read = (file: string) => readFileSync(path.join(root, file), "utf8");

interface AppToml {
  embedded: boolean;
  access_scopes: { scopes: string };
  webhooks: { api_version: string; subscriptions: { topics?: string[]; compliance_topics?: string[]; uri: string }[] };
  app_proxy: { url: string; prefix: string; subpath: string };
}

const toml = parse(read("shopify.app.toml")) as unknown as AppToml;

describe("shopify.app.toml", () => {
  it("asks for exactly the scopes the code documents", () => {
    expect(toml.access_scopes.scopes.split(",").sort()).toEqual([...ACCESS_SCOPES].sort());
    for (const needed of ["write_inventory", "read_locations", "read_all_orders", "write_returns"]) {
      expect(ACCESS_SCOPES).toContain(needed);
    }
  });

  it("subscribes to every topic the app handles at API 2026-10, all delivered to /webhooks", () => {
    expect(toml.webhooks.api_version).toBe("2026-10");
    const topics = toml.webhooks.subscriptions.flatMap((s) => s.topics ?? []);
    expect(topics.sort()).toEqual([...SUBSCRIBED_TOPICS].sort());
    const compliance = toml.webhooks.subscriptions.flatMap((s) => s.compliance_topics ?? []);
    expect(compliance.sort()).toEqual([...COMPLIANCE_TOPICS].sort());
    expect(new Set(toml.webhooks.subscriptions.map((s) => s.uri))).toEqual(new Set(["/webhooks"]));
  });

  it("names only topics that exist in the Admin schema", () => {
    const schema = readFileSync(ADMIN_SCHEMA_PATH, "utf8");
    const enumBody = /enum WebhookSubscriptionTopic \{([\s\S]*?)\n\}/.exec(schema)?.[1] ?? "";
    const values = new Set(enumBody.split("\n").map((line) => line.trim()).filter((line) => /^[A-Z_0-9]+$/.test(line)));
    expect(values.size).toBeGreaterThan(50);
    for (const topic of SUBSCRIBED_TOPICS) expect(values, topic).toContain(topicEnumName(topic));
  });

  it("routes the storefront's /apps/omnistock/* to the app's /proxy", () => {
    expect(toml.app_proxy.prefix).toBe("apps");
    expect(toml.app_proxy.subpath).toBe("omnistock");
    expect(new URL(toml.app_proxy.url).pathname).toBe("/proxy");
    expect(toml.embedded).toBe(true);
  });
});

describe("API version", () => {
  it("targets 2026-10 in both the Shopify library and our own Admin client", () => {
    expect(ApiVersion.October26).toBe("2026-10");
    expect(ADMIN_API_VERSION).toBe(ApiVersion.October26);
    expect(read("app/shopify.server.ts")).toContain("apiVersion: ApiVersion.October26");
  });
});

describe("Prisma schemas", () => {
  it("keeps prisma/postgres/schema.prisma derived from prisma/schema.prisma (run npm run db:sync-schemas)", () => {
    expect(read("prisma/postgres/schema.prisma")).toBe(derivePostgresSchema(read("prisma/schema.prisma")));
  });

  it("uses portable types only", () => {
    const schema = read("prisma/schema.prisma").replace(/\/\/.*$/gm, "");
    expect(schema).not.toMatch(/@db\./);
    expect(schema).not.toMatch(/^enum /m);
  });

  it("ships the same migrations for both providers", async () => {
    const { shippedMigrations } = await import("../../app/db/migrations.server");
    expect(shippedMigrations("postgresql")).toEqual(shippedMigrations("sqlite"));
    expect(shippedMigrations("sqlite").length).toBeGreaterThan(0);
  });
});
