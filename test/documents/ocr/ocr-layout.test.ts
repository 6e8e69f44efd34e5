import { describe, expect, it } from "vitest";
import { binarise, decodeGrey, despeckle, estimateSkew, findRulings, rotateGrey } from "../../../functions/documents/ocr/image-prep.ts";
import { createCanvas } from "@napi-rs/canvas";
import { addFaintStrokes } from "../../../functions/documents/ocr/image-pixels.ts";
import { createLabelCorrector } from "../../../functions/documents/ocr/lexicon.ts";
import { TEMPLATE_LABELS } from "../../../functions/report/ocr-labels.ts";
import { blocksFromOcr, mergeReadings, parseTesseractTsv, readsAsValue, repairNumberCell, valueCells } from "../../../functions/documents/ocr/ocr-layout.ts";

const correctLabel = createLabelCorrector(TEMPLATE_LABELS);

describe("OCR clean-up", () => {
  it("repairs figures misread with look-alike characters, and leaves labels alone", () => {
    expect(repairNumberCell("1O")).toBe("10");
    expect(repairNumberCell("o")).toBe("0");
    expect(repairNumberCell("一62")).toBe("-62");
    expect(repairNumberCell("了")).toBe("7");
    expect(repairNumberCell("规章")).toBe("规章");
    expect(repairNumberCell("Total")).toBe("Total");
  });

  it("corrects a label within a few characters of exactly one template label", () => {
    expect(correctLabel("政府集中来购")).toBe("政府集中采购");
    expect(correctLabel("2 没有现成信息需要另行")).toBe("2.没有现成信息需要另行制作");
    expect(correctLabel("部分公开《区分处理的，只计这 一情形，不计其他情形)")).toBe("（二）部分公开（区分处理的，只计这一情形，不计其他情形）");
    // Equally close to 其他结果 and 其他: not guessed.
    expect(correctLabel("其他结")).toBe("其他结");
    expect(correctLabel("本年度未收取政府信息公开信息处理费")).toBe("本年度未收取政府信息公开信息处理费");
  });

  it("corrects a wrapped label that reached OCR without its end, by the label's beginning", () => {
    // Seed 004's scan: the second and third lines of the (二) label were lost or misread.
    expect(correctLabel("二) 部 分公 文分处 理的，只 计这一情")).toBe("（二）部分公开（区分处理的，只计这一情形，不计其他情形）");
    // Too short to tell which label it begins, or not the beginning of any: left as read.
    expect(correctLabel("部分公开")).toBe("部分公开");
    expect(correctLabel("本年度办理结果情况统计如下")).toBe("本年度办理结果情况统计如下");
  });

  it("parses Tesseract TSV words", () => {
    const tsv = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n5\t1\t1\t1\t1\t1\t100\t200\t40\t30\t96.5\t规章\n4\t1\t1\t1\t1\t0\t100\t200\t400\t30\t-1\t\n";
    expect(parseTesseractTsv(tsv)).toEqual([{ left: 100, top: 200, width: 40, height: 30, confidence: 96.5, text: "规章" }]);
  });

  it("lays OCR words on the rulings of a 300-dpi page, with cell confidences, dropping specks", () => {
    // A 2 x 2 grid 600 x 200 px; words inside the cells; a speck read as "'" outside.
    const rulings = [
      { x1: 100, y1: 100, x2: 700, y2: 100 },
      { x1: 100, y1: 200, x2: 700, y2: 200 },
      { x1: 100, y1: 300, x2: 700, y2: 300 },
      { x1: 100, y1: 100, x2: 100, y2: 300 },
      { x1: 400, y1: 100, x2: 400, y2: 300 },
      { x1: 700, y1: 100, x2: 700, y2: 300 },
    ];
    const words = [
      { text: "行政许可", left: 150, top: 130, width: 160, height: 40, confidence: 95 },
      { text: "39", left: 520, top: 130, width: 40, height: 40, confidence: 90 },
      { text: "行政处罚", left: 150, top: 230, width: 160, height: 40, confidence: 93 },
      { text: "O", left: 530, top: 230, width: 30, height: 40, confidence: 70 },
      { text: "'", left: 800, top: 500, width: 4, height: 5, confidence: 20 },
    ];
    const blocks = blocksFromOcr(words, rulings, 300, { width: 2480, height: 3508 }, correctLabel);
    expect(blocks).toHaveLength(1);
    const table = blocks[0]!;
    expect(table.kind === "table" && table.rows.map((r) => r.map((c) => [c.text, c.confidence]))).toEqual([
      [["行政许可", 95], ["39", 90]],
      [["行政处罚", 93], ["0", 70]],
    ]);
  });

  it("reads a label wrapped over lines inside one ruled cell as one label, beside a row group's merged cell", () => {
    // Section 三's (三) group at 300 dpi: the group's cell spans two rows (the row border stops at
    // x = 400), each row's label wraps over two or three lines, one line misread (规 as 观).
    const rulings = [
      { x1: 100, y1: 100, x2: 900, y2: 100 },
      { x1: 400, y1: 300, x2: 900, y2: 300 },
      { x1: 100, y1: 500, x2: 900, y2: 500 },
      ...[100, 400, 700, 900].map((x) => ({ x1: x, y1: 100, x2: x, y2: 500 })),
    ];
    const word = (text: string, left: number, top: number) => ({ text, left, top, width: text.length * 40, height: 40, confidence: 90 });
    const words = [
      word("（三）不予", 120, 250), word("公开", 200, 305),
      word("1.属于国家", 410, 140), word("秘密", 450, 190), word("0", 790, 165),
      word("2.其他法律", 410, 320), word("行政法观禁", 410, 370), word("止公开", 440, 420), word("3", 790, 370),
    ];
    const [table] = blocksFromOcr(words, rulings, 300, { width: 2480, height: 3508 }, correctLabel);
    expect(table?.kind === "table" && table.rows.map((r) => r.map((c) => [c.text, c.rowSpan ?? 1]))).toEqual([
      [["（三）不予公开", 2], ["1.属于国家秘密", 1], ["0", 1]],
      [["2.其他法律行政法规禁止公开", 1], ["3", 1]],
    ]);
  });

  it("tells value cells from labels by the grid: right of a row's last label, in a row of figures", () => {
    const cells = (...texts: string[]) => texts.map((text) => ({ text }));
    const table = {
      kind: "table" as const,
      rows: [
        cells("申请人情况", "自然人", "商业企业", "总"), // a header, its last label misread as one character
        cells("三、本年度办理结果", "（一）予以公开", "1O", "0", "〇", "12"),
        cells("规章", "l", "0", "5"),
        cells("行政事业性收费", "7730.28万元"),
        cells("1", "2"), // no label: no row of the template
        cells("（二）部分公开", "规", "章", "0"), // more characters than figures: not read as figures
      ],
    };
    expect(valueCells(table).map((c) => c.text)).toEqual(["1O", "0", "〇", "12", "l", "0", "5", "7730.28万元"]);
    expect(readsAsValue(" 1,234 ")).toBe(true);
    expect(readsAsValue("550件")).toBe(true);
    expect(readsAsValue("—")).toBe(true);
    expect(readsAsValue("1O")).toBe(false);
  });

  it("merges two readings cell by cell, preferring figures to noise and labels to fragments", () => {
    const a = [{ kind: "table" as const, rows: [[{ text: "信息内容", confidence: 90 }, { text: "", confidence: 0 }, { text: "处理", confidence: 50 }]] }];
    const b = [{ kind: "table" as const, rows: [[{ text: "信息内", confidence: 95 }, { text: "7", confidence: 80 }, { text: "处理决定数量", confidence: 60 }]] }];
    const merged = mergeReadings(a, b);
    expect(merged[0]!.kind === "table" && merged[0]!.rows[0]!.map((c) => c.text)).toEqual(["信息内", "7", "处理决定数量"]);
  });
});

