import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "nianbao-bad-"));
});

async function parse(bytes: Uint8Array | string, name: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const file = join(dir, name);
  writeFileSync(file, bytes);
  try {
    const { stdout, stderr } = await run("node", ["bin/nianbao.mjs", "parse", file, "--json"]);
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe("nianbao parse on bad input", () => {
  it("rejects an empty file with exit 2 and one line", async () => {
    const r = await parse(new Uint8Array(0), "empty.txt");
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr.trim().split("\n").filter((l) => l.startsWith("nianbao:"))).toHaveLength(1);
    expect(r.stderr).toMatch(/empty|为空/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it("rejects binary garbage", async () => {
    const garbage = new Uint8Array(4096).map((_, i) => (i * 7919 + 13) % 256);
    const r = await parse(garbage, "garbage.txt");
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it("rejects a Chinese text that is not an annual report", async () => {
    const prose = "春天来了，公园里的花都开了。2023年，我们一家人去西湖边散步，看到许多游客。\n晚上回家吃饭，大家都很开心。";
    const r = await parse(prose, "essay.txt");
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/不是政府信息公开工作年度报告|not a government information disclosure annual report/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it("rejects a file that does not exist", async () => {
    const { code, stderr } = await run("node", ["bin/nianbao.mjs", "parse", join(dir, "missing.txt")]).then(
      () => ({ code: 0, stderr: "" }),
      (e: { code: number; stderr: string }) => e,
    );
    expect(code).toBe(2);
    expect(stderr).toMatch(/no such file|不存在/);
  });
});

describe("nianbao parse on legacy encodings", () => {
  it("reads a GB18030 file like its UTF-8 original", async () => {
    const { readFileSync } = await import("node:fs");
    const { default: iconv } = await import("iconv-lite");
    const { SEEDS_DIR } = await import("../fixtures/seeds.ts");
    const utf8 = readFileSync(join(SEEDS_DIR, "002_732b3b243defc543.txt"), "utf8");
    const gb = await parse(iconv.encode(utf8, "gb18030"), "gb.txt");
    const plain = await parse(utf8, "utf8.txt");
    expect(gb.code).toBe(0);
    expect(JSON.parse(gb.stdout)).toEqual(JSON.parse(plain.stdout));
  });

  it("reads a Big5 file of traditional characters", async () => {
    const { default: iconv } = await import("iconv-lite");
    const { readFileSync } = await import("node:fs");
    const { SEEDS_DIR } = await import("../fixtures/seeds.ts");
    const utf8 = readFileSync(join(SEEDS_DIR, "000_da3b4a7bec10951f.txt"), "utf8");
    // Big5 has no code for some characters of the page chrome; those become '?', as a Big5 page would show.
    const big5 = await parse(iconv.encode(utf8, "big5"), "big5.txt");
    expect(big5.code).toBe(0);
    const record = JSON.parse(big5.stdout);
    expect(record.agency).toBe("西湖区教育局");
    expect(record.applications.newReceived.total).toBe(19);
  });
});

describe("an annual report of an unknown edition", () => {
  it("is rejected with a reason that names the template editions", async () => {
    const old = [
      "某某县人民政府2017年政府信息公开工作年度报告",
      "一、概述",
      "2017年，我县认真贯彻落实《中华人民共和国政府信息公开条例》。",
      "二、主动公开政府信息情况",
      "全年主动公开政府信息1234条。",
      "三、依申请公开政府信息情况",
      "全年共受理政府信息公开申请56件。",
    ].join("\n");
    const r = await parse(old, "2017.txt");
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no known edition of the template/);
  });
});
