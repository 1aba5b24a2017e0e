// A stack run by the real Pulumi CLI as its users run it: `pulumi` in the project's own directory, through the
// Automation API's LocalWorkspace with that directory as its workDir and no inline program. The CLI (the pinned
// full installation of tools/pulumi) starts the Node language host, which runs the Pulumi.yaml's `main` with
// ts-node; the engine, its checkpoints and the SDK's dynamic-provider host do the rest.
//
// The stack's config is <project directory>/Pulumi.<stack>.yaml, as for a user; a claim (stackClaim.ts) keeps
// two test files from sharing it, and `close` removes it with the stack. Everything else of the stack is in a
// scratch directory of its own under .build/stacks/: its file backend, and a PULUMI_HOME whose plugins/ is the
// installation's registered plugins (tools/pulumi/build.sh registers pulumi-resource-command there once; shared
// read-only, since the CLI never downloads a plugin here).
//
// Whatever the CLI prints is checked: a plugin taken from $PATH instead of the installation, or a program the
// language host runs without its package.json, fails the run.
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import {
  CommandError,
  type Deployment,
  type EngineEvent,
  LocalWorkspace,
  type OpMap,
  PulumiCommand,
  type Stack,
} from "@pulumi/pulumi/automation";
import { cacheDirectory } from "../../../tools/nodeRuntimes";
import { localBackendEnvironment, pinnedPulumiBin, repositoryRoot } from "../../../tools/pulumiCli";
import type { ChangeKind, Command, Diagnostic, RunResult, StepRecord } from "./result";
import { claimStack, stackConfigFile } from "./stackClaim";
import { type ExportedResource, resourcesOf } from "./stateView";

export interface StackOptions {
  /** The directory holding Pulumi.yaml. */
  projectDirectory: string;
  /** Default "test". */
  stackName?: string;
  /** Config keys without a namespace belong to the project. */
  config?: Record<string, string | { value: string; secret: true }>;
  /** The secrets passphrase. Default "". */
  passphrase?: string;
  /** Where the CLI's output goes as it happens (e.g. process.stderr.write when debugging). */
  onOutput?: (text: string) => void;
}

/** Flags of preview/up/refresh/destroy that the tests use. */
export interface RunOptions {
  parallel?: number;
  target?: string[];
  refresh?: boolean;
  diff?: boolean;
  /** `--expect-no-changes`: the command fails if anything would change (preview, up, refresh). */
  expectNoChanges?: boolean;
  /** Aborting sends the CLI SIGINT, as Ctrl-C does. */
  signal?: AbortSignal;
}

/** What the CLI must never print in a test: it would mean a partial installation or a program cut from its package. */
const FORBIDDEN_OUTPUT = [/using \S+ from \$PATH/, /Could not find a package\.json/];

/** Throws if any of these lines is one of FORBIDDEN_OUTPUT. */
export function assertCleanOutput(lines: readonly string[], what: string): void {
  for (const line of lines) {
    if (FORBIDDEN_OUTPUT.some((pattern) => pattern.test(line))) throw new Error(`${what} printed "${line.trim()}": the installation or the program's package is incomplete`);
  }
}

let pulumiCommand: Promise<{ command: PulumiCommand; bin: string }> | undefined;

/** The pinned CLI, built first if it is missing (the build says so: it takes minutes the first time). */
export function pinnedCli(): Promise<{ command: PulumiCommand; bin: string }> {
  pulumiCommand ??= (async () => {
    const bin = pinnedPulumiBin();
    return { command: await PulumiCommand.get({ root: join(bin, "..") }), bin };
  })();
  return pulumiCommand;
}

/** The project's name, as the CLI reads it from its Pulumi.yaml. */
async function projectName(directory: string, pulumiCommand: PulumiCommand): Promise<string> {
  return (await (await LocalWorkspace.create({ workDir: directory, pulumiCommand })).projectSettings()).name;
}

export class CliStack {
  readonly projectName: string;
  /** The stack's scratch directory: its backend and PULUMI_HOME. */
  readonly directory: string;

  private constructor(
    private stack: Stack,
    readonly workspace: LocalWorkspace,
    projectName: string,
    directory: string,
    readonly projectDirectory: string,
    private release: () => void,
    private readonly options: StackOptions,
  ) {
    this.projectName = projectName;
    this.directory = directory;
  }

  get stackName(): string {
    return this.stack.name;
  }

