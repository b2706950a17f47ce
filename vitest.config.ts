import { defineConfig } from "vitest/config";
import tsconfigPaths from "vite-tsconfig-paths";

// One `npm test` runs everything and prints one summary:
//   unit        pure code, no database
//   devstore    the local Shopify emulator over HTTP, on its own
//   browser     the demo in Debian's Chromium (pages, widgets, screenshots in test-results/)
//   sqlite      integration tests on SQLite (always)
//   postgres    the same integration tests on PostgreSQL (when TEST_DATABASE_URL is set, as in CI)
// Each integration test file gets its own database, copied from a migrated template.

const testEnv = {
  NODE_ENV: "test",
  SHOPIFY_API_KEY: "omnistock-test-key",
  SHOPIFY_API_SECRET: "omnistock-test-secret-0123456789",
  SHOPIFY_APP_URL: "http://127.0.0.1:3999",
  OMNISTOCK_ENCRYPTION_KEY: "dGVzdC1lbmNyeXB0aW9uLWtleS0zMi1ieXRlcy0hISE=",
  LOG_LEVEL: "error",
} as const;

const integration = (database: "sqlite" | "postgresql") => ({
  extends: true as const,
  test: {
    name: database === "sqlite" ? "sqlite" : "postgres",
    include: ["test/integration/**/*.test.ts"],
    globalSetup: ["test/support/database-template.ts"],
    setupFiles: ["test/support/database-per-file.ts"],
    env: { ...testEnv, OMNISTOCK_TEST_DATABASE: database },
  },
});

export default defineConfig({
  plugins: [tsconfigPaths()],
  test: {
    reporters: ["default", "./test/support/summary-reporter.ts"],
    testTimeout: 20_000,
    hookTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: { name: "unit", include: ["test/unit/**/*.test.ts"], env: testEnv },
      },
      {
        extends: true,
        test: { name: "devstore", include: ["test/devstore/**/*.test.ts"], env: testEnv },
      },
      integration("sqlite"),
      {
        extends: true,
        test: {
          name: "browser",
          include: ["test/browser/**/*.test.ts"],
          globalSetup: ["test/support/build-app.ts", "test/support/database-template.ts"],
          setupFiles: ["test/support/database-per-file.ts"],
          env: { ...testEnv, OMNISTOCK_TEST_DATABASE: "sqlite" },
          testTimeout: 60_000,
        },
      },
      ...(process.env.TEST_DATABASE_URL ? [integration("postgresql")] : []),
    ],
  },
});
