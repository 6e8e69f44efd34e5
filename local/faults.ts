/**
 * Fault injection for the local stack (tests only): read once from `NIANBAO_FAULTS` (JSON)
 * when the stack starts, and applied only here, in the local runner's wiring of handlers,
 * events and adapters. No production code path knows about it.
 *
 * - `crash`: a step's handler dies like a Lambda whose runtime exits (error
 *   `Runtime.ExitError`), before it runs or after its side effects, the first `times` calls
 *   (optionally only for sources whose key contains `keyIncludes`);
 * - `barrier`: holds a step's calls until `parties` of them have arrived, then releases them
 *   together (two stores of the same report meet in DynamoDB's conditional check);
 * - `duplicateEvents`: every S3 event is delivered twice at once and once more later;
 * - `hangOcr`: the OCR engine never answers (the limiter's timeout must end it);
 * - `retryIntervalMs`: the state machines' Retry pauses, shortened.
 *
 * @example
 * NIANBAO_FAULTS='{"crash":[{"step":"store","when":"after","times":1}]}' npx nianbao up
 */
import * as z from "zod";
import type { OcrEngine } from "../functions/documents/ocr/engine.ts";
import type { LambdaHandler } from "./step-functions.ts";

export const FAULTS_ENV = "NIANBAO_FAULTS";

export const FaultPlan = z.object({
  crash: z
    .array(
      z.object({
        step: z.string(),
        when: z.enum(["before", "after"]).default("after"),
        times: z.number().int().positive().default(1),
        keyIncludes: z.string().optional(),
      }),
    )
    .default([]),
  barrier: z.object({ step: z.string(), parties: z.number().int().min(2), timeoutMs: z.number().default(10_000) }).optional(),
  duplicateEvents: z.boolean().default(false),
  hangOcr: z.boolean().default(false),
  retryIntervalMs: z.number().int().nonnegative().optional(),
});
export type FaultPlan = z.infer<typeof FaultPlan>;

/** The plan in the environment, or undefined (no faults). Read once, by startLocalStack. */
export function readFaultPlan(env: NodeJS.ProcessEnv = process.env): FaultPlan | undefined {
  const raw = env[FAULTS_ENV];
  if (!raw) return undefined;
  return FaultPlan.parse(JSON.parse(raw));
}

/** A Lambda runtime that exits mid-invocation, as Step Functions reports it. */
export class InjectedCrashError extends Error {
  constructor(step: string, when: string) {
    super(`RequestId: local Error: Runtime exited with error: signal: killed (injected crash of ${step}, ${when} its work)`);
    this.name = "Runtime.ExitError";
  }
}

/** The step of a local function resource (`...:function:nianbao-store` -> `store`). */
function stepOf(resource: string): string {
  return (resource.split(":").pop() ?? resource).replace(/^nianbao-/, "");
}

function sourceKey(event: unknown): string {
  return typeof event === "object" && event && "key" in event ? String((event as { key: unknown }).key) : "";
}

/** The handlers with the plan's crashes and barrier wrapped around them. */
export function injectFaults(handlers: Record<string, LambdaHandler>, plan: FaultPlan | undefined): Record<string, LambdaHandler> {
  if (!plan) return handlers;
  const crashes = plan.crash.map((c) => ({ ...c, left: c.times }));
  const waiting: (() => void)[] = [];
  const wrapped: Record<string, LambdaHandler> = {};
  for (const [resource, handler] of Object.entries(handlers)) {
    const step = stepOf(resource);
    wrapped[resource] = async (event, context) => {
      if (plan.barrier?.step === step) {
        const { parties, timeoutMs } = plan.barrier;
        await new Promise<void>((resolve) => {
          waiting.push(resolve);
          if (waiting.length >= parties) for (const go of waiting.splice(0)) go();
          else setTimeout(resolve, timeoutMs);
        });
      }
      const crash = crashes.find(
        (c) => c.step === step && c.left > 0 && (c.keyIncludes === undefined || sourceKey(event).includes(c.keyIncludes)),
      );
      if (crash) crash.left--;
      if (crash?.when === "before") throw new InjectedCrashError(step, "before");
      const result = await handler(event, context);
      if (crash?.when === "after") throw new InjectedCrashError(step, "after");
      return result;
    };
  }
  return wrapped;
}

/** Delivers an S3 event as the plan says (twice at once and again later, when duplicated). */
export function deliverEvents(send: (body: string) => void, plan: FaultPlan | undefined): (body: string) => void {
  if (!plan?.duplicateEvents) return send;
  return (body) => {
    send(body);
    send(body);
    setTimeout(() => send(body), 300).unref();
  };
}

/** An OCR engine that never answers. */
export const HUNG_OCR_ENGINE: OcrEngine = {
  name: "hung",
  recognizeImage: () => new Promise(() => undefined),
};
