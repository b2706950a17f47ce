// Which carrier issued a tracking number, from its shape and check digit alone. Pure code, no I/O: no carrier
// API is asked, so it runs the same on import, in the admin and in the storefront widget.
//
// A number often fits several carriers (ten digits: a DHL Express waybill or a CDEK order; twelve: FedEx Express
// or Purolator), so every fit is returned, most likely first:
//   1. formats whose check digit holds,
//   2. formats that have no check digit,
//   3. formats whose check digit fails.
// A number that has the shape of a format but fails its check digit is still returned (with checksumValid:
// false, in the last rank): "1Z..." with one mistyped digit is still UPS, and the merchant should see that rather
// than nothing. It is never reported as valid. Within a rank, formats that chance rarely produces (letters, fixed
// prefixes) come before bare runs of digits.
//
// Formats and check digits, checked against the published examples in the tests:
// - jkeen/tracking_number_data (couriers/*.json and CHECKSUM_ALGORITHMS.md): UPS, FedEx, USPS, DHL, OnTrac,
//   LaserShip, Canada Post, Purolator, DPD, Amazon, YunExpress.
// - UPU S10 (weights 8 6 4 2 3 5 9 7), USPS Publication 199 (IMpb mod 10, 3-1 from the right), DPD's parcel
//   label specification (ISO 7064 MOD 37,36; paketda.de's 01015026003653 C agrees).

export type CarrierCandidate = { carrier: string; name: string; checksumValid: boolean; trackingUrl: string };

// ---------------------------------------------------------------------------------------------------------------
// Carriers
// ---------------------------------------------------------------------------------------------------------------

interface Carrier {
  name: string;
  /** Public tracking page, `{n}` standing for the URL-encoded number. Absent: the universal tracker. */
  url?: string;
  /** ISO countries whose UPU S10 numbers (RR123456785FR) this post issues. */
  s10?: readonly string[];
}

/**
 * For carriers without a tracking page we can link to by number (and posts of countries not listed below). Chosen
 * because it takes the bare number in the URL, needs no carrier hint, and follows every UPU S10 number.
 */
const UNIVERSAL_TRACKER = "https://parcelsapp.com/en/tracking/{n}";

