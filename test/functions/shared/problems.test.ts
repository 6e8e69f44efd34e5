import { describe, expect, it } from "vitest";
import { describeErrors, describeFinding } from "../../../functions/shared/problems.ts";

describe("describeFinding", () => {
  it("names the cell in the template's words with the printed figure and the sum of its rows", () => {
    expect(
      describeFinding({ rule: "applications.resultsTotal", severity: "error", cells: ["resultsTotal.total"], expected: 19, actual: 0 }),
    ).toBe("表三（七）总计·总计：印 0，应为 19");
  });

  it("names a balance finding by its table and applicant column", () => {
    expect(
      describeFinding({
        rule: "applications.balance",
        severity: "error",
        cells: ["newReceived.naturalPerson", "carriedOver.naturalPerson", "resultsTotal.naturalPerson", "carriedForward.naturalPerson"],
        expected: 19,
        actual: 0,
      }),
    ).toBe("表三 自然人列：一+二=19，三（七）+四=0，不平衡");
  });

  it("names a column of section 二 as the report's edition prints it", () => {
    const finding = { rule: "x", severity: "error" as const, cells: ["rules.inForce"], expected: 5, actual: 4 };
    expect(describeFinding(finding, "2021")).toBe("表二规章·现行有效件数：印 4，应为 5");
  });

  it("gives the message of a finding without figures", () => {
    expect(
      describeFinding({ rule: "table.missing", severity: "error", message: "未找到表格「三、收到和处理政府信息公开申请情况」", cells: ["applications"], expected: null, actual: null }),
    ).toBe("未找到表格「三、收到和处理政府信息公开申请情况」");
  });
});

describe("describeErrors", () => {
  it("describes errors only", () => {
    expect(
      describeErrors([
        { rule: "activeDisclosure.unitAssumed", severity: "info", cells: ["procurement.amountTenThousandYuan"], expected: null, actual: 1 },
        { rule: "applications.rowTotal", severity: "error", cells: ["granted.total"], expected: 3, actual: 4 },
      ]),
    ).toEqual(["表三（一）予以公开·总计：印 4，应为 3"]);
  });
});
