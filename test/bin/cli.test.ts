/** The CLI's dispatcher: usage, per-command help, and clear errors for unknown commands and options. */
import { describe, expect, it } from "vitest";
import { nianbao } from "../support/run-cli.ts";

describe("nianbao CLI", () => {
  it("lists every command with its options on --help", async () => {
    const { code, stderr } = await nianbao("--help");
    expect(code).toBe(0);
    for (const command of ["parse", "up", "ingest", "status", "reprocess"]) expect(stderr).toContain(`nianbao ${command} `);
    expect(stderr).toContain("--no-ocr");
  });

  it("prints one command's usage on `COMMAND --help` without running it", async () => {
    const { code, stderr, stdout } = await nianbao("ingest", "--help");
    expect(code).toBe(0);
    expect(stdout).toBe("");
    expect(stderr).toMatch(/^usage: nianbao ingest FILE\|DIR\.\.\. .*--endpoint URL/);
  });

  it("names a mistyped option and exits 2, instead of an unexpected error", async () => {
    const { code, stderr } = await nianbao("ingest", "--data", "x");
    expect(code).toBe(2);
    expect(stderr).toContain("nianbao: Unknown option '--data'");
    expect(stderr).not.toContain("unexpected error");
  });

  it("refuses an unknown command with exit 2 and the usage", async () => {
    const { code, stderr } = await nianbao("frobnicate");
    expect(code).toBe(2);
    expect(stderr).toContain("unknown command 'frobnicate'");
    expect(stderr).toContain("usage: nianbao <command>");
  });
});
