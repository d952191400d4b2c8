import fs from "node:fs";
import path from "node:path";
import express, { type Response, type Router } from "express";
import type { AppContext } from "../context.js";

/**
 * The two static sites the server hosts beside the API: the documentation at `/docs` and the dashboard at `/`
 * (a single-page app: unknown paths outside /api and /docs get its index.html). Each is served only when it
 * has been built; otherwise its path answers with how to build it.
 */
export function staticSites(app: AppContext): Router {
  const router = express.Router();
  const { docsSiteDir, dashboardDir } = app.config;

  router.use("/docs", siteOrHint(docsSiteDir, "the documentation", "npm run docs:build"));

  const dashboardIndex = path.join(dashboardDir, "index.html");
  router.use(
    express.static(dashboardDir, { index: "index.html", fallthrough: true, setHeaders: dashboardHeaders }),
  );
  router.get(/^\/(?!api(\/|$)|docs(\/|$)|metrics$).*/, (req, res, next) => {
    if (!req.accepts("html")) return next();
    if (fs.existsSync(dashboardIndex)) {
      dashboardHeaders(res, dashboardIndex);
      return res.sendFile(dashboardIndex);
    }
    if (req.path !== "/") return next();
    res.type("text/plain").send(notBuilt("the dashboard", "npm run build -w examples/dashboard"));
  });
  return router;
}

/**
 * The dashboard's Content-Security-Policy, stricter than helmet's default: the built app is only same-origin
 * scripts and stylesheets (no inline code; styles are set through the CSSOM), and it talks only to this origin.
 * No `upgrade-insecure-requests`, so a server on plain http (local, or behind a TLS proxy) still works.
 */
const DASHBOARD_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

/** Hashed assets never change (a new build has new names); index.html is checked on every load. */
function dashboardHeaders(res: Response, file: string): void {
  res.setHeader("Content-Security-Policy", DASHBOARD_CSP);
  const hashed = file.includes(`${path.sep}assets${path.sep}`);
  res.setHeader("Cache-Control", hashed ? "public, max-age=31536000, immutable" : "no-cache");
}

function siteOrHint(dir: string, what: string, command: string): Router {
  const router = express.Router();
  router.use(express.static(dir, { index: "index.html", extensions: ["html"], fallthrough: true }));
  router.use((req, res, next) => {
    if (fs.existsSync(path.join(dir, "index.html")) || !req.accepts("html")) return next();
    res.status(404).type("text/plain").send(notBuilt(what, command));
  });
  return router;
}

const notBuilt = (what: string, command: string) =>
  `Segmento: ${what} has not been built in this checkout. Build it with \`${command}\` and reload.\n`;
