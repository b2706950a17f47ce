import type { LoginError } from "@shopify/shopify-app-remix/server";
import { LoginErrorType } from "@shopify/shopify-app-remix/server";

/** Turns the library's login errors into words a merchant can act on. */
export function loginErrorMessage(loginErrors: LoginError | undefined): { shop?: string } {
  if (loginErrors?.shop === LoginErrorType.MissingShop) return { shop: "Enter your shop domain to log in" };
  if (loginErrors?.shop === LoginErrorType.InvalidShop) {
    return { shop: "That is not a shop domain: use the form your-shop.myshopify.com" };
  }
  return {};
}
