import { existsSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { createRequestHandler } from "@remix-run/express";
import type { ServerBuild } from "@remix-run/node";
import express from "express";
import { projectPath } from "../app/db/url";
import { proxyDeps, webhookIntakeDeps } from "../app/services.server";
import { proxyRouter } from "../app/storefront-proxy/routes.server";
import { MAX_WEBHOOK_BYTES, receiveDelivery } from "../app/webhooks/intake.server";

export interface HttpServerOptions {
  port: number;
  host: string;
  /** Serve through Vite's dev server (hot reload) instead of the production build. */
  dev: boolean;
}

export interface RunningHttpServer {
  url: string;
  close(): Promise<void>;
}

/** Express in front of Remix: static assets from the build (or Vite in dev), everything else to Remix. */
export async function startHttpServer(options: HttpServerOptions): Promise<RunningHttpServer> {
  const app = express();
  app.disable("x-powered-by");
  let closeVite = async () => {};

  if (options.dev) {
    const vite = await import("vite");
    const devServer = await vite.createServer({ server: { middlewareMode: true } });
    closeVite = () => devServer.close();
    app.use(devServer.middlewares);
    app.all(
      "*",
      createRequestHandler({
        build: () => devServer.ssrLoadModule("virtual:remix/server-build") as Promise<ServerBuild>,
      }),
    );
  } else {
    // Webhooks are the hot path (Shopify bursts them): answered here, before Remix's request plumbing.
    // The Remix route app/routes/webhooks.tsx runs the same intake in development.
    app.post("/webhooks", express.raw({ type: () => true, limit: MAX_WEBHOOK_BYTES }), (req, res, next) => {
      const header = (name: string) => {
        const value = req.headers[name];
        return Array.isArray(value) ? value.join(", ") : (value ?? null);
      };
      const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      receiveDelivery({ method: req.method, header, body }, webhookIntakeDeps())
        .then((answer) => res.status(answer.status).type("text/plain").send(answer.body))
        .catch(next);
    });
    // Storefront widgets poll the app proxy (every shopper on a product page): answered here too. The router
    // checks Shopify's signature before any handler, exactly as the Remix route app/routes/proxy.$.tsx does.
    app.get("/proxy/*", (req, res, next) => {
      const request = new Request(new URL(req.originalUrl, "http://app.internal"), { headers: req.headers as Record<string, string> });
      proxyRouter
        .handle(request, (req.params as Record<string, string>)[0] ?? "", proxyDeps())
        .then(async (response) => {
          res.status(response.status);
          response.headers.forEach((value, name) => res.setHeader(name, value));
          res.end(response.body ? Buffer.from(await response.arrayBuffer()) : undefined);
        })
        .catch(next);
    });
    const buildPath = projectPath("build", "server", "index.js");
    if (!existsSync(buildPath)) {
      throw new Error("No production build found: run `npm run build` first (or `npm run dev` for development)");
    }
    app.use("/assets", express.static(projectPath("build", "client", "assets"), { immutable: true, maxAge: "1y" }));
    app.use(express.static(projectPath("build", "client"), { maxAge: "1h" }));
    const build = (await import(buildPath)) as ServerBuild;
    app.all("*", createRequestHandler({ build }));
  }

  const server = http.createServer(app);
  // Shopify waits 5 s for webhooks; keep idle sockets a little longer than common load balancers do.
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, resolve);
  });
  const address = server.address() as AddressInfo;
  const host = options.host === "0.0.0.0" || options.host === "::" ? "127.0.0.1" : options.host;
  return {
    url: `http://${host}:${address.port}`,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closeVite();
    },
  };
}
