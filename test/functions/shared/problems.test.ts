import { describe, expect, it } from "vitest";
import { describeErrors, describeFinding } from "../../../functions/shared/problems.ts";

describe("describeFinding", () => {
  it("names the cell with the sum of its rows and the printed figure", () => {
    expect(
      describeFinding({ rule: "applications.resultsTotal", severity: "error", cells: ["resultsTotal.total"], expected: 19, actual: 0 }),
    ).toBe("resultsTotal.total 19≠0");
  });

  it("names a balance finding by its rule and column", () => {
    expect(
      describeFinding({
        rule: "applications.balance",
        severity: "error",
        cells: ["newReceived.naturalPerson", "carriedOver.naturalPerson", "resultsTotal.naturalPerson", "carriedForward.naturalPerson"],
        expected: 19,
        actual: 0,
      }),
    ).toBe("balance.naturalPerson 19≠0");
  });

  it("leaves out figures a finding does not have", () => {
    expect(describeFinding({ rule: "table.missing", severity: "error", cells: ["applications"], expected: null, actual: null })).toBe(
      "applications",
    );
  });
});

describe("describeErrors", () => {
  it("describes errors only", () => {
    expect(
      describeErrors([
        { rule: "activeDisclosure.unitAssumed", severity: "info", cells: ["procurement.amountTenThousandYuan"], expected: null, actual: 1 },
        { rule: "applications.rowTotal", severity: "error", cells: ["granted.total"], expected: 3, actual: 4 },
      ]),
    ).toEqual(["granted.total 3≠4"]);
  });
});
