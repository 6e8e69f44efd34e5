/**
 * The registry of bodies against DynamoDB Local: bodies grow by report, idempotently; listing
 * by region prefix and part of a name (traditional script and division prefixes too), page by page.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDocumentClient } from "../../../functions/adapters/clients.ts";
import { createDynamoAgencyRegistry, type AgencyRegistry, type Body } from "../../../functions/adapters/agency-registry.ts";
import { Config } from "../../../functions/shared/config.ts";
import { ensureRecordsTable, startDynamoDbLocal, type LocalDynamoDb } from "../../../local/dynamodb.ts";

const TABLE = "records";
let dir: string;
let dynamo: LocalDynamoDb;
let registry: AgencyRegistry;

const HONGZE = { code: "320813", province: "江苏省", city: "淮安市", county: "洪泽区" };
const HUAIAN = { code: "320800", province: "江苏省", city: "淮安市", county: null };
const XIHU = { code: "330106", province: "浙江省", city: "杭州市", county: "西湖区" };
const id = (n: number) => n.toString(16).padStart(64, "0");

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "nianbao-registry-"));
  dynamo = await startDynamoDbLocal(dir);
  await ensureRecordsTable(dynamo.endpoint, TABLE);
  registry = createDynamoAgencyRegistry(createDocumentClient(Config.parse({ DYNAMODB_ENDPOINT: dynamo.endpoint })), TABLE);
  // Prepare: two spellings of one body over two years (the first stored twice), a second body, a third elsewhere.
  const entries = [
    { agencyId: "hongze", agency: "洪泽区人民政府", region: HONGZE, year: 2023, reportId: id(1) },
    { agencyId: "hongze", agency: "洪泽区人民政府", region: HONGZE, year: 2023, reportId: id(1) },
    { agencyId: "hongze", agency: "淮安市洪泽区人民政府", region: HONGZE, year: 2024, reportId: id(2) },
    { agencyId: "huaian", agency: "淮安市人民政府", region: HUAIAN, year: 2024, reportId: id(3) },
    { agencyId: "xihu-edu", agency: "西湖区教育局", region: XIHU, year: 2019, reportId: id(4) },
    { agencyId: "nowhere", agency: "某某局", region: null, year: 2020, reportId: id(5) },
  ];
  for (const entry of entries) await registry.recordReport(entry);
});

afterAll(async () => {
  await dynamo?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const ids = (items: Body[]) => items.map((b) => b.id);

describe("registry of bodies on DynamoDB Local", () => {
  it("keeps one body per agencyId with every name and year, a report stored twice counted once", async () => {
    const body = await registry.get("hongze");
    expect(body).toEqual({
      id: "hongze",
      name: "淮安市洪泽区人民政府",
      names: ["洪泽区人民政府", "淮安市洪泽区人民政府"].sort(),
      region: HONGZE,
      level: "county",
      kind: "人民政府",
      years: [2023, 2024],
      reports: [
        { year: 2023, reportId: id(1) },
        { year: 2024, reportId: id(2) },
      ],
    });
    expect(await registry.get("huaian")).toMatchObject({ level: "city", years: [2024] });
    expect(await registry.get("absent")).toBeNull();
  });

  it("lists by part of a name, in traditional script or with the division names the name omits", async () => {
    for (const q of ["洪泽", "洪澤", "淮安市洪泽区", "江苏省淮安市洪泽区人民政府"]) {
      expect(ids((await registry.list({ q }, { limit: 10 })).items), q).toEqual(["hongze"]);
    }
    expect(ids((await registry.list({ q: "淮安" }, { limit: 10 })).items).sort()).toEqual(["hongze", "huaian"]);
    expect((await registry.list({ q: "上海" }, { limit: 10 })).items).toEqual([]);
  });

  it("lists by region code prefix", async () => {
    expect(ids((await registry.list({ region: "3208" }, { limit: 10 })).items)).toEqual(["huaian", "hongze"]);
    expect(ids((await registry.list({ region: "33" }, { limit: 10 })).items)).toEqual(["xihu-edu"]);
    expect(ids((await registry.list({ region: "320813", q: "人民政府" }, { limit: 10 })).items)).toEqual(["hongze"]);
  });

  it("pages through every body exactly once", async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let i = 0; i < 10; i++) {
      const page = await registry.list({}, { limit: 2, ...(cursor ? { cursor } : {}) });
      seen.push(...ids(page.items));
      if (!page.next) break;
      cursor = page.next;
    }
    expect(seen.sort()).toEqual(["hongze", "huaian", "nowhere", "xihu-edu"]);
  });
});

describe("finding a body by its name", () => {
  it("finds a body by any of its names, written in full or not, and nothing by a part", async () => {
    for (const name of ["洪泽区人民政府", "淮安市洪泽区人民政府", "江苏省淮安市洪泽区人民政府", "洪澤區人民政府"]) {
      expect(ids(await registry.findByName(name)), name).toEqual(["hongze"]);
    }
    expect(ids(await registry.findByName("杭州市西湖区教育局"))).toEqual(["xihu-edu"]);
    expect(await registry.findByName("洪泽")).toEqual([]);
  });
});
