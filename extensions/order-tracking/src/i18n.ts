// The shopper's strings reach the script as a JSON block the Liquid renders with the `t` filter (see
// blocks/order-tracking.liquid). `t` HTML-escapes translations, so the script decodes them once here;
// the DOM then escapes again as text nodes, never as HTML.

export type Messages = Record<string, string>;
export type Translate = (key: string, vars?: Record<string, string | number>) => string;

const ENTITY = /&(?:amp|lt|gt|quot|#39|#x27);/g;
const DECODED: Record<string, string> = { "&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&#39;": "'", "&#x27;": "'" };

export const decodeEntities = (text: string) => text.replace(ENTITY, (entity) => DECODED[entity]!);

/** Liquid turns the locale's `{{ name }}` into `{name}` for the script; both forms are filled. Unknown names become "". */
export const interpolate = (template: string, vars: Record<string, string | number> = {}) =>
  template.replace(/{{?\s*(\w+)\s*}}?/g, (_, name: string) => String(vars[name] ?? ""));

export function parseMessages(json: string | null | undefined): Messages {
  const messages: Messages = {};
  try {
    const parsed = JSON.parse(json || "{}") as Record<string, unknown>;
    for (const key in parsed) {
      const value = parsed[key];
      if (typeof value == "string") messages[key] = decodeEntities(value);
    }
  } catch {
    // A broken strings block shows keys rather than nothing.
  }
  return messages;
}

export const translator =
  (messages: Messages): Translate =>
  (key, vars) =>
    interpolate(messages[key] ?? key, vars);
