/**
 * Chromium prints CJK text in Type 3 fonts of a few glyphs each (~115 fonts, ~450 glyph
 * procedures in a two-page report). PDFium, loading a page, parses each glyph's procedure (its
 * outline, as path operators) for the glyph's box, which is the box the procedure's `d1` states
 * when that box is not empty (CPDF_Type3Font::LoadChar); reading text needs nothing else of it.
 * So the copy PDFium reads has every such procedure cut to its `d1` line, in place: same length,
 * same byte offsets (the cross-reference table still holds), the stream's /Filter blanked and its
 * data the line padded with spaces. pdf.js, which renders pages for OCR, reads the original.
 */
import { constants, inflateSync } from "node:zlib";

const FLATE = "/Filter /FlateDecode";
/** Enough of a compressed procedure to inflate its first line. */
const HEAD_BYTES = 96;
const SPACE = 0x20;

/** `wx wy llx lly urx ury d1` with a box that is not empty, as PDFium takes it instead of the outline's. */
function d1Line(head: string): string | undefined {
  const m = /^\s*(-?[\d.]+)\s+(-?[\d.]+)\s+(-?[\d.]+)\s+(-?[\d.]+)\s+(-?[\d.]+)\s+(-?[\d.]+)\s+d1\s/.exec(head);
  if (!m) return undefined;
  const [llx, lly, urx, ury] = [m[3], m[4], m[5], m[6]].map(Number) as [number, number, number, number];
  return llx < urx && lly < ury ? m[0] : undefined;
}

/** The object numbers of every Type 3 font's glyph procedures (a /CharProcs dictionary written out, as Chromium writes it; in an object stream it is not seen, and nothing is cut). */
function glyphProcedures(text: string): Set<number> {
  const numbers = new Set<number>();
  for (const procs of text.matchAll(/\/CharProcs\s*<<([^>]*)>>/g)) for (const ref of procs[1]!.matchAll(/(\d+)\s+0\s+R/g)) numbers.add(Number(ref[1]));
  return numbers;
}

/** `bytes` with its Type 3 glyph outlines cut to their `d1` lines (the same bytes when there are none), and how many were cut. */
export function withoutType3Outlines(bytes: Uint8Array): { bytes: Uint8Array; cut: number } {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (!buffer.includes("/Type3")) return { bytes, cut: 0 };
  const text = buffer.toString("latin1");
  const procedures = glyphProcedures(text);
  if (procedures.size === 0) return { bytes, cut: 0 };
  const out = new Uint8Array(bytes);
  let cut = 0;
  for (const m of text.matchAll(/(?<![\d])(\d+) 0 obj\s*<<\/Filter \/FlateDecode\s*\/Length (\d+)>>\s*stream\r?\n/g)) {
    if (!procedures.has(Number(m[1]))) continue;
    const start = m.index + m[0].length;
    const length = Number(m[2]);
    let head: string;
    try {
      head = inflateSync(buffer.subarray(start, start + Math.min(length, HEAD_BYTES)), { finishFlush: constants.Z_SYNC_FLUSH }).toString("latin1");
    } catch {
      continue; // not a stream we can read: PDFium gets it as it is
    }
    const line = d1Line(head);
    if (!line || line.length > length) continue;
    const filter = m.index + m[0].indexOf(FLATE);
    out.fill(SPACE, filter, filter + FLATE.length);
    out.fill(SPACE, start, start + length);
    out.set(Buffer.from(line, "latin1"), start);
    cut += 1;
  }
  return { bytes: out, cut };
}
