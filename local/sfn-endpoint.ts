/**
 * A minimal Step Functions API (AWS JSON 1.0: StartExecution, DescribeExecution, and
 * ListMapRuns/DescribeMapRun for Map states' item counts) in front of the local state
 * machines, so the ingest handler's and the CLI's SFN clients work unchanged.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Execution, LocalStateMachine, MapRun } from "./step-functions.ts";

export type LocalSfnEndpoint = { endpoint: string; stop: () => Promise<void> };

const epochSeconds = (date: Date | undefined) => (date ? date.getTime() / 1000 : undefined);

function describe(execution: Execution) {
  return {
    executionArn: execution.executionArn,
    stateMachineArn: execution.stateMachineArn,
    name: execution.name,
    status: execution.status,
    input: execution.input,
    output: execution.output,
    error: execution.error,
    cause: execution.cause,
    startDate: epochSeconds(execution.startDate),
    stopDate: epochSeconds(execution.stopDate),
  };
}

function describeMapRun(execution: Execution, run: MapRun) {
  const { total, succeeded, failed, running } = run.itemCounts;
  const done = execution.status !== "RUNNING";
  return {
    mapRunArn: run.mapRunArn,
    executionArn: execution.executionArn,
    status: done ? (execution.status === "SUCCEEDED" ? "SUCCEEDED" : execution.status) : "RUNNING",
    startDate: epochSeconds(run.startDate),
    stopDate: epochSeconds(execution.stopDate),
    maxConcurrency: 0,
    toleratedFailurePercentage: 0,
    toleratedFailureCount: 0,
    itemCounts: {
      pending: Math.max(0, total - succeeded - failed - running),
      running,
      succeeded,
      failed,
      timedOut: 0,
      aborted: 0,
      total,
      resultsWritten: 0,
    },
    executionCounts: { pending: 0, running: 0, succeeded: 0, failed: 0, timedOut: 0, aborted: 0, total: 0, resultsWritten: 0 },
  };
}

export async function startLocalSfnEndpoint(
  machineOrMachines: LocalStateMachine | LocalStateMachine[],
): Promise<LocalSfnEndpoint> {
  const machines = Array.isArray(machineOrMachines) ? machineOrMachines : [machineOrMachines];
  const byArn = (arn: unknown) => machines.find((m) => m.stateMachineArn === arn);
  const findExecution = (arn: unknown) => {
    for (const m of machines) {
      const execution = m.describe(String(arn));
      if (execution) return execution;
    }
    return undefined;
  };
  const server: Server = createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => (body += chunk));
    req.on("end", () => {
      const reply = (status: number, payload: unknown) => {
        res.writeHead(status, { "content-type": "application/x-amz-json-1.0" });
        res.end(JSON.stringify(payload));
      };
      const fail = (type: string, message: string) => reply(400, { __type: type, message });
      const target = String(req.headers["x-amz-target"] ?? "").replace(/^AWSStepFunctions\./, "");
      let request: Record<string, unknown>;
      try {
        request = JSON.parse(body || "{}") as Record<string, unknown>;
      } catch {
        return fail("SerializationException", "body is not JSON");
      }
      switch (target) {
        case "StartExecution": {
          const machine = byArn(request.stateMachineArn);
          if (!machine) {
            return fail("StateMachineDoesNotExist", `State Machine Does Not Exist: '${String(request.stateMachineArn)}'`);
          }
          try {
            const name = typeof request.name === "string" ? request.name : crypto.randomUUID();
            const execution = machine.start(name, typeof request.input === "string" ? request.input : "{}");
            return reply(200, { executionArn: execution.executionArn, startDate: epochSeconds(execution.startDate) });
          } catch (error) {
            return fail((error as Error).name, (error as Error).message);
          }
        }
        case "DescribeExecution": {
          const execution = findExecution(request.executionArn);
          if (!execution) return fail("ExecutionDoesNotExist", `Execution Does Not Exist: '${String(request.executionArn)}'`);
          return reply(200, describe(execution));
        }
        case "ListMapRuns": {
          const execution = findExecution(request.executionArn);
          if (!execution) return fail("ExecutionDoesNotExist", `Execution Does Not Exist: '${String(request.executionArn)}'`);
          return reply(200, {
            mapRuns: (execution.mapRuns ?? []).map((run) => ({
              executionArn: execution.executionArn,
              mapRunArn: run.mapRunArn,
              stateMachineArn: execution.stateMachineArn,
              startDate: epochSeconds(run.startDate),
              stopDate: epochSeconds(execution.stopDate),
            })),
          });
        }
        case "DescribeMapRun": {
          for (const m of machines) {
            for (const execution of m.list()) {
              const run = execution.mapRuns?.find((r) => r.mapRunArn === request.mapRunArn);
              if (run) return reply(200, describeMapRun(execution, run));
            }
          }
          return fail("ResourceNotFound", `Map Run Does Not Exist: '${String(request.mapRunArn)}'`);
        }
        default:
          return fail("UnknownOperationException", `${target} is not supported locally`);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
