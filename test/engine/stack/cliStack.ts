// A stack run by the real Pulumi CLI through the Automation API, on a local file backend with the passphrase
// secrets provider: used instead of the stand-in whenever a `pulumi` binary is on PATH. The CLI writes
// Pulumi.<stack>.yaml next to Pulumi.yaml, so the project is described to it from a temporary directory
// whose Pulumi.yaml names the real program by absolute path (`main`), leaving the repository untouched.
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { CommandError, type EngineEvent, LocalWorkspace, type OpMap, type Stack } from "@pulumi/pulumi/automation";
import type { ExportedDeployment } from "../deploy/checkpoint";
import { loadProject, type Project } from "../deploy/project";
import type { ChangeKind, Command, RunResult, StepRecord } from "../deploy/result";
import type { Diagnostic, Severity } from "../services/engineService";
import { namespacedKey } from "./standInStack";
import type { StackOptions, TestStack } from "./types";

export class CliStack implements TestStack {
  readonly engine = "pulumi-cli" as const;
  readonly projectName: string;
  readonly stackName: string;

  private constructor(
    private readonly stack: Stack,
    private readonly directory: string,
    private readonly project: Project,
    private readonly options: StackOptions,
  ) {
    this.projectName = project.name;
    this.stackName = stack.name;
  }

  static async open(options: StackOptions): Promise<CliStack> {
    const project = loadProject(options.projectDirectory);
    const directory = mkdtempSync(join(tmpdir(), `pulumi-tuntap-cli-${project.name}-`));
    mkdirSync(join(directory, "backend"));
    const main = project.entryPoint === "." ? project.programDirectory : join(project.programDirectory, project.entryPoint);
    const stack = await LocalWorkspace.createOrSelectStack(
      { stackName: options.stackName ?? "test", workDir: join(directory, "project") },
      {
        workDir: join(directory, "project"),
        projectSettings: { name: project.name, runtime: { name: "nodejs", options: project.runtimeOptions as Record<string, never> }, main },
        envVars: {
          PULUMI_BACKEND_URL: `file://${join(directory, "backend")}`,
          PULUMI_CONFIG_PASSPHRASE: options.passphrase ?? "",
          PULUMI_SKIP_UPDATE_CHECK: "true",
        },
      },
    );
    const cli = new CliStack(stack, directory, project, options);
    for (const [key, entry] of Object.entries(options.config ?? {})) {
      await cli.setConfig(key, typeof entry === "string" ? entry : entry.value, { secret: typeof entry !== "string" });
    }
    return cli;
  }

  setConfig(key: string, value: string, options: { secret?: boolean } = {}): Promise<void> {
    return this.stack.setConfig(namespacedKey(this.project.name, key), { value, secret: options.secret === true });
  }

  removeConfig(key: string): Promise<void> {
    return this.stack.removeConfig(namespacedKey(this.project.name, key));
  }

  preview(): Promise<RunResult> {
    return this.command("preview", async (common) => (await this.stack.preview({ ...common, parallel: this.parallel })).changeSummary);
  }

  up(): Promise<RunResult> {
    return this.command("up", async (common) => (await this.stack.up({ ...common, parallel: this.parallel })).summary.resourceChanges);
  }

  refresh(): Promise<RunResult> {
    return this.command("refresh", async (common) => (await this.stack.refresh({ ...common, parallel: this.parallel })).summary.resourceChanges);
  }

  destroy(): Promise<RunResult> {
    return this.command("destroy", async (common) => (await this.stack.destroy({ ...common, parallel: this.parallel })).summary.resourceChanges);
  }

  async exportState(): Promise<ExportedDeployment> {
    return (await this.stack.exportStack()) as ExportedDeployment;
  }

  async close(): Promise<void> {
    try {
      await this.stack.workspace.removeStack(this.stack.name, { force: true });
    } finally {
      rmSync(this.directory, { recursive: true, force: true });
    }
  }

  private get parallel(): number {
    return this.options.parallel ?? 4 * availableParallelism();
  }

  private async command(command: Command, run: (common: { onOutput: (out: string) => void; onEvent: (event: EngineEvent) => void }) => Promise<OpMap | undefined>): Promise<RunResult> {
    const started = performance.now();
    const diagnostics: Diagnostic[] = [];
    const steps: StepRecord[] = [];
    const output: string[] = [];
    const onOutput = (text: string) => {
      for (const line of text.split("\n")) if (line !== "") output.push(line);
      this.options.onOutput?.(text.trimEnd());
    };
    const onEvent = (event: EngineEvent) => {
      const diagnostic = event.diagnosticEvent;
      if (diagnostic !== undefined) diagnostics.push({ severity: severityOf(diagnostic.severity), message: diagnostic.message, urn: diagnostic.urn ?? "" });
      const done = event.resOutputsEvent?.metadata;
      if (done !== undefined) steps.push({ op: done.op, urn: done.urn, keys: done.keys ?? [] });
      const failed = event.resOpFailedEvent?.metadata;
      if (failed !== undefined) steps.push({ op: failed.op, urn: failed.urn, keys: failed.keys ?? [], error: "failed" });
    };
    let changes: OpMap | undefined;
    let failure: string | undefined;
    try {
      changes = await run({ onOutput, onEvent });
    } catch (error) {
      if (!(error instanceof CommandError)) throw error;
      failure = error.message;
    }
    const errors = diagnostics.filter((diagnostic) => diagnostic.severity === "error").map((diagnostic) => diagnostic.message.trim());
    if (failure !== undefined && errors.length === 0) errors.push(failure);
    // After a preview the CLI reports the outputs of the last update, not planned ones: none are given.
    const outputs = command === "up" && failure === undefined ? await this.stack.outputs() : {};
    return {
      engine: this.engine,
      command,
      ok: failure === undefined,
      errors,
      diagnostics,
      changes: countChanges(changes ?? {}),
      steps,
      outputs: Object.fromEntries(Object.entries(outputs).map(([key, output]) => [key, output.value as unknown])),
      output,
      durationMs: performance.now() - started,
    };
  }
}

function severityOf(severity: string): Severity {
  if (severity === "error" || severity === "warning") return severity;
  return severity === "debug" ? "debug" : "info";
}

function countChanges(summary: OpMap): Partial<Record<ChangeKind, number>> {
  const changes: Partial<Record<ChangeKind, number>> = {};
  for (const kind of ["create", "same", "update", "replace", "delete"] as const) {
    const count = summary[kind];
    if (count !== undefined && count > 0) changes[kind] = count;
  }
  return changes;
}
