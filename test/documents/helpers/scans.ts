/**
 * Scans of the real reports in ../shared/corpus/real through the one scan generator
 * (test/fixtures/generate/degrade-scan.ts: poppler's pdftoppm, ImageMagick's convert), with a
 * named setting or the two light tuning scans DEGRADED_200/300 the PaddleOCR engine went in with.
 * Also the share of a record's cells read right.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { scanPages } from "../../fixtures/generate/degrade-scan.ts";
import type { ScannedPage } from "../../fixtures/generate/render-scan.ts";
import type { ScanSetting } from "../../fixtures/generate/scan-settings.ts";

export const REAL_DIR = new URL("../../../../shared/corpus/real/", import.meta.url).pathname;

export type RealScanOptions = { dpi: number; rotateDegrees: number; quality: number; noise: number };
export const DEGRADED_200: RealScanOptions = { dpi: 200, rotateDegrees: 0.7, quality: 55, noise: 0.25 };
export const DEGRADED_300: RealScanOptions = { dpi: 300, rotateDegrees: -0.5, quality: 60, noise: 0.3 };

export { canGenerateScans as canRasterise } from "../../fixtures/generate/degrade-scan.ts";

/** The tuning-set scans the PaddleOCR engine went in with, as settings of the one scan generator. */
const tuningSetting = (o: RealScanOptions): ScanSetting => ({
  name: `tuning-real-${o.dpi}dpi`,
  set: "tuning",
  seed: 1,
  degrade: { dpi: o.dpi as 200 | 300, skewDegrees: o.rotateDegrees, jpegQuality: o.quality, noise: o.noise },
});

/** The pages (1-based; all when omitted) of a real report, scanned with a setting (or the old tuning options). */
export function realScan(name: string, setting: RealScanOptions | ScanSetting, pages?: readonly number[]): ScannedPage[] {
  const s = "degrade" in setting ? setting : tuningSetting(setting);
  return scanPages({ pdf: readFileSync(join(REAL_DIR, `${name}.pdf`)), ...(pages ? { pages } : {}) }, s);
}

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

/**
 * The pages of a born-digital PDF to scan: the first (the title) and those from the first to the
 * last whose text layer holds a statistics table's header, so a test scans and OCRs only what the
 * reader needs. A page between two table pages is scanned too: a table's middle page may print
 * none of the headers (wrapped labels split 本年度办理结果 over two lines).
 */
export function pagesToScan(pdf: Uint8Array): number[] {
  const pages = pdfTextPages(pdf);
  const tables = /第二十条|信息内容|申请人情况|本年度办理结果|行政复议|结转下年度|（七）总计|其他处理|结果维持|复议后起诉|尚未审结/;
  const tablePages = pages.flatMap((page, i) => (tables.test(page) ? [i] : []));
  const [first, last] = [tablePages[0] ?? 0, tablePages.at(-1) ?? 0];
  return pages.flatMap((page, i) => (i === 0 || (i >= first && i <= last) ? [i + 1] : [])).filter((n) => pages[n - 1]!.trim() !== "");
}

/** A born-digital PDF's text layer page by page (poppler's layout mode). */
export function pdfTextPages(pdf: Uint8Array): string[] {
  const text = spawnSync("pdftotext", ["-layout", "-", "-"], { input: pdf, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 }).stdout ?? "";
  return text.split("\f");
}
