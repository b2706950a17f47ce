import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

// Secrets at rest (Shopify access tokens, channel credentials) are sealed with AES-256-GCM under
// OMNISTOCK_ENCRYPTION_KEY. The format carries a version so the key can be rotated later.
const VERSION = "v1";

export class SecretBox {
  readonly #key: Buffer;

  constructor(base64Key: string) {
    const key = Buffer.from(base64Key, "base64");
    if (key.length !== 32) throw new Error("The encryption key must be 32 bytes, base64-encoded");
    this.#key = key;
  }

  seal(plaintext: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", this.#key, iv);
    const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
    return [VERSION, iv.toString("base64url"), cipher.getAuthTag().toString("base64url"), body.toString("base64url")].join(":");
  }

  open(sealed: string): string {
    const [version, iv, tag, body] = sealed.split(":");
    if (version !== VERSION || !iv || !tag || body === undefined) {
      throw new Error("This value was not sealed by Omnistock (unknown format)");
    }
    const decipher = createDecipheriv("aes-256-gcm", this.#key, Buffer.from(iv, "base64url"));
    decipher.setAuthTag(Buffer.from(tag, "base64url"));
    try {
      return Buffer.concat([decipher.update(Buffer.from(body, "base64url")), decipher.final()]).toString("utf8");
    } catch {
      throw new Error("A stored secret could not be decrypted: OMNISTOCK_ENCRYPTION_KEY differs from the key it was sealed with");
    }
  }

  static isSealed(value: string): boolean {
    return value.startsWith(`${VERSION}:`) && value.split(":").length === 4;
  }
}
