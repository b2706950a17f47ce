// Which variant the shopper is looking at. Themes keep it in the product form's `id` field (and fire
// `change` on it) and usually mirror it in ?variant= with history.replaceState, which fires no event.

export const PRODUCT_FORM = 'form[action*="/cart/add"]';

export function variantFromSearch(search: string): string | null {
  return /[?&]variant=(\d+)/.exec(search)?.[1] ?? null;
}

/** The product form's variant when there is one (it is what "Add to cart" sends), else the URL's. */
export function currentVariant(scope: Pick<ParentNode, "querySelector">, search: string): string | null {
  const input = scope.querySelector<HTMLInputElement | HTMLSelectElement>(`${PRODUCT_FORM} [name="id"]`);
  return input && /^\d+$/.test(input.value) ? input.value : variantFromSearch(search);
}

/** The theme section holding the block and its product form; the whole page when the form lives elsewhere. */
export function productScope(block: Element): ParentNode {
  const section = block.closest(".shopify-section");
  return section?.querySelector(PRODUCT_FORM) ? section : block.ownerDocument;
}
