import { describe, expect, it } from "vitest";
import { planReportQueries, READ_SHAPE, startKeyAfter } from "../../../functions/adapters/record-query.ts";
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

  it("projects only summaries and findings for listings", () => {
    const [query] = planReportQueries({ parserVersion: "1.0.0" }, READ_SHAPE.SUMMARY);
    expect(query?.input.IndexName).toBe("byParserVersion");
    expect(query?.input.ProjectionExpression).toContain("#p_record.#r_findings");
    expect(query?.input.ProjectionExpression).not.toContain("#r_applications");
    expect(query?.input.ProjectionExpression).not.toMatch(/#p_record(,|$)/);
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
