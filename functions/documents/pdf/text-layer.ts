/** One page's text layer -> positioned text items, rulings, and whether the page needs OCR. */
import { UnreadableDocumentError } from "../../shared/errors.ts";
import type { TextItem, PageGeometry } from "./geometry.ts";
import type { PdfDocument, PdfJs, PdfPage } from "./open-pdf.ts";
import { readDrawing } from "./page-drawing.ts";
import { repairCjkText } from "./text-repair.ts";

/** A page needs OCR when its text layer has fewer readable characters than this... */
const MIN_PAGE_CHARS = 20;
/** ...or when more than this share of its characters are unmapped glyphs. */
const MAX_GARBAGE_SHARE = 0.3;

export type PdfPageReading = { number: number; geometry: PageGeometry; imageCoverage: number; needsOcr: boolean; reason?: string };

/** A page's reading from its geometry (whichever library read it): CJK radicals repaired, and whether it needs OCR. */
export function classifyPage(number: number, geometry: PageGeometry, imageArea: number): PdfPageReading {
  let chars = 0;
  let garbage = 0;
  const items = geometry.items.map((item) => {
    const text = repairCjkText(item.text);
    for (const ch of text) {
      if (/\s/.test(ch)) continue;
      chars += 1;
      if (/[\u0000-\u001f\ufffd\ue000-\uf8ff]/.test(ch)) garbage += 1;
    }
    return text === item.text ? item : { ...item, text };
  });
  const pageArea = geometry.width * geometry.height;
  const imageCoverage = pageArea > 0 ? Math.min(1, imageArea / pageArea) : 0;
  const readable = chars - garbage;
  let reason: string | undefined;
  if (readable < MIN_PAGE_CHARS) reason = imageCoverage > 0.3 ? "scanned" : "empty";
  else if (garbage / chars > MAX_GARBAGE_SHARE) reason = "garbage";
  return { number, geometry: { ...geometry, items }, imageCoverage, needsOcr: reason === "scanned" || reason === "garbage", reason };
}

/** Reads one page with pdf.js: its text items (CJK repaired), rulings and image coverage, and whether it needs OCR. */
export async function readPage(pdfjs: PdfJs, doc: PdfDocument, number: number): Promise<PdfPageReading> {
  let page: PdfPage;
  try {
    page = await doc.getPage(number);
  } catch (error) {
    throw new UnreadableDocumentError(`PDF 第 ${number} 页已损坏，文件可能不完整 (page ${number} of the PDF is damaged; the file may be truncated)`, { cause: error });
  }
  try {
    const viewport = page.getViewport({ scale: 1 });
    const toView = (x: number, y: number) => viewport.convertToViewportPoint(x, y) as [number, number];
    const [content, operators] = await Promise.all([page.getTextContent(), page.getOperatorList()]);

    const items: TextItem[] = [];
    for (const raw of content.items) {
      if (!("str" in raw) || raw.str === "") continue;
      const [a, b, c, d, e, f] = raw.transform as number[];
      // Text drawn rotated (a vertical label) keeps its anchor; its width runs along y.
      const size = Math.hypot(c!, d!) || raw.height || 1;
      const [x0, y0] = toView(e!, f! + size * 0.85);
      const [x1, y1] = toView(e! + (Math.abs(b!) > Math.abs(a!) ? 0 : raw.width), f! - size * 0.15);
      items.push({ text: raw.str, x: Math.min(x0, x1), y: Math.min(y0, y1), width: Math.abs(x1 - x0), height: Math.abs(y1 - y0) });
    }
    const { segments, imageArea } = readDrawing(pdfjs, operators, toView);
    return classifyPage(number, { width: viewport.width, height: viewport.height, items, segments }, imageArea);
  } finally {
    page.cleanup();
  }
}
