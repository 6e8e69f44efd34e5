/**
 * Shared by the CDK tests: an App with cdk.json's context (so the tests synthesise what
 * `cdk synth` does) and a reader for the state machine definition in a template.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { App } from "aws-cdk-lib";
import type { Template } from "aws-cdk-lib/assertions";
import { PROJECT_ROOT } from "../../lib/constructs/nianbao-function.ts";

type CdkJson = { context?: Record<string, unknown> };

/** A new App with cdk.json's feature flags; `bundling: false` skips esbuild (nag checks need no code). */
export function createApp(options: { bundling?: boolean } = {}): App {
  const cdkJson = JSON.parse(readFileSync(join(PROJECT_ROOT, "cdk.json"), "utf8")) as CdkJson;
  const context: Record<string, unknown> = { ...cdkJson.context };
  if (options.bundling === false) context["aws:cdk:bundling-stacks"] = [];
  return new App({ context });
}

/**
 * The definition of the state machine whose logical id starts with `name` as JSON, with each
 * CloudFormation reference inside it rendered as `{{LogicalId.Attribute}}` (or `{{Ref:LogicalId}}`).
 */
export function readStateMachineDefinition(template: Template, name = "Workflow"): StateMachineJson {
  const machines = Object.entries(template.findResources("AWS::StepFunctions::StateMachine")).filter(([id]) => id.startsWith(name));
  if (machines.length !== 1) throw new Error(`expected one state machine ${name}*, found ${machines.length}`);
  return readDefinitionOf(machines[0]![1]);
}

/** The definition of one AWS::StepFunctions::StateMachine resource of a template. */
export function readDefinitionOf(resource: unknown): StateMachineJson {
  const definition = (resource as { Properties: { DefinitionString: unknown } }).Properties.DefinitionString;
  return JSON.parse(flatten(definition)) as StateMachineJson;
}

function flatten(value: unknown): string {
  if (typeof value === "string") return value;
  if (value && typeof value === "object") {
    const obj = value as Record<string, unknown>;
    if (Array.isArray(obj["Fn::Join"])) {
      const [sep, parts] = obj["Fn::Join"] as [string, unknown[]];
      return parts.map(flatten).join(sep);
    }
    if (Array.isArray(obj["Fn::GetAtt"])) return `{{${(obj["Fn::GetAtt"] as string[]).join(".")}}}`;
    if (typeof obj.Ref === "string") return `{{Ref:${obj.Ref}}}`;
  }
  throw new Error(`cannot flatten ${JSON.stringify(value)}`);
}

export type StateJson = {
  Type: string;
  Resource?: string;
  Next?: string;
  Retry?: Array<{ ErrorEquals: string[]; BackoffRate?: number; JitterStrategy?: string; MaxAttempts?: number; IntervalSeconds?: number }>;
  Catch?: Array<{ ErrorEquals: string[]; Next: string; ResultPath?: string }>;
  Choices?: Array<{ Next: string }>;
  Default?: string;
};
export type StateMachineJson = { StartAt: string; States: Record<string, StateJson> };
