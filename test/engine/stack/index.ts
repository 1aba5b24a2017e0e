// Opening a stack for a scenario: the real CLI (Automation API, local file backend) when a `pulumi` binary is
// on PATH, the engine stand-in otherwise. PULUMI_TUNTAP_ENGINE=stand-in|pulumi-cli forces one.
import { spawnSync } from "node:child_process";
import type { EngineName } from "../deploy/result";
import { CliStack } from "./cliStack";
import { StandInStack } from "./standInStack";
import type { StackOptions, TestStack } from "./types";

export type { StackOptions, TestStack } from "./types";

let chosen: EngineName | undefined;

/** Which engine runs the scenarios, and why. */
export function engineChoice(): { engine: EngineName; reason: string } {
  const forced = process.env.PULUMI_TUNTAP_ENGINE;
  if (forced === "stand-in" || forced === "pulumi-cli") return { engine: forced, reason: `PULUMI_TUNTAP_ENGINE=${forced}` };
  const probe = spawnSync("pulumi", ["version"], { encoding: "utf8" });
  if (probe.status === 0) return { engine: "pulumi-cli", reason: `pulumi ${probe.stdout.trim()} is on PATH` };
  return { engine: "stand-in", reason: "no pulumi binary on PATH" };
}

export async function openStack(options: StackOptions): Promise<TestStack> {
  chosen ??= engineChoice().engine;
  return chosen === "pulumi-cli" ? CliStack.open(options) : new StandInStack(options);
}
