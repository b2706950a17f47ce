import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "../../app/config.server";
import { providerApiUrls } from "../../app/tracking/poller.server";

// Where the poller reaches each tracking provider (OMNISTOCK_<PROVIDER>_API_URL): every request carries the shop's
// API key, so only https leaves the machine; plain http is for a local test double on loopback.

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

const VARIABLES = ["OMNISTOCK_AFTERSHIP_API_URL", "OMNISTOCK_17TRACK_API_URL", "OMNISTOCK_EASYPOST_API_URL"] as const;

describe("tracking provider API URLs", () => {
  it("default to the providers' own https hosts", () => {
    expect(providerApiUrls(parseConfig(valid))).toEqual({
      aftership: "https://api.aftership.com",
      "17track": "https://api.17track.net",
      easypost: "https://api.easypost.com",
    });
  });

  it.each(VARIABLES)("%s: refuses http:// to another machine, naming the variable and the fix", (name) => {
    for (const url of ["http://api.example.com", "http://10.0.0.5:8080", "http://127.0.0.1.example.com", "http://localhost.evil.example"]) {
      const found = problems({ ...valid, [name]: url });
      expect(found, url).toEqual([
        `${name} must start with https:// (it carries the provider API key); http:// is only allowed on this machine (127.0.0.1, ::1 or localhost)`,
      ]);
    }
  });

  it.each(VARIABLES)("%s: takes https anywhere and http on loopback", (name) => {
    for (const [url, expected] of [
      ["https://tracking-proxy.example.com/v1/", "https://tracking-proxy.example.com/v1"],
      ["http://127.0.0.1:4300", "http://127.0.0.1:4300"],
      ["http://localhost:4300/", "http://localhost:4300"],
      ["http://[::1]:4300", "http://[::1]:4300"],
    ] as const) {
      expect(parseConfig({ ...valid, [name]: url })[name], url).toBe(expected);
    }
  });

  it("still refuses what is not a URL, or not http(s)", () => {
    expect(problems({ ...valid, OMNISTOCK_EASYPOST_API_URL: "api.easypost.com" })[0]).toMatch(/OMNISTOCK_EASYPOST_API_URL must be a full URL/);
    expect(problems({ ...valid, OMNISTOCK_AFTERSHIP_API_URL: "ftp://127.0.0.1" })[0]).toMatch(/OMNISTOCK_AFTERSHIP_API_URL must use http:\/\/ or https:\/\//);
  });
});
