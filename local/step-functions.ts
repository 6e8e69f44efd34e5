/**
 * The local Step Functions: aws-local-stepfunctions interprets the pipeline's one
 * definition (lib/workflow.ts); each Task runs, in this process, the same handler
 * function its Lambda exports. Executions run in the background with bounded
 * concurrency and are logged to a JSON-lines history file.
 */
import "./polyfill.ts";
import { appendFile } from "node:fs/promises";
import { randomUUID } from "node:crypto";
import type { Context } from "aws-lambda";
import type { StateMachineDefinition } from "../lib/workflow.ts";

/** A Lambda handler as the functions export it (middy). */
export type LambdaHandler = (event: any, context: Context) => Promise<unknown>;

export type ExecutionStatus = "RUNNING" | "SUCCEEDED" | "FAILED" | "ABORTED";

export type Execution = {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: ExecutionStatus;
  input: string;
  output?: string;
  error?: string;
  cause?: string;
  startDate: Date;
  stopDate?: Date;
  /** Map states run by this execution (like a Distributed Map's map runs), with item counts. */
  mapRuns?: MapRun[];
};

export type MapRun = {
  mapRunArn: string;
  stateName: string;
  startDate: Date;
  itemCounts: { total: number; succeeded: number; failed: number; running: number };
};

export class ExecutionAlreadyExistsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ExecutionAlreadyExists";
  }
}

export type LocalStateMachine = {
  stateMachineArn: string;
  start(name: string, input: string): Execution;
  describe(executionArn: string): Execution | undefined;
  list(): Execution[];
  /** Resolves when no execution is running or waiting. */
  idle(): Promise<void>;
  /** Aborts running executions and drops waiting ones (shutdown: their stand-ins are going away). */
  abortAll(): void;
};

export type LocalStateMachineOptions = {
  stateMachineArn: string;
  /** The pipeline's definition, or another pure-data one (the reprocess workflow's). */
  definition: StateMachineDefinition | { StartAt: string; States: Record<string, unknown> };
  /** Task resource (ARN or name) -> the handler its Lambda exports. */
  handlers: Record<string, LambdaHandler>;
  concurrency?: number;
  historyFile?: string;
  /** Replaces every Retry pause with this many milliseconds (tests); default: the definition's backoff. */
  retryIntervalMs?: number;
};

