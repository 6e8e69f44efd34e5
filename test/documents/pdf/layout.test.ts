import { describe, expect, it } from "vitest";
import { blocksOf, joinContinuedTables, layoutPage, type PageGeometry, type Segment, type TextItem } from "../../../functions/documents/pdf/layout.ts";
import { repairCjkText } from "../../../functions/documents/pdf/text-repair.ts";
import { readFigures } from "../../../functions/report/read-figures.ts";

/** Rulings of a grid: horizontal lines at `ys` across [x0, x1], vertical lines at `xs` down [y0, y1]. */
function rulings(xs: number[], ys: number[]): Segment[] {
  const x0 = Math.min(...xs);
  const x1 = Math.max(...xs);
  const y0 = Math.min(...ys);
  const y1 = Math.max(...ys);
  return [...ys.map((y) => ({ x1: x0, y1: y, x2: x1, y2: y })), ...xs.map((x) => ({ x1: x, y1: y0, x2: x, y2: y1 }))];
}

const item = (text: string, x: number, y: number, width = text.length * 10): TextItem => ({ text, x, y, width, height: 10 });
const page = (items: TextItem[], segments: Segment[]): PageGeometry => ({ width: 595, height: 842, items, segments });

describe("ruled tables", () => {
  it("reads a grid, and a missing border as a merge", () => {
    // 3 columns x 3 rows; the first column's border between rows 2 and 3 is missing (rowspan),
    // and the border between columns 2 and 3 is missing in row 1 (colspan).
    const segments: Segment[] = [
      { x1: 0, y1: 0, x2: 300, y2: 0 },
      { x1: 0, y1: 20, x2: 300, y2: 20 },
      { x1: 100, y1: 40, x2: 300, y2: 40 }, // not under column 1
      { x1: 0, y1: 60, x2: 300, y2: 60 },
      { x1: 0, y1: 0, x2: 0, y2: 60 },
      { x1: 100, y1: 0, x2: 100, y2: 60 },
      { x1: 200, y1: 20, x2: 200, y2: 60 }, // not in row 1
      { x1: 300, y1: 0, x2: 300, y2: 60 },
    ];
    const items = [item("信息内容", 10, 5), item("处理决定数量", 110, 5), item("行政许可", 10, 35), item("2", 110, 25), item("1961", 210, 25), item("0", 110, 45), item("5", 210, 45)];
    const blocks = blocksOf(layoutPage(page(items, segments)));
    expect(blocks).toHaveLength(1);
    const table = blocks[0]!;
    expect(table.kind === "table" && table.rows.map((r) => r.map(({ text, rowSpan, colSpan }) => ({ text, rowSpan, colSpan })))).toEqual([
      [{ text: "信息内容" }, { text: "处理决定数量", colSpan: 2 }],
      [{ text: "行政许可", rowSpan: 2 }, { text: "2" }, { text: "1961" }],
      [{ text: "0" }, { text: "5" }],
    ]);
  });

  it("joins the wrapped lines of a cell and keeps empty cells", () => {
    const segments = rulings([0, 60, 120], [0, 40]);
    const items = [item("（二）部分", 5, 5), item("公开", 5, 20), item("", 65, 10)];
    const [table] = blocksOf(layoutPage(page(items, segments)));
    expect(table?.kind === "table" && table.rows[0]!.map((c) => c.text)).toEqual(["（二）部分公开", ""]);
  });

  it("reads a one-cell frame as text, not as a table", () => {
    const blocks = blocksOf(layoutPage(page([item("注：本表数据截至12月31日", 10, 10, 200)], rulings([0, 400], [0, 30]))));
    expect(blocks).toEqual([{ kind: "paragraph", text: "注：本表数据截至12月31日" }]);
  });

  it("orders tables among the lines of text by position", () => {
    const items = [item("二、主动公开政府信息情况", 0, 100, 200), item("规章", 5, 125), item("0", 65, 125), item("三、收到和处理", 0, 170, 120)];
    const blocks = blocksOf(layoutPage(page(items, rulings([0, 60, 120], [120, 140]))));
    expect(blocks.map((b) => b.kind)).toEqual(["paragraph", "table", "paragraph"]);
  });
});

