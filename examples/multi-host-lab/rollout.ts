// The rollout of the multi-host lab, on Pulumi's Automation API: `pulumi up` of the inventory stack, then of every
// host's stack, each on its own host, in parallel, and a report of each host's outcome. The hosts' stacks are
// independent (one lock each on the backend): one host failing leaves the others as they were made, and running
// the rollout again converges — a host that was right has nothing to do.
//
//   node .build/examples/multi-host-lab/rollout.js --lab examples/multi-host-lab [--inventory-stack lab]
//       [--organization organization] [--launcher 'nsenter --net=/run/netns/lab-{host} --'] [--parallel N]
//       [--no-refresh] [--prune] [--destroy]
//
// Where each host's `pulumi up` runs: the provider acts on the machine (and network namespace) the CLI runs in, so
// the CLI must run on the host. `--launcher` is the command put in front of `pulumi` for a host ({host} is its
// name): `nsenter --net=/run/netns/lab-{host} --` when the "hosts" are network namespaces of one machine. On a real
// fleet, run the rollout on each host for that host alone (`--only NAME`, e.g. one CI job per host on a runner of
// that host) or give a launcher that reaches the host and runs `pulumi` there with this directory and the same
// backend.
//
// The backend and the secrets come from the environment, as for any `pulumi` command: PULUMI_BACKEND_URL (s3://,
// gs://, azblob://, file://, or Pulumi Cloud when unset and logged in) and PULUMI_CONFIG_PASSPHRASE.
import { mkdtempSync, rmSync, writeFileSync, chmodSync, mkdirSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, dirname, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { CommandError, LocalWorkspace, PulumiCommand, type Stack } from "@pulumi/pulumi/automation";

export interface RolloutOptions {
  /** The directory holding inventory/ and host/. */
  lab: string;
  /** The inventory stack's name. Default "lab". */
  inventoryStack?: string;
  /** The organization in stack references: "organization" on a self-managed backend. */
  organization?: string;
  /** The words put before `pulumi` to run it on a host; "{host}" is replaced by the host's name. */
  launcher?: string[];
  /** Only these hosts (default: every host of the inventory). */
  only?: string[];
  /** Hosts rolled out at once. Default: all. */
  parallel?: number;
  /** Read every device before diffing (`pulumi up --refresh`), so that a host rebuilt or changed by hand is seen. Default true. */
  refresh?: boolean;
  /** Destroy the stacks of hosts no longer in the inventory (their hosts must still be reachable). */
  prune?: boolean;
  /** Environment for every `pulumi` command (the backend, the passphrase, PATH). Default: this process's. */
  env?: Record<string, string>;
  /** Each line a host's CLI prints, as it prints it. */
  onOutput?: (host: string, line: string) => void;
}

export interface HostOutcome {
  host: string;
  ok: boolean;
  /** Resource changes by kind ("same", "update", "create"…): what `pulumi up` reports. */
  changes: Record<string, number>;
  seconds: number;
  /** Why it failed: the error lines the CLI printed. */
  error?: string;
}

export interface RolloutReport {
  inventory: HostOutcome;
  hosts: HostOutcome[];
  /** Host stacks whose host is no longer in the inventory, left as they are (without --prune). */
  stale: string[];
  /** Those destroyed with --prune. */
  pruned: HostOutcome[];
}

interface InventoryHostOutput {
  name: string;
}

/** The inventory's `pulumi up`, then every host's, `parallel` at a time; never throws for a host's failure. */
export async function rollout(options: RolloutOptions): Promise<RolloutReport> {
  const lab = new Lab(options);
  try {
    const inventory = await lab.inventory();
    const inventoryOutcome = await lab.run("inventory", (onOutput) => inventory.up({ onOutput }));
    if (!inventoryOutcome.ok) return { inventory: inventoryOutcome, hosts: [], stale: [], pruned: [] };
    const listed = ((await inventory.outputs()).hosts?.value as InventoryHostOutput[] | undefined)?.map((host) => host.name) ?? [];
    const hosts = options.only === undefined ? listed : listed.filter((host) => options.only?.includes(host));
    const outcomes = await inParallel(hosts, options.parallel ?? hosts.length, (host) => lab.upHost(host));
    const stale = (await lab.hostStacks()).filter((stack) => !listed.includes(stack) && (options.only === undefined || options.only.includes(stack)));
    const pruned = options.prune === true ? await inParallel(stale, options.parallel ?? stale.length, (host) => lab.destroyHost(host)) : [];
    return { inventory: inventoryOutcome, hosts: outcomes, stale: options.prune === true ? [] : stale, pruned };
  } finally {
    lab.close();
  }
}

/** Tears the lab down: every host's stack destroyed on its host (in parallel), then the inventory's. */
export async function destroyLab(options: RolloutOptions): Promise<HostOutcome[]> {
  const lab = new Lab(options);
  try {
    const hosts = await lab.hostStacks();
    const outcomes = await inParallel(hosts, options.parallel ?? hosts.length, (host) => lab.destroyHost(host));
    const inventory = await lab.inventory();
    outcomes.push(await lab.run("inventory", (onOutput) => inventory.destroy({ onOutput })));
    return outcomes;
  } finally {
    lab.close();
  }
}

/** The lab's two projects, and a `pulumi` for each host that runs on that host. */
class Lab {
  private readonly inventoryDirectory: string;
  private readonly hostDirectory: string;
  private readonly env: Record<string, string>;
  private readonly launchers: string;
  private local: Promise<PulumiCommand> | undefined;

  constructor(private readonly options: RolloutOptions) {
    this.inventoryDirectory = resolve(options.lab, "inventory");
    this.hostDirectory = resolve(options.lab, "host");
    for (const directory of [this.inventoryDirectory, this.hostDirectory]) {
      if (!existsSync(join(directory, "Pulumi.yaml"))) throw new Error(`${directory} holds no Pulumi.yaml: --lab names the directory of inventory/ and host/`);
    }
    this.env = options.env ?? (Object.fromEntries(Object.entries(process.env).filter(([, value]) => value !== undefined)) as Record<string, string>);
    this.launchers = mkdtempSync(join(tmpdir(), "multi-host-lab-"));
  }

  close(): void {
    rmSync(this.launchers, { recursive: true, force: true });
  }

  async inventory(): Promise<Stack> {
    return LocalWorkspace.createOrSelectStack({ stackName: this.inventoryStackName, workDir: this.inventoryDirectory }, await this.here());
  }

  /** The stacks of the host project on the backend: one per host that was ever rolled out. */
  async hostStacks(): Promise<string[]> {
    const workspace = await LocalWorkspace.create({ workDir: this.hostDirectory, ...(await this.here()) });
    return (await workspace.listStacks()).map((stack) => stack.name).sort();
  }

  async upHost(host: string): Promise<HostOutcome> {
    return this.run(host, async (onOutput) => {
      const stack = await this.hostStack(host);
      await stack.setConfig("inventory", { value: `${this.options.organization ?? "organization"}/${await this.inventoryProject()}/${this.inventoryStackName}` });
      return stack.up({ refresh: this.options.refresh ?? true, onOutput });
    });
  }

  async destroyHost(host: string): Promise<HostOutcome> {
    return this.run(host, async (onOutput) => (await this.hostStack(host)).destroy({ refresh: true, onOutput }));
  }

  /** Runs one stack's command and reports it, whatever happens: on failure, what the CLI's Diagnostics said. */
  async run(host: string, command: (onOutput: (text: string) => void) => Promise<{ summary: { resourceChanges?: Record<string, number> } }>): Promise<HostOutcome> {
    const started = Date.now();
    const seconds = () => Math.round((Date.now() - started) / 100) / 10;
    const printed: string[] = [];
    const onOutput = (text: string) => {
      for (const line of text.split("\n")) {
        if (line.trim() === "") continue;
        printed.push(line);
        this.options.onOutput?.(host, line);
      }
    };
    try {
      const result = await command(onOutput);
      return { host, ok: true, changes: result.summary.resourceChanges ?? {}, seconds: seconds() };
    } catch (error) {
      const said = diagnosticsOf(printed) ?? (error instanceof CommandError ? lastLines(error.message) : String(error));
      return { host, ok: false, changes: {}, seconds: seconds(), error: said };
    }
  }

  private get inventoryStackName(): string {
    return this.options.inventoryStack ?? "lab";
  }

  private async inventoryProject(): Promise<string> {
    return (await (await LocalWorkspace.create({ workDir: this.inventoryDirectory, ...(await this.here()) })).projectSettings()).name;
  }

  /** Workspace options for what runs here, not on a host (the inventory, which declares no resource; listing stacks). */
  private async here(): Promise<{ envVars: Record<string, string>; pulumiCommand: PulumiCommand }> {
    this.local ??= PulumiCommand.get({ root: dirname(dirname(realPulumi(this.env.PATH ?? ""))) });
    return { envVars: this.env, pulumiCommand: await this.local };
  }

  /** The host's stack, run by the `pulumi` that runs on that host. */
  private async hostStack(host: string): Promise<Stack> {
    const pulumiCommand = await this.pulumiOn(host);
    return LocalWorkspace.createOrSelectStack({ stackName: host, workDir: this.hostDirectory }, { envVars: this.env, pulumiCommand });
  }

  /** `pulumi` behind the launcher: a bin/pulumi that runs `<launcher> <the real pulumi> "$@"`. */
  private async pulumiOn(host: string): Promise<PulumiCommand> {
    if (this.options.launcher === undefined) return (await this.here()).pulumiCommand;
    const root = join(this.launchers, host);
    mkdirSync(join(root, "bin"), { recursive: true });
    const words = [...this.options.launcher.map((word) => word.replaceAll("{host}", host)), realPulumi(this.env.PATH ?? "")];
    writeFileSync(join(root, "bin", "pulumi"), `#!/bin/sh\nexec ${words.map(shellQuote).join(" ")} "$@"\n`);
    chmodSync(join(root, "bin", "pulumi"), 0o755);
    return PulumiCommand.get({ root, skipVersionCheck: true });
  }
}

/** The `pulumi` binary on the commands' PATH, by its full path (a launcher's own bin/ comes first on the CLI's PATH). */
function realPulumi(path: string): string {
  for (const directory of path.split(delimiter)) {
    const candidate = join(directory, "pulumi");
    if (directory !== "" && existsSync(candidate)) return candidate;
  }
  throw new Error("no pulumi on PATH: install the Pulumi CLI, or put its bin directory on PATH");
}

function shellQuote(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

/**
 * The resources' errors from the "Diagnostics:" part of what the CLI printed, each under the resource it names
 * (the stack's own "update failed" after them says nothing more); undefined when there is none.
 */
function diagnosticsOf(printed: readonly string[]): string | undefined {
  const start = printed.findIndex((line) => line.trim() === "Diagnostics:");
  if (start === -1) return undefined;
  const groups: string[][] = [];
  for (const line of printed.slice(start + 1)) {
    if (!line.startsWith(" ")) break;
    if (!line.startsWith("    ")) groups.push([line.trim()]);
    else groups.at(-1)?.push(line.slice(2));
  }
  const telling = groups.filter((group) => !group.slice(1).every((line) => /^\s*error: update failed\s*$/.test(line)));
  return telling.length === 0 ? undefined : telling.map((group) => group.join("\n")).join("\n");
}

/** The end of what a command printed, when the CLI printed no diagnostics (it could not start, say). */
function lastLines(message: string): string {
  return message.trim().split("\n").slice(-5).join("\n");
}

async function inParallel<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}

function describeOutcome(outcome: HostOutcome): string {
  const changes = Object.entries(outcome.changes)
    .map(([kind, count]) => `${kind} ${count}`)
    .join(", ");
  const lead = `${outcome.host.padEnd(12)} ${`${outcome.seconds} s`.padStart(8)}  `;
  const status = outcome.ok ? `ok      ${changes || "no resources"}` : `FAILED  ${(outcome.error ?? "").split("\n").join(`\n${" ".repeat(lead.length + 8)}`)}`;
  return lead + status;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      lab: { type: "string", default: "." },
      "inventory-stack": { type: "string", default: "lab" },
      organization: { type: "string", default: "organization" },
      launcher: { type: "string" },
      only: { type: "string" },
      parallel: { type: "string" },
      "no-refresh": { type: "boolean", default: false },
      prune: { type: "boolean", default: false },
      destroy: { type: "boolean", default: false },
      quiet: { type: "boolean", default: false },
    },
  });
  const options: RolloutOptions = {
    lab: values.lab,
    inventoryStack: values["inventory-stack"],
    organization: values.organization,
    refresh: !values["no-refresh"],
    prune: values.prune,
    ...(values.launcher === undefined ? {} : { launcher: values.launcher.split(" ").filter((word) => word !== "") }),
    ...(values.only === undefined ? {} : { only: values.only.split(",") }),
    ...(values.parallel === undefined ? {} : { parallel: Number(values.parallel) }),
    ...(values.quiet ? {} : { onOutput: (host: string, line: string) => console.log(`[${host}] ${line}`) }),
  };
  if (values.destroy) {
    const outcomes = await destroyLab(options);
    for (const outcome of outcomes) console.log(describeOutcome(outcome));
    return outcomes.every((outcome) => outcome.ok) ? 0 : 1;
  }
  const report = await rollout(options);
  console.log(`\n${"host".padEnd(12)} ${"time".padStart(8)}  outcome`);
  for (const outcome of [report.inventory, ...report.hosts]) console.log(describeOutcome(outcome));
  for (const outcome of report.pruned) console.log(`${describeOutcome(outcome)}  (pruned: no longer in the inventory)`);
  for (const stale of report.stale) console.log(`${stale.padEnd(12)} ${"".padStart(8)}  not in the inventory: its stack is left as it is (--prune destroys it, on its host)`);
  const failed = [report.inventory, ...report.hosts, ...report.pruned].filter((outcome) => !outcome.ok);
  if (failed.length > 0) console.log(`\n${failed.length} failed; the others are as declared. Fix the cause and run the rollout again: hosts that are right have nothing to do.`);
  return failed.length === 0 ? 0 : 1;
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(2);
    },
  );
}
