// `npm run up|preview|refresh|destroy` and `npm run pulumi`: a program of this repository on a local file
// backend (.pulumi/ at the repository root) with an empty passphrase — no Pulumi account, no cloud.
//
//   npm run up                                  the root program (the tutorial's tap0)
//   npm run preview -- -C examples/vm-lab       another program (any directory with a Pulumi.yaml)
//   npm run up -- --diff --target <urn>         flags: --diff, --refresh, --target URN, --parallel N, --stack NAME
//   npm run pulumi -- -C examples/vm-lab config set vms 4      any other CLI command, same backend
//
// The user's `pulumi` is used when it is on PATH; otherwise the pinned build (built on first use). Programs run
// through the Automation API as inline programs: the pinned build is the CLI alone, without the Go language
// host that an installed Pulumi carries beside it.
import { spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { CommandError, LocalWorkspace, type Stack } from "@pulumi/pulumi/automation";
import { inlineProgram } from "./inlineProgram";
import { findPulumiCli, localBackendEnvironment, type PulumiCli, repositoryRoot } from "./pulumiCli";

const programCommands = ["preview", "up", "refresh", "destroy"] as const;
type ProgramCommand = (typeof programCommands)[number];

interface Invocation {
  command: string;
  directory: string;
  stackName: string;
  diff: boolean;
  refresh: boolean;
  targets: string[];
  parallel?: number;
  /** Everything else, for commands passed through to the CLI. */
  rest: string[];
}

const usage = "usage: npm run up|preview|refresh|destroy -- [-C DIR] [--stack NAME] [--diff] [--refresh] [--target URN]… [--parallel N]";

function parse(argv: readonly string[]): Invocation {
  const invocation: Invocation = { command: "", directory: repositoryRoot, stackName: "dev", diff: false, refresh: false, targets: [], rest: [] };
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index]!;
    const value = (): string => {
      const next = argv[++index];
      if (next === undefined) throw new Error(`${arg} needs a value. ${usage}`);
      return next;
    };
    if (arg === "-C" || arg === "--cwd") invocation.directory = resolve(value());
    else if (arg === "-s" || arg === "--stack") invocation.stackName = value();
    else if (arg === "--diff") invocation.diff = true;
    else if (arg === "--refresh") invocation.refresh = true;
    else if (arg === "--target") invocation.targets.push(value());
    else if (arg === "--parallel") invocation.parallel = Number(value());
    else if (arg === "--yes" || arg === "-y") continue;
    else if (invocation.command === "" && !arg.startsWith("-")) invocation.command = arg;
    else invocation.rest.push(arg);
  }
  if (invocation.command === "") throw new Error(usage);
  return invocation;
}

function environment(cli: PulumiCli): Record<string, string> {
  const backend = join(repositoryRoot, ".pulumi");
  mkdirSync(backend, { recursive: true });
  const variables = localBackendEnvironment({
    backend,
    passphrase: process.env.PULUMI_CONFIG_PASSPHRASE ?? "",
    ...(cli.binDirectory === undefined ? {} : { binDirectory: cli.binDirectory }),
  });
  // A backend the user chose wins over the repository's own.
  if (process.env.PULUMI_BACKEND_URL !== undefined && process.env.PULUMI_BACKEND_URL !== "") variables.PULUMI_BACKEND_URL = process.env.PULUMI_BACKEND_URL;
  return variables;
}

async function openStack(cli: PulumiCli, invocation: Invocation, envVars: Record<string, string>): Promise<Stack> {
  const workspace = await LocalWorkspace.create({ workDir: invocation.directory, pulumiCommand: cli.command, envVars });
  const project = await workspace.projectSettings();
  const main = join(invocation.directory, project.main ?? "index.ts");
  return LocalWorkspace.createOrSelectStack(
    { stackName: invocation.stackName, projectName: project.name, program: inlineProgram(main) },
    { workDir: invocation.directory, pulumiCommand: cli.command, envVars },
  );
}

async function runProgramCommand(stack: Stack, command: ProgramCommand, invocation: Invocation): Promise<void> {
  const common = {
    onOutput: (text: string) => process.stdout.write(text),
    onError: (text: string) => process.stderr.write(text),
    color: process.stdout.isTTY ? ("always" as const) : ("never" as const),
    ...(invocation.parallel === undefined ? {} : { parallel: invocation.parallel }),
    ...(invocation.targets.length === 0 ? {} : { target: invocation.targets }),
  };
  if (command === "preview") await stack.preview({ ...common, diff: invocation.diff, refresh: invocation.refresh });
  else if (command === "up") await stack.up({ ...common, diff: invocation.diff, refresh: invocation.refresh });
  else if (command === "refresh") await stack.refresh(common);
  else await stack.destroy({ ...common, refresh: invocation.refresh });
}

async function main(): Promise<number> {
  const invocation = parse(process.argv.slice(2));
  const cli = await findPulumiCli({ preferInstalled: true });
  const envVars = environment(cli);
  console.error(`pulumi-tuntap: pulumi ${cli.command.version?.format() ?? "(unknown version)"} from ${cli.binDirectory ?? cli.origin}; state in ${envVars.PULUMI_BACKEND_URL}`);
  if (!(programCommands as readonly string[]).includes(invocation.command)) {
    const binary = cli.binDirectory === undefined ? "pulumi" : join(cli.binDirectory, "pulumi");
    const env = { ...process.env, ...envVars };
    const cwd = ["--cwd", invocation.directory];
    // Stack-scoped commands (config, stack output, state …) act on the selected stack: the same one `up` uses.
    const select = spawnSync(binary, ["stack", "select", "--create", invocation.stackName, ...cwd], { stdio: "inherit", env });
    if (select.status !== 0) return select.status ?? 1;
    return spawnSync(binary, [invocation.command, ...cwd, ...invocation.rest], { stdio: "inherit", env }).status ?? 1;
  }
  if (invocation.rest.length > 0) throw new Error(`unknown arguments ${invocation.rest.join(" ")}. ${usage}`);
  const stack = await openStack(cli, invocation, envVars);
  await runProgramCommand(stack, invocation.command as ProgramCommand, invocation);
  return 0;
}

main().then(
  (status) => process.exit(status),
  (error: unknown) => {
    // A failed CLI run has already printed its own diagnostics through onOutput/onError.
    if (!(error instanceof CommandError)) console.error(`pulumi-tuntap: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