const CARRIERS: Readonly<Record<string, Carrier>> = {
  ups: { name: "UPS", url: "https://www.ups.com/track?tracknum={n}" },
  fedex: { name: "FedEx", url: "https://www.fedex.com/fedextrack/?trknbr={n}" },
  usps: { name: "USPS", url: "https://tools.usps.com/go/TrackConfirmAction?tLabels={n}", s10: ["US"] },
  dhl_express: { name: "DHL Express", url: "https://www.dhl.com/global-en/home/tracking/tracking-express.html?submit=1&tracking-id={n}" },
  dhl_ecommerce: { name: "DHL eCommerce", url: "https://www.dhl.com/us-en/home/tracking/tracking-ecommerce.html?submit=1&tracking-id={n}" },
  amazon_logistics: { name: "Amazon Logistics", url: "https://track.amazon.com/tracking/{n}" },
  ontrac: { name: "OnTrac", url: "https://www.ontrac.com/tracking/?number={n}" },
  // LaserShip merged into OnTrac (2024): its numbers are followed on OnTrac's page.
  lasership: { name: "LaserShip", url: "https://www.ontrac.com/tracking/?number={n}" },
  purolator: { name: "Purolator", url: "https://www.purolator.com/en/shipping/tracker?searchValue={n}" },
  dpd: { name: "DPD", url: "https://tracking.dpd.de/status/en_US/parcel/{n}" },
  sf_express: { name: "SF Express", url: "https://www.sf-express.com/we/ow/chn/en/waybill/waybill-detail/{n}" },
  yunexpress: { name: "YunExpress", url: "https://www.yuntrack.com/parcelTracking?id={n}" },
  "4px": { name: "4PX", url: "https://track.4px.com/#/result/0/{n}" },
  cainiao: { name: "Cainiao", url: "https://global.cainiao.com/newDetail.htm?mailNoList={n}" },
  cdek: { name: "CDEK", url: "https://www.cdek.ru/en/tracking?order_id={n}" },

  // Posts. Those with their own detectors (Canada Post, Royal Mail, Australia Post, USPS) also issue S10 numbers.
  canada_post: { name: "Canada Post", url: "https://www.canadapost-postescanada.ca/track-reperage/en#/search?searchFor={n}", s10: ["CA"] },
  royal_mail: { name: "Royal Mail", url: "https://www.royalmail.com/track-your-item#/tracking-results/{n}", s10: ["GB"] },
  australia_post: { name: "Australia Post", url: "https://auspost.com.au/mypost/track/details/{n}", s10: ["AU"] },
  la_poste: { name: "La Poste", url: "https://www.laposte.fr/outils/suivre-vos-envois?code={n}", s10: ["FR"] },
  deutsche_post: { name: "Deutsche Post", url: "https://www.deutschepost.de/de/s/sendungsverfolgung.html?piececode={n}", s10: ["DE"] },
  japan_post: { name: "Japan Post", url: "https://trackings.post.japanpost.jp/services/srv/search/direct?reqCodeNo1={n}&locale=en", s10: ["JP"] },
  russian_post: { name: "Russian Post", url: "https://www.pochta.ru/tracking?barcode={n}", s10: ["RU"] },
  poste_italiane: { name: "Poste Italiane", url: "https://www.poste.it/cerca/index.html#/risultati-spedizioni/{n}", s10: ["IT"] },
  posten_norge: { name: "Posten Norge", url: "https://sporing.posten.no/sporing/{n}", s10: ["NO"] },
  postnord: { name: "PostNord", url: "https://www.postnord.se/en/our-tools/track-and-trace?shipmentId={n}", s10: ["SE", "DK"] },
  austrian_post: { name: "Austrian Post", url: "https://www.post.at/s/sendungsdetails?snr={n}", s10: ["AT"] },
  poczta_polska: { name: "Poczta Polska", url: "https://emonitoring.poczta-polska.pl/?numer={n}", s10: ["PL"] },
  new_zealand_post: { name: "New Zealand Post", url: "https://www.nzpost.co.nz/tools/tracking/item/{n}", s10: ["NZ"] },
  an_post: { name: "An Post", url: "https://www.anpost.com/Post-Parcels/Track/History?item={n}", s10: ["IE"] },
  china_post: { name: "China Post", s10: ["CN"] },
  correos: { name: "Correos", s10: ["ES"] },
  postnl: { name: "PostNL", s10: ["NL"] },
  bpost: { name: "bpost", s10: ["BE"] },
  swiss_post: { name: "Swiss Post", s10: ["CH"] },
  posti: { name: "Posti", s10: ["FI"] },
  india_post: { name: "India Post", s10: ["IN"] },
  correios: { name: "Correios", s10: ["BR"] },
  korea_post: { name: "Korea Post", s10: ["KR"] },
  hongkong_post: { name: "Hongkong Post", s10: ["HK"] },
  singapore_post: { name: "Singapore Post", s10: ["SG"] },
  ceska_posta: { name: "Česká pošta", s10: ["CZ"] },
  ukrposhta: { name: "Ukrposhta", s10: ["UA"] },
  correos_mexico: { name: "Correos de México", s10: ["MX"] },
  thailand_post: { name: "Thailand Post", s10: ["TH"] },
  pos_malaysia: { name: "Pos Malaysia", s10: ["MY"] },
  chunghwa_post: { name: "Chunghwa Post", s10: ["TW"] },
  ctt: { name: "CTT Correios de Portugal", s10: ["PT"] },
  elta: { name: "ELTA Hellenic Post", s10: ["GR"] },
  magyar_posta: { name: "Magyar Posta", s10: ["HU"] },
  posta_romana: { name: "Poșta Română", s10: ["RO"] },
  bulgarian_posts: { name: "Bulgarian Posts", s10: ["BG"] },
  hrvatska_posta: { name: "Hrvatska pošta", s10: ["HR"] },
  posta_slovenije: { name: "Pošta Slovenije", s10: ["SI"] },
  slovenska_posta: { name: "Slovenská pošta", s10: ["SK"] },
  post_luxembourg: { name: "POST Luxembourg", s10: ["LU"] },
  omniva: { name: "Omniva", s10: ["EE"] },
  latvijas_pasts: { name: "Latvijas Pasts", s10: ["LV"] },
  lietuvos_pastas: { name: "Lietuvos paštas", s10: ["LT"] },
  iceland_post: { name: "Iceland Post", s10: ["IS"] },
  cyprus_post: { name: "Cyprus Post", s10: ["CY"] },
  maltapost: { name: "MaltaPost", s10: ["MT"] },
  posta_srbije: { name: "Pošta Srbije", s10: ["RS"] },
  belpost: { name: "Belpost", s10: ["BY"] },
  kazpost: { name: "Kazpost", s10: ["KZ"] },
  ptt: { name: "PTT", s10: ["TR"] },
  israel_post: { name: "Israel Post", s10: ["IL"] },
  emirates_post: { name: "Emirates Post", s10: ["AE"] },
  saudi_post: { name: "Saudi Post", s10: ["SA"] },
  egypt_post: { name: "Egypt Post", s10: ["EG"] },
  barid_al_maghrib: { name: "Barid Al-Maghrib", s10: ["MA"] },
  south_african_post_office: { name: "South African Post Office", s10: ["ZA"] },
  pakistan_post: { name: "Pakistan Post", s10: ["PK"] },
  pos_indonesia: { name: "Pos Indonesia", s10: ["ID"] },
  phlpost: { name: "PHLPost", s10: ["PH"] },
  vietnam_post: { name: "Vietnam Post", s10: ["VN"] },
  correo_argentino: { name: "Correo Argentino", s10: ["AR"] },
  correos_chile: { name: "Correos de Chile", s10: ["CL"] },
};

