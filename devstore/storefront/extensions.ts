import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";

// Reads theme app extensions the way Shopify deploys them: extensions/<name>/{shopify.extension.toml,
// blocks/*.liquid, snippets/, assets/, locales/*.json}.

export interface BlockSetting {
  id: string;
  type: string;
  default?: unknown;
}

export interface AppBlock {
  extension: string;
  name: string;
  source: string;
  schema: {
    name?: string;
    target?: string;
    /** Templates the block can be added to ("product", "page", "*"); all of them when absent. */
    enabled_on?: { templates?: string[] };
    settings?: BlockSetting[];
    javascript?: string;
    stylesheet?: string;
  };
}

export interface ThemeExtension {
  name: string;
  dir: string;
  blocks: AppBlock[];
  /** locale code -> flattened "a.b.c" -> string, from locales/*.json (en.default.json is the fallback). */
  locales: Map<string, Map<string, string>>;
  defaultLocale: string;
}

const SCHEMA = /{%-?\s*schema\s*-?%}([\s\S]*?){%-?\s*endschema\s*-?%}/;

function flatten(value: unknown, prefix = "", out = new Map<string, string>()): Map<string, string> {
  if (typeof value === "string") out.set(prefix, value);
  else if (value && typeof value === "object") {
    for (const [key, child] of Object.entries(value)) flatten(child, prefix ? `${prefix}.${key}` : key, out);
  }
  return out;
}

export function loadExtensions(root: string): ThemeExtension[] {
  if (!existsSync(root)) return [];
  return readdirSync(root, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(path.join(root, entry.name, "shopify.extension.toml")))
    .map((entry) => {
      const dir = path.join(root, entry.name);
      const blocksDir = path.join(dir, "blocks");
      const blocks = existsSync(blocksDir)
        ? readdirSync(blocksDir)
            .filter((file) => file.endsWith(".liquid"))
            .map((file) => {
              const source = readFileSync(path.join(blocksDir, file), "utf8");
              const schemaText = SCHEMA.exec(source)?.[1];
              return {
                extension: entry.name,
                name: file.replace(/\.liquid$/, ""),
                source,
                schema: schemaText ? (JSON.parse(schemaText) as AppBlock["schema"]) : {},
              };
            })
        : [];
      const locales = new Map<string, Map<string, string>>();
      let defaultLocale = "en";
      const localesDir = path.join(dir, "locales");
      if (existsSync(localesDir)) {
        for (const file of readdirSync(localesDir).filter((f) => f.endsWith(".json") && !f.includes(".schema."))) {
          const [code, marker] = file.replace(/\.json$/, "").split(".");
          if (marker === "default") defaultLocale = code!;
          locales.set(code!, flatten(JSON.parse(readFileSync(path.join(localesDir, file), "utf8"))));
        }
      }
      return { name: entry.name, dir, blocks, locales, defaultLocale };
    });
}
