/**
 * hierarchy.sum on the local stack. The three real PDFs alone: 淮安市人民政府's 2024 report says it
 * speaks for the whole city (全市共受理…), but the registry holds none of its seven county
 * governments' 2024 reports, so nothing is compared and no finding raised. Then the city's
 * office imports its list of bodies (the government and two departments), and the two
 * departments' 2024 reports are dropped, their figures splitting the city's between them — one
 * cell of the second edited: one hierarchy.sum warning on the city's report, naming both.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Finding } from "../../functions/report/record.ts";
import { hashBytes } from "../../functions/shared/hash.ts";
import { renderText, type Figures } from "../fixtures/render-text.ts";
import { startTestStack, type TestStack } from "../support/local-stack.ts";

const REAL_DIR = join(import.meta.dirname, "..", "..", "..", "shared", "corpus", "real");
type Sections = Record<string, Record<string, number>>;
type Report = { agency: string; year: number; edition: "2019" | "2021"; summarises?: true; findings: Finding[] } & Record<"activeDisclosure" | "applications" | "reviewLitigation", Sections>;

let local: TestStack;
const ids = new Map<string, string>();

async function drop(key: string, bytes: Uint8Array): Promise<string> {
  await local.s3.send(new PutObjectCommand({ Bucket: local.stack.ingestBucket, Key: `incoming/${key}`, Body: bytes }));
  return hashBytes(bytes);
}
const report = async (id: string) => (await (await fetch(`${local.stack.apiUrl}/reports/${id}`)).json()) as Report;
const hierarchyFindings = (r: Report) => r.findings.filter((f) => f.rule === "hierarchy.sum");

/** Each figure of `r`'s sections 二–四 through `part` (half of it, or the rest). */
function split(r: Report, part: (value: number) => number): Pick<Figures, "activeDisclosure" | "applications" | "reviewLitigation"> {
  const map = (s: Sections) => Object.fromEntries(Object.entries(s).map(([row, cols]) => [row, Object.fromEntries(Object.entries(cols).map(([c, v]) => [c, part(v)]))]));
  return { activeDisclosure: map(r.activeDisclosure), applications: map(r.applications), reviewLitigation: map(r.reviewLitigation) };
}
const half = (v: number) => (Number.isInteger(v) ? Math.floor(v / 2) : Math.round((v / 2) * 1e4) / 1e4);

beforeAll(async () => {
  local = await startTestStack("nianbao-hierarchy-");
  for (const name of ["p02", "p03", "p04"]) ids.set(name, await drop(`${name}.pdf`, await readFile(join(REAL_DIR, `${name}.pdf`))));
  await local.stack.idle();
}, 240_000);

afterAll(async () => {
  await local?.stop();
});

describe("hierarchy.sum on the local stack", () => {
  it("raises nothing on the three real reports: the city's subordinates have not all reported", async () => {
    const city = await report(ids.get("p04")!);
    expect(city.summarises).toBe(true);
    for (const name of ["p02", "p03", "p04"]) expect(hierarchyFindings(await report(ids.get(name)!))).toEqual([]);
  });

  it("compares the city's report with its two listed departments' and names them in one warning for the edited cell", async () => {
    const csv = "机关名称,区划代码\r\n淮安市人民政府,320800\r\n淮安市教育局,320800\r\n淮安市财政局,320800\r\n";
    const res = await fetch(`${local.stack.apiUrl}/registry/imports`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ csvBase64: Buffer.from(csv).toString("base64") }),
    });
    expect(res.status).toBe(201);

    const city = await report(ids.get("p04")!);
    const first = split(city, half);
    const rest = split(city, (v) => Math.round((v - half(v)) * 1e4) / 1e4);
    rest.applications.newReceived!.naturalPerson! += 7;
    const text = (agency: string, figures: typeof first) => new TextEncoder().encode(renderText({ agency, year: city.year, edition: city.edition, ...figures }, "pipes"));
    await drop("education-2024.txt", text("淮安市教育局", first));
    await local.stack.idle();
    // One of the two departments reported: still nothing to compare.
    expect(hierarchyFindings(await report(ids.get("p04")!))).toEqual([]);
    await drop("finance-2024.txt", text("淮安市财政局", rest));
    await local.stack.idle();

    const findings = hierarchyFindings(await report(ids.get("p04")!));
    const printed = city.applications.newReceived!.naturalPerson!;
    expect(findings).toEqual([
      expect.objectContaining({ severity: "warning", cells: ["newReceived.naturalPerson"], actual: printed, expected: printed + 7 }),
    ]);
    expect(findings[0]!.message).toBe(`表三一、本年新收政府信息公开申请数量·自然人：本报告为 ${printed}，所属 2 个机关（淮安市教育局、淮安市财政局）的报告相加为 ${printed + 7}`);
  });
});