/** ISO 3166-1 alpha-2: the last two letters of an S10 number. */
const ISO_COUNTRIES = new Set(
  `AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ
   CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR
   GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO
   JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR
   MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO
   RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV
   TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW`.split(/\s+/),
);

const POST_BY_COUNTRY = new Map<string, string>(
  Object.entries(CARRIERS).flatMap(([code, carrier]) => (carrier.s10 ?? []).map((country) => [country, code] as const)),
);

const REGION_NAMES = typeof Intl.DisplayNames === "function" ? new Intl.DisplayNames(["en"], { type: "region" }) : null;

/** The post of an ISO country: a known one, or `post_<iso>` for the others. */
const postOf = (country: string): string => POST_BY_COUNTRY.get(country) ?? `post_${country.toLowerCase()}`;

function carrierName(code: string): string {
  const known = CARRIERS[code];
  if (known) return known.name;
  const country = code.replace(/^post_/, "").toUpperCase();
  const region = REGION_NAMES?.of(country);
  return region && region !== country ? `${region} postal service` : `Postal service (${country})`;
}

function trackingUrl(code: string, trackingNumber: string): string {
  return (CARRIERS[code]?.url ?? UNIVERSAL_TRACKER).replace("{n}", encodeURIComponent(trackingNumber));
}

// ---------------------------------------------------------------------------------------------------------------
// Check digits
// ---------------------------------------------------------------------------------------------------------------

/** How a number fared against one format's check digit. Ordered: the rank of a candidate. */
const CHECK_RANK = { valid: 0, none: 1, invalid: 2 } as const;
type Check = keyof typeof CHECK_RANK;

const verdict = (expected: number | string, actual: string | undefined): Check =>
  String(expected) === actual ? "valid" : "invalid";

const digitsOf = (text: string): number[] => [...text].map(Number);

/** The digit that brings the weighted sum to a multiple of 10; `weights` repeat from the given end. */
function mod10CheckDigit(values: number[], weights: readonly number[], from: "left" | "right"): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    const value = from === "left" ? values[i]! : values[values.length - 1 - i]!;
    sum += value * weights[i % weights.length]!;
  }
  return (10 - (sum % 10)) % 10;
}

/** GS1 mod 10 (USPS IMpb, FedEx Ground, SSCC, Canada Post): the rightmost data digit x3, then x1, x3 ... */
const gs1CheckDigit = (digits: string): number => mod10CheckDigit(digitsOf(digits), [3, 1], "right");

/** UPS (and OnTrac) read a letter as a digit: A=2, B=3 ... I=0, J=1 ..., i.e. (ASCII - 63) mod 10. */
const upsValue = (c: string): number => (c >= "0" && c <= "9" ? Number(c) : (c.charCodeAt(0) - 63) % 10);

/** UPS 1Z and OnTrac: every second character from the left counts double. */
const upsCheckDigit = (body: string): number => mod10CheckDigit([...body].map(upsValue), [1, 2], "left");

/** FedEx Express: weights 3, 1, 7 from the left over the 11 data digits, then sum mod 11 mod 10. */
function fedexExpressCheckDigit(body11: string): number {
  const weights = [3, 1, 7];
  const sum = digitsOf(body11).reduce((total, d, i) => total + d * weights[i % 3]!, 0);
  return (sum % 11) % 10;
}

