import { Validations } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import { AwsSolutionsChecks } from "cdk-nag";
import { beforeAll, describe, expect, it } from "vitest";
import { NianbaoStack } from "../../lib/nianbao-stack.ts";
import { createApp } from "./synth.ts";

type Violation = { ruleName: string; severity: string; violatingResources: Array<{ constructPath: string }> };

let violations: Violation[];
let acknowledgements: Array<{ path: string; rule: string; reason: string }>;

beforeAll(() => {
  // The checks read the construct tree, not the code: bundling is skipped to save time.
  const app = createApp({ bundling: false });
  const stack = new NianbaoStack(app, "NianbaoNag");
  Template.fromStack(stack); // resolve the stack once, as a synth would
  violations = new AwsSolutionsChecks(app, { verbose: true }).validateScope(app).violations as Violation[];
  acknowledgements = stack.node
    .findAll()
    .flatMap((c) =>
      c.node.metadata
        .filter((m) => m.type === "aws:cdk:acknowledged-rules")
        .flatMap((m) => Object.entries(m.data as Record<string, string>).map(([rule, reason]) => ({ path: c.node.path, rule, reason }))),
    );
});

function describeViolations(list: Violation[]): string {
  return list.map((v) => `${v.ruleName} at ${v.violatingResources.map((r) => r.constructPath).join(", ")}`).join("\n");
}

describe("cdk-nag AwsSolutions", () => {
  it("reports no unacknowledged error", () => {
    const errors = violations.filter((v) => v.severity === "error");
    expect(describeViolations(errors)).toBe("");
  });

  it("reports no unacknowledged warning", () => {
    const warnings = violations.filter((v) => v.severity !== "error");
    expect(describeViolations(warnings)).toBe("");
  });

  it("gives every acknowledgement a reason of at least a sentence", () => {
    expect(acknowledgements.length).toBeGreaterThan(0);
    for (const ack of acknowledgements) {
      expect(ack.reason.length, `${ack.rule} at ${ack.path}`).toBeGreaterThanOrEqual(40);
    }
  });

  it("acknowledges no rule wholesale for the stack", () => {
    const stackLevel = acknowledgements.filter((a) => a.path === "NianbaoNag");
    expect(stackLevel).toEqual([]);
  });

  it("acknowledges only findings that occur, on the constructs that raise them", () => {
    // Prepare: the same stack with every acknowledgement recorded instead of applied.
    const recorded: Array<{ path: string; id: string }> = [];
    const original = Validations.prototype.acknowledge;
    Validations.prototype.acknowledge = function record(this: Validations, ...rules) {
      const scope = (this as unknown as { scope: { node: { path: string } } }).scope;
      for (const rule of rules) recorded.push({ path: scope.node.path, id: rule.id });
    };
    let raw: Violation[];
    try {
      const app = createApp({ bundling: false });
      Template.fromStack(new NianbaoStack(app, "NianbaoNag"));
      // Act
      raw = new AwsSolutionsChecks(app).validateScope(app).violations as Violation[];
    } finally {
      Validations.prototype.acknowledge = original;
    }
    // Assess
    expect(recorded.length).toBe(acknowledgements.length);
    const idle = recorded.filter(
      (ack) =>
        !raw.some(
          (v) => v.ruleName === ack.id && v.violatingResources.some((r) => r.constructPath === ack.path || r.constructPath.startsWith(`${ack.path}/`)),
        ),
    );
    expect(idle.map((a) => `${a.id} at ${a.path}`)).toEqual([]);
  });

  it("still flags what it should: a plain bucket without TLS enforcement", async () => {
    const { Stack } = await import("aws-cdk-lib");
    const s3 = await import("aws-cdk-lib/aws-s3");
    const app = createApp({ bundling: false });
    const bare = new Stack(app, "Bare");
    new s3.Bucket(bare, "Plain");
    const found = new AwsSolutionsChecks(app).validateScope(app).violations.map((v) => v.ruleName);
    expect(found).toEqual(expect.arrayContaining(["AwsSolutions-S1", "AwsSolutions-S10"]));
  });
});
