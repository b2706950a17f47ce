import { createHmac } from "node:crypto";
import { Drop, Liquid, Tag, type Context, type Emitter, type TagToken, type TopLevelToken } from "liquidjs";
import type { Customer, Product, ShopState, Variant } from "../state/model";
import type { DevStore } from "../state/store";
import type { AppBlock, BlockSetting, ThemeExtension } from "./extensions";

// A small storefront theme that renders product pages with the merchant's app blocks, through liquidjs with
// the Shopify objects and filters app blocks use: product, variant, shop, routes, request, customer, block,
// app.metafields, and the `t`, `asset_url`, `json`, `money` and `hmac_sha256` filters (plus liquidjs's own,
// such as `url_encode` and `escape`).

export const STOREFRONT_LOCALES = ["en", "fr", "de", "es", "ja", "zh-CN", "ru"] as const;

/** {% schema %}, {% javascript %} and {% stylesheet %} hold data for Shopify; they render nothing. */
function silentBlockTag(name: string) {
  return class extends Tag {
    constructor(token: TagToken, remainTokens: TopLevelToken[], liquid: Liquid) {
      super(token, remainTokens, liquid);
      while (remainTokens.length) {
        const next = remainTokens.shift()!;
        if ((next as TagToken).name === `end${name}`) return;
      }
      throw new Error(`{% ${name} %} is not closed`);
    }
    *render(_ctx: Context, _emitter: Emitter): Generator<unknown, void, unknown> {}
  };
}

/** A metafield as Liquid sees it: `{{ app.metafields.ns.key }}` and `{{ app.metafields.ns.key.value }}` both give the value. */
class MetafieldDrop extends Drop {
  constructor(readonly value: string) {
    super();
  }
  override valueOf(): string {
    return this.value;
  }
}

function appMetafieldsDrop(grouped: Record<string, Record<string, string>>) {
  return Object.fromEntries(
    Object.entries(grouped).map(([namespace, keys]) => [
      namespace,
      Object.fromEntries(Object.entries(keys).map(([key, value]) => [key, new MetafieldDrop(value)])),
    ]),
  );
}

const liquidValue = (value: unknown) => (value instanceof Drop ? value.valueOf() : value);

export interface RenderContext {
  store: DevStore;
  shop: ShopState;
  locale: string;
  customer: Customer | null;
  extensions: ThemeExtension[];
}

function translate(extension: ThemeExtension, locale: string, key: string, vars: Record<string, unknown>): string {
  const table = extension.locales.get(locale) ?? extension.locales.get(locale.split("-")[0]!) ?? extension.locales.get(extension.defaultLocale);
  const fallback = extension.locales.get(extension.defaultLocale);
  const text = table?.get(key) ?? fallback?.get(key);
  if (text === undefined) return `translation missing: ${locale}.${key}`;
  return text.replace(/{{\s*(\w+)\s*}}/g, (_, name: string) => String(vars[name] ?? ""));
}

function money(value: unknown, currency: string): string {
  return `${Number(value).toFixed(2)} ${currency}`;
}

export function variantDrop(store: DevStore, shop: ShopState, variant: Variant) {
  const available = [...shop.inventoryLevels.values()]
    .filter((level) => level.inventoryItemId === variant.inventoryItemId)
    .reduce((sum, level) => sum + level.quantities.available, 0);
  return {
    id: Number(variant.id),
    title: variant.title,
    sku: variant.sku,
    barcode: variant.barcode,
    price: Math.round(Number(variant.price) * 100),
    available: variant.inventoryPolicy === "CONTINUE" || available > 0,
    inventory_policy: variant.inventoryPolicy.toLowerCase(),
    options: variant.selectedOptions,
  };
}

export function productDrop(store: DevStore, shop: ShopState, product: Product, selected: Variant | undefined) {
  const variants = store.productVariants(shop.domain, product.id).map((v) => variantDrop(store, shop, v));
  const chosen = selected ? variantDrop(store, shop, selected) : (variants.find((v) => v.available) ?? variants[0]);
  return {
    id: Number(product.id),
    title: product.title,
    handle: product.handle,
    url: `/products/${product.handle}`,
    vendor: product.vendor,
    type: product.productType,
    description: product.descriptionHtml,
    options: product.options,
    variants,
    selected_variant: selected ? chosen : null,
    selected_or_first_available_variant: chosen,
    available: variants.some((v) => v.available),
    featured_image: product.imageUrl,
  };
}

export async function renderBlock(block: AppBlock, ctx: RenderContext, scope: Record<string, unknown>, instanceId: string) {
  const extension = ctx.extensions.find((e) => e.name === block.extension)!;
  // Schema defaults, as a freshly added block has them; a product setting with autofill gets the page's product.
  const settings = Object.fromEntries(
    (block.schema.settings ?? []).map((s: BlockSetting & { autofill?: boolean }) => [
      s.id,
      s.type === "product" && s.autofill ? (scope.product ?? null) : (s.default ?? null),
    ]),
  );
  const local = new Liquid({ strictFilters: true, jsTruthy: false });
  for (const name of ["schema", "javascript", "stylesheet"]) local.registerTag(name, silentBlockTag(name));
  local.registerFilter("t", (key: string, ...args: unknown[]) => {
    const vars = Object.fromEntries(args.filter((a): a is [string, unknown] => Array.isArray(a)));
    return translate(extension, ctx.locale, key, vars);
  });
  local.registerFilter("asset_url", (file: string) => `/extensions/${extension.name}/assets/${file}`);
  local.registerFilter("json", (value: unknown) => JSON.stringify(value ?? null));
  local.registerFilter("money", (cents: unknown) => money(Number(cents) / 100, ctx.shop.currencyCode));
  local.registerFilter("stylesheet_tag", (url: string) => `<link rel="stylesheet" href="${url}">`);
  local.registerFilter("script_tag", (url: string) => `<script src="${url}" defer></script>`);
  local.registerFilter("hmac_sha256", (input: unknown, key: unknown) =>
    createHmac("sha256", String(liquidValue(key) ?? "")).update(String(liquidValue(input) ?? "")).digest("hex"),
  );
  const html = await local.parseAndRender(block.source, {
    ...scope,
    block: { id: instanceId, type: `shopify://apps/omnistock/blocks/${block.name}`, settings, shopify_attributes: `data-block-id="${instanceId}"` },
    app: { metafields: appMetafieldsDrop(ctx.store.appMetafields(ctx.shop.domain)) },
  });
  const assets = [
    block.schema.stylesheet ? `<link rel="stylesheet" href="/extensions/${extension.name}/assets/${block.schema.stylesheet}">` : "",
    block.schema.javascript ? `<script src="/extensions/${extension.name}/assets/${block.schema.javascript}" defer></script>` : "",
  ].join("");
  return `${assets}<div class="shopify-block shopify-app-block" id="shopify-block-${instanceId}">${html}</div>`;
}

export function commonScope(ctx: RenderContext) {
  return {
    shop: { name: ctx.shop.name, permanent_domain: ctx.shop.domain, currency: ctx.shop.currencyCode, locale: ctx.locale },
    routes: { root_url: ctx.locale === "en" ? "/" : `/${ctx.locale}`, account_login_url: "/account/login", cart_url: "/cart" },
    request: { locale: { iso_code: ctx.locale }, design_mode: false, page_type: "product" },
    localization: { language: { iso_code: ctx.locale } },
    customer: ctx.customer
      ? { id: Number(ctx.customer.id), first_name: ctx.customer.firstName, email: ctx.customer.email }
      : null,
  };
}