/** Luhn (Purolator): from the right, every second digit doubled (minus 9 above 9); the total ends in 0. */
function luhnValid(digits: string): boolean {
  let sum = 0;
  [...digits].reverse().forEach((c, i) => {
    const d = Number(c) * (i % 2 === 1 ? 2 : 1);
    sum += d > 9 ? d - 9 : d;
  });
  return sum % 10 === 0;
}

/** UPU S10: weights 8 6 4 2 3 5 9 7, then 11 - (sum mod 11), where 10 gives 0 and 11 gives 5. */
function s10CheckDigit(serial8: string): number {
  const weights = [8, 6, 4, 2, 3, 5, 9, 7];
  const check = 11 - (digitsOf(serial8).reduce((total, d, i) => total + d * weights[i]!, 0) % 11);
  return check === 10 ? 0 : check === 11 ? 5 : check;
}

const ALPHANUMERIC = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

/** ISO 7064 MOD 37,36 (DPD's check character): a digit or a letter. */
function iso7064Mod3736(data: string): string {
  let product = 36;
  for (const c of data) {
    const sum = (product + ALPHANUMERIC.indexOf(c)) % 36 || 36;
    product = (sum * 2) % 37;
  }
  return ALPHANUMERIC[(37 - product) % 36]!;
}

// ---------------------------------------------------------------------------------------------------------------
// Detectors: one per carrier, each returning the formats of that carrier the number fits
// ---------------------------------------------------------------------------------------------------------------

interface Fit {
  carrier: string;
  check: Check;
  /**
   * How rarely a number has this shape by chance (0-100). Only orders candidates within the same check rank:
   * letters and fixed prefixes score high, bare digit runs low.
   */
  specificity: number;
  /** The tracking number inside a longer barcode, when the carrier's page wants that rather than the whole scan. */
  trackingNumber?: string;
}

type Detector = (n: string) => Fit[];

const fit = (carrier: string, check: Check, specificity: number, trackingNumber?: string): Fit =>
  trackingNumber === undefined ? { carrier, check, specificity } : { carrier, check, specificity, trackingNumber };

/**
 * The USPS IMpb in a number: bare (9[1-5] + 20 or 24 digits), or after the 420 + ZIP (5 or 9 digits) routing
 * prefix that labels print in front of it. When both ZIP lengths leave an IMpb, the one whose check holds wins.
 */
function impbOf(n: string): { impb: string; check: Check } | null {
  const isImpb = (s: string) => /^9[1-5](?:\d{20}|\d{24})$/.test(s);
  const options = isImpb(n) ? [n] : /^420\d+$/.test(n) ? [n.slice(8), n.slice(12)].filter(isImpb) : [];
  const checked = options.map((impb) => ({ impb, check: verdict(gs1CheckDigit(impb.slice(0, -1)), impb.at(-1)) }));
  return checked.find((c) => c.check === "valid") ?? checked[0] ?? null;
}

/**
 * IMpb numbers with channel identifier 92 are also issued by consolidators who hand the parcel to USPS for the
 * last mile (FedEx Ground Economy/SmartPost, DHL eCommerce, UPS Mail Innovations): their page follows it too.
 */
function consolidatorFit(carrier: string, n: string): Fit[] {
  const found = impbOf(n);
  return found?.impb.startsWith("92") ? [fit(carrier, found.check, 20, found.impb)] : [];
}

function ups(n: string): Fit[] {
  // 1Z + shipper account (6) + service (2) + package (7) + check digit.
  const oneZ = /^1Z([0-9A-Z]{15})(\d)$/.exec(n);
  if (oneZ) return [fit("ups", verdict(upsCheckDigit(oneZ[1]!), oneZ[2]), 100)];
  // UPS freight waybills: "T" + 10 digits, no published check digit.
  if (/^T\d{10}$/.test(n)) return [fit("ups", "none", 40)];
  return consolidatorFit("ups", n);
}