describe("tables across pages", () => {
  it("joins a table that continues at the top of the next page, merging a spanning cell split by the break", () => {
    // Page 1: header row, then a row whose first cell continues onto page 2 (no bottom border under it).
    const first: Segment[] = [
      { x1: 0, y1: 700, x2: 300, y2: 700 },
      { x1: 0, y1: 720, x2: 300, y2: 720 },
      { x1: 100, y1: 740, x2: 300, y2: 740 },
      ...[0, 100, 200, 300].map((x) => ({ x1: x, y1: x === 200 ? 700 : 700, x2: x, y2: 740 })),
    ];
    const second: Segment[] = [
      { x1: 100, y1: 50, x2: 300, y2: 50 },
      { x1: 0, y1: 70, x2: 300, y2: 70 },
      ...[0, 100, 200, 300].map((x) => ({ x1: x, y1: 50, x2: x, y2: 70 })),
    ];
    const pages = [
      layoutPage(page([item("项目", 5, 705), item("数量", 105, 705), item("金额", 205, 705), item("三、办理结果", 5, 725, 90), item("7", 105, 725), item("0", 205, 725), item("- 1 -", 140, 800, 30)], first)),
      layoutPage(page([item("8", 105, 55), item("1", 205, 55), item("五、其他", 0, 100, 80)], second)),
    ];
    joinContinuedTables(pages);
    const [firstBlocks, secondBlocks] = pages.map(blocksOf);
    const table = firstBlocks!.find((b) => b.kind === "table");
    expect(table?.kind === "table" && table.rows.map((r) => r.map(({ text, rowSpan }) => (rowSpan ? `${text}↓${rowSpan}` : text)))).toEqual([
      ["项目", "数量", "金额"],
      ["三、办理结果↓2", "7", "0"],
      ["8", "1"],
    ]);
    expect(secondBlocks).toEqual([{ kind: "paragraph", text: "五、其他" }]);
  });

  it("keeps a row cut by the break as two rows whose label parts the reader joins", () => {
    // WPS cuts a ruled row at the page's end: page 1 ends with the label's first line and the
    // row's figures, page 2 starts with the label's second line under empty cells.
    const xs = [0, 200, 240, 280, 320, 360, 400, 440, 480];
    const figures = (values: number[], y: number) => values.map((v, i) => item(String(v), xs[i + 1]! + 5, y, 10));
    const pages = [
      layoutPage(
        page(
          [item("3.要求提供公开出版物", 5, 705), ...figures([0, 0, 0, 0, 0, 0, 0], 705), item("5.要求行政机关确认或重", 5, 725), ...figures([2, 0, 0, 0, 0, 0, 2], 725)],
          rulings(xs, [700, 720, 740]),
        ),
      ),
      layoutPage(page([item("新出具已获取信息", 5, 55), item("(七)总计", 5, 75), ...figures([2, 0, 0, 0, 0, 0, 2], 75)], rulings(xs, [50, 70, 90]))),
    ];
    joinContinuedTables(pages);
    const table = blocksOf(pages[0]!).find((b) => b.kind === "table");
    const rows = table?.kind === "table" ? table.rows.map((r) => r.map((c) => c.text)) : [];
    expect(rows.map((r) => r[0])).toEqual(["3.要求提供公开出版物", "5.要求行政机关确认或重", "新出具已获取信息", "(七)总计"]);
    const { applications } = readFigures(rows, "", "2021");
    expect(Object.keys(applications)).toEqual(["notProcessed.publication", "notProcessed.confirmation", "resultsTotal"]);
    expect(applications["notProcessed.confirmation"]).toMatchObject({ naturalPerson: 2, total: 2 });
  });

  it("does not join tables of different widths", () => {
    const pages = [
      layoutPage(page([item("a", 5, 705), item("b", 105, 705)], rulings([0, 100, 200], [700, 720]))),
      layoutPage(page([item("c", 5, 55), item("d", 155, 55)], rulings([0, 150, 300], [50, 70]))),
    ];
    joinContinuedTables(pages);
    expect(pages.map(blocksOf).map((bs) => bs.filter((b) => b.kind === "table").length)).toEqual([1, 1]);
  });
});

describe("text outside tables", () => {
  it("groups items into lines and spaces words only at real gaps", () => {
    const items = [item("本年度", 0, 0, 30), item("共收到", 30, 0, 30), item("19", 70, 0, 12), item("件", 82, 0, 10)];
    expect(blocksOf(layoutPage(page(items, [])))).toEqual([{ kind: "paragraph", text: "本年度共收到 19件" }]);
  });

  it("reads lines split by wide gaps as a borderless table", () => {
    const items = [item("行政许可", 0, 0), item("39", 200, 0), item("122", 300, 0), item("行政处罚", 0, 20), item("1101", 200, 20), item("-23", 300, 20)];
    expect(blocksOf(layoutPage(page(items, [])))).toEqual([
      { kind: "table", rows: [[{ text: "行政许可" }, { text: "39" }, { text: "122" }], [{ text: "行政处罚" }, { text: "1101" }, { text: "-23" }]] },
    ]);
  });
});

describe("repairCjkText", () => {
  it("maps Kangxi and supplement radicals from broken font maps to the ideographs shown", () => {
    expect(repairCjkText("⼯作年度报告，中华⼈⺠共和国")).toBe("工作年度报告，中华人民共和国");
    expect(repairCjkText("规章 0 0 15")).toBe("规章 0 0 15");
  });
});
