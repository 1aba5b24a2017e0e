// What a command reports, in a shape both engines can fill: the stand-in here, and the real CLI through the
// Automation API. `changes` counts resources the way the CLI's summary does ("Resources: + 2 created").
import type { Diagnostic } from "../services/engineService";
import type { ProviderCall } from "./providers";

export type Command = "preview" | "up" | "refresh" | "destroy";
export type ChangeKind = "create" | "same" | "update" | "replace" | "delete";
export type EngineName = "stand-in" | "pulumi-cli";

export interface StepRecord {
  op: string;
  urn: string;
  /** Properties that forced a replacement. */
  keys: string[];
  error?: string;
}

export interface RunResult {
  engine: EngineName;
  command: Command;
  ok: boolean;
  /** Error messages: diagnostics of severity error, and the failure itself. */
  errors: string[];
  diagnostics: Diagnostic[];
  changes: Partial<Record<ChangeKind, number>>;
  steps: StepRecord[];
  /** Stack outputs, secrets unwrapped. */
  outputs: Record<string, unknown>;
  /** Provider calls in order (the stand-in only; the CLI does not tell). */
  providerCalls?: ProviderCall[];
  /** Lines the program and the provider host printed. */
  output: string[];
  durationMs: number;
}

/** A short account of a run for assertion messages. */
export function describe(result: RunResult): string {
  const changes = Object.entries(result.changes)
    .map(([kind, count]) => `${kind}=${count}`)
    .join(" ");
  const lines = [`${result.engine} ${result.command}: ${result.ok ? "ok" : "FAILED"} (${changes}) in ${Math.round(result.durationMs)} ms`];
  for (const error of result.errors) lines.push(`  error: ${error}`);
  for (const step of result.steps) lines.push(`  ${step.op} ${step.urn}${step.error === undefined ? "" : ` — ${step.error}`}`);
  if (!result.ok) for (const line of result.output.slice(-30)) lines.push(`  | ${line}`);
  return lines.join("\n");
}