function fedex(n: string): Fit[] {
  const found: Fit[] = [];
  // Express: 11 digits + check digit.
  if (/^\d{12}$/.test(n)) found.push(fit("fedex", verdict(fedexExpressCheckDigit(n.slice(0, 11)), n[11]), 40));
  // Ground: 14 digits + GS1 check digit.
  if (/^\d{15}$/.test(n)) found.push(fit("fedex", verdict(gs1CheckDigit(n.slice(0, 14)), n[14]), 40));
  // Ground barcode: 96 + SCNC (2) + service (3) + shipper (7) + package (7) + check over shipper and package.
  if (/^96\d{20}$/.test(n)) found.push(fit("fedex", verdict(gs1CheckDigit(n.slice(7, 21)), n[21]), 70));
  // SSCC-18 behind application identifier 00.
  if (/^00\d{18}$/.test(n)) found.push(fit("fedex", verdict(gs1CheckDigit(n.slice(0, 19)), n[19]), 55));
  // SmartPost, printed without its 92 channel identifier (which still counts in the check digit).
  else if (/^\d{20}$/.test(n)) found.push(fit("fedex", verdict(gs1CheckDigit(`92${n.slice(0, 19)}`), n[19]), 45));
  // Express 34-digit barcode: the tracking number is its last 12 digits, with the Express check digit.
  if (/^100\d{31}$/.test(n)) {
    const trackingNumber = n.slice(22);
    found.push(fit("fedex", verdict(fedexExpressCheckDigit(trackingNumber.slice(0, 11)), trackingNumber[11]), 70, trackingNumber));
  }
  return [...found, ...consolidatorFit("fedex", n)];
}

function usps(n: string): Fit[] {
  const found = impbOf(n);
  if (found) return [fit("usps", found.check, found.impb === n ? 70 : 75, found.impb)];
  // Older 20-digit numbers: checked as they are, or as an IMpb missing its 91 channel identifier.
  if (/^\d{20}$/.test(n)) {
    const [body, check] = [n.slice(0, 19), Number(n[19])];
    return [fit("usps", gs1CheckDigit(body) === check || gs1CheckDigit(`91${body}`) === check ? "valid" : "invalid", 50)];
  }
  return [];
}

function dhlExpress(n: string): Fit[] {
  // Waybill: 9-digit serial + serial mod 7.
  if (/^\d{10}$/.test(n)) return [fit("dhl_express", verdict(Number(n.slice(0, 9)) % 7, n[9]), 40)];
  // Piece ids (JJD...) and Global Forwarding shipments (JVGL...): no published check digit.
  if (/^JJD\d{10,20}$/.test(n) || /^JVGL\d{6,12}$/.test(n)) return [fit("dhl_express", "none", 90)];
  return [];
}

function dhlEcommerce(n: string): Fit[] {
  if (/^GM\d{16,22}$/.test(n)) return [fit("dhl_ecommerce", "none", 85)];
  return consolidatorFit("dhl_ecommerce", n);
}

function amazonLogistics(n: string): Fit[] {
  // TBA (US), TBC (Canada), TBM (Mexico) + 12 digits.
  return /^TB[ACM]\d{12}$/.test(n) ? [fit("amazon_logistics", "none", 95)] : [];
}

function ontrac(n: string): Fit[] {
  // C or D + 13 digits + check digit; the letter counts as a digit (C=4, D=5), as in UPS numbers.
  const match = /^([CD]\d{13})(\d)$/.exec(n);
  return match ? [fit("ontrac", verdict(upsCheckDigit(match[1]!), match[2]), 80)] : [];
}

function lasership(n: string): Fit[] {
  // 1LS + 12 to 14 digits, or L + letter + 8 digits; no published check digit.
  if (/^1LS\d{12,14}$/.test(n)) return [fit("lasership", "none", 90)];
  if (/^L[A-Z]\d{8}$/.test(n)) return [fit("lasership", "none", 60)];
  return [];
}

function canadaPost(n: string): Fit[] {
  // Domestic: 15 digits + GS1 check digit (S10 "CA" numbers are read by s10()).
  return /^\d{16}$/.test(n) ? [fit("canada_post", verdict(gs1CheckDigit(n.slice(0, 15)), n[15]), 40)] : [];
}

function purolator(n: string): Fit[] {
  if (/^\d{12}$/.test(n)) return [fit("purolator", luhnValid(n) ? "valid" : "invalid", 35)];
  // 3 letters + 9 digits: no published check digit.
  if (/^[A-Z]{3}\d{9}$/.test(n)) return [fit("purolator", "none", 60)];
  return [];
}

function dpd(n: string): Fit[] {
  // Parcel number: 14 digits (depot 4 + serial 10), shown with or without its check character.
  if (/^\d{14}$/.test(n)) return [fit("dpd", "none", 30)];
  const withCheck = /^(\d{14})([0-9A-Z])$/.exec(n);
  if (withCheck) return [fit("dpd", verdict(iso7064Mod3736(withCheck[1]!), withCheck[2]), 55, withCheck[1])];
  // The whole barcode: ZIP (7) + parcel number (14) + service (3) + country (3) + check character over all 27.
  const barcode = /^(\d{7})(\d{14})(\d{6})([0-9A-Z])$/.exec(n);
  if (barcode) {
    const [, zip, parcel, rest, check] = barcode;
    return [fit("dpd", verdict(iso7064Mod3736(`${zip}${parcel}${rest}`), check), 65, parcel)];
  }
  return [];
}

