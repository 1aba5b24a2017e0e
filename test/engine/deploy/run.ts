// What every command shares: the Engine service plugins and the program log to, the provider registry, and
// the account of the run (diagnostics, steps, the CLI-style change counts, what processes printed).
import { type Diagnostic, type EngineService, startEngineService } from "../services/engineService";
import { plainValue, type Properties } from "../wire/properties";
import { isProviderType } from "../wire/urn";
import type { Project } from "./project";
import { ProviderRegistry } from "./providerRegistry";
import type { ChangeKind, Command, RunResult, StepRecord } from "./result";
import type { StepOutcome } from "./stepExecutor";
import { BailError } from "./stepGenerator";

export interface StackSettings {
  project: Project;
  stack: string;
  /** The JSON state file (as `pulumi stack export` prints it). */
  statePath: string;
  /** The passphrase of the stack's secrets provider (PULUMI_CONFIG_PASSPHRASE). */
  passphrase: string;
  /** Stack config, keys "<namespace>:<name>" (e.g. "tuntap-tutorial:mtu"). */
  config: Record<string, string>;
  /** The config keys whose values are secrets. */
  secretKeys: string[];
  /** --parallel: how many resource operations may run at once. */
  parallel: number;
  /** Called with every line a process prints and every diagnostic, for debugging. */
  onOutput?: (line: string) => void;
}

export class Run {
  readonly started = performance.now();
  readonly diagnostics: Diagnostic[] = [];
  readonly output: string[] = [];
  readonly steps: StepRecord[] = [];
  readonly changes: Partial<Record<ChangeKind, number>> = {};
  readonly registry: ProviderRegistry;
  failure: Error | undefined;

  private constructor(
    readonly settings: StackSettings,
    readonly command: Command,
    readonly engine: EngineService,
  ) {
    const packageConfig = Object.fromEntries(
      Object.entries(settings.config)
        .filter(([key]) => key.startsWith("pulumi-nodejs:"))
        .map(([key, value]) => [key.slice("pulumi-nodejs:".length), value]),
    );
    this.registry = new ProviderRegistry({
      project: settings.project,
      engineAddress: engine.address,
      packageConfig,
      onOutput: (line, stream) => this.print(`[provider ${stream}] ${line}`),
    });
  }

  static async start(settings: StackSettings, command: Command): Promise<Run> {
    let run: Run | undefined;
    const engine = await startEngineService((diagnostic) => run?.note(diagnostic));
    run = new Run(settings, command, engine);
    return run;
  }

  print(line: string): void {
    this.output.push(line);
    this.settings.onOutput?.(line);
  }

  private note(diagnostic: Diagnostic): void {
    this.diagnostics.push(diagnostic);
    this.settings.onOutput?.(`[${diagnostic.severity}] ${diagnostic.urn} ${diagnostic.message.trimEnd()}`);
  }

  error(urn: string, message: string): void {
    this.note({ severity: "error", message, urn });
  }

  warning(urn: string, message: string): void {
    this.note({ severity: "warning", message, urn });
  }

  /** Records the first failure; errors the generator already reported are not repeated. */
  fail(error: Error): void {
    if (this.failure !== undefined) return;
    this.failure = error;
    if (!(error instanceof BailError)) this.error("", error.message);
  }

  /** OnResourceStepPost: failed steps are reported, successful logical ones counted (providers are internal). */
  recordOutcome(outcome: StepOutcome, resultOp?: ChangeKind): void {
    const { step, error } = outcome;
    const record: StepRecord = { op: resultOp === undefined ? step.op : `refresh:${resultOp}`, urn: step.urn, keys: step.keys };
    if (error !== undefined) record.error = error.message;
    this.steps.push(record);
    if (error !== undefined) {
      this.error(step.urn, error.message);
      return;
    }
    const kind = resultOp ?? (step.op as ChangeKind);
    if (step.logical && !isProviderType(step.state.type) && ["create", "same", "update", "replace", "delete"].includes(kind)) {
      this.changes[kind] = (this.changes[kind] ?? 0) + 1;
    }
  }

  async close(): Promise<void> {
    await this.registry.close();
    await this.engine.close();
  }

  result(stackOutputs: Properties | undefined): RunResult {
    const errors = this.diagnostics.filter((diagnostic) => diagnostic.severity === "error").map((diagnostic) => diagnostic.message.trim());
    return {
      engine: "stand-in",
      command: this.command,
      ok: this.failure === undefined && errors.length === 0,
      errors,
      diagnostics: this.diagnostics,
      changes: this.changes,
      steps: this.steps,
      outputs: Object.fromEntries(Object.entries(stackOutputs ?? {}).map(([key, value]) => [key, plainValue(value)])),
      providerCalls: this.registry.calls,
      output: this.output,
      durationMs: performance.now() - this.started,
    };
  }
}
