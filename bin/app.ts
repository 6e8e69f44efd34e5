#!/usr/bin/env node
import { App } from "aws-cdk-lib";
import { NianbaoStack } from "../lib/nianbao-stack.ts";

const app = new App();
new NianbaoStack(app, "Nianbao", {
  description: "nianbao: government information disclosure annual reports -> validated records",
});
