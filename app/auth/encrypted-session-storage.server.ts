import { Session } from "@shopify/shopify-app-remix/server";
import type { SessionStorage } from "@shopify/shopify-app-session-storage";
import { SecretBox } from "../security/secrets.server";

/**
 * Wraps a session storage so access and refresh tokens are encrypted before they are written and
 * decrypted when read. Everything else (ids, shop, scopes, expiry) stays queryable.
 */
export class EncryptedSessionStorage implements SessionStorage {
  constructor(
    private readonly inner: SessionStorage,
    private readonly box: SecretBox,
  ) {}

  storeSession(session: Session): Promise<boolean> {
    return this.inner.storeSession(this.transform(session, (value) => this.box.seal(value)));
  }

  async loadSession(id: string): Promise<Session | undefined> {
    const session = await this.inner.loadSession(id);
    return session && this.transform(session, (value) => this.box.open(value));
  }

  deleteSession(id: string): Promise<boolean> {
    return this.inner.deleteSession(id);
  }

  deleteSessions(ids: string[]): Promise<boolean> {
    return this.inner.deleteSessions(ids);
  }

  async findSessionsByShop(shop: string): Promise<Session[]> {
    const sessions = await this.inner.findSessionsByShop(shop);
    return sessions.map((session) => this.transform(session, (value) => this.box.open(value)));
  }

  private transform(session: Session, apply: (value: string) => string): Session {
    const params = session.toObject();
    return new Session({
      ...params,
      accessToken: params.accessToken ? apply(params.accessToken) : params.accessToken,
      refreshToken: params.refreshToken ? apply(params.refreshToken) : params.refreshToken,
    });
  }
}
