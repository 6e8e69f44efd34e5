import { describe, expect, it } from "vitest";
import { checkCursor, planReportQueries, type PageCursor, READ_SHAPE, startKeyAfter } from "../../../functions/adapters/record-query.ts";
import { InvalidCursorError } from "../../../functions/shared/errors.ts";
import { TABLE_INDEXES } from "../../../functions/shared/table-schema.ts";

describe("planReportQueries", () => {
  it("lists every status partition of byStatus when nothing is filtered", () => {
    const plan = planReportQueries({});
    expect(plan.map((q) => q.input.IndexName)).toEqual(["byStatus", "byStatus", "byStatus"]);
    expect(plan.map((q) => q.input.ExpressionAttributeValues?.[":k_pk"])).toEqual(["VALID", "NEEDS_REVIEW", "FAILED"]);
    expect(plan[0]?.input.FilterExpression).toBeUndefined();
  });

  it("keys on agency and year with byAgencyYear and filters the rest", () => {
    const [only, ...rest] = planReportQueries({ agency: "西湖区教育局", year: 2019, status: "VALID", edition: "2019" });
    expect(rest).toHaveLength(0);
    expect(only?.input.IndexName).toBe("byAgencyYear");
    expect(only?.input.KeyConditionExpression).toBe("#k_pk = :k_pk AND #k_sk = :k_sk");
    expect(only?.input.ExpressionAttributeValues).toMatchObject({ ":k_pk": "西湖区教育局", ":k_sk": 2019 });
    expect(only?.input.FilterExpression).toBe("#f_status = :f_status AND #f_edition = :f_edition");
  });

  it("keys an agency by its agency key, so a name with its city finds the district body", () => {
    const [withCity] = planReportQueries({ agency: "杭州市西湖区教育局" });
    const [plain] = planReportQueries({ agency: "西湖區教育局" });
    expect(withCity?.input.ExpressionAttributeValues?.[":k_pk"]).toBe("西湖区教育局");
    expect(plain?.input.ExpressionAttributeValues?.[":k_pk"]).toBe("西湖区教育局");
  });

  it("filters a year without an agency inside the status partitions", () => {
    const plan = planReportQueries({ year: 2020, status: "NEEDS_REVIEW" });
    expect(plan).toHaveLength(1);
    expect(plan[0]?.input.IndexName).toBe("byStatus");
    expect(plan[0]?.input.FilterExpression).toBe("#f_year = :f_year");
  });

  it("projects only the summary and its counts for listings, neither the record nor the sources", () => {
    const [query] = planReportQueries({ parserVersion: "1.0.0" }, READ_SHAPE.SUMMARY);
    expect(query?.input.IndexName).toBe("byParserVersion");
    const projected = query?.input.ProjectionExpression?.split(", ").map((p) => query.input.ExpressionAttributeNames?.[p]);
    expect(projected).toEqual(expect.arrayContaining(["errorCount", "sourceCount", "status", "updatedAt", "reportId"]));
    expect(projected).not.toContain("record");
    expect(projected).not.toContain("sources");
  });

  it("projects the figures that sums need, not the disclosure table", () => {
    const [query] = planReportQueries({ status: "VALID" }, READ_SHAPE.FIGURES);
    expect(query?.input.ProjectionExpression).toContain("#p_record.#r_applications");
    expect(query?.input.ProjectionExpression).toContain("#p_record.#r_reviewLitigation");
    expect(query?.input.ExpressionAttributeNames).not.toHaveProperty("#r_activeDisclosure");
    expect(planReportQueries({}, READ_SHAPE.FULL)[0]?.input.ProjectionExpression).toBeUndefined();
  });

  it("resumes after an item with the table and index keys", () => {
    const item = { pk: "REPORT#a", sk: "RECORD", status: "VALID", updatedAt: "t", agency: "x", record: {} };
    expect(startKeyAfter(item, TABLE_INDEXES.BY_STATUS)).toEqual({ pk: "REPORT#a", sk: "RECORD", status: "VALID", updatedAt: "t" });
  });
});

describe("checkCursor", () => {
  const pk = `REPORT#${"a".repeat(64)}`;
  it("takes a cursor a page of the same query would hand out", () => {
    const plan = planReportQueries({ year: 2019 });
    expect(() => checkCursor(plan, { p: 1, k: { pk, sk: "RECORD", status: plan[1]!.input.ExpressionAttributeValues![":k_pk"] as string, updatedAt: "2026-01-01T00:00:00Z" } })).not.toThrow();
    expect(() => checkCursor(plan, { p: 2 })).not.toThrow();
  });

  it.each([
    ["a step the plan does not have", { p: 9 }],
    ["another partition", { p: 0, k: { pk, sk: "RECORD", status: "SOMETHING", updatedAt: "x" } }],
    ["an extra attribute", { p: 0, k: { pk, sk: "RECORD", status: "VALID", updatedAt: "x", evil: "1" } }],
    ["a key that is no record", { p: 0, k: { pk: "LIMITER#ocr", sk: "RECORD", status: "VALID", updatedAt: "x" } }],
    ["a sort key of the wrong type", { p: 0, k: { pk, sk: "RECORD", status: "VALID", updatedAt: 5 } }],
  ] as [string, PageCursor][])("refuses %s", (_what, cursor) => {
    const plan = planReportQueries({});
    const first = plan[0]!.input.ExpressionAttributeValues![":k_pk"];
    const k = cursor.k && cursor.k.status === "VALID" ? { ...cursor.k, status: first as string } : cursor.k;
    expect(() => checkCursor(plan, { ...cursor, ...(k ? { k } : {}) })).toThrow(InvalidCursorError);
  });

  it("refuses a by-agency cursor from another agency or year", () => {
    const plan = planReportQueries({ agency: "西湖区教育局", year: 2019 });
    expect(() => checkCursor(plan, { p: 0, k: { pk, sk: "RECORD", agencyKey: "西湖区教育局", year: 2019 } })).not.toThrow();
    expect(() => checkCursor(plan, { p: 0, k: { pk, sk: "RECORD", agencyKey: "西湖区教育局", year: 2020 } })).toThrow(InvalidCursorError);
    expect(() => checkCursor(plan, { p: 0, k: { pk, sk: "RECORD", agencyKey: "other", year: 2019 } })).toThrow(InvalidCursorError);
  });
});
