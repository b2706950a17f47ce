// Builds each theme app extension's widget: extensions/<name>/src/index.tsx -> extensions/<name>/assets/<name>.js
// (one minified IIFE for ES2019 browsers; JSX is Preact's unless a file names its own runtime with
// `@jsxImportSource`). `npm run build:extensions`, or `-- --watch` while working on a widget.
// The built files are not committed; postinstall and `npm run build` make them.
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";
import type * as esbuild from "esbuild";

// esbuild is a devDependency: an install without dev dependencies (production) has nothing to build with.
const loadEsbuild = () => import("esbuild");

export const EXTENSIONS_DIR = path.resolve(import.meta.dirname, "..", "extensions");

export interface WidgetBuild {
  extension: string;
  outfile: string;
  code: Uint8Array;
  bytes: number;
  /** gzip level 9, about what a shopper downloads. */
  gzipBytes: number;
}

/** Extensions with a widget to build (a src/index.tsx). */
export function widgetExtensions(root = EXTENSIONS_DIR): string[] {
  if (!existsSync(root)) return [];
  return readdirSync(root, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(path.join(root, entry.name, "src", "index.tsx")))
    .map((entry) => entry.name)
    .sort();
}

export function widgetBuildOptions(extension: string, root = EXTENSIONS_DIR): esbuild.BuildOptions {
  const dir = path.join(root, extension);
  return {
    entryPoints: [path.join(dir, "src", "index.tsx")],
    outfile: path.join(dir, "assets", `${extension}.js`),
    bundle: true,
    minify: true,
    format: "iife",
    target: "es2019",
    platform: "browser",
    jsx: "automatic",
    jsxImportSource: "preact",
    legalComments: "none",
    logLevel: "warning",
  };
}

/** Builds one widget; with write: false the result stays in memory (tests measure it without touching assets/). */
export async function buildWidget(extension: string, { write = true, root = EXTENSIONS_DIR } = {}): Promise<WidgetBuild> {
  const { build } = await loadEsbuild();
  const options = widgetBuildOptions(extension, root);
  const output = (await build({ ...options, write: false })).outputFiles[0]!;
  if (write) await build(options);
  return {
    extension,
    outfile: options.outfile!,
    code: output.contents,
    bytes: output.contents.byteLength,
    gzipBytes: gzipSync(output.contents, { level: 9 }).byteLength,
  };
}

async function main(args: string[]) {
  const extensions = widgetExtensions();
  const { context } = await loadEsbuild().catch(() => ({ context: null }));
  if (!context) {
    console.warn("esbuild is not installed (an install without dev dependencies?): storefront widgets not built");
    return;
  }
  if (args.includes("--watch")) {
    for (const extension of extensions) {
      const watcher = await context({ ...widgetBuildOptions(extension), logLevel: "info" });
      await watcher.watch();
    }
    console.log(`watching ${extensions.join(", ") || "nothing"}`);
    return;
  }
  // One broken widget must not keep the others from building; the exit code still says it failed.
  for (const extension of extensions) {
    try {
      const built = await buildWidget(extension);
      console.log(`${path.relative(process.cwd(), built.outfile)}  ${built.bytes} B, ${built.gzipBytes} B gzipped`);
    } catch {
      console.error(`extensions/${extension}: build failed (esbuild's errors above)`);
      process.exitCode = 1;
    }
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main(process.argv.slice(2));
}
