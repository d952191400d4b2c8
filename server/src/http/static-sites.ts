import { createHash } from "node:crypto";
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

  router.use(
    "/docs",
    docsPolicy(docsSiteDir),
    siteOrHint(docsSiteDir, "the documentation", "npm run docs:build"),
  );

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

/**
 * The documentation's Content-Security-Policy, in place of helmet's default: VitePress pages carry a few inline
 * scripts (theme and hash map bootstrapping), allowed by their hashes, read once per build from the built pages;
 * styles may be inline (VitePress sets style attributes); the Run buttons fetch only this server.
 */
function docsPolicy(dir: string): express.RequestHandler {
  let cached: { builtAt: number; policy: string } | undefined;
  const policy = () => {
    const index = path.join(dir, "index.html");
    const builtAt = fs.existsSync(index) ? fs.statSync(index).mtimeMs : 0;
    if (cached?.builtAt !== builtAt) cached = { builtAt, policy: docsCsp(inlineScriptHashes(dir)) };
    return cached.policy;
  };
  return (_req, res, next) => {
    res.setHeader("Content-Security-Policy", policy());
    next();
  };
}

const docsCsp = (hashes: string[]) =>
  [
    "default-src 'self'",
    `script-src 'self' ${hashes.map((h) => `'${h}'`).join(" ")}`.trim(),
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "frame-ancestors 'self'",
    "form-action 'self'",
  ].join("; ");

/** sha256 sources of every distinct inline <script> in the built site's pages. */
function inlineScriptHashes(dir: string): string[] {
  const hashes = new Set<string>();
  const visit = (folder: string) => {
    if (!fs.existsSync(folder)) return;
    for (const entry of fs.readdirSync(folder, { withFileTypes: true })) {
      const file = path.join(folder, entry.name);
      if (entry.isDirectory()) visit(file);
      else if (entry.name.endsWith(".html")) {
        for (const [, body] of fs
          .readFileSync(file, "utf8")
          .matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g))
          if (body) hashes.add(`sha256-${createHash("sha256").update(body).digest("base64")}`);
      }
    }
  };
  visit(dir);
  return [...hashes].sort();
}

const notBuilt = (what: string, command: string) =>
  `Segmento: ${what} has not been built in this checkout. Build it with \`${command}\` and reload.\n`;
