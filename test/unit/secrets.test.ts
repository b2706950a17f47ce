import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { SecretBox } from "../../app/security/secrets.server";

const key = () => randomBytes(32).toString("base64");

describe("SecretBox", () => {
  it("seals so the plaintext is not visible, and opens it again", () => {
    const box = new SecretBox(key());
    const sealed = box.seal("shpat_0123456789abcdef");
    expect(sealed).not.toContain("shpat");
    expect(SecretBox.isSealed(sealed)).toBe(true);
    expect(box.open(sealed)).toBe("shpat_0123456789abcdef");
  });

  it("uses a fresh nonce each time", () => {
    const box = new SecretBox(key());
    expect(box.seal("same")).not.toBe(box.seal("same"));
  });

  it("refuses tampered values and the wrong key with a message that names the cause", () => {
    const box = new SecretBox(key());
    const sealed = box.seal("token");
    const parts = sealed.split(":");
    parts[3] = Buffer.from("tampered").toString("base64url");
    expect(() => box.open(parts.join(":"))).toThrow(/OMNISTOCK_ENCRYPTION_KEY/);
    expect(() => new SecretBox(key()).open(sealed)).toThrow(/OMNISTOCK_ENCRYPTION_KEY/);
    expect(() => box.open("plain-token")).toThrow(/unknown format/);
  });

  it("insists on a 32-byte key", () => {
    expect(() => new SecretBox(randomBytes(16).toString("base64"))).toThrow(/32 bytes/);
  });
});
