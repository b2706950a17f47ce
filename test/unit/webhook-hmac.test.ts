import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { isValidWebhookHmac, webhookHmac } from "../../app/webhooks/hmac.server";

const secret = "webhook-secret-for-tests";
const body = new TextEncoder().encode('{"id":820982911946154508,"note":"caf\u00e9"}');

describe("webhook HMAC", () => {
  it("is the base64 HMAC-SHA256 of the raw bytes", () => {
    expect(webhookHmac(body, secret)).toBe(createHmac("sha256", secret).update(body).digest("base64"));
  });

  it("accepts the right header and refuses everything else", () => {
    const good = webhookHmac(body, secret);
    expect(isValidWebhookHmac(body, good, secret)).toBe(true);
    expect(isValidWebhookHmac(body, null, secret)).toBe(false);
    expect(isValidWebhookHmac(body, "", secret)).toBe(false);
    expect(isValidWebhookHmac(body, webhookHmac(body, "old-secret"), secret)).toBe(false);
    expect(isValidWebhookHmac(body, good.slice(0, -4), secret)).toBe(false);
    const reencoded = new TextEncoder().encode(JSON.stringify(JSON.parse(new TextDecoder().decode(body))));
    // Re-serialising changes the bytes (the big id is rounded), so the signature no longer matches.
    expect(isValidWebhookHmac(reencoded, good, secret)).toBe(false);
  });
});
