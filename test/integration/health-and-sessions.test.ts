import { describe, expect, it } from "vitest";
import { Session } from "@shopify/shopify-app-remix/server";
import { PrismaSessionStorage } from "@shopify/shopify-app-session-storage-prisma";
import { EncryptedSessionStorage } from "../../app/auth/encrypted-session-storage.server";
import { databaseKind, db } from "../../app/db.server";
import * as healthRoute from "../../app/routes/healthz";
import { SecretBox } from "../../app/security/secrets.server";
import { callLoader } from "../support/app";
import { testShop } from "../support/shopify";

describe("GET /healthz", () => {
  it("reports the database kind and that migrations are current", async () => {
    const response = await callLoader(healthRoute, new Request("http://127.0.0.1/healthz"));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      status: "ok",
      database: {
        kind: process.env.OMNISTOCK_TEST_DATABASE,
        reachable: true,
        migrationsCurrent: true,
        pendingMigrations: [],
      },
    });
  });

  it("reports a migration the database has not applied", async () => {
    await db().$executeRawUnsafe(`UPDATE _prisma_migrations SET rolled_back_at = finished_at`);
    try {
      const body = await (await callLoader(healthRoute, new Request("http://127.0.0.1/healthz"))).json();
      expect(body.status).toBe("degraded");
      expect(body.database.migrationsCurrent).toBe(false);
      expect(body.database.pendingMigrations).toContain("0001_init");
    } finally {
      await db().$executeRawUnsafe(`UPDATE _prisma_migrations SET rolled_back_at = NULL`);
    }
  });
});

describe("session storage", () => {
  it("keeps access and refresh tokens encrypted at rest and returns them decrypted", async () => {
    expect(databaseKind()).toBe(process.env.OMNISTOCK_TEST_DATABASE);
    const storage = new EncryptedSessionStorage(
      new PrismaSessionStorage(db()),
      new SecretBox(process.env.OMNISTOCK_ENCRYPTION_KEY!),
    );
    const shop = testShop();
    const session = new Session({
      id: `offline_${shop}`,
      shop,
      state: "state",
      isOnline: false,
      scope: "read_inventory",
      accessToken: "shpat_plaintext_token",
      refreshToken: "shprt_plaintext_refresh",
    });
    expect(await storage.storeSession(session)).toBe(true);

    const row = await db().session.findUniqueOrThrow({ where: { id: session.id } });
    expect(row.accessToken).not.toContain("plaintext");
    expect(row.refreshToken).not.toContain("plaintext");
    expect(SecretBox.isSealed(row.accessToken)).toBe(true);

    const loaded = await storage.loadSession(session.id);
    expect(loaded?.accessToken).toBe("shpat_plaintext_token");
    expect(loaded?.refreshToken).toBe("shprt_plaintext_refresh");
    expect((await storage.findSessionsByShop(shop)).map((s) => s.accessToken)).toEqual(["shpat_plaintext_token"]);
    expect(await storage.deleteSession(session.id)).toBe(true);
    expect(await storage.loadSession(session.id)).toBeUndefined();
  });
});
