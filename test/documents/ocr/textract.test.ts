import { AnalyzeDocumentCommand, GetDocumentAnalysisCommand, StartDocumentAnalysisCommand } from "@aws-sdk/client-textract";
import { describe, expect, it } from "vitest";
import { blocksFromTextract, TextractOcrEngine } from "../../../functions/documents/ocr/textract.ts";
import { TransientError, UnreadableDocumentError } from "../../../functions/shared/errors.ts";
import { declaredDimensions } from "../../../functions/documents/image-budget.ts";
import { RecordedTextract, textractFixture } from "../../support/recorded-textract.ts";

const fixture = textractFixture;
const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

const sdkError = (name: string, status = 400) => Object.assign(new Error(`${name}: simulated`), { name, $metadata: { httpStatusCode: status } });

describe("blocksFromTextract", () => {
  it("turns merged cells into one cell with spans and keeps lines outside tables as paragraphs", () => {
    const [page] = [...blocksFromTextract(fixture("analyze-document-table.json").Blocks).values()];
    expect(page!.blocks.map((b) => b.kind)).toEqual(["paragraph", "table"]);
    const table = page!.blocks[1]!;
    expect(table.kind === "table" && table.rows.map((r) => r.map(({ text, rowSpan, colSpan }) => ({ text, rowSpan, colSpan })))).toEqual([
      [{ text: "$=+$#(E)I", rowSpan: undefined, colSpan: 4 }],
      [{ text: "1E/9#" }, { text: "*#&&##", colSpan: 3 }],
      [{ text: "17&i+9" }, { text: "0", colSpan: 3 }],
      [{ text: "17&&I" }, { text: "3", colSpan: 3 }],
    ]);
    expect(table.kind === "table" && table.rows[2]![0]!.confidence).toBeCloseTo(86.4);
  });
});

describe("TextractOcrEngine", () => {
  it("reads a page image with AnalyzeDocument TABLES", async () => {
    const client = new RecordedTextract(new Map([["AnalyzeDocumentCommand", [fixture("analyze-document-table.json")]]]));
    const result = await new TextractOcrEngine({ client }).recognizeImage({ bytes: PNG, mediaType: "image/png" });
    const command = client.sent[0] as AnalyzeDocumentCommand;
    expect(command).toBeInstanceOf(AnalyzeDocumentCommand);
    expect(command.input.FeatureTypes).toEqual(["TABLES"]);
    expect(command.input.Document?.Bytes).toBe(PNG);
    expect(result.blocks.filter((b) => b.kind === "table")).toHaveLength(1);
    expect(result.confidence).toBeGreaterThan(0);
  });

  it("sends a rendered page handed as pixels as PNG bytes", async () => {
    const client = new RecordedTextract(new Map([["AnalyzeDocumentCommand", [fixture("analyze-document-table.json")]]]));
    const pixels = { width: 3, height: 2, rgba: new Uint8ClampedArray(24).fill(255) };
    const result = await new TextractOcrEngine({ client }).recognizeImage({ pixels, label: "page 1" });
    const sent = (client.sent[0] as AnalyzeDocumentCommand).input.Document?.Bytes;
    expect([...sent!.subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
    expect(declaredDimensions(sent!)).toEqual({ width: 3, height: 2 });
    expect(result.blocks.filter((b) => b.kind === "table")).toHaveLength(1);
  });

  it("reads every result page of a PDF job through NextToken, after polling past IN_PROGRESS", async () => {
    const [running, firstPage, secondPage] = fixture("get-document-analysis-pages.json");
    const client = new RecordedTextract(
      new Map<string, unknown[]>([
        ["StartDocumentAnalysisCommand", [{ JobId: "f1c2d3e4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d2" }]],
        ["GetDocumentAnalysisCommand", [running, firstPage, secondPage]],
      ]),
    );
    const slept: number[] = [];
    const engine = new TextractOcrEngine({
      client,
      stagePdf: async () => ({ bucket: "nianbao-uploads", key: "staging/report.pdf" }),
      pollIntervalMs: 1500,
      sleep: async (ms) => void slept.push(ms),
    });
    const pages = await engine.recognizePdf(new Uint8Array([0x25, 0x50, 0x44, 0x46]), [1, 2]);

    const start = client.sent[0] as StartDocumentAnalysisCommand;
    expect(start.input).toEqual({ DocumentLocation: { S3Object: { Bucket: "nianbao-uploads", Name: "staging/report.pdf" } }, FeatureTypes: ["TABLES"] });
    const gets = client.sent.slice(1) as GetDocumentAnalysisCommand[];
    expect(gets.map((g) => g.input.NextToken)).toEqual([undefined, undefined, "Aw8Rk2N3bEx5Q1ZxSzVYd0JmTGhKMmZ1dz09"]);
    expect(slept).toEqual([1500]);

    const first = pages.get(1)!.blocks;
    expect(first.map((b) => b.kind)).toEqual(["paragraph", "table"]);
    const table = first[1]!;
    // A rowspan (1,1)+(2,1) and a colspan (3,1)+(3,2): the covered cells are not repeated.
    expect(table.kind === "table" && table.rows.map((r) => r.map((c) => `${c.text}${c.rowSpan ? `↓${c.rowSpan}` : ""}${c.colSpan ? `→${c.colSpan}` : ""}`))).toEqual([
      ["=,*E##&#↓2", "(-)F#&#", "7", "7"],
      ["(=)&9&#", "1", "1"],
      ["(t)3it→2", "8", "8"],
    ]);
    const second = pages.get(2)!.blocks;
    expect(second.map((b) => (b.kind === "table" ? b.rows.map((r) => r.map((c) => c.text)) : b.text))).toEqual([
      [["&#&&", "&&#", "&&&"], ["2", "0", "2"]],
      "2021#1820B",
    ]);
  });

  it("raises throttling as a retryable TransientError", async () => {
    for (const name of ["ProvisionedThroughputExceededException", "ThrottlingException", "LimitExceededException"]) {
      const client = new RecordedTextract(new Map([["AnalyzeDocumentCommand", [sdkError(name)]]]));
      const error = await new TextractOcrEngine({ client }).recognizeImage({ bytes: PNG, mediaType: "image/png" }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TransientError);
      expect((error as TransientError).retryable).toBe(true);
    }
  });

  it("raises a document Textract cannot read as UnreadableDocumentError, and a failed job too", async () => {
    const bad = new RecordedTextract(new Map([["AnalyzeDocumentCommand", [sdkError("UnsupportedDocumentException")]]]));
    await expect(new TextractOcrEngine({ client: bad }).recognizeImage({ bytes: PNG, mediaType: "image/png" })).rejects.toBeInstanceOf(UnreadableDocumentError);
    const failed = new RecordedTextract(
      new Map<string, unknown[]>([
        ["StartDocumentAnalysisCommand", [{ JobId: "job-1" }]],
        ["GetDocumentAnalysisCommand", [{ JobStatus: "FAILED", StatusMessage: "Request has unsupported document format" }]],
      ]),
    );
    const engine = new TextractOcrEngine({ client: failed, stagePdf: async () => ({ bucket: "b", key: "k" }), sleep: async () => {} });
    await expect(engine.recognizePdf(new Uint8Array([1]), [1])).rejects.toThrow(/unsupported document format/);
  });
});
