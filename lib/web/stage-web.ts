/**
 * What the web site in the cloud serves, staged into one directory at synth time: `web/` as
 * it is, the vendor files the local server serves from node_modules under `vendor/`, and
 * the SigV4 signer bundled for the browser as `vendor/sigv4.js`. `config.json` is added by
 * the deployment (it holds deploy-time values).
 */
import { copyFileSync, cpSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { buildSync } from "esbuild";
import { VENDOR_DIRS, VENDOR_FILES, WEB_DIR } from "../../local/web.ts";
import { PROJECT_ROOT } from "../constructs/nianbao-function.ts";

/** Where the page finds the signer (relative to index.html). */
export const SIGNER_FILE = "vendor/sigv4.js";

const SIGNER_ENTRY = join(PROJECT_ROOT, "lib", "web", "sign-request.ts");

/**
 * Bundles lib/web/sign-request.ts with its dependencies into one minified browser ES module.
 *
 * @example
 * bundleSigner("/tmp/site/vendor/sigv4.js");
 */
export function bundleSigner(outfile: string): void {
  buildSync({
    entryPoints: [SIGNER_ENTRY],
    outfile,
    bundle: true,
    format: "esm",
    platform: "browser",
    target: ["es2022"],
    minify: true,
    legalComments: "eof",
    logLevel: "error",
  });
}

/**
 * Writes the web site's files into `outDir`.
 *
 * @example
 * stageWeb(outputDir); // from a local bundling step of the deployment's asset
 */
export function stageWeb(outDir: string): void {
  cpSync(WEB_DIR, outDir, { recursive: true });
  mkdirSync(join(outDir, "vendor"), { recursive: true });
  for (const [name, file] of Object.entries(VENDOR_FILES)) copyFileSync(file, join(outDir, "vendor", name));
  for (const [name, dir] of Object.entries(VENDOR_DIRS)) cpSync(dir, join(outDir, "vendor", name), { recursive: true });
  bundleSigner(join(outDir, SIGNER_FILE));
}
