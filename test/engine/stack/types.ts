// The stack a scenario drives, whichever engine runs it: the stand-in of this directory, or the real CLI
// through the Automation API when a `pulumi` binary is installed.
import type { ExportedDeployment } from "../deploy/checkpoint";
import type { EngineName, RunResult } from "../deploy/result";

export interface StackOptions {
  /** The directory holding Pulumi.yaml. */
  projectDirectory: string;
  /** Default "test". */
  stackName?: string;
  /** Config keys without a namespace belong to the project. */
  config?: Record<string, string | { value: string; secret: true }>;
  /** --parallel. Default: 4 × the CPUs, as the CLI. */
  parallel?: number;
  /** The secrets passphrase. Default "". */
  passphrase?: string;
  /** Where each process's output goes as it happens (e.g. to stderr when debugging). */
  onOutput?: (line: string) => void;
}

export interface TestStack {
  readonly engine: EngineName;
  readonly projectName: string;
  readonly stackName: string;
  setConfig(key: string, value: string, options?: { secret?: boolean }): Promise<void>;
  removeConfig(key: string): Promise<void>;
  preview(): Promise<RunResult>;
  up(): Promise<RunResult>;
  refresh(): Promise<RunResult>;
  destroy(): Promise<RunResult>;
  /** The state as `pulumi stack export` prints it. */
  exportState(): Promise<ExportedDeployment>;
  /** Forgets the stack and its files; it does not destroy the resources. */
  close(): Promise<void>;
}
