// What a CLI command reported, gathered from the Automation API: the change summary ("Resources: + 2
// created"), the engine's diagnostics and step events, and everything the CLI printed.
export type Command = "preview" | "up" | "refresh" | "destroy";
export type ChangeKind = "create" | "same" | "update" | "replace" | "delete";

export interface Diagnostic {
  severity: "debug" | "info" | "warning" | "error";
  message: string;
  urn: string;
}

export interface StepRecord {
  op: string;
  urn: string;
  /** Properties that forced a replacement, or that differ (`diffs`). */
  keys: string[];
  diffs: string[];
  error?: string;
}

export interface RunResult {
  command: Command;
  ok: boolean;
  /** Error messages: diagnostics of severity error, and the failure itself. */
  errors: string[];
  diagnostics: Diagnostic[];
  changes: Partial<Record<ChangeKind, number>>;
  steps: StepRecord[];
  /** Stack outputs after an up, secrets unwrapped. */
  outputs: Record<string, unknown>;
  /** Lines the CLI printed (its display, the program's and the provider host's output). */
  output: string[];
  durationMs: number;
}

/** A short account of a run for assertion messages. */
export function describe(result: RunResult): string {
  const changes = Object.entries(result.changes)
    .map(([kind, count]) => `${kind}=${count}`)
    .join(" ");
  const lines = [`pulumi ${result.command}: ${result.ok ? "ok" : "FAILED"} (${changes}) in ${Math.round(result.durationMs)} ms`];
  for (const error of result.errors) lines.push(`  error: ${error}`);
  for (const step of result.steps) lines.push(`  ${step.op} ${step.urn}${step.error === undefined ? "" : ` — ${step.error}`}`);
  if (!result.ok) for (const line of result.output.slice(-40)) lines.push(`  | ${line}`);
  return lines.join("\n");
}
