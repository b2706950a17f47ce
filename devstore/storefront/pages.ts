import type { Customer, Product, ShopState, Variant } from "../state/model";
import type { DevStore } from "../state/store";
import type { AppBlock } from "./extensions";
import { commonScope, productDrop, renderBlock, STOREFRONT_LOCALES, type RenderContext } from "./theme";

// The dev storefront's pages: a product list, product pages and content pages (/pages/<handle>) with the app
// blocks enabled on them, and a customer login.

export const escapeHtml = (value: unknown) =>
  String(value ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

export function layout(title: string, body: string, ctx: { shop: ShopState; locale: string; customer: Customer | null }) {
  const prefix = ctx.locale === "en" ? "" : `/${ctx.locale}`;
  return `<!doctype html>
<html lang="${escapeHtml(ctx.locale)}">
<head>
<meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(title)} - ${escapeHtml(ctx.shop.name)}</title>
<style>
  :root { --text: #1c1c1c; --muted: #5c5c5c; --accent: #1d4ed8; --border: #d6d6d6; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--text); }
  body { margin: 0; background: #fff; }
  header.site { display: flex; gap: 1rem; align-items: center; justify-content: space-between; padding: 1rem 2rem; border-bottom: 1px solid var(--border); }
  header.site a { color: var(--text); text-decoration: none; }
  main { max-width: 72rem; margin: 0 auto; padding: 2rem; }
  .grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(14rem, 1fr)); gap: 1.25rem; list-style: none; padding: 0; }
  .card { border: 1px solid var(--border); border-radius: .5rem; padding: 1rem; }
  .product { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 2.5rem; }
  .media { aspect-ratio: 1; background: linear-gradient(135deg, #eef2f7, #dde3ec); border-radius: .75rem; display: grid; place-items: center; color: var(--muted); font-size: 1.25rem; }
  .price { font-size: 1.25rem; margin: .5rem 0 1rem; }
  label, select, button, input { font: inherit; }
  select, input { padding: .55rem .7rem; border: 1px solid #8a8a8a; border-radius: .4rem; }
  button.primary { background: var(--text); color: #fff; border: 0; border-radius: .4rem; padding: .7rem 1.2rem; cursor: pointer; }
  :focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
  @media (max-width: 48rem) { .product { grid-template-columns: 1fr; } }
</style>
</head>
<body>
<header class="site">
  <a href="${prefix || "/"}"><strong>${escapeHtml(ctx.shop.name)}</strong></a>
  <nav aria-label="Account">
    ${ctx.customer ? `${escapeHtml(ctx.customer.firstName)} · <a href="/account/logout">Log out</a>` : `<a href="/account/login">Log in</a>`}
    · <label>Language <select onchange="location.href=this.value" aria-label="Language">${STOREFRONT_LOCALES.map(
      (l) => `<option value="${l === "en" ? "/" : `/${l}`}"${l === ctx.locale ? " selected" : ""}>${l}</option>`,
    ).join("")}</select></label>
  </nav>
</header>
<main>${body}</main>
</body>
</html>`;
}

export function homePage(store: DevStore, ctx: RenderContext) {
  const prefix = ctx.locale === "en" ? "" : `/${ctx.locale}`;
  const products = [...ctx.shop.products.values()].filter((p) => p.status === "ACTIVE");
  const items = products
    .map((p) => {
      const first = store.productVariants(ctx.shop.domain, p.id)[0];
      return `<li class="card"><a href="${prefix}/products/${escapeHtml(p.handle)}">${escapeHtml(p.title)}</a><div>${escapeHtml(first?.price ?? "")} ${escapeHtml(ctx.shop.currencyCode)}</div></li>`;
    })
    .join("");
  return layout("Catalog", `<h1>${escapeHtml(ctx.shop.name)}</h1><ul class="grid">${items}</ul>`, ctx);
}

/** As Shopify offers them: section app blocks, on the templates their schema's enabled_on allows (all without one). */
function enabledOn(block: AppBlock, template: string): boolean {
  const templates = block.schema.enabled_on?.templates;
  return (!block.schema.target || block.schema.target === "section") && (!templates || templates.includes("*") || templates.includes(template));
}

async function renderAppBlocks(ctx: RenderContext, scope: Record<string, unknown>, template: string): Promise<string[]> {
  const blocks: string[] = [];
  let index = 0;
  for (const extension of ctx.extensions) {
    for (const block of extension.blocks.filter((b) => enabledOn(b, template))) {
      index += 1;
      blocks.push(await renderBlock(block, ctx, scope, `AbC${index}omnistock`));
    }
  }
  return blocks;
}

export async function productPage(store: DevStore, ctx: RenderContext, product: Product, selected: Variant | undefined) {
  const drop = productDrop(store, ctx.shop, product, selected);
  const scope = { ...commonScope(ctx), product: drop };
  const variants = store.productVariants(ctx.shop.domain, product.id);
  const current = drop.selected_or_first_available_variant;
  const blocks = await renderAppBlocks(ctx, scope, "product");
  const options = variants
    .map((v) => `<option value="${v.id}"${String(v.id) === String(current?.id) ? " selected" : ""}>${escapeHtml(v.title)} - ${escapeHtml(v.price)} ${escapeHtml(ctx.shop.currencyCode)}</option>`)
    .join("");
  const body = `
<div class="product">
  <div class="media" role="img" aria-label="${escapeHtml(product.title)}">${escapeHtml(product.productType)}</div>
  <div>
    <p>${escapeHtml(product.vendor)}</p>
    <h1>${escapeHtml(product.title)}</h1>
    <div class="price">${escapeHtml(variants.find((v) => String(v.id) === String(current?.id))?.price ?? "")} ${escapeHtml(ctx.shop.currencyCode)}</div>
    <form method="post" action="/cart/add" class="product-form">
      <label for="variant-select">Variant</label>
      <select id="variant-select" name="id">${options}</select>
      <button class="primary" type="submit">Add to cart</button>
    </form>
    <section class="app-blocks">${blocks.join("\n")}</section>
    <div class="description">${product.descriptionHtml}</div>
  </div>
</div>
<script>
  // As Dawn does: changing the variant updates ?variant= without a reload.
  document.getElementById("variant-select").addEventListener("change", (event) => {
    const url = new URL(location.href);
    url.searchParams.set("variant", event.target.value);
    history.replaceState({}, "", url);
  });
</script>`;
  return layout(product.title, body, ctx);
}

/** A content page (page.liquid), e.g. /pages/track-order, with the app blocks enabled on pages. */
export async function contentPage(ctx: RenderContext, handle: string) {
  const title = handle.replace(/-/g, " ").replace(/^\w/, (c) => c.toUpperCase());
  const common = commonScope(ctx);
  const scope = { ...common, request: { ...common.request, page_type: "page" }, page: { handle, title, url: `/pages/${handle}` } };
  const blocks = await renderAppBlocks(ctx, scope, "page");
  return layout(title, `<h1>${escapeHtml(title)}</h1>\n<section class="app-blocks">${blocks.join("\n")}</section>`, ctx);
}

export function loginPage(ctx: { shop: ShopState; locale: string; customer: Customer | null }, error?: string) {
  const demoAccounts = [...ctx.shop.customers.values()]
    .slice(0, 5)
    .map((c) => `<li><code>${escapeHtml(c.email)}</code> / <code>${escapeHtml(c.password)}</code> (${escapeHtml(c.locale)})</li>`)
    .join("");
  return layout(
    "Log in",
    `<h1>Log in</h1>
${error ? `<p role="alert">${escapeHtml(error)}</p>` : ""}
<form method="post" action="/account/login" class="card" style="max-width:24rem;display:grid;gap:.75rem">
  <label>Email <input type="email" name="email" required autocomplete="username"></label>
  <label>Password <input type="password" name="password" required autocomplete="current-password"></label>
  <button class="primary" type="submit">Log in</button>
</form>
<p>Demo shoppers:</p><ul>${demoAccounts}</ul>`,
    ctx,
  );
}
