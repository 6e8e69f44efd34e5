import { describe, expect, it } from "vitest";
import { readDocxBody } from "../../../functions/documents/docx/body.ts";
import { UnreadableDocumentError } from "../../../functions/shared/errors.ts";
import { documentXml, p, tbl, tc, tr } from "../helpers/zip.ts";

describe("readDocxBody", () => {
  it("keeps tabs and line breaks of runs and drops deleted text and field codes", () => {
    // Prepare
    const xml = documentXml(
      '<w:p><w:pPr><w:tabs><w:tab w:val="left" w:pos="720"/></w:tabs></w:pPr><w:r><w:t>规章</w:t><w:tab/><w:t>0</w:t><w:br/><w:t>次行</w:t></w:r>' +
        '<w:del w:id="1"><w:r><w:delText>删除的</w:delText></w:r></w:del><w:r><w:instrText> PAGE </w:instrText></w:r></w:p>',
    );
    // Act
    const items = readDocxBody(xml);
    // Assess
    expect(items).toEqual([{ kind: "paragraph", text: "规章\t0\n次行" }]);
  });

  it("records vMerge continuation on the origin cell and omits it from later rows", () => {
    const xml = documentXml(
      tbl(
        tr(tc("三、本年度办理结果", { vMerge: "restart" }), tc("（一）予以公开", { span: 2 }), tc("7")),
        tr(tc("", { vMerge: "continue" }), tc("（三）不予公开", { vMerge: "restart" }), tc("1.属于国家秘密"), tc("")),
        tr(tc("", { vMerge: "continue" }), tc("", { vMerge: "continue" }), tc("2.其他法律行政法规禁止公开"), tc("0")),
      ),
    );
    const [table] = readDocxBody(xml);
    expect(table).toEqual({
      kind: "table",
      rows: [
        [{ text: "三、本年度办理结果", rowSpan: 3 }, { text: "（一）予以公开", colSpan: 2 }, { text: "7" }],
        [{ text: "（三）不予公开", rowSpan: 2 }, { text: "1.属于国家秘密" }, { text: "" }],
        [{ text: "2.其他法律行政法规禁止公开" }, { text: "0" }],
      ],
    });
  });

  it("matches a vMerge continuation to the origin in the same grid column, across gridSpan and gridBefore", () => {
    const xml = documentXml(
      tbl(
        tr(tc("A", { span: 2 }), tc("B", { vMerge: "restart" })),
        '<w:tr><w:trPr><w:gridBefore w:val="2"/></w:trPr>' + tc("", { vMerge: "continue" }) + "</w:tr>",
        tr(tc("C"), tc("D"), tc("", { vMerge: "continue" })),
      ),
    );
    const [table] = readDocxBody(xml);
    expect(table).toEqual({
      kind: "table",
      rows: [[{ text: "A", colSpan: 2 }, { text: "B", rowSpan: 3 }], [], [{ text: "C" }, { text: "D" }]],
    });
  });

  it("keeps tables where they stand among paragraphs", () => {
    const xml = documentXml(p("二、主动公开政府信息情况") + tbl(tr(tc("规章"), tc("0"))) + p("三、收到和处理政府信息公开申请情况"));
    expect(readDocxBody(xml).map((b) => b.kind)).toEqual(["paragraph", "table", "paragraph"]);
  });

  it("reads the first choice of alternate content only", () => {
    const box = (t: string) => `<w:txbxContent>${p(t)}</w:txbxContent>`;
    const xml = documentXml(
      '<w:p><w:r><w:t>正文</w:t></w:r><w:r><mc:AlternateContent xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006">' +
        `<mc:Choice Requires="wps">${box("文本框")}</mc:Choice><mc:Fallback>${box("文本框")}</mc:Fallback></mc:AlternateContent></w:r></w:p>`,
    );
    expect(readDocxBody(xml)).toEqual([
      { kind: "paragraph", text: "正文" },
      { kind: "paragraph", text: "文本框" },
    ]);
  });

  it("lists pictures with their displayed size in document order", () => {
    const drawing = (id: string, cx: number) =>
      `<w:p><w:r><w:drawing><wp:inline xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"><wp:extent cx="${cx}" cy="100"/>` +
      `<a:graphic xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><a:graphicData><pic:pic xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:blipFill><a:blip r:embed="${id}"/></pic:blipFill></pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p>`;
    const items = readDocxBody(documentXml(drawing("rId7", 5_000_000) + p("中间") + drawing("rId8", 400_000)));
    expect(items).toEqual([
      { kind: "image", relationshipId: "rId7", widthEmu: 5_000_000, heightEmu: 100 },
      { kind: "paragraph", text: "中间" },
      { kind: "image", relationshipId: "rId8", widthEmu: 400_000, heightEmu: 100 },
    ]);
  });

  it("refuses a part that declares a DOCTYPE, without expanding its entities", () => {
    const xml = documentXml(p("&xxe;"), '<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>');
    expect(() => readDocxBody(xml)).toThrow(UnreadableDocumentError);
    expect(() => readDocxBody(xml)).toThrow(/DOCTYPE/);
  });

  it("rejects malformed XML with a readable error", () => {
    expect(() => readDocxBody("<w:document><w:body>")).toThrow(/not well-formed XML/);
  });
});
