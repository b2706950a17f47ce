import { describe, expect, it } from "vitest";
import { type CarrierCandidate, detectCarriers, normalizeTrackingNumber } from "../../app/tracking/carriers";
import { generateCatalog } from "../../devstore/seed/catalog";
import { generateOrderHistory, s10CheckDigit, upsCheckDigit, uspsCheckDigit } from "../../devstore/seed/history";
import { createRandom, type Random } from "../../devstore/seed/random";

// ---------------------------------------------------------------------------------------------------------------
// Check digits, written here from the published definitions and independently of the module, to build valid
// numbers at run time. Each one is pinned to a published example in the first describe block.
// ---------------------------------------------------------------------------------------------------------------

const sumOf = (values: number[]) => values.reduce((a, b) => a + b, 0);

/** GS1 mod 10: from the right, data digits weigh 3, 1, 3 ... (USPS IMpb, FedEx Ground, SSCC, Canada Post). */
function gs1Digit(body: string): string {
  const total = sumOf([...body].reverse().map((c, i) => Number(c) * (i % 2 === 0 ? 3 : 1)));
  return String((10 - (total % 10)) % 10);
}
const withGs1 = (body: string) => body + gs1Digit(body);

/** UPS letters: A=2 ... H=9, I=0 ... R=9, S=0 ... Z=7; positions 2, 4, 6 ... from the left count double. */
const UPS_LETTERS = "23456789012345678901234567";
function upsStyleDigit(body: string): string {
  const values = [...body].map((c) => (/\d/.test(c) ? Number(c) : Number(UPS_LETTERS[c.charCodeAt(0) - 65])));
  const total = sumOf(values.map((v, i) => (i % 2 === 1 ? 2 * v : v)));
  return String((10 - (total % 10)) % 10);
}
const upsNumber = (body15: string) => `1Z${body15}${upsStyleDigit(body15)}`;
const ontracNumber = (letter: "C" | "D", body13: string) => `${letter}${body13}${upsStyleDigit(letter + body13)}`;

/** FedEx Express: weights 3, 1, 7 from the left, sum mod 11, mod 10. */
function fedexExpressNumber(body11: string): string {
  const total = sumOf([...body11].map((c, i) => Number(c) * [3, 1, 7][i % 3]!));
  return body11 + String((total % 11) % 10);
}

/** Luhn: the digit that makes the whole number pass. */
function luhnNumber(body: string): string {
  const passes = (s: string) =>
    sumOf([...s].reverse().map((c, i) => (i % 2 === 1 ? [0, 2, 4, 6, 8, 1, 3, 5, 7, 9][Number(c)]! : Number(c)))) % 10 === 0;
  const digit = [..."0123456789"].find((d) => passes(body + d))!;
  return body + digit;
}

const dhlNumber = (body9: string) => body9 + String(Number(body9) % 7);

function s10Number(service: string, serial8: string, country: string): string {
  const total = sumOf([...serial8].map((c, i) => Number(c) * [8, 6, 4, 2, 3, 5, 9, 7][i]!));
  const remainder = total % 11;
  const check = remainder === 0 ? 5 : remainder === 1 ? 0 : 11 - remainder;
  return `${service}${serial8}${check}${country}`;
}

/** ISO 7064 MOD 37,36 as a verification: running the data and its check character through the system ends on 1. */
const ALNUM = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
function mod3736Passes(text: string): boolean {
  let p = 36;
  let s = 0;
  for (const c of text) {
    s = (p + ALNUM.indexOf(c)) % 36 || 36;
    p = (2 * s) % 37;
  }
  return s === 1;
}
const dpdCheckChar = (data: string) => [...ALNUM].find((c) => mod3736Passes(data + c))!;

const digits = (r: Random, n: number) => Array.from({ length: n }, () => String(r.int(0, 9))).join("");
const upper = (r: Random, n: number) => Array.from({ length: n }, () => String.fromCharCode(r.int(65, 90))).join("");
const alnum = (r: Random, n: number) => Array.from({ length: n }, () => r.pick([...ALNUM])).join("");

/** `number` with its last character (or the one at `at`) replaced by every other digit. */
function wrongDigits(number: string, at = number.length - 1): string[] {
  return [..."0123456789"].filter((d) => d !== number[at]).map((d) => number.slice(0, at) + d + number.slice(at + 1));
}