  /** The environment every CLI command of this stack runs with; also for running `pulumi` by hand. */
  static async environment(directory: string, passphrase: string): Promise<Record<string, string>> {
    const { bin } = await pinnedCli();
    return localBackendEnvironment({ backend: join(directory, "backend"), home: join(directory, "home"), passphrase, binDirectory: bin });
  }

  static async open(options: StackOptions): Promise<CliStack> {
    const { command } = await pinnedCli();
    const project = await projectName(options.projectDirectory, command);
    const stackName = options.stackName ?? "test";
    const release = await claimStack(options.projectDirectory, stackName);
    try {
      const stacks = join(repositoryRoot, ".build", "stacks");
      mkdirSync(stacks, { recursive: true });
      const directory = mkdtempSync(join(stacks, `${project}-`));
      for (const sub of ["backend", "home"]) mkdirSync(join(directory, sub));
      symlinkSync(join(cacheDirectory(), "pulumi-home", "plugins"), join(directory, "home", "plugins"));
      const envVars = await CliStack.environment(directory, options.passphrase ?? "");
      const stack = await LocalWorkspace.createOrSelectStack({ stackName, workDir: options.projectDirectory }, { pulumiCommand: command, envVars });
      const cli = new CliStack(stack, stack.workspace as LocalWorkspace, project, directory, options.projectDirectory, release, options);
      for (const [key, entry] of Object.entries(options.config ?? {})) {
        await cli.setConfig(key, typeof entry === "string" ? entry : entry.value, { secret: typeof entry !== "string" });
      }
      return cli;
    } catch (error) {
      release();
      throw error;
    }
  }

  /** A project config key ("mtu") or a namespaced one ("aws:region"). */
  setConfig(key: string, value: string, options: { secret?: boolean } = {}): Promise<void> {
    return this.stack.setConfig(this.namespaced(key), { value, secret: options.secret === true });
  }

  removeConfig(key: string): Promise<void> {
    return this.stack.removeConfig(this.namespaced(key));
  }

  preview(options: RunOptions = {}): Promise<RunResult> {
    return this.run("preview", async (common) => (await this.stack.preview({ ...common, ...options })).changeSummary);
  }

  up(options: RunOptions = {}): Promise<RunResult> {
    return this.run("up", async (common) => (await this.stack.up({ ...common, ...options })).summary.resourceChanges);
  }

  refresh(options: RunOptions = {}): Promise<RunResult> {
    return this.run("refresh", async (common) => (await this.stack.refresh({ ...common, ...options })).summary.resourceChanges);
  }

  destroy(options: RunOptions = {}): Promise<RunResult> {
    return this.run("destroy", async (common) => (await this.stack.destroy({ ...common, ...options })).summary.resourceChanges);
  }

  /** `pulumi stack rename`: the stack object, its config file and its claim follow the new name. */
  async rename(newName: string): Promise<void> {
    const release = await claimStack(this.projectDirectory, newName);
    try {
      await this.stack.rename({ stackName: newName });
    } catch (error) {
      release();
      throw error;
    }
    this.release();
    this.release = release;
    this.stack = await LocalWorkspace.selectStack(
      { stackName: newName, workDir: this.projectDirectory },
      { pulumiCommand: this.workspace.pulumiCommand, envVars: this.workspace.envVars },
    );
  }

  /** `pulumi stack export --show-secrets`: secrets in plaintext, as the Automation API exports them. */
  async exportState(): Promise<Deployment> {
    return this.stack.exportStack();
  }

  /** `pulumi stack export`: the state as stored, secrets encrypted. */
  async exportStoredState(): Promise<Deployment> {
    const exported = await this.cli(["stack", "export"]);
    if (exported.code !== 0) throw new Error(`pulumi stack export failed: ${exported.stderr}`);
    return JSON.parse(exported.stdout) as Deployment;
  }

  /** The stack's outputs (`pulumi stack output`), secrets unwrapped. */
  async outputs(): Promise<Record<string, unknown>> {
    return Object.fromEntries(Object.entries(await this.stack.outputs()).map(([key, output]) => [key, output.value as unknown]));
  }

  async resources(): Promise<ExportedResource[]> {
    return resourcesOf(await this.exportState());
  }

