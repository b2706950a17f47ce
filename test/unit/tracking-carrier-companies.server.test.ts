import { describe, expect, it } from "vitest";
import { carrierClassOf, carrierName, carrierOf } from "../../app/tracking/carrier-companies.server";

describe("the carrier of a shipment", () => {
  it.each([
    ["UPS", "1Z999AA10123456784", "ups", "UPS"],
    ["ups ", null, "ups", "UPS"],
    ["FedEx", "123456789012", "fedex", "FedEx"],
    ["DHL", "1234567890", "dhl_express", "DHL Express"],
    ["DHL Express", null, "dhl_express", "DHL Express"],
    ["Colissimo", "6A12345678901", "la_poste", "La Poste"],
    ["La Poste", "RR123456785FR", "la_poste", "La Poste"],
    ["Deutsche Post", "LX123456785DE", "deutsche_post", "Deutsche Post"],
    ["Österreichische Post", null, "austrian_post", "Austrian Post"],
    ["Amazon Logistics US", null, "amazon_logistics", "Amazon Logistics"],
  ])("the company %j (number %j) is %s", (company, number, code, name) => {
    expect(carrierOf(company, number)).toEqual({ code, name });
  });

  it("an unknown or missing company falls back to the number's most likely carrier", () => {
    expect(carrierOf("Other", "1Z999AA10123456784")).toEqual({ code: "ups", name: "UPS" });
    expect(carrierOf(null, "RR123456785FR")).toEqual({ code: "la_poste", name: "La Poste" });
    expect(carrierOf(null, "RR123456785NL")?.code).toBe("postnl");
  });

  it("is null when neither the company nor the number says", () => {
    expect(carrierOf("My courier", "ABC")).toBeNull();
    expect(carrierOf(null, null)).toBeNull();
  });

  it("names a code, from our table, the number, or the company as given", () => {
    expect(carrierName("ups", null, null)).toBe("UPS");
    expect(carrierName("post_ke", "RR123456785KE", null)).toBe("Kenya postal service");
    expect(carrierName("zz_courier", null, "Zed Courier")).toBe("Zed Courier");
  });

  it.each([
    ["ups", "express"],
    ["dhl_express", "express"],
    ["dpd", "standard"],
    ["amazon_logistics", "standard"],
    ["la_poste", "postal"],
    ["post_ke", "postal"],
    [null, "standard"],
  ] as const)("%s stalls like a %s carrier", (code, expected) => {
    expect(carrierClassOf(code)).toBe(expected);
  });
});