function lambdaContext(functionName: string): Context {
  const deadline = Date.now() + 15 * 60_000;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: "$LATEST",
    invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${functionName}`,
    memoryLimitInMB: "1024",
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: "local",
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** The value at a simple JSONPath (`$`, `$.a.b`) of a state's input. */
function readPath(input: unknown, path: string): unknown {
  let value = input;
  for (const part of path.replace(/^\$\.?/, "").split(".").filter(Boolean)) {
    value = value && typeof value === "object" ? (value as Record<string, unknown>)[part] : undefined;
  }
  return value;
}

/**
 * Each Task state's local handler, keyed by state name (also inside a Map's item processor: names
 * are unique), the retry intervals to shorten, and each Map state's ItemsPath.
 */
function taskOverrides(options: LocalStateMachineOptions) {
  const overrides: Record<string, (input: unknown) => Promise<unknown>> = {};
  const retryIntervalOverrides: Record<string, number> = {};
  const mapItemsPaths: Record<string, string | undefined> = {};
  const addOverrides = (states: Record<string, { Type: string; Resource?: string; ItemsPath?: string }>) => {
    for (const [stateName, state] of Object.entries(states)) {
      if (state.Type === "Map") {
        const nested = state as unknown as { ItemProcessor?: { States: typeof states }; Iterator?: { States: typeof states } };
        mapItemsPaths[stateName] = state.ItemsPath;
        addOverrides((nested.ItemProcessor ?? nested.Iterator)?.States ?? {});
        continue;
      }
      if (state.Type !== "Task" || !state.Resource) continue;
      const handler = options.handlers[state.Resource];
      if (!handler) throw new Error(`no local handler for ${stateName} (${state.Resource})`);
      const functionName = state.Resource.split(":").pop() ?? stateName;
      overrides[stateName] = (input) => handler(input, lambdaContext(functionName));
      if (options.retryIntervalMs !== undefined) retryIntervalOverrides[stateName] = options.retryIntervalMs;
    }
  };
  addOverrides(options.definition.States as never);
  return { overrides, retryIntervalOverrides, mapItemsPaths };
}

/** Counts a Map state's items from the execution's event log (the local DescribeMapRun). */
async function trackMapRuns(execution: Execution, events: AsyncIterable<Record<string, any>>, mapItemsPaths: Record<string, string | undefined>) {
  const runs = new Map<string, MapRun>();
  for await (const event of events) {
    const parent = event.parentState as { type?: string; name?: string; input?: unknown } | undefined;
    if (parent?.type !== "Map" || !parent.name) continue;
    let run = runs.get(parent.name);
    if (!run) {
      const items = readPath(parent.input, mapItemsPaths[parent.name] ?? "$");
      run = {
        mapRunArn: `${execution.executionArn.replace(":execution:", ":mapRun:")}/${parent.name}:${runs.size + 1}`,
        stateName: parent.name,
        startDate: new Date(),
        itemCounts: { total: Array.isArray(items) ? items.length : 0, succeeded: 0, failed: 0, running: 0 },
      };
      runs.set(parent.name, run);
      (execution.mapRuns ??= []).push(run);
    }
    if (event.type === "MapIterationStarted") run.itemCounts.running++;
    else if (event.type === "MapIterationSucceeded") {
      run.itemCounts.running--;
      run.itemCounts.succeeded++;
    } else if (event.type === "MapIterationFailed") {
      run.itemCounts.running--;
      run.itemCounts.failed++;
    }
  }
}

/**
 * Builds a local state machine from the pipeline's definition.
 *
 * @example
 * const machine = await createLocalStateMachine({ stateMachineArn, definition, handlers });
 * machine.start("run-1", JSON.stringify({ bucket, key }));
 * await machine.idle();
 */
export async function createLocalStateMachine(options: LocalStateMachineOptions): Promise<LocalStateMachine> {
  // Imported here, after the polyfill above has run.
  const { StateMachine } = await import("aws-local-stepfunctions");
  const machine = new StateMachine(options.definition as never);

  const { overrides, retryIntervalOverrides, mapItemsPaths } = taskOverrides(options);
  const hasMap = Object.keys(mapItemsPaths).length > 0;

  const executions = new Map<string, Execution>();
  const waiting: { execution: Execution; go: () => void }[] = [];
  const idleWaiters: (() => void)[] = [];
  const limit = Math.max(1, options.concurrency ?? 2);
  let running = 0;
  const aborts = new Map<string, () => void>();

  function settleIdle() {
    if (running === 0 && waiting.length === 0) for (const resolve of idleWaiters.splice(0)) resolve();
  }

  async function record(execution: Execution) {
    if (!options.historyFile) return;
    const { input: _input, ...line } = execution;
    await appendFile(options.historyFile, `${JSON.stringify(line)}\n`, "utf8").catch(() => undefined);
  }

  async function run(execution: Execution) {
    try {
      const handle = machine.run(JSON.parse(execution.input), {
        overrides: { taskResourceLocalHandlers: overrides as never, retryIntervalOverrides },
      });
      aborts.set(execution.executionArn, handle.abort);
      // Only machines with a Map read the event log (it is buffered until read).
      const tracking = hasMap ? trackMapRuns(execution, handle.eventLogs as never, mapItemsPaths).catch(() => undefined) : undefined;
      const result = await handle.result;
      await Promise.race([tracking, new Promise((r) => setTimeout(r, 1000))]);
      execution.status = "SUCCEEDED";
      execution.output = JSON.stringify(result);
    } catch (error) {
      const e = error as Error & { cause?: unknown };
      execution.status = e.name === "ExecutionAbortedError" ? "ABORTED" : "FAILED";
      execution.error = e.name;
      execution.cause = typeof e.cause === "string" ? e.cause : e.message;
    } finally {
      aborts.delete(execution.executionArn);
      execution.stopDate = new Date();
      await record(execution);
    }
  }

  function schedule(execution: Execution) {
    const go = () => {
      running++;
      void run(execution).finally(() => {
        running--;
        waiting.shift()?.go();
        settleIdle();
      });
    };
    if (running < limit) go();
    else waiting.push({ execution, go });
  }

  return {
    stateMachineArn: options.stateMachineArn,
    start(name, input) {
      const executionArn = `${options.stateMachineArn.replace(":stateMachine:", ":execution:")}:${name}`;
      const existing = executions.get(executionArn);
      if (existing) {
        if (existing.input === input) return existing;
        throw new ExecutionAlreadyExistsError(`Execution Already Exists: '${executionArn}'`);
      }
      const execution: Execution = {
        executionArn,
        stateMachineArn: options.stateMachineArn,
        name,
        status: "RUNNING",
        input,
        startDate: new Date(),
      };
      executions.set(executionArn, execution);
      schedule(execution);
      return execution;
    },
    describe: (executionArn) => executions.get(executionArn),
    list: () => [...executions.values()],
    idle: () =>
      new Promise<void>((resolve) => {
        idleWaiters.push(resolve);
        settleIdle();
      }),
    abortAll() {
      for (const { execution } of waiting.splice(0)) {
        execution.status = "ABORTED";
        execution.stopDate = new Date();
      }
      for (const abort of aborts.values()) abort();
      settleIdle();
    },
  };
}