const carriersOf = (candidates: CarrierCandidate[]) => candidates.map((c) => c.carrier);
const find = (candidates: CarrierCandidate[], carrier: string) => candidates.find((c) => c.carrier === carrier);

/** Valid check digits first, then the rest (formats without one, then failures: not visible from the outside). */
function validFirst(candidates: CarrierCandidate[]): boolean {
  const firstUnchecked = candidates.findIndex((c) => !c.checksumValid);
  return firstUnchecked === -1 || candidates.slice(firstUnchecked).every((c) => !c.checksumValid);
}

// ---------------------------------------------------------------------------------------------------------------
// The helpers above, against published numbers
// ---------------------------------------------------------------------------------------------------------------

describe("test check digit helpers (published examples)", () => {
  it("rebuild the published check digit from the rest of the number", () => {
    // UPS developer documentation and jkeen/tracking_number_data (couriers/ups.json).
    for (const n of ["1Z999AA10123456784", "1Z5R89390357567127", "1Z879E930346834440", "1Z410E7W0392751591"]) {
      expect(upsNumber(n.slice(2, 17))).toBe(n);
    }
    // jkeen/tracking_number_data couriers/usps.json (IMpb) and couriers/canadapost.json, fedex.json (Ground).
    for (const n of ["9505511069605048600624", "9400111201080805483016", "0073938000549297", "041441760228964"]) {
      expect(withGs1(n.slice(0, -1))).toBe(n);
    }
    for (const n of ["986578788855", "477179081230", "799531274483"]) expect(fedexExpressNumber(n.slice(0, 11))).toBe(n);
    for (const n of ["320595463938", "331426749957"]) expect(luhnNumber(n.slice(0, 11))).toBe(n);
    for (const n of ["C11031500001879", "D10011354453707"]) expect(ontracNumber(n[0] as "C" | "D", n.slice(1, 14))).toBe(n);
    for (const n of ["3318810025", "8487135506"]) expect(dhlNumber(n.slice(0, 9))).toBe(n);
    expect(s10Number("RA", "12345678", "CN")).toBe("RA123456785CN");
    expect(s10Number("RB", "12345678", "GB")).toBe("RB123456785GB");
    // DPD: jkeen couriers/dpd.json (whole barcode), paketda.de (parcel number with its check letter).
    expect(dpdCheckChar("008182709980000020033350276")).toBe("C");
    expect(dpdCheckChar("008182709980000020045327276")).toBe("N");
    expect(dpdCheckChar("01015026003653")).toBe("C");
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Fixtures: numbers per carrier
// ---------------------------------------------------------------------------------------------------------------

const r = createRandom(20250615);

/** Valid numbers whose carrier must come first, with checksumValid: true. Published examples, then generated. */
const CHECKED: [carrier: string, number: string][] = [
  ["ups", "1Z999AA10123456784"],
  ["ups", "1Z5R89390357567127"],
  ["ups", "1Z8V92A70367203024"],
  ["ups", upsNumber(`${digits(r, 3)}${alnum(r, 3)}${digits(r, 9)}`)],
  ["fedex", "986578788855"], // Express
  ["fedex", "477179081230"],
  ["fedex", "041441760228964"], // Ground
  ["fedex", "568283610012000"],
  ["fedex", "9611020987654312345672"], // Ground 96 barcode
  ["fedex", `9611020${withGs1(digits(r, 14))}`],
  ["fedex", withGs1(`00${digits(r, 17)}`)], // SSCC behind AI 00
  ["fedex", "1001921334250001000300779017972697"], // Express 34-digit barcode
  ["fedex", "61299998820821171811"], // SmartPost without its 92
  ["usps", "9505511069605048600624"],
  ["usps", "9400111201080805483016"],
  ["usps", "9361289878700317633795"],
  ["usps", "92748931507708513018050063"], // 26-digit IMpb
  ["usps", "420221539101026837331000039521"], // 420 + ZIP5 + IMpb
  ["usps", "4201002334249200190132607600833457"], // 420 + ZIP9 + IMpb
  ["usps", withGs1(`9400111${digits(r, 14)}`)],
  ["usps", "03071790000523483741"], // 20 digits, checked as they are
  ["usps", "71969010756003077385"], // 20 digits, an IMpb without its 91
  ["usps", "EA123456785US"],
  ["dhl_express", "3318810025"],
  ["dhl_express", "8487135506"],
  ["dhl_express", "1099255990"],
  ["dhl_express", dhlNumber(`${r.int(1, 9)}${digits(r, 8)}`)],
  ["ontrac", "C11031500001879"],
  ["ontrac", "C10999911320231"],
  ["ontrac", "D10011354453707"],
  ["ontrac", "D10011345983010"],
  ["ontrac", ontracNumber("C", digits(r, 13))],
  ["canada_post", "0073938000549297"],
  ["canada_post", withGs1(`0073938${digits(r, 8)}`)],
  ["canada_post", "RR123456785CA"],
  ["purolator", "320595463938"],
  ["purolator", "320606146993"],
  ["purolator", "331426749957"],
  ["dpd", "008182709980000020033350276C"],
  ["dpd", "008182709980000020045327276N"],
  ["dpd", "01015026003653C"],
  ["royal_mail", "RB123456785GB"],
  ["royal_mail", s10Number("TT", digits(r, 8), "GB")],
  ["australia_post", "RR123456785AU"],
  ["australia_post", s10Number("CX", digits(r, 8), "AU")],
];

/** Formats without a check digit: the carrier comes first, with checksumValid: false. */
const UNCHECKED: [carrier: string, number: string][] = [
  ["ups", "T1234567890"], // freight waybill
  ["dhl_express", "JJD0099999999"],
  ["dhl_express", "JVGL0999999990"],
  ["dhl_ecommerce", "GM2951173225174494"],
  ["dhl_ecommerce", "GM295117494011169042"],
  ["amazon_logistics", "TBA502887274000"],
  ["amazon_logistics", "TBA010000000000"],
  ["amazon_logistics", `TBC${digits(r, 12)}`],
  ["lasership", "1LS717793482164"],
  ["lasership", "1LS724505321754"],
  ["lasership", "LX17635036"],
  ["lasership", "1LS7119013618127-1"],
  ["purolator", "KYV009956937"],
  ["purolator", "CGK002986959"],
  ["dpd", "09980000020033"],
  ["dpd", "01015026003653"],
  ["australia_post", "33LPR500512701000930806"],
  ["australia_post", "ABC1234567"],
  ["sf_express", "SF1234567890123"],
  ["sf_express", "SF123456789012"],
  ["yunexpress", "YT2229521272164446"],
  ["yunexpress", "YT2229521272164447"],
  ["4px", "4PX3001480641254CN"],
  ["4px", "4PX3001524214536CN"],
  ["cainiao", "LP00123456789012"],
  ["cainiao", "CNUSUP00009319533"],
  ["cdek", "1234567890"],
  ["cdek", "1000000001"],
];

/** Right shape, wrong check digit: the carrier is reported, never as valid, and after every valid candidate. */
const WRONG_CHECK: [carrier: string, number: string][] = [
  ["ups", "1Z999AA10123456785"],
  ["ups", "1Z1111111111111111"],
  ["fedex", "996578788855"],
  ["fedex", "568283610012732"],
  ["fedex", "9611020987654312345673"],
  ["usps", "9400111899223197428490"], // the brief's example: its check digit is 7
  ["usps", "4201028200009261290113185417468511"],
  ["usps", "RB123456786US"],
  ["dhl_express", "3318810010"],
  ["dhl_express", "3318810034"],
  ["ontrac", "C11031500001889"],
  ["ontrac", "D10011345983012"],
  ["canada_post", "0073938000549292"],
  ["canada_post", "RR123456784CA"],
  ["purolator", "320595463939"],
  ["purolator", "287809468875"],
  ["dpd", "008182709980000020033350276A"],
  ["dpd", "01015026003653D"],
  ["royal_mail", "RB123456784GB"],
  ["australia_post", "RR123456780AU"],
  ["china_post", "RA123456786CN"],
];

/** Right letters, wrong length or alphabet: formats without a check digit refuse these outright. */
const NOT_THEIR_FORMAT: [carrier: string, number: string][] = [
  ["amazon_logistics", "TBA50288727400A"],
  ["amazon_logistics", "TBB000000000000"],
  ["yunexpress", "YT123456789012345"],
  ["dhl_ecommerce", "GS295117494011169041"],
  ["sf_express", "SF12345678901"],
  ["cainiao", "LP0012345678901"],
  ["4px", "4PX12345"],
  ["lasership", "1LS73450532"],
];

/** Countries and the post their S10 numbers belong to. */
const POSTS: [country: string, carrier: string][] = [
  ["CN", "china_post"], ["RU", "russian_post"], ["GB", "royal_mail"], ["US", "usps"], ["CA", "canada_post"],
  ["AU", "australia_post"], ["FR", "la_poste"], ["DE", "deutsche_post"], ["JP", "japan_post"], ["ES", "correos"],
  ["IT", "poste_italiane"], ["NL", "postnl"], ["BE", "bpost"], ["CH", "swiss_post"], ["NO", "posten_norge"],
  ["SE", "postnord"], ["DK", "postnord"], ["FI", "posti"], ["IN", "india_post"], ["BR", "correios"],
  ["KR", "korea_post"], ["HK", "hongkong_post"], ["SG", "singapore_post"], ["NZ", "new_zealand_post"],
  ["IE", "an_post"], ["AT", "austrian_post"], ["PL", "poczta_polska"], ["CZ", "ceska_posta"], ["UA", "ukrposhta"],
  ["MX", "correos_mexico"], ["TH", "thailand_post"], ["MY", "pos_malaysia"], ["TW", "chunghwa_post"], ["PT", "ctt"],
  ["GR", "elta"], ["HU", "magyar_posta"], ["RO", "posta_romana"], ["BG", "bulgarian_posts"], ["HR", "hrvatska_posta"],
  ["SI", "posta_slovenije"], ["SK", "slovenska_posta"], ["LU", "post_luxembourg"], ["EE", "omniva"],
  ["LV", "latvijas_pasts"], ["LT", "lietuvos_pastas"], ["TR", "ptt"], ["IL", "israel_post"], ["AE", "emirates_post"],
  ["ZA", "south_african_post_office"], ["AR", "correo_argentino"], ["VN", "vietnam_post"], ["PH", "phlpost"],
  // Any other ISO country: a generic post code.
  ["KE", "post_ke"], ["PE", "post_pe"], ["NG", "post_ng"], ["FJ", "post_fj"],
];

// ---------------------------------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------------------------------

describe("detectCarriers: numbers with a check digit", () => {
  it.each(CHECKED)("%s: %s comes first, valid", (carrier, number) => {
    const [first] = detectCarriers(number);
    expect(first).toMatchObject({ carrier, checksumValid: true });
  });

  it.each(WRONG_CHECK)("%s: %s is reported with checksumValid false, after every valid candidate", (carrier, number) => {
    const candidates = detectCarriers(number);
    const index = carriersOf(candidates).indexOf(carrier);
    expect(index).toBeGreaterThanOrEqual(0);
    expect(candidates[index]!.checksumValid).toBe(false);
    expect(validFirst(candidates)).toBe(true);
  });

  it("never reports a changed check digit as valid", () => {
    const failures: string[] = [];
    // [carrier, a valid number, where its check digit sits counted from the end]
    const generators: [string, () => string, number][] = [
      ["ups", () => upsNumber(`${digits(r, 3)}${alnum(r, 3)}${digits(r, 9)}`), 1],
      ["fedex", () => fedexExpressNumber(digits(r, 11)), 1],
      ["fedex", () => withGs1(digits(r, 14)), 1],
      ["fedex", () => `96${digits(r, 5)}${withGs1(digits(r, 14))}`, 1],
      ["usps", () => withGs1(`9205590${digits(r, 14)}`), 1],
      ["dhl_express", () => dhlNumber(`${r.int(1, 9)}${digits(r, 8)}`), 1],
      ["ontrac", () => ontracNumber(r.chance(0.5) ? "C" : "D", digits(r, 13)), 1],
      ["canada_post", () => withGs1(digits(r, 15)), 1],
      ["purolator", () => luhnNumber(digits(r, 11)), 1],
      ["royal_mail", () => s10Number(upper(r, 2), digits(r, 8), "GB"), 3],
      ["la_poste", () => s10Number(upper(r, 2), digits(r, 8), "FR"), 3],
    ];
    for (const [carrier, make, fromEnd] of generators) {
      for (let run = 0; run < 40; run++) {
        const valid = make();
        const at = valid.length - fromEnd;
        if (!find(detectCarriers(valid), carrier)?.checksumValid) failures.push(`${carrier} ${valid} not valid`);
        for (const wrong of wrongDigits(valid, at)) {
          const found = find(detectCarriers(wrong), carrier);
          if (!found) failures.push(`${carrier} ${wrong} not reported`);
          else if (found.checksumValid) failures.push(`${carrier} ${wrong} reported valid`);
        }
      }
    }
    for (let run = 0; run < 40; run++) {
      const parcel = digits(r, 14);
      const check = dpdCheckChar(parcel);
      if (!find(detectCarriers(parcel + check), "dpd")?.checksumValid) failures.push(`dpd ${parcel}${check} not valid`);
      for (const wrong of [...ALNUM].filter((c) => c !== check)) {
        if (find(detectCarriers(parcel + wrong), "dpd")?.checksumValid) failures.push(`dpd ${parcel}${wrong} reported valid`);
      }
    }
    expect(failures).toEqual([]);
  });
});

describe("detectCarriers: formats without a check digit", () => {
  it.each(UNCHECKED)("%s: %s comes first, checksumValid false", (carrier, number) => {
    const [first] = detectCarriers(number);
    expect(first).toMatchObject({ carrier, checksumValid: false });
  });

  it.each(NOT_THEIR_FORMAT)("%s: %s is not theirs", (carrier, number) => {
    expect(carriersOf(detectCarriers(number))).not.toContain(carrier);
  });
});

describe("detectCarriers: UPU S10, every post", () => {
  it.each(POSTS)("%s numbers belong to %s", (country, carrier) => {
    for (const service of ["RR", "LX", "CP", "EE"]) {
      const number = s10Number(service, digits(r, 8), country);
      expect(detectCarriers(number)).toEqual([expect.objectContaining({ carrier, checksumValid: true })]);
    }
  });

  it("names every post, known or not", () => {
    expect(detectCarriers("RA123456785CN")[0]).toMatchObject({ name: "China Post" });
    expect(detectCarriers("RB123456785GB")[0]).toMatchObject({ name: "Royal Mail" });
    expect(detectCarriers("RB123456785KE")[0]!.name).toMatch(/Kenya|\(KE\)/);
  });

  it("links posts with a tracking page there, and the others to the universal tracker", () => {
    expect(detectCarriers("LP123456785FR")[0]!.trackingUrl).toBe("https://www.laposte.fr/outils/suivre-vos-envois?code=LP123456785FR");
    expect(detectCarriers("RB123456785GB")[0]!.trackingUrl).toBe("https://www.royalmail.com/track-your-item#/tracking-results/RB123456785GB");
    expect(detectCarriers("RA123456785CN")[0]!.trackingUrl).toBe("https://parcelsapp.com/en/tracking/RA123456785CN");
    expect(detectCarriers("RB123456785KE")[0]!.trackingUrl).toBe("https://parcelsapp.com/en/tracking/RB123456785KE");
  });

  it("refuses country codes that are not ISO 3166", () => {
    for (const n of ["RB123456785XX", "RB123456785ZZ", "RB123456785UK", "RB123456785EU"]) expect(detectCarriers(n)).toEqual([]);
  });

  it("covers at least 40 countries with a named post", () => {
    expect(POSTS.filter(([, carrier]) => !carrier.startsWith("post_")).length).toBeGreaterThanOrEqual(40);
  });
});

describe("detectCarriers: ambiguous numbers, most likely first", () => {
  const summary = (n: string) => detectCarriers(n).map((c) => `${c.carrier}:${c.checksumValid ? "valid" : "-"}`);

  it("ten digits: DHL Express when its mod 7 holds, else CDEK (no check digit) before the failed DHL", () => {
    expect(summary("3318810025")).toEqual(["dhl_express:valid", "cdek:-"]);
    expect(summary("1234567890")).toEqual(["cdek:-", "dhl_express:-"]);
  });

  it("twelve digits: whichever of FedEx Express and Purolator validates, FedEx first when both or neither do", () => {
    expect(summary("986578788855")).toEqual(["fedex:valid", "purolator:-"]);
    expect(summary("320595463938")).toEqual(["purolator:valid", "fedex:-"]);
    const neither = [..."0123456789"].map((d) => `12345678901${d}`).find((n) => detectCarriers(n).every((c) => !c.checksumValid))!;
    expect(summary(neither)).toEqual(["fedex:-", "purolator:-"]);
    // Published as a Purolator number, and FedEx's check digit happens to hold too.
    expect(summary("287809468872")).toEqual(["fedex:valid", "purolator:valid"]);
    const both = Array.from({ length: 400 }, () => fedexExpressNumber(digits(r, 11))).find((n) => luhnNumber(n.slice(0, 11)) === n);
    expect(both).toBeDefined();
    expect(summary(both!)).toEqual(["fedex:valid", "purolator:valid"]);
  });

  it("fifteen digits: FedEx Ground, or a DPD parcel number with a numeric check character", () => {
    expect(summary("041441760228964")[0]).toBe("fedex:valid");
    expect(carriersOf(detectCarriers("041441760228964"))).toContain("dpd");
    const parcel = "09980000020033";
    const dpdNumeric = Array.from({ length: 100 }, (_, i) => `${parcel.slice(0, 10)}${String(i).padStart(4, "0")}`)
      .map((p) => p + dpdCheckChar(p))
      .find((n) => /^\d{15}$/.test(n) && !find(detectCarriers(n), "fedex")?.checksumValid)!;
    expect(summary(dpdNumeric)).toEqual(["dpd:valid", "fedex:-"]);
  });

  it("IMpb with channel 92: USPS first, then the consolidators that hand parcels to USPS", () => {
    const candidates = detectCarriers("9261292700768711948021");
    expect(candidates[0]).toMatchObject({ carrier: "usps", checksumValid: true });
    expect(carriersOf(candidates).slice(1).sort()).toEqual(["dhl_ecommerce", "fedex", "ups"]);
    expect(candidates.every((c) => c.checksumValid)).toBe(true);
    // Other channels are USPS's own.
    expect(carriersOf(detectCarriers("9400111201080805483016"))).toEqual(["usps"]);
  });

  it("twenty digits: SmartPost and USPS each by their own check", () => {
    expect(summary("61299998820821171811")).toEqual(["fedex:valid", "usps:-"]);
    expect(summary("03071790000523483741")[0]).toBe("usps:valid");
  });

  it("keeps valid candidates before the others, for any input", () => {
    const failures: string[] = [];
    for (let run = 0; run < 3000; run++) {
      const n = r.chance(0.7) ? digits(r, r.int(8, 36)) : `${upper(r, r.int(1, 4))}${digits(r, r.int(6, 20))}${r.chance(0.3) ? upper(r, 2) : ""}`;
      const candidates = detectCarriers(n);
      if (!validFirst(candidates)) failures.push(n);
      if (new Set(carriersOf(candidates)).size !== candidates.length) failures.push(`${n} (duplicate carrier)`);
    }
    expect(failures).toEqual([]);
  });
});

describe("detectCarriers: input formatting", () => {
  it.each([
    [" 1z 999 aa1 01 2345 6784 ", "ups"],
    ["1Z-999-AA1-0123-4567-84", "ups"],
    ["1z999aa10123456784", "ups"],
    ["ra.123.456.785.cn", "china_post"],
    ["Rr 123 456 785 Ca", "canada_post"],
    ["\t0073 9380 0054 9297\n", "canada_post"],
    ["9400 1112 0108 0805 4830 16", "usps"],
    ["420 22153 9101026837331000039521", "usps"],
    ["c 110 31 500 00187 9", "ontrac"],
    ["3318\u00a0810\u2013025", "dhl_express"],
    ["0081 827 0998 0000 0200 33 350 276 c", "dpd"],
  ])("%j is read as %s", (input, carrier) => {
    expect(detectCarriers(input)[0]).toMatchObject({ carrier, checksumValid: true });
  });

  it("normalises by dropping spaces, dashes and dots and upper-casing", () => {
    expect(normalizeTrackingNumber(" 1z-999.aa1 01 ")).toBe("1Z999AA101");
  });

  const GARBAGE = [
    ...["", "   ", "-.-", "hello", "TRACKING NUMBER", "1Z", "123", "1234567", "!!!!!!!!!!"],
    ...["1Z999AA1012345678!", "1Z999AA10123456784/2", "ÄÖÜ12345678", "0".repeat(60), "RB123456785"],
  ];
  it.each(GARBAGE)("%j is garbage: []", (input) => {
    expect(detectCarriers(input)).toEqual([]);
  });

  it("tolerates a non-string from untyped callers", () => {
    expect(detectCarriers(null as unknown as string)).toEqual([]);
    expect(detectCarriers(12345 as unknown as string)).toEqual([]);
  });
});

describe("detectCarriers: candidates", () => {
  const samples = [...CHECKED, ...UNCHECKED, ...WRONG_CHECK].map(([, n]) => n);

  it("have a snake_case code, a display name and an https tracking page with the number URL-encoded", () => {
    for (const n of samples) {
      for (const c of detectCarriers(n)) {
        expect(c.carrier).toMatch(/^[a-z0-9]+(?:_[a-z0-9]+)*$/);
        expect(c.name.trim().length).toBeGreaterThan(0);
        const url = new URL(c.trackingUrl);
        expect(url.protocol).toBe("https:");
      }
    }
    expect(detectCarriers("1Z999AA10123456784")[0]!.trackingUrl).toBe("https://www.ups.com/track?tracknum=1Z999AA10123456784");
    expect(detectCarriers("rr 123 456 785 au")[0]!.trackingUrl).toBe("https://auspost.com.au/mypost/track/details/RR123456785AU");
  });

  it("link the tracking number inside a longer barcode", () => {
    // USPS: the IMpb without the 420 + ZIP routing prefix; FedEx 34-digit: the 12-digit Express number; DPD: the parcel number.
    expect(detectCarriers("4201002334249200190132607600833457")[0]!.trackingUrl).toBe(
      "https://tools.usps.com/go/TrackConfirmAction?tLabels=9200190132607600833457",
    );
    expect(detectCarriers("1001921334250001000300779017972697")[0]!.trackingUrl).toBe("https://www.fedex.com/fedextrack/?trknbr=779017972697");
    expect(detectCarriers("008182709980000020033350276C")[0]!.trackingUrl).toBe("https://tracking.dpd.de/status/en_US/parcel/09980000020033");
  });
});

// ---------------------------------------------------------------------------------------------------------------
// The dev store's numbers: the seed and the detector must agree
// ---------------------------------------------------------------------------------------------------------------

describe("detectCarriers: numbers from the dev store seed", () => {
  const COMPANIES: Record<string, string> = {
    UPS: "ups",
    USPS: "usps",
    "DHL Express": "dhl_express",
    "Royal Mail": "royal_mail",
    "Canada Post": "canada_post",
    "La Poste": "la_poste",
    "Deutsche Post": "deutsche_post",
  };

  it("puts the seed's carrier first, with a valid check digit, for every shipment", () => {
    const now = new Date("2025-06-15T12:00:00Z");
    const shipments: [company: string, number: string][] = [];
    for (const seed of [1, 2]) {
      const catalog = generateCatalog({ seed, shopName: "Maison Omni", startId: 1000, now });
      const history = generateOrderHistory({ seed, catalog, days: 60, now, startId: catalog.nextId });
      for (const f of history.fulfillments) for (const n of f.trackingNumbers) shipments.push([f.trackingCompany!, n]);
    }
    expect(shipments.length).toBeGreaterThan(300);
    expect(new Set(shipments.map(([company]) => company)).size).toBeGreaterThanOrEqual(4);
    const failures = shipments
      .filter(([company, n]) => {
        const [first] = detectCarriers(n);
        return first?.carrier !== COMPANIES[company] || !first?.checksumValid;
      })
      .map(([company, n]) => `${company} ${n}: ${JSON.stringify(detectCarriers(n)[0])}`);
    expect(failures).toEqual([]);
  });

  it("agrees with the seed's check digit helpers", () => {
    const failures: string[] = [];
    for (let run = 0; run < 300; run++) {
      const ups = `${digits(r, 3)}${alnum(r, 3)}${digits(r, 9)}`;
      const usps = `94001${digits(r, 16)}`;
      const serial = digits(r, 8);
      const numbers: [string, string][] = [
        ["ups", `1Z${ups}${upsCheckDigit(ups)}`],
        ["usps", `${usps}${uspsCheckDigit(usps)}`],
        ["la_poste", `LP${serial}${s10CheckDigit(serial)}FR`],
      ];
      for (const [carrier, n] of numbers) {
        const [first] = detectCarriers(n);
        if (first?.carrier !== carrier || !first.checksumValid) failures.push(n);
      }
    }
    expect(failures).toEqual([]);
  });
});
