import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { collectFiles } from "../../../bin/commands/ingest.ts";

describe("collectFiles", () => {
  it("takes report files from directories, recursively and sorted, and any file named", async () => {
    // Prepare
    const dir = await mkdtemp(join(tmpdir(), "nianbao-collect-"));
    await mkdir(join(dir, "2020"));
    for (const name of ["b.pdf", "a.docx", "notes.md", ".hidden.txt", "2020/c.html", "2020/d.expected.json"]) {
      await writeFile(join(dir, name), "x");
    }

    // Act
    const files = await collectFiles([dir, join(dir, "notes.md")]);

    // Assess
    expect(files.map((f) => f.slice(dir.length + 1))).toEqual(["2020/c.html", "a.docx", "b.pdf", "notes.md"]);
    await rm(dir, { recursive: true });
  });

  it("rejects a path that does not exist", async () => {
    await expect(collectFiles(["/no/such/report.pdf"])).rejects.toThrow(/no such file/);
  });
});
