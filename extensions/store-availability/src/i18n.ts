// Shopper-facing strings come from the extension's locales through Liquid's `t` filter, rendered as JSON
// into the block. Shopify HTML-escapes translations (except *_html keys), so the values are decoded here.

export type Messages = Record<string, string>;
export type Translate = (key: string, vars?: Record<string, string | number>) => string;

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', "#39": "'", "#x27": "'" };

export function decodeEntities(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|#39|#x27);/g, (_, name: string) => ENTITIES[name]!);
}

/**
 * Fills `{name}` placeholders (the block has Liquid turn the locale's `{{ name }}` into `{name}`, because a
 * Liquid string can't hold "}}"); `{{ name }}` works too. An unknown placeholder becomes empty.
 */
export function interpolate(template: string, vars: Record<string, string | number> = {}): string {
  return template.replace(/{{?\s*(\w+)\s*}}?/g, (_, name: string) => String(vars[name] ?? ""));
}

export function parseMessages(json: string | null | undefined): Messages {
  const messages: Messages = {};
  try {
    const parsed: unknown = JSON.parse(json || "{}");
    for (const [key, value] of Object.entries(parsed as object)) {
      if (typeof value == "string") messages[key] = decodeEntities(value);
    }
  } catch {
    // A broken block renders with keys as text rather than not at all.
  }
  return messages;
}

export function translator(messages: Messages): Translate {
  return (key, vars) => interpolate(messages[key] ?? key, vars);
}
