// A stack run by the engine stand-in of ../deploy: its state is one JSON file in a temporary directory.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import type { ExportedDeployment } from "../deploy/checkpoint";
import { loadProject, type Project } from "../deploy/project";
import { runDestroy, runRefresh } from "../deploy/refresh";
import type { StackSettings } from "../deploy/run";
import { runUpdate } from "../deploy/update";
import type { StackOptions, TestStack } from "./types";

export function namespacedKey(project: string, key: string): string {
  return key.includes(":") ? key : `${project}:${key}`;
}

export class StandInStack implements TestStack {
  readonly engine = "stand-in" as const;
  readonly projectName: string;
  readonly stackName: string;
  private readonly project: Project;
  private readonly directory: string;
  private readonly config = new Map<string, { value: string; secret: boolean }>();

  constructor(private readonly options: StackOptions) {
    this.project = loadProject(options.projectDirectory);
    this.projectName = this.project.name;
    this.stackName = options.stackName ?? "test";
    this.directory = mkdtempSync(join(tmpdir(), `pulumi-tuntap-${this.projectName}-`));
    for (const [key, entry] of Object.entries(options.config ?? {})) {
      const value = typeof entry === "string" ? { value: entry, secret: false } : { value: entry.value, secret: true };
      this.config.set(namespacedKey(this.projectName, key), value);
    }
  }

  get statePath(): string {
    return join(this.directory, `${this.stackName}.json`);
  }

  private settings(): StackSettings {
    const settings: StackSettings = {
      project: this.project,
      stack: this.stackName,
      statePath: this.statePath,
      passphrase: this.options.passphrase ?? "",
      config: Object.fromEntries([...this.config].map(([key, entry]) => [key, entry.value])),
      secretKeys: [...this.config].filter(([, entry]) => entry.secret).map(([key]) => key),
      parallel: this.options.parallel ?? 4 * availableParallelism(),
    };
    if (this.options.onOutput !== undefined) settings.onOutput = this.options.onOutput;
    return settings;
  }

  async setConfig(key: string, value: string, options: { secret?: boolean } = {}): Promise<void> {
    this.config.set(namespacedKey(this.projectName, key), { value, secret: options.secret === true });
  }

  async removeConfig(key: string): Promise<void> {
    this.config.delete(namespacedKey(this.projectName, key));
  }

  preview() {
    return runUpdate(this.settings(), true);
  }

  up() {
    return runUpdate(this.settings(), false);
  }

  refresh() {
    return runRefresh(this.settings());
  }

  destroy() {
    return runDestroy(this.settings());
  }

  async exportState(): Promise<ExportedDeployment> {
    try {
      return JSON.parse(readFileSync(this.statePath, "utf8")) as ExportedDeployment;
    } catch (error) {
      if ((error as { code?: string }).code === "ENOENT") return { version: 3, deployment: { manifest: { time: "", magic: "", version: "" } } };
      throw error;
    }
  }

  async close(): Promise<void> {
    rmSync(this.directory, { recursive: true, force: true });
  }
}
