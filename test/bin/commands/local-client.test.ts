import { describe, expect, it } from "vitest";
import { describeProblems, displayWidth, renderTable, resolveEndpoint, type ReportBody } from "../../../bin/commands/local-client.ts";

describe("displayWidth", () => {
  it("counts Chinese characters as two columns", () => {
    expect(displayWidth("西湖区教育局")).toBe(12);
    expect(displayWidth("VALID")).toBe(5);
    expect(displayWidth("（七）")).toBe(6);
  });
});

describe("renderTable", () => {
  it("lines up columns holding Chinese text", () => {
    const lines = renderTable(["agency", "status"], [["西湖区教育局", "VALID"], ["x", "FAILED"]]).split("\n");
    const rows = lines.filter((line) => /VALID|FAILED|status/.test(line));
    const statusColumn = rows.map((line) => displayWidth(line.slice(0, line.search(/VALID|FAILED|status/))));
    expect(rows).toHaveLength(3);
    expect(new Set(statusColumn).size).toBe(1);
  });
});

describe("describeProblems", () => {
  const base = { id: "a", agency: null, year: null, edition: null, sourceCount: 1, updatedAt: "", sources: [] };

  it("gives a failed report's file name, cause and error", () => {
    const sources = [{ bucket: "ingest", key: "incoming/a/empty.txt", uri: "s3://ingest/incoming/a/empty.txt" }];
    const report: ReportBody = { ...base, sources, status: "FAILED", failure: { error: "UnreadableDocumentError", cause: "文件为空" } };
    expect(describeProblems(report)).toBe("empty.txt：文件为空（UnreadableDocumentError）");
  });

  it("lists the error findings of a report that needs review, not its warnings", () => {
    const report: ReportBody = {
      ...base,
      status: "NEEDS_REVIEW",
      findings: [
        { rule: "applications.resultsTotal", severity: "error", message: "m", cells: ["resultsTotal.total"], expected: 127, actual: 124 },
        { rule: "narrative.mismatch", severity: "warning", message: "m", cells: ["newReceived.total"], expected: 1, actual: 2 },
      ],
    };
    expect(describeProblems(report)).toBe("表三（七）总计·总计：印 124，应为 127");
  });
});

describe("resolveEndpoint", () => {
  it("prefers the flag, then NIANBAO_ENDPOINT, then the default port", () => {
    const saved = process.env.NIANBAO_ENDPOINT;
    try {
      process.env.NIANBAO_ENDPOINT = "http://127.0.0.1:4000/";
      expect(resolveEndpoint("http://localhost:5000")).toBe("http://localhost:5000");
      expect(resolveEndpoint(undefined)).toBe("http://127.0.0.1:4000");
      delete process.env.NIANBAO_ENDPOINT;
      expect(resolveEndpoint(undefined)).toBe("http://127.0.0.1:3000");
    } finally {
      if (saved === undefined) delete process.env.NIANBAO_ENDPOINT;
      else process.env.NIANBAO_ENDPOINT = saved;
    }
  });
});