  /** Runs the pinned `pulumi` binary itself on this stack, in its project directory, as a user would. */
  async cli(args: readonly string[]): Promise<{ stdout: string; stderr: string; code: number }> {
    const { bin } = await pinnedCli();
    let result: { stdout: string; stderr: string; code: number };
    try {
      const { stdout, stderr } = await promisify(execFile)(join(bin, "pulumi"), [...args, "--stack", this.stackName, "--non-interactive"], {
        cwd: this.projectDirectory,
        env: { ...process.env, ...this.workspace.envVars },
        maxBuffer: 64 * 1024 * 1024,
      });
      result = { stdout, stderr, code: 0 };
    } catch (error) {
      const failed = error as { stdout?: string; stderr?: string; code?: unknown };
      if (typeof failed.code !== "number") throw error;
      result = { stdout: failed.stdout ?? "", stderr: failed.stderr ?? "", code: failed.code };
    }
    assertCleanOutput(`${result.stdout}\n${result.stderr}`.split("\n"), `pulumi ${args.join(" ")}`);
    return result;
  }

  /** For a test's `after`: destroys whatever the stack still holds, then forgets it and its files. */
  async destroyAndClose(): Promise<void> {
    try {
      if ((await this.resources()).length > 0) await this.destroy();
    } finally {
      await this.close();
    }
  }

  /**
   * Forgets the stack (`pulumi stack rm`, which also removes its config file) and its scratch directory; it does
   * not destroy the resources.
   */
  async close(): Promise<void> {
    try {
      await this.workspace.removeStack(this.stack.name, { force: true });
    } finally {
      rmSync(stackConfigFile(this.projectDirectory, this.stack.name), { force: true });
      rmSync(this.directory, { recursive: true, force: true });
      this.release();
    }
  }

  private namespaced(key: string): string {
    return key.includes(":") ? key : `${this.projectName}:${key}`;
  }

  private async run(command: Command, run: (common: { onOutput: (out: string) => void; onEvent: (event: EngineEvent) => void }) => Promise<OpMap | undefined>): Promise<RunResult> {
    const started = performance.now();
    const diagnostics: Diagnostic[] = [];
    const steps: StepRecord[] = [];
    const output: string[] = [];
    const onOutput = (text: string) => {
      for (const line of text.split("\n")) if (line.trim() !== "") output.push(line);
      this.options.onOutput?.(text);
    };
    const onEvent = (event: EngineEvent) => {
      const diagnostic = event.diagnosticEvent;
      if (diagnostic !== undefined) diagnostics.push({ severity: severityOf(diagnostic.severity), message: diagnostic.message, urn: diagnostic.urn ?? "" });
      const done = event.resOutputsEvent?.metadata;
      if (done !== undefined) steps.push({ op: done.op, urn: done.urn, keys: done.keys ?? [], diffs: done.diffs ?? [] });
      const failed = event.resOpFailedEvent?.metadata;
      if (failed !== undefined) steps.push({ op: failed.op, urn: failed.urn, keys: failed.keys ?? [], diffs: failed.diffs ?? [], error: "failed" });
      const planned = event.resourcePreEvent?.metadata;
      if (planned !== undefined && command === "preview") steps.push({ op: planned.op, urn: planned.urn, keys: planned.keys ?? [], diffs: planned.diffs ?? [] });
    };
    let changes: OpMap | undefined;
    let failure: string | undefined;
    try {
      changes = await run({ onOutput, onEvent });
    } catch (error) {
      if (!(error instanceof CommandError)) throw error;
      failure = error.message;
    }
    assertCleanOutput([...output, ...diagnostics.flatMap((diagnostic) => diagnostic.message.split("\n"))], `pulumi ${command} of ${this.projectName}/${this.stackName}`);
    const errors = diagnostics.filter((diagnostic) => diagnostic.severity === "error").map((diagnostic) => diagnostic.message.trim());
    if (failure !== undefined && errors.length === 0) errors.push(failure);
    const outputs = command === "up" && failure === undefined ? await this.outputs() : {};
    return {
      command,
      ok: failure === undefined,
      errors,
      diagnostics,
      changes: countChanges(changes ?? {}),
      steps,
      outputs,
      output,
      durationMs: performance.now() - started,
    };
  }
}

function severityOf(severity: string): Diagnostic["severity"] {
  if (severity === "error" || severity === "warning" || severity === "debug") return severity;
  return "info";
}

function countChanges(summary: OpMap): Partial<Record<ChangeKind, number>> {
  const changes: Partial<Record<ChangeKind, number>> = {};
  for (const kind of ["create", "same", "update", "replace", "delete"] as const) {
    const count = summary[kind];
    if (count !== undefined && count > 0) changes[kind] = count;
  }
  return changes;
}
