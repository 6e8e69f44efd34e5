/** The aggregates' pure parts: where a record counts, the deltas of a replacement, the update of one item. */
import { describe, expect, it } from "vitest";
import { aggregateDeltas, aggregatePartitionsFor, aggregateUpdate, bucketsOf, scopePk, yearSk, type CountedItem } from "../../../functions/adapters/stats-aggregates.ts";
import { contributionOf } from "../../../functions/report/stats-counters.ts";
import { APPLICANT_COLUMNS, APPLICATION_ROWS, REVIEW_COLUMNS, REVIEW_GROUPS } from "../../../functions/report/template.ts";
import { loadSeedReports } from "../api/seed-reports.ts";

/** Every cell of both tables filled: the most counters one record can have. */
const full: CountedItem = {
  status: "VALID",
  year: 2021,
  edition: "2021",
  agencyKey: "330106-abc",
  record: {
    year: 2021,
    findings: [{ severity: "error" }],
    applications: Object.fromEntries(APPLICATION_ROWS.map((r) => [r.key, Object.fromEntries(APPLICANT_COLUMNS.map((c, i) => [c.key, i + 1]))])),
    reviewLitigation: Object.fromEntries(REVIEW_GROUPS.map((g) => [g.key, Object.fromEntries(REVIEW_COLUMNS.map((c, i) => [c.key, i + 1]))])),
    region: { code: "330106", city: "杭州市", county: "西湖区" },
  },
};

describe("stats aggregates", () => {
  it("counts a record in its edition × status scope, its body and each level of its region, for its year", () => {
    expect(bucketsOf(full)).toEqual(
      ["STATS#E=2021#S=VALID", "STATS#A=330106-abc", "STATS#R=33", "STATS#R=3301", "STATS#R=330106"].map((pk) => ({ pk, sk: "Y#2021" })),
    );
    expect(bucketsOf({ status: "FAILED" })).toEqual([{ pk: scopePk(undefined, "FAILED"), sk: yearSk() }]);
  });

  it("updates one item with every counter of a full record in one expression of under 4 KB, each placeholder once", () => {
    const [delta] = aggregateDeltas(undefined, full);
    const update = aggregateUpdate("records", delta!).Update!;
    expect(update.UpdateExpression!.length).toBeLessThan(4096);
    const names = update.UpdateExpression!.match(/#\w+/g)!;
    expect(new Set(names).size).toBe(names.length);
    expect(Object.keys(update.ExpressionAttributeNames!).sort()).toEqual([...names].sort());
    expect(new Set(Object.values(update.ExpressionAttributeNames!)).size).toBe(names.length);
    expect(Object.keys(delta!.counters).length).toBeGreaterThan(APPLICATION_ROWS.length * APPLICANT_COLUMNS.length);
  });

  it("moves a replaced record's contribution: the old one subtracted, the new one added, an unchanged one not touched", () => {
    const [seed] = loadSeedReports();
    const before: CountedItem = { ...seed!, status: "NEEDS_REVIEW" };
    const after: CountedItem = { ...seed!, status: "VALID" };
    const deltas = aggregateDeltas(before, after);
    const byPk = Object.fromEntries(deltas.map((d) => [d.key.pk, d.counters]));
    expect(byPk[scopePk(seed!.edition, "NEEDS_REVIEW")]).toEqual(Object.fromEntries(Object.entries(contributionOf(before)).map(([k, v]) => [k, -v])));
    expect(byPk[scopePk(seed!.edition, "VALID")]).toEqual(contributionOf(after));
    // Its body's and region's items see the status counters move, nothing else.
    for (const d of deltas.filter((d) => !d.key.pk.startsWith("STATS#E="))) expect(Object.keys(d.counters).sort()).toEqual(["status|NEEDS_REVIEW", "status|VALID"]);
    expect(aggregateDeltas(after, after)).toEqual([]);
  });

  it("sums every edition × status scope for a filter without them, and none for a parser version", () => {
    expect((aggregatePartitionsFor({}) as { pks: string[] }).pks).toHaveLength(9);
    expect(aggregatePartitionsFor({ edition: "2019", status: "VALID" })).toEqual({ pks: [scopePk("2019", "VALID")] });
    expect(aggregatePartitionsFor({ parserVersion: "1.0.0" })).toEqual({ uncovered: "parserVersion" });
  });
});
