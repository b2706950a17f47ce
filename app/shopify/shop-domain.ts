// A shop's permanent domain, as Shopify sends it in webhooks, app proxy requests and session tokens.
const MYSHOPIFY = /^[a-z0-9][a-z0-9-]{0,62}\.myshopify\.com$/;

export function isShopDomain(value: string, customDomain?: string): boolean {
  if (MYSHOPIFY.test(value)) return true;
  if (!customDomain) return false;
  const suffix = `.${customDomain.replace(/^\*?\./, "")}`;
  return value.endsWith(suffix) && /^[a-z0-9][a-z0-9-]*$/.test(value.slice(0, -suffix.length));
}