describe("page image preparation", () => {
  it("finds long runs of ink as rulings and ignores short strokes", () => {
    const width = 200;
    const height = 100;
    const ink = new Uint8Array(width * height);
    for (let x = 10; x < 190; x += 1) ink[50 * width + x] = 1; // a ruling
    for (let x = 20; x < 30; x += 1) ink[20 * width + x] = 1; // a stroke
    for (let y = 10; y < 90; y += 1) ink[y * width + 100] = 1; // a vertical ruling
    const rulings = findRulings(ink, width, height, 40);
    expect(rulings).toEqual([
      { x1: 10, y1: 50, x2: 189, y2: 50 },
      { x1: 100, y1: 10, x2: 100, y2: 89 },
    ]);
  });

  it("removes specks but keeps a full stop and strokes", () => {
    const width = 50;
    const height = 20;
    const ink = new Uint8Array(width * height);
    ink[5 * width + 5] = 1; // a one-pixel speck
    for (let y = 10; y < 14; y += 1) for (let x = 10; x < 14; x += 1) ink[y * width + x] = 1; // a 4x4 full stop
    despeckle(ink, width, height, 8);
    expect(ink[5 * width + 5]).toBe(0);
    expect(ink[11 * width + 11]).toBe(1);
  });

  it("erases a blot of exactly the speck size and keeps one pixel more, and a long stroke whole", () => {
    const width = 300;
    const height = 20;
    const ink = new Uint8Array(width * height);
    for (let x = 2; x < 10; x += 1) ink[2 * width + x] = 1; // 8 pixels: a speck at maxArea 8
    for (let x = 2; x < 11; x += 1) ink[6 * width + x] = 1; // 9 pixels: kept
    for (let x = 0; x < width; x += 1) ink[12 * width + x] = 1; // a ruled stroke far larger than the flood's first guess
    despeckle(ink, width, height, 8);
    expect(ink.slice(2 * width, 3 * width).reduce((a, b) => a + b, 0)).toBe(0);
    expect(ink.slice(6 * width, 7 * width).reduce((a, b) => a + b, 0)).toBe(9);
    expect(ink.slice(12 * width, 13 * width).reduce((a, b) => a + b, 0)).toBe(width);
  });

  it("measures the skew of ruled lines", () => {
    const width = 800;
    const height = 400;
    const ink = new Uint8Array(width * height);
    const tan = Math.tan((0.6 * Math.PI) / 180);
    for (const y0 of [100, 200, 300]) for (let x = 0; x < width; x += 1) ink[Math.round(y0 + x * tan) * width + x] = 1;
    expect(estimateSkew(ink, width, height)).toBeCloseTo(0.6, 1);
  });

  it("turns a skewed page upright, paper white in the corners", () => {
    const width = 800;
    const height = 400;
    const pixels = new Uint8Array(width * height).fill(250);
    const tan = Math.tan((0.8 * Math.PI) / 180);
    for (const y0 of [100, 200, 300]) for (let x = 0; x < width; x += 1) for (let d = 0; d < 3; d += 1) pixels[(Math.round(y0 + x * tan) + d) * width + x] = 20;
    const grey = { width, height, pixels };
    expect(estimateSkew(binarise(grey, 128), width, height)).toBeCloseTo(0.8, 1);
    const upright = rotateGrey(grey, 0.8);
    expect(estimateSkew(binarise(upright, 128), width, height)).toBe(0);
    // Each line now lies along one row band: its ink at both ends within a pixel of the same rows.
    const inkRows = (x: number) => Array.from({ length: height }, (_, y) => y).filter((y) => upright.pixels[y * width + x]! < 128);
    const [left, right] = [inkRows(40), inkRows(760)];
    expect(left.length).toBeGreaterThanOrEqual(6);
    expect(Math.abs(left[0]! - right[0]!)).toBeLessThanOrEqual(1);
    expect(upright.pixels[0]).toBe(255);
    expect(upright.pixels[width * height - 1]).toBe(255);
    expect(rotateGrey(grey, 0)).toBe(grey);
  });

  it("scales a page image finer than maxDpi down to it as it decodes", async () => {
    // A4 at 30 dpi (248 px wide), one black bar across its middle.
    const canvas = createCanvas(248, 351);
    const context = canvas.getContext("2d");
    context.fillStyle = "#ffffff";
    context.fillRect(0, 0, 248, 351);
    context.fillStyle = "#000000";
    context.fillRect(0, 170, 248, 12);
    const png = new Uint8Array(await canvas.encode("png"));
    const full = await decodeGrey(png);
    expect([full.width, full.height]).toEqual([248, 351]);
    const scaled = await decodeGrey(png, 20);
    expect([scaled.width, scaled.height]).toEqual([165, 234]);
    expect(scaled.pixels[Math.round(176 * (2 / 3)) * 165 + 80]).toBeLessThan(64);
    expect(scaled.pixels[20 * 165 + 80]).toBeGreaterThan(240);
    // Within 5% of the limit a page is left as it is.
    expect((await decodeGrey(png, 29)).width).toBe(248);
  });
});

