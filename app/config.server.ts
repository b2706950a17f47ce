import { z } from "zod";
import { databaseKindOf, defaultDatabaseUrl } from "./db/url";

// Every setting comes from the environment, is validated once at start, and fails with a message that says
// which variable is wrong and how to fix it. .env.example documents them all.

const loopbackHosts = new Set(["127.0.0.1", "localhost", "[::1]", "::1"]);

const httpUrl = (name: string) =>
  z
    .string({ error: `${name} is required` })
    .url(`${name} must be a full URL such as https://omnistock.example.com`)
    .refine((value) => /^https?:\/\//.test(value), `${name} must use http:// or https://`)
    .transform((value) => value.replace(/\/+$/, ""));

// A tracking provider's API carries the shop's API key in every request: https only, except on this machine
// (a local test double), where nothing crosses a network.
const providerApiUrl = (name: string, fallback: string) =>
  httpUrl(name)
    .refine((value) => {
      const url = new URL(value);
      return url.protocol === "https:" || loopbackHosts.has(url.hostname);
    }, `${name} must start with https:// (it carries the provider API key); http:// is only allowed on this machine (127.0.0.1, ::1 or localhost)`)
    .default(fallback);

const booleanFlag = z
  .enum(["true", "false", "1", "0", "yes", "no", "on", "off"], {
    error: "use true or false",
  })
  .transform((value) => ["true", "1", "yes", "on"].includes(value));

export const configSchema = z
  .object({
    NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
    SHOPIFY_API_KEY: z
      .string({ error: "SHOPIFY_API_KEY is required: copy the Client ID from your app in the Partner Dashboard" })
      .min(1, "SHOPIFY_API_KEY is empty"),
    SHOPIFY_API_SECRET: z
      .string({ error: "SHOPIFY_API_SECRET is required: copy the Client secret from your app in the Partner Dashboard" })
      .min(16, "SHOPIFY_API_SECRET looks too short to be a Shopify client secret"),
    SHOPIFY_APP_URL: httpUrl("SHOPIFY_APP_URL"),
    SHOP_CUSTOM_DOMAIN: z.string().optional(),
    DATABASE_URL: z
      .string()
      .default(defaultDatabaseUrl())
      .refine(
        (value) => {
          try {
            databaseKindOf(value);
            return true;
          } catch {
            return false;
          }
        },
        { message: "DATABASE_URL must start with file: (SQLite) or postgresql:// (PostgreSQL)" },
      ),
    OMNISTOCK_ENCRYPTION_KEY: z
      .string({
        error:
          "OMNISTOCK_ENCRYPTION_KEY is required: it encrypts access tokens and channel credentials at rest. " +
          "Create one with: node -e \"console.log(require('crypto').randomBytes(32).toString('base64'))\"",
      })
      .refine((value) => Buffer.from(value, "base64").length === 32, {
        message: "OMNISTOCK_ENCRYPTION_KEY must be 32 random bytes, base64-encoded (44 characters)",
      }),
    // Where the Admin API lives. Unset means https://{shop}; the demo points it at the local dev store.
    SHOPIFY_ADMIN_API_ORIGIN: httpUrl("SHOPIFY_ADMIN_API_ORIGIN").optional(),
    PORT: z.coerce.number().int().min(1).max(65535).default(3000),
    HOST: z.string().default("0.0.0.0"),
    // Run background workers in this process. Turn off on web-only instances and run `npm run worker` instead.
    OMNISTOCK_WORKERS: booleanFlag.default(true),
    // How often every shop is reconciled with Shopify (a full re-read that catches what webhooks missed).
    OMNISTOCK_RECONCILE_HOURS: z.coerce.number().min(0.25).max(168).default(6),
    // How long a worker's claim on a job holds; a crashed worker's jobs are taken over after it.
    OMNISTOCK_WORKER_LEASE_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
    // Proxies that append to X-Forwarded-For between the shopper and the app: Shopify's app proxy is one; add
    // one for each load balancer of yours that appends too. The shopper's address is that many entries from the
    // right; entries further left come from the shopper's own request and are not trusted.
    OMNISTOCK_TRUSTED_PROXY_HOPS: z.coerce.number().int().min(1).max(10).default(1),
    // Tracking providers' APIs, for polling. Unset means the provider's own host; tests point them at a local fake.
    OMNISTOCK_AFTERSHIP_API_URL: providerApiUrl("OMNISTOCK_AFTERSHIP_API_URL", "https://api.aftership.com"),
    OMNISTOCK_17TRACK_API_URL: providerApiUrl("OMNISTOCK_17TRACK_API_URL", "https://api.17track.net"),
    OMNISTOCK_EASYPOST_API_URL: providerApiUrl("OMNISTOCK_EASYPOST_API_URL", "https://api.easypost.com"),
    // Demo mode allows a dev-only sign-in; it is refused unless every URL is on loopback.
    OMNISTOCK_DEMO: booleanFlag.default(false),
    LOG_LEVEL: z.enum(["debug", "info", "warn", "error"]).default("info"),
  })
  .superRefine((config, ctx) => {
    if (!config.OMNISTOCK_DEMO) return;
    for (const key of ["SHOPIFY_APP_URL", "SHOPIFY_ADMIN_API_ORIGIN"] as const) {
      const value = config[key];
      if (value && !loopbackHosts.has(new URL(value).hostname)) {
        ctx.addIssue({
          code: "custom",
          path: [key],
          message: `OMNISTOCK_DEMO=true is only allowed when every URL is on loopback; ${key} points at ${new URL(value).hostname}`,
        });
      }
    }
  });

export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(
      `Omnistock cannot start: fix these settings (see .env.example):\n${problems.map((p) => `  - ${p}`).join("\n")}`,
    );
    this.name = "ConfigError";
  }
}

export function parseConfig(env: Record<string, string | undefined>): Config {
  const result = configSchema.safeParse(env);
  if (result.success) return result.data;
  throw new ConfigError(
    result.error.issues.map((issue) => {
      const name = issue.path.join(".");
      return issue.message.startsWith(name) ? issue.message : `${name}: ${issue.message}`;
    }),
  );
}

let cached: Config | undefined;

/** The validated configuration of this process (read once). */
export function config(): Config {
  cached ??= parseConfig(process.env);
  return cached;
}
