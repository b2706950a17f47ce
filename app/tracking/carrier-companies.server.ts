import type { CarrierClass } from "./estimate";
import { detectCarriers } from "./carriers";

// Which of our carriers (app/tracking/carriers.ts codes) a shipment went with: the tracking company the merchant
// chose in Shopify when we know the name, otherwise the carrier the number's shape and check digit point to.

interface Company {
  code: string;
  name: string;
  /** Spellings merchants and Shopify use, compared lowercased without spaces or punctuation. */
  aliases: string[];
}

const COMPANIES: Company[] = [
  { code: "ups", name: "UPS", aliases: ["ups", "unitedparcelservice"] },
  { code: "fedex", name: "FedEx", aliases: ["fedex", "federalexpress", "fedexground", "fedexexpress"] },
  { code: "usps", name: "USPS", aliases: ["usps", "unitedstatespostalservice"] },
  // "DHL" alone is, in Shopify's list, DHL Express.
  { code: "dhl_express", name: "DHL Express", aliases: ["dhlexpress", "dhl"] },
  { code: "dhl_ecommerce", name: "DHL eCommerce", aliases: ["dhlecommerce", "dhlecommerceasia", "dhlglobalmail"] },
  { code: "amazon_logistics", name: "Amazon Logistics", aliases: ["amazonlogistics", "amazonlogisticsus", "amazonlogisticsuk", "amazonshipping"] },
  { code: "ontrac", name: "OnTrac", aliases: ["ontrac"] },
  { code: "lasership", name: "LaserShip", aliases: ["lasership"] },
  { code: "purolator", name: "Purolator", aliases: ["purolator"] },
  { code: "dpd", name: "DPD", aliases: ["dpd", "dpduk", "dpdde", "dpdlocal", "dpdfrance"] },
  { code: "sf_express", name: "SF Express", aliases: ["sfexpress", "sf", "shunfeng"] },
  { code: "yunexpress", name: "YunExpress", aliases: ["yunexpress"] },
  { code: "4px", name: "4PX", aliases: ["4px"] },
  { code: "cainiao", name: "Cainiao", aliases: ["cainiao"] },
  { code: "cdek", name: "CDEK", aliases: ["cdek"] },
  { code: "canada_post", name: "Canada Post", aliases: ["canadapost", "postescanada"] },
  { code: "royal_mail", name: "Royal Mail", aliases: ["royalmail"] },
  { code: "australia_post", name: "Australia Post", aliases: ["australiapost", "auspost"] },
  { code: "la_poste", name: "La Poste", aliases: ["laposte", "colissimo", "lapostecolissimo"] },
  { code: "deutsche_post", name: "Deutsche Post", aliases: ["deutschepost", "deutschepostdhl"] },
  { code: "japan_post", name: "Japan Post", aliases: ["japanpost"] },
  { code: "russian_post", name: "Russian Post", aliases: ["russianpost", "pochtarossii"] },
  { code: "poste_italiane", name: "Poste Italiane", aliases: ["posteitaliane"] },
  { code: "posten_norge", name: "Posten Norge", aliases: ["postennorge", "bring"] },
  { code: "postnord", name: "PostNord", aliases: ["postnord", "postnordsweden", "postnorddenmark"] },
  { code: "austrian_post", name: "Austrian Post", aliases: ["austrianpost", "osterreichischepost"] },
  { code: "poczta_polska", name: "Poczta Polska", aliases: ["pocztapolska"] },
  { code: "new_zealand_post", name: "New Zealand Post", aliases: ["newzealandpost", "nzpost"] },
  { code: "an_post", name: "An Post", aliases: ["anpost"] },
  { code: "china_post", name: "China Post", aliases: ["chinapost", "chinaems"] },
  { code: "correos", name: "Correos", aliases: ["correos"] },
  { code: "postnl", name: "PostNL", aliases: ["postnl", "postnlinternational"] },
  { code: "bpost", name: "bpost", aliases: ["bpost", "bpostinternational"] },
  { code: "swiss_post", name: "Swiss Post", aliases: ["swisspost", "postch"] },
  { code: "posti", name: "Posti", aliases: ["posti"] },
  { code: "india_post", name: "India Post", aliases: ["indiapost"] },
  { code: "correios", name: "Correios", aliases: ["correios"] },
];

const aliasKey = (company: string) => company.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/[^a-z0-9]/g, "");
const BY_ALIAS = new Map(COMPANIES.flatMap((c) => c.aliases.map((alias) => [alias, c] as const)));
const BY_CODE = new Map(COMPANIES.map((c) => [c.code, c]));

export interface CarrierRef {
  code: string;
  name: string;
}

/** The carrier of a shipment: the named company when we know it, else the most likely fit for the number. */
export function carrierOf(company: string | null | undefined, trackingNumber: string | null | undefined): CarrierRef | null {
  const named = company ? BY_ALIAS.get(aliasKey(company)) : undefined;
  if (named) return { code: named.code, name: named.name };
  const candidate = trackingNumber ? detectCarriers(trackingNumber)[0] : undefined;
  if (candidate) return { code: candidate.carrier, name: candidate.name };
  return null;
}

/** A carrier code's display name (the shipment's own company name when the code is not one we name). */
export function carrierName(code: string, trackingNumber: string | null, company: string | null): string {
  const known = BY_CODE.get(code);
  if (known) return known.name;
  const detected = trackingNumber ? detectCarriers(trackingNumber).find((c) => c.carrier === code) : undefined;
  return detected?.name ?? company ?? code;
}

const EXPRESS = new Set(["ups", "fedex", "dhl_express", "sf_express", "purolator"]);
const STANDARD = new Set(["dpd", "ontrac", "lasership", "amazon_logistics", "dhl_ecommerce", "yunexpress", "4px", "cainiao", "cdek"]);

/** How long a carrier may stay silent before a parcel counts as stalled (see STALL_DAYS). Posts are slowest. */
export function carrierClassOf(code: string | null | undefined): CarrierClass {
  if (!code) return "standard";
  if (EXPRESS.has(code)) return "express";
  if (STANDARD.has(code)) return "standard";
  return "postal";
}