describe("faint strokes (a Song face's thin horizontals at 200 dpi)", () => {
  // Paper 250, threshold 158: a pixel under 204 (halfway) is faint; faint pixels here are 185.
  const threshold = 158;
  function page(width: number, height: number, paper = 250) {
    const pixels = new Uint8Array(width * height).fill(paper);
    const paint = (x0: number, x1: number, y0: number, y1: number, level: number) => {
      for (let y = y0; y < y1; y += 1) for (let x = x0; x < x1; x += 1) pixels[y * width + x] = level;
    };
    const count = (mask: Uint8Array, x0: number, x1: number, y0: number, y1: number) => {
      let n = 0;
      for (let y = y0; y < y1; y += 1) for (let x = x0; x < x1; x += 1) n += mask[y * width + x]!;
      return n;
    };
    return { grey: { width, height, pixels }, paint, count };
  }

  it("adds faint pixels connected to ink, a speck-sized core with a long faint rest, and nothing else", () => {
    const [width, height] = [96, 40];
    const { grey, paint, count } = page(width, height);
    paint(10, 14, 10, 30, 60); // a dark stem (a 4's)
    paint(2, 24, 20, 22, 185); // the 4's faint bar across it
    paint(30, 58, 8, 10, 185); // a faint stroke...
    paint(40, 44, 8, 10, 60); // ...whose dark core is no bigger than a speck (8 px)
    paint(69, 73, 29, 30, 185); // a dark speck's faint halo...
    paint(70, 72, 30, 32, 60); // ...and the speck
    paint(62, 90, 2, 6, 185); // faint shading touching no ink
    paint(12, 13, 30, 36, 60); // the stem reaches a ruling erased at y 35...
    paint(13, 40, 35, 36, 185); // ...whose faint edge touches it
    const raw = binarise(grey, threshold);
    const ink = raw.slice();
    despeckle(ink, width, height, 8);
    expect(count(ink, 40, 44, 8, 10)).toBe(0); // the stroke's core went with the specks
    const blocked = new Uint8Array(width * height);
    blocked.fill(1, 35 * width, 36 * width);
    addFaintStrokes(grey, ink, { raw, threshold, blocked, minLoneArea: 32 });
    expect(count(ink, 2, 24, 20, 22)).toBe(44); // the bar, whole
    expect(count(ink, 30, 58, 8, 10)).toBe(56); // the stroke, core and faint rest
    expect(count(ink, 69, 73, 29, 32)).toBe(0); // the speck stays out with its halo
    expect(count(ink, 62, 90, 2, 6)).toBe(0);
    expect(count(ink, 13, 40, 35, 36)).toBe(0); // nothing grows along a ruling's edge
  });

  it("judges faintness against the paper around it, so a darker corner is not flooded", () => {
    const [width, height] = [96, 32]; // three blocks of 32 × 32
    const { grey, paint, count } = page(width, height);
    paint(64, 96, 0, 32, 200); // the right block lit at 200: paper there is under the bright blocks' limit
    for (const x of [4, 70]) {
      paint(x - 3, x + 8, 14, 16, 185); // a faint bar: faint on white paper, no darker than the grey paper
      paint(x, x + 4, 4, 28, 60); // across a dark stem
    }
    const raw = binarise(grey, threshold);
    const ink = raw.slice();
    addFaintStrokes(grey, ink, { raw, threshold, blocked: new Uint8Array(width * height), minLoneArea: 32 });
    expect(count(ink, 0, 32, 0, 32)).toBe(4 * 24 + 7 * 2); // the stem and its bar (3 + 4 px beside the stem, 2 rows)
    expect(count(ink, 64, 96, 0, 32)).toBe(4 * 24); // the stem only, no flood into the grey paper
  });
});