function australiaPost(n: string): Fit[] {
  // MyPost Business / eParcel articles: 33 + merchant location id (3) + 18 digits; eParcel consignments: merchant
  // location id (3 letters) + 7 digits. Their check digits are not published (S10 "AU" numbers: see s10()).
  if (/^33[0-9A-Z]{3}\d{18}$/.test(n)) return [fit("australia_post", "none", 70)];
  if (/^[A-Z]{3}\d{7}$/.test(n)) return [fit("australia_post", "none", 25)];
  return [];
}

function sfExpress(n: string): Fit[] {
  return /^SF\d{12,13}$/.test(n) ? [fit("sf_express", "none", 85)] : [];
}

function yunExpress(n: string): Fit[] {
  return /^YT\d{16}$/.test(n) ? [fit("yunexpress", "none", 90)] : [];
}

function fourPx(n: string): Fit[] {
  // 4PX + digits, usually 13 and a CN suffix (4PX3001480641254CN).
  return /^4PX\d{10,16}(?:CN)?$/.test(n) ? [fit("4px", "none", 95)] : [];
}

function cainiao(n: string): Fit[] {
  // LP + 14 digits (LP00...), and CNUS + 2 letters + digits for its US network (CNUSUP00009319533).
  if (/^LP\d{14}$/.test(n)) return [fit("cainiao", "none", 85)];
  if (/^CNUS[A-Z]{2}\d{11,14}$/.test(n)) return [fit("cainiao", "none", 95)];
  return [];
}

function cdek(n: string): Fit[] {
  // Order numbers: 10 digits, no check digit.
  return /^\d{10}$/.test(n) ? [fit("cdek", "none", 30)] : [];
}

/** UPU S10, every post: service (2 letters) + serial (8) + check digit + ISO country of the issuing post. */
function s10(n: string): Fit[] {
  const match = /^[A-Z]{2}(\d{8})(\d)([A-Z]{2})$/.exec(n);
  if (!match || !ISO_COUNTRIES.has(match[3]!)) return [];
  return [fit(postOf(match[3]!), verdict(s10CheckDigit(match[1]!), match[2]), 90)];
}

/** In this order when everything else is equal. */
const DETECTORS: readonly Detector[] = [
  ups,
  usps,
  fedex,
  dhlExpress,
  dhlEcommerce,
  amazonLogistics,
  ontrac,
  lasership,
  canadaPost,
  purolator,
  dpd,
  australiaPost,
  sfExpress,
  yunExpress,
  fourPx,
  cainiao,
  cdek,
  s10,
];

// ---------------------------------------------------------------------------------------------------------------
// Detection
// ---------------------------------------------------------------------------------------------------------------

/** Spaces, dashes and dots are how people and labels group the characters; case carries no meaning. */
export function normalizeTrackingNumber(raw: string): string {
  return raw.replace(/[\s.\-\u2010-\u2015\u2212]/g, "").toUpperCase();
}

const compareFits = (a: Fit, b: Fit): number =>
  CHECK_RANK[a.check] - CHECK_RANK[b.check] || b.specificity - a.specificity;

/** The carriers that could have issued `trackingNumber`, most likely first; [] when none could. */
export function detectCarriers(trackingNumber: string): CarrierCandidate[] {
  if (typeof trackingNumber !== "string") return [];
  const n = normalizeTrackingNumber(trackingNumber);
  if (!/^[0-9A-Z]{8,40}$/.test(n)) return [];

  // A carrier may fit through several formats: keep its best.
  const best = new Map<string, Fit>();
  for (const detect of DETECTORS) {
    for (const found of detect(n)) {
      const kept = best.get(found.carrier);
      if (!kept || compareFits(found, kept) < 0) best.set(found.carrier, found);
    }
  }

  // Array.prototype.sort is stable: ties keep the detector order.
  return [...best.values()].sort(compareFits).map((found) => ({
    carrier: found.carrier,
    name: carrierName(found.carrier),
    checksumValid: found.check === "valid",
    trackingUrl: trackingUrl(found.carrier, found.trackingNumber ?? n),
  }));
}
