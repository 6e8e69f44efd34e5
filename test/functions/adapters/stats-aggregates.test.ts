/** The aggregates' pure parts: where a record counts, its shard, the deltas of a replacement, the update of one item. */
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { AGGREGATE_SHARDS, aggregateDeltas, aggregatePartitionsFor, aggregateUpdate, bucketsOf, scopePk, shardOf, shardSk, statsFromItems, yearOfSk, type CountedItem } from "../../../functions/adapters/stats-aggregates.ts";
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
    // The scope's and the region's items are one shard of the year's (the report's), the body's is whole.
    const shard = shardOf(full);
    expect(bucketsOf(full)).toEqual([
      { pk: "STATS#E=2021#S=VALID", sk: `Y#2021#${shard}` },
      { pk: "STATS#A=330106-abc", sk: "Y#2021" },
      ...["STATS#R=33", "STATS#R=3301", "STATS#R=330106"].map((pk) => ({ pk, sk: `Y#2021#${shard}` })),
    ]);
    expect(bucketsOf({ status: "FAILED", reportId: "f" })).toEqual([{ pk: scopePk(undefined, "FAILED"), sk: shardSk(undefined, shardOf({ reportId: "f" })) }]);
  });

  it("spreads reports over the shards by id, every revision of one report in the same shard", () => {
    const ids = Array.from({ length: 400 }, (_, i) => createHash("sha256").update(String(i)).digest("hex"));
    const perShard = Array.from({ length: AGGREGATE_SHARDS }, (_, s) => ids.filter((id) => shardOf({ reportId: id }) === s).length);
    // 50 expected per shard; a fair hash stays within ±25 on 400 ids.
    for (const n of perShard) expect(n).toBeGreaterThan(25), expect(n).toBeLessThan(75);
    for (const id of ids.slice(0, 20)) expect(shardOf({ pk: `REPORT#${id}` })).toBe(shardOf({ reportId: id }));
    expect(yearOfSk("Y#2021#3")).toBe(2021);
    expect(yearOfSk("Y#2021")).toBe(2021);
    expect(yearOfSk(shardSk(undefined, 5))).toBeUndefined();
  });

  it("sums a year's shards and an unsharded item of that year (written before the shards) alike", () => {
    const item = (sk: string, reports: number) => ({ pk: scopePk("2021", "VALID"), sk, writes: 1, reports, withRecord: reports });
    const stats = statsFromItems([item("Y#2021", 2), item("Y#2021#0", 3), item("Y#2021#7", 4), item("Y#2020#1", 1), item("Y#-#2", 5)]);
    expect(stats.reportCount).toBe(15);
    expect(stats.byYear.map((y) => [y.year, y.reportCount])).toEqual([[2020, 1], [2021, 9]]);
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
