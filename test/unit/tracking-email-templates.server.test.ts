import { describe, expect, it } from "vitest";
import {
  EMAIL_LOCALES,
  EMAILABLE_STATUSES,
  emailLocale,
  renderMerchantAlert,
  renderShopperEmail,
  safeUrl,
} from "../../app/tracking/email-templates.server";

const base = {
  status: "in_transit" as const,
  shopName: "Atelier Rhône",
  orderName: "#1001",
  carrierName: "La Poste",
  trackingNumber: "RR123456785FR",
  estimatedDelivery: "2026-06-12",
  trackUrl: "https://atelier.example/pages/track?order=%231001",
};

describe("the language of a shopper email", () => {
  it.each([
    ["fr", "fr"],
    ["fr-CA", "fr"],
    ["de-AT", "de"],
    ["es-419", "es"],
    ["ru", "ru"],
    ["ja-JP", "ja"],
    ["zh-CN", "zh-CN"],
    ["zh_cn", "zh-CN"],
    ["zh", "zh-CN"],
    ["zh-Hans-CN", "zh-CN"],
    ["zh-TW", "en"],
    ["zh-Hant", "en"],
    ["pt-BR", "en"],
    ["EN-gb", "en"],
    ["", "en"],
    [null, "en"],
  ])("%s is written in %s", (locale, expected) => {
    expect(emailLocale(locale)).toBe(expected);
  });
});

describe("shopper emails", () => {
  it.each(EMAIL_LOCALES.flatMap((locale) => EMAILABLE_STATUSES.map((status) => [locale, status] as const)))(
    "%s / %s: subject, text and HTML name the order, the shop and the carrier",
    (locale, status) => {
      const email = renderShopperEmail({ ...base, locale, status });
      expect(email.subject).toContain("#1001");
      expect(email.subject).toContain("Atelier Rhône");
      expect(email.text).toContain("#1001");
      expect(email.text).toContain("RR123456785FR");
      expect(email.text).toContain(base.trackUrl);
      expect(email.html).toContain(`lang="${locale}"`);
      expect(email.html).toContain('href="https://atelier.example/pages/track?order=%231001"');
      expect(email.text).not.toMatch(/\{\w+\}/);
    },
  );

  it("every language says something different for every status (no untranslated copy)", () => {
    for (const status of EMAILABLE_STATUSES) {
      const subjects = EMAIL_LOCALES.map((locale) => renderShopperEmail({ ...base, locale, status }).subject);
      expect(new Set(subjects).size, status).toBe(EMAIL_LOCALES.length);
    }
  });

  it("formats the estimated date in the shopper's language, and leaves it out once delivered", () => {
    expect(renderShopperEmail({ ...base, locale: "fr" }).text).toContain("12 juin 2026");
    expect(renderShopperEmail({ ...base, locale: "de" }).text).toContain("12. Juni 2026");
    expect(renderShopperEmail({ ...base, locale: "en", status: "delivered" }).text).not.toContain("Estimated delivery");
  });

  it("escapes what it did not write and links only to http(s)", () => {
    const email = renderShopperEmail({ ...base, locale: "en", shopName: `<script>alert("x")</script>`, orderName: "#1001<b>", trackUrl: "javascript:alert(1)" });
    expect(email.html).not.toContain("<script>");
    expect(email.html).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;");
    expect(email.html).toContain("#1001&lt;b&gt;");
    expect(email.html).not.toContain("javascript:");
    expect(email.text).not.toContain("javascript:");
    expect(safeUrl("https://a.example/x?y=1")).toBe("https://a.example/x?y=1");
    expect(safeUrl("data:text/html,hi")).toBeNull();
    expect(safeUrl("not a url")).toBeNull();
  });
});

describe("merchant alerts", () => {
  it.each([
    ["exception", "Delivery problem: #1001", "reports a delivery problem (address issue)"],
    ["late", "Late shipment: #1001", "is past its expected delivery date (2026-06-12)"],
    ["stalled", "Stalled shipment: #1001", "has had no carrier update for several days"],
  ] as const)("%s", (trigger, subject, line) => {
    const email = renderMerchantAlert({
      trigger,
      orderName: "#1001",
      carrierName: "UPS",
      trackingNumber: "1Z999AA10123456784",
      reason: "address_issue",
      estimatedDelivery: "2026-06-12",
      lastEventAt: "2026-06-08T10:00:00Z",
      adminUrl: "https://admin.shopify.com/store/atelier/apps/omnistock/app/shipments",
    });
    expect(email.subject).toBe(subject);
    expect(email.text).toContain(line);
    expect(email.text).toContain("(UPS 1Z999AA10123456784)");
    expect(email.html).toContain("Open Shipments");
  });
});
