import { existsSync } from "node:fs";
import path from "node:path";
import { Severity, themeCheckRun, type Offense } from "@shopify/theme-check-node";
import { beforeAll, describe, expect, it } from "vitest";
import { buildWidget } from "../../scripts/build-extensions";

// Shopify's theme check on our theme app extensions, as `shopify app deploy` would see them. A
// shopify.extension.toml makes theme check pick its "theme-app-extension" configuration by itself.
// Errors fail the test; warnings are printed. Offline, theme check falls back to the Liquid docs it ships with.

const EXTENSIONS = path.resolve(import.meta.dirname, "../../extensions");

const describeOffense = (o: Offense) =>
  `${path.relative(EXTENSIONS, o.uri.replace(/^file:\/\//, ""))}:${o.start.line + 1} ${o.check}: ${o.message}`;

describe.each(["store-availability"])("theme check on extensions/%s", (extension) => {
  const root = path.join(EXTENSIONS, extension);

  beforeAll(async () => {
    // The block loads the built script; a fresh checkout has it only after postinstall or a build.
    if (!existsSync(path.join(root, "assets", `${extension}.js`))) await buildWidget(extension);
  });

  it("has no errors", { timeout: 60_000 }, async () => {
    const run = await themeCheckRun(root);
    expect(run.config.context).toBe("app");
    expect(run.config.checks.map((check) => check.meta.code)).toContain("AppBlockValidTags");
    expect(run.theme.some((file) => file.uri.endsWith("blocks/store-availability.liquid"))).toBe(true);

    const warnings = run.offenses.filter((o) => o.severity !== Severity.ERROR);
    if (warnings.length) console.warn(`theme check warnings:\n${warnings.map(describeOffense).join("\n")}`);
    expect(run.offenses.filter((o) => o.severity === Severity.ERROR).map(describeOffense)).toEqual([]);
  });
});
