import type { RouteConfig } from "@remix-run/route-config";
import { flatRoutes } from "@remix-run/fs-routes";

// File-system routes, named after their URL (app._index.tsx, webhooks.tsx, proxy.$.tsx, ...).
export default flatRoutes({ ignoredRouteFiles: ["**/*.test.ts", "**/*.test.tsx"] }) satisfies RouteConfig;
