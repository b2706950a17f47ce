import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "../../app/config.server";

const valid = {
  SHOPIFY_API_KEY: "key",
  SHOPIFY_API_SECRET: "0123456789abcdef0123",
  SHOPIFY_APP_URL: "https://omnistock.example.com/",
  OMNISTOCK_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString("base64"),
};

function problems(env: Record<string, string | undefined>): string[] {
  try {
    parseConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error("expected the configuration to be refused");
}

describe("configuration", () => {
  it("accepts a complete configuration and fills in defaults", () => {
    const config = parseConfig(valid);
    expect(config.SHOPIFY_APP_URL).toBe("https://omnistock.example.com");
    expect(config.DATABASE_URL).toMatch(/^file:.*prisma\/dev\.sqlite$/);
    expect(config.PORT).toBe(3000);
    expect(config.OMNISTOCK_WORKERS).toBe(true);
  });

  it("names every missing variable and says where to get it", () => {
    const found = problems({});
    expect(found).toHaveLength(4);
    expect(found.join("\n")).toMatch(/SHOPIFY_API_KEY is required: copy the Client ID/);
    expect(found.join("\n")).toMatch(/SHOPIFY_API_SECRET is required/);
    expect(found.join("\n")).toMatch(/SHOPIFY_APP_URL is required/);
    expect(found.join("\n")).toMatch(/OMNISTOCK_ENCRYPTION_KEY is required.*randomBytes\(32\)/);
  });

  it("explains malformed values", () => {
    expect(problems({ ...valid, SHOPIFY_APP_URL: "omnistock.example.com" })[0]).toMatch(/full URL/);
    expect(problems({ ...valid, OMNISTOCK_ENCRYPTION_KEY: "short" })[0]).toMatch(/32 random bytes/);
    expect(problems({ ...valid, DATABASE_URL: "mysql://db" })[0]).toMatch(/file: \(SQLite\) or postgresql:/);
    expect(problems({ ...valid, PORT: "http" })[0]).toMatch(/^PORT:/);
    expect(problems({ ...valid, OMNISTOCK_WORKERS: "maybe" })[0]).toMatch(/OMNISTOCK_WORKERS: use true or false/);
  });

  it("allows demo mode only when every URL is on loopback", () => {
    expect(
      parseConfig({ ...valid, SHOPIFY_APP_URL: "http://127.0.0.1:3000", OMNISTOCK_DEMO: "true" }).OMNISTOCK_DEMO,
    ).toBe(true);
    expect(problems({ ...valid, OMNISTOCK_DEMO: "true" })[0]).toMatch(/only allowed when every URL is on loopback/);
    expect(
      problems({
        ...valid,
        SHOPIFY_APP_URL: "http://localhost:3000",
        SHOPIFY_ADMIN_API_ORIGIN: "https://evil.example.com",
        OMNISTOCK_DEMO: "true",
      })[0],
    ).toMatch(/SHOPIFY_ADMIN_API_ORIGIN/);
  });
});
