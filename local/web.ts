/**
 * The web page on the local stack: the local API server serves `web/` at `/web/` (and
 * Chart.js and pdf.js from node_modules at `/web/vendor/`), so page and API share one origin; the
 * ingest bucket on s3rver gets a CORS rule so the page can POST uploads to it directly,
 * as it would to S3 with a presigned POST.
 */
import { readFile } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { extname, join, normalize, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { PutBucketCorsCommand, S3Client } from "@aws-sdk/client-s3";
import { LOCAL_CREDENTIALS } from "../functions/adapters/clients.ts";
import { contentSecurityPolicy, LOCAL_CONNECT_SOURCES } from "../lib/web/content-security-policy.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
export const WEB_DIR = join(ROOT, "web");
export const WEB_PATH = "/web/";

/** Files served from node_modules under /web/vendor/ (no build step, no copy). */
export const VENDOR_FILES: Readonly<Record<string, string>> = {
  "chart.umd.min.js": join(ROOT, "node_modules", "chart.js", "dist", "chart.umd.min.js"),
  // pdf.js draws an original's page in the source pane (isEvalSupported: false: script-src 'self' is enough);
  // served as .js, a type every host (S3 included) serves as JavaScript, as module scripts require.
  "pdf.min.js": join(ROOT, "node_modules", "pdfjs-dist", "build", "pdf.min.mjs"),
  "pdf.worker.min.js": join(ROOT, "node_modules", "pdfjs-dist", "build", "pdf.worker.min.mjs"),
};

/**
 * Folders served from node_modules under /web/vendor/<name>/: pdf.js's CMaps and standard fonts,
 * which it fetches for PDFs whose Chinese fonts are not embedded (SimSun with UniGB-UCS2-H), and
 * its image decoders.
 */
export const VENDOR_DIRS: Readonly<Record<string, string>> = {
  "pdfjs-cmaps": join(ROOT, "node_modules", "pdfjs-dist", "cmaps"),
  "pdfjs-fonts": join(ROOT, "node_modules", "pdfjs-dist", "standard_fonts"),
  // Its JPEG 2000 and JBIG2 decoders (scans): WebAssembly, which the CSP does not allow, so pdf.js
  // falls back to openjpeg_nowasm_fallback.js from the same folder.
  "pdfjs-wasm": join(ROOT, "node_modules", "pdfjs-dist", "wasm"),
};

/** A vendor file: one of VENDOR_FILES, or a plain file name inside one of VENDOR_DIRS. */
function vendorFile(rest: string): string | undefined {
  const [dir, name, ...deeper] = rest.split("/");
  if (name === undefined) return Object.hasOwn(VENDOR_FILES, dir!) ? VENDOR_FILES[dir!] : undefined;
  const root = Object.hasOwn(VENDOR_DIRS, dir!) ? VENDOR_DIRS[dir!] : undefined;
  return root && deeper.length === 0 && name && /^[\w-][\w.-]*$/.test(name) ? join(root, name) : undefined;
}

const PAGE_CSP = contentSecurityPolicy(LOCAL_CONNECT_SOURCES);

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".bcmap": "application/octet-stream",
  ".pfb": "application/octet-stream",
  ".ttf": "font/ttf",
  ".wasm": "application/wasm",
};

/** The file a request path names, or undefined when it is not a web path (or escapes web/). */
export function resolveWebFile(pathname: string): string | undefined {
  if (!pathname.startsWith(WEB_PATH)) return undefined;
  let rest: string;
  try {
    rest = decodeURIComponent(pathname.slice(WEB_PATH.length)) || "index.html";
  } catch {
    return undefined; // a malformed percent-escape names no file
  }
  if (rest.includes("\0")) return undefined;
  if (rest.startsWith("vendor/")) return vendorFile(rest.slice("vendor/".length));
  const file = normalize(join(WEB_DIR, rest));
  return file.startsWith(WEB_DIR + sep) ? file : undefined;
}

/** The path of a request target, or undefined when the target is not a URL (`http://[`). */
export function requestPath(target: string | undefined): string | undefined {
  try {
    return new URL(target ?? "/", "http://localhost").pathname;
  } catch {
    return undefined;
  }
}

/** Where the deployed page finds its cloud config; the local stack has none. */
export const LOCAL_CONFIG_PATH = `${WEB_PATH}config.json`;

/** The page asks for its cloud config first: locally it gets one without `apiUrl` (no sign-in), not a 404. */
function serveLocalConfig(req: IncomingMessage, res: ServerResponse): true {
  res.writeHead(200, { "content-type": "application/json; charset=utf-8", "cache-control": "no-cache", "x-content-type-options": "nosniff" });
  res.end(req.method === "HEAD" ? undefined : JSON.stringify({ local: true }));
  return true;
}

/**
 * Serves `/` (redirect) and `/web/*` from disk; returns false for any other request so the
 * caller hands it to the API handler.
 */
export function serveWeb(req: IncomingMessage, res: ServerResponse): boolean {
  if (req.method !== "GET" && req.method !== "HEAD") return false;
  const pathname = requestPath(req.url);
  if (pathname === undefined) return false; // the API server answers 400
  if (pathname === "/" || pathname === "/web") {
    res.writeHead(302, { location: WEB_PATH });
    res.end();
    return true;
  }
  if (!pathname.startsWith(WEB_PATH)) return false;
  if (pathname === LOCAL_CONFIG_PATH) return serveLocalConfig(req, res);
  const file = resolveWebFile(pathname);
  void (async () => {
    try {
      if (!file) throw new Error("outside web/");
      const body = await readFile(file);
      res.writeHead(200, {
        "content-type": TYPES[extname(file)] ?? "application/octet-stream",
        "cache-control": "no-cache",
        "x-content-type-options": "nosniff",
        // The same policy as CloudFront's, so the browser tests run the page under it.
        "content-security-policy": PAGE_CSP,
      });
      res.end(req.method === "HEAD" ? undefined : body);
    } catch {
      res.writeHead(404, { "content-type": "text/plain; charset=utf-8" });
      res.end("not found");
    }
  })();
  return true;
}

/**
 * Lets the page's origin POST to `bucket` on s3rver (browser uploads with a presigned POST),
 * whether the page was opened as 127.0.0.1 or as localhost.
 */
export async function allowBrowserUploads(s3Endpoint: string, bucket: string, origin: string): Promise<void> {
  const origins = [...new Set([origin, origin.replace("//127.0.0.1:", "//localhost:")])];
  const s3 = new S3Client({ region: "us-east-1", endpoint: s3Endpoint, forcePathStyle: true, credentials: LOCAL_CREDENTIALS });
  try {
    await s3.send(
      new PutBucketCorsCommand({
        Bucket: bucket,
        CORSConfiguration: {
          CORSRules: [{ AllowedOrigins: origins, AllowedMethods: ["POST", "GET"], AllowedHeaders: ["*"], MaxAgeSeconds: 3600 }],
        },
      }),
    );
  } finally {
    s3.destroy();
  }
}
