import iconv from "iconv-lite";
import { describe, expect, it } from "vitest";
import { decodeHtml } from "../../../functions/documents/html/decode.ts";
import { readHtml, readHtmlString } from "../../../functions/documents/html/read-html.ts";

const page = (body: string, head = "") => `<!DOCTYPE html><html><head>${head}<title>某区教育局2019年政府信息公开工作年度报告</title></head><body>${body}</body></html>`;

describe("readHtmlString", () => {
  it("reads rowspan and colspan onto the origin cell and lists only the cells each row has", () => {
    const html = page(`<table border="1">
      <tr><td rowspan="2">三、本年度办理结果</td><td colspan="2">（一）予以公开</td><td>7</td></tr>
      <tr><td>（二）部分公开</td><td></td><td>&nbsp;</td></tr>
    </table>`);
    const table = readHtmlString(html).pages[0]!.blocks.find((b) => b.kind === "table");
    expect(table).toEqual({
      kind: "table",
      rows: [
        [{ text: "三、本年度办理结果", rowSpan: 2 }, { text: "（一）予以公开", colSpan: 2 }, { text: "7" }],
        [{ text: "（二）部分公开" }, { text: "" }, { text: "" }],
      ],
    });
  });

  it("keeps paragraphs and tables in document order, with the title first and scripts dropped", () => {
    const html = page(`<script>var a = "不应出现";</script><p>一、总体情况</p><div>二、主动公开<br>政府信息情况</div>
      <table><tr><td>规章</td><td>0</td></tr></table><p style="display:none">隐藏</p><p>三、收到和处理</p>`);
    const blocks = readHtmlString(html).pages[0]!.blocks;
    expect(blocks.map((b) => (b.kind === "paragraph" ? b.text : "<table>"))).toEqual([
      "某区教育局2019年政府信息公开工作年度报告",
      "一、总体情况",
      "二、主动公开",
      "政府信息情况",
      "<table>",
      "三、收到和处理",
    ]);
  });

  it("collapses whitespace inside cells and joins a cell's paragraphs with newlines", () => {
    const html = page(`<table><tr><td><p>自 然
      人</p><p>第二段</p></td><td> 1 </td></tr></table>`);
    const table = readHtmlString(html).pages[0]!.blocks.find((b) => b.kind === "table");
    expect(table?.kind === "table" && table.rows[0]).toEqual([{ text: "自 然 人\n第二段" }, { text: "1" }]);
  });

  it("reads a layout table as a container of the data tables inside it", () => {
    const html = page(`<table><tr><td>导航</td><td><p>正文标题</p>
      <table><tr><td>行政许可</td><td>39</td></tr><tr><td>行政处罚</td><td>996</td></tr></table></td></tr></table>`);
    const blocks = readHtmlString(html).pages[0]!.blocks;
    const tables = blocks.filter((b) => b.kind === "table");
    expect(tables).toHaveLength(1);
    expect(tables[0]).toEqual({
      kind: "table",
      rows: [
        [{ text: "行政许可" }, { text: "39" }],
        [{ text: "行政处罚" }, { text: "996" }],
      ],
    });
    expect(blocks.filter((b) => b.kind === "paragraph").map((b) => b.kind === "paragraph" && b.text)).toContain("正文标题");
  });

  it("repairs broken markup the way a browser does (unclosed cells and rows)", () => {
    const html = page(`<table><tr><td>一、本年新收<td>19<tr><td>二、上年结转<td>0</table>`);
    const table = readHtmlString(html).pages[0]!.blocks.find((b) => b.kind === "table");
    expect(table?.kind === "table" && table.rows.map((r) => r.map((c) => c.text))).toEqual([
      ["一、本年新收", "19"],
      ["二、上年结转", "0"],
    ]);
  });

  it("warns when a page has pictures but no tables", () => {
    const doc = readHtmlString(page(`<p>见下图</p><img src="table.png">`));
    expect(doc.warnings.join(" ")).toMatch(/pictures/);
  });
});

describe("decodeHtml", () => {
  const body = "<table><tr><td>政府信息公开申请</td><td>總計</td></tr></table>";

  const traditional = "<html><head><title>西湖區教育局</title></head><body><table><tr><td>政府信息公開申請</td><td>總計</td></tr></table></body></html>";

  it.each([
    ["gb2312", "gbk", page(body, `<meta http-equiv="Content-Type" content="text/html; charset=gb2312">`), "政府信息公开申请"],
    ["gbk", "gbk", page(body, `<meta charset="GBK">`), "政府信息公开申请"],
    ["gb18030", "gb18030", page(body, `<meta charset="gb18030">`), "政府信息公开申请"],
    ["big5", "big5", traditional.replace("<head>", `<head><meta charset="big5">`), "政府信息公開申請"],
  ])("decodes a page declared as %s", (_label, encoding, html, expected) => {
    const bytes = iconv.encode(html, encoding);
    expect(decodeHtml(bytes).text).toContain(expected);
    expect(decodeHtml(bytes).text).toContain("總計");
  });

  it("detects a GBK page that declares no charset", () => {
    const long = page(`<p>${"杭州市教育局认真贯彻落实政府信息公开条例，主动公开政府信息。".repeat(20)}</p>${body}`);
    const decoded = decodeHtml(iconv.encode(long, "gbk"));
    expect(decoded.charset).toBe("gb18030");
    expect(decoded.text).toContain("政府信息公开申请");
  });

  it("prefers valid UTF-8 over a wrong gb2312 label", () => {
    const bytes = new TextEncoder().encode(page(body, `<meta charset="gb2312">`));
    expect(decodeHtml(bytes)).toMatchObject({ charset: "utf-8" });
    expect(decodeHtml(bytes).text).toContain("政府信息公开申请");
  });

  it("takes the transport's charset hint over detection", () => {
    const bytes = iconv.encode(traditional, "big5");
    const doc = readHtml(bytes, { charset: "big5" });
    const table = doc.pages[0]!.blocks.find((b) => b.kind === "table");
    expect(table?.kind === "table" && table.rows[0]![1]!.text).toBe("總計");
  });
});
