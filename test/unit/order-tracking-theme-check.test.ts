import { existsSync } from "node:fs";
import path from "node:path";
import { Severity, themeCheckRun, type Offense } from "@shopify/theme-check-node";
import { beforeAll, describe, expect, it } from "vitest";
import { buildWidget } from "../../scripts/build-extensions";

// Shopify's theme check on extensions/order-tracking, as `shopify app deploy` would see it (the same check as
// theme-check.test.ts runs on store-availability). Errors fail; warnings are printed.

const ROOT = path.resolve(import.meta.dirname, "../../extensions/order-tracking");

const describeOffense = (o: Offense) => `${path.relative(ROOT, o.uri.replace(/^file:\/\//, ""))}:${o.start.line + 1} ${o.check}: ${o.message}`;

describe("theme check on extensions/order-tracking", () => {
  beforeAll(async () => {
    // The block loads the built script; a fresh checkout has it only after postinstall or a build.
    if (!existsSync(path.join(ROOT, "assets", "order-tracking.js"))) await buildWidget("order-tracking");
  });

  it("has no errors", { timeout: 60_000 }, async () => {
    const run = await themeCheckRun(ROOT);
    expect(run.config.context).toBe("app");
    expect(run.theme.some((file) => file.uri.endsWith("blocks/order-tracking.liquid"))).toBe(true);

    const warnings = run.offenses.filter((o) => o.severity !== Severity.ERROR);
    if (warnings.length) console.warn(`theme check warnings:\n${warnings.map(describeOffense).join("\n")}`);
    expect(run.offenses.filter((o) => o.severity === Severity.ERROR).map(describeOffense)).toEqual([]);
  });
});