describe("ruling runs", () => {
  /** Vertical runs as a scan down each column finds them: the order and bridging findRulings keeps. */
  function columnRuns(ink: Uint8Array, width: number, height: number, minLength: number, maxGap: number) {
    const runs: { x1: number; y1: number; x2: number; y2: number }[] = [];
    for (let x = 0; x < width; x += 1) {
      let [start, last] = [-1, -1];
      for (let y = 0; y < height; y += 1) {
        if (!ink[y * width + x]) continue;
        if (start < 0 || y - last > maxGap + 1) {
          if (start >= 0 && last - start + 1 >= minLength) runs.push({ x1: x, y1: start, x2: x, y2: last });
          start = y;
        }
        last = y;
      }
      if (start >= 0 && last - start + 1 >= minLength) runs.push({ x1: x, y1: start, x2: x, y2: last });
    }
    return runs;
  }

  it("finds the vertical runs a column scan finds, gaps bridged, in the same order, reading the page by rows", () => {
    const [width, height] = [61, 83];
    let state = 12345;
    const rand = () => ((state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const ink = new Uint8Array(width * height);
    // Columns of ink broken by gaps of 1-6 pixels, and scattered specks.
    for (let x = 0; x < width; x += 3) for (let y = 0; y < height; y += 1) ink[y * width + x] = rand() < 0.85 ? 1 : 0;
    for (let i = 0; i < 400; i += 1) ink[Math.floor(rand() * ink.length)] = 1;
    const vertical = findRulings(ink, width, height, 12, 3).filter((s) => s.x1 === s.x2 && s.y1 !== s.y2);
    const expected = columnRuns(ink, width, height, 12, 3);
    expect(expected.length).toBeGreaterThan(20);
    expect(vertical).toEqual(expected);
  });
});
