/**
 * Scans made outside the fixture generator, for measuring the OCR engines: the real reports in
 * ../shared/corpus/real rasterised by poppler (`pdftoppm`), then turned a fraction of a degree,
 * given noise and JPEG-compressed by ImageMagick (`convert`), as another office's scanner would.
 * Also the share of a record's cells read right.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ScannedPage } from "../../fixtures/generate/render-scan.ts";

export const REAL_DIR = new URL("../../../../shared/corpus/real/", import.meta.url).pathname;

export type RealScanOptions = { dpi: number; rotateDegrees: number; quality: number; noise: number };
export const DEGRADED_200: RealScanOptions = { dpi: 200, rotateDegrees: 0.7, quality: 55, noise: 0.25 };
export const DEGRADED_300: RealScanOptions = { dpi: 300, rotateDegrees: -0.5, quality: 60, noise: 0.3 };

/** Whether pdftoppm and ImageMagick's convert are there (poppler-utils, imagemagick). */
export function canRasterise(): boolean {
  const ok = (cmd: string, args: string[]) => spawnSync(cmd, args, { encoding: "utf8" }).status === 0;
  return ok("pdftoppm", ["-v"]) && ok("convert", ["-version"]) && /ImageMagick/.test(spawnSync("convert", ["-version"], { encoding: "utf8" }).stdout ?? "");
}

/** The pages (1-based; all when omitted) of a real report, degraded as `options` say; cached under the temp folder. */
export function realScan(name: string, options: RealScanOptions, pages?: readonly number[]): ScannedPage[] {
  const dir = join(tmpdir(), "nianbao-real-scans", `${name}-${options.dpi}-${options.rotateDegrees}-${options.quality}-${options.noise}`);
  mkdirSync(dir, { recursive: true });
  const pdf = join(REAL_DIR, `${name}.pdf`);
  if (!readdirSync(dir).some((f) => f.endsWith(".png"))) {
    const r = spawnSync("pdftoppm", ["-r", String(options.dpi), "-gray", "-png", pdf, join(dir, "page")], { encoding: "utf8" });
    if (r.status !== 0) throw new Error(`pdftoppm failed: ${r.stderr}`);
  }
  const pngs = readdirSync(dir).filter((f) => /^page-\d+\.png$/.test(f)).sort((a, b) => pageOf(a) - pageOf(b));
  return pngs
    .filter((f) => !pages || pages.includes(pageOf(f)))
    .map((f) => {
      const jpeg = join(dir, f.replace(/\.png$/, ".jpg"));
      if (!existsSync(jpeg)) {
        const r = spawnSync("convert", [join(dir, f), "-background", "white", "-rotate", String(options.rotateDegrees), "-attenuate", String(options.noise), "+noise", "Gaussian", "-type", "TrueColor", "-quality", String(options.quality), jpeg], { encoding: "utf8" });
        if (r.status !== 0) throw new Error(`convert failed: ${r.stderr}`);
      }
      const size = spawnSync("identify", ["-format", "%w %h", jpeg], { encoding: "utf8" }).stdout.split(" ").map(Number);
      return { jpeg: new Uint8Array(readFileSync(jpeg)), width: size[0]!, height: size[1]!, dpi: options.dpi };
    });
}

const pageOf = (file: string) => Number(/-(\d+)\./.exec(file)![1]);

type Figures = Record<string, Record<string, number>>;
type Sections = { activeDisclosure: Figures; applications: Figures; reviewLitigation: Figures };

export function realExpected(name: string): Sections & { findings?: { severity: string; rule: string }[] } {
  return JSON.parse(readFileSync(join(REAL_DIR, `${name}.expected.json`), "utf8"));
}

/** Cells of the three sections read right, out of the cells the expected record has. */
export function cellAccuracy(expected: Sections, actual: Sections) {
  let right = 0;
  let total = 0;
  const wrong: string[] = [];
  for (const section of ["activeDisclosure", "applications", "reviewLitigation"] as const) {
    for (const [row, columns] of Object.entries(expected[section] ?? {})) {
      for (const [column, value] of Object.entries(columns)) {
        total += 1;
        const got = actual[section]?.[row]?.[column];
        if (got === value) right += 1;
        else wrong.push(`${row}.${column}=${got ?? "missing"} (printed ${value})`);
      }
    }
  }
  return { right, total, share: total ? right / total : 0, wrong };
}
