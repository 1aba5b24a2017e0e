// Which `pulumi` a command runs: the user's own installation when asked for and present on PATH, else the
// build pinned by tools/pulumi (go.mod/go.sum), made on first use by tools/pulumi/build.sh.
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { PulumiCommand } from "@pulumi/pulumi/automation";

export const repositoryRoot = join(__dirname, "..", "..");

export interface PulumiCli {
  command: PulumiCommand;
  /** Where the binary came from, for messages. */
  origin: "PATH" | "pinned build";
  /** The directory of the pinned build (`pulumi` and the dynamic-provider host), absent for PATH. */
  binDirectory?: string;
}

function onPath(): boolean {
  return spawnSync("pulumi", ["version"], { stdio: "ignore" }).status === 0;
}

/**
 * The pinned build's bin directory, building it first when it is missing (the build script says so on
 * stderr, which the caller sees: the first build takes minutes).
 */
export function pinnedPulumiBin(): string {
  const script = join(repositoryRoot, "tools", "pulumi", "build.sh");
  const build = spawnSync(script, [], { cwd: repositoryRoot, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
  const printed = build.stdout?.trim().split("\n").at(-1) ?? "";
  if (build.status !== 0 || printed === "") {
    throw new Error(
      `${script} could not provide the Pulumi CLI (${build.error?.message ?? `exit ${build.status}`}). ` +
        "Install the Pulumi CLI (https://www.pulumi.com/docs/install/) and run the command again, or install Go so that the pinned version can be built.",
    );
  }
  return printed;
}

export async function findPulumiCli(options: { preferInstalled: boolean }): Promise<PulumiCli> {
  if (options.preferInstalled && onPath()) return { command: await PulumiCommand.get(), origin: "PATH" };
  const binDirectory = pinnedPulumiBin();
  // PulumiCommand looks for <root>/bin/pulumi.
  return { command: await PulumiCommand.get({ root: dirname(binDirectory) }), origin: "pinned build", binDirectory };
}

/**
 * The environment for running the CLI without an account: a local file backend, the passphrase secrets
 * provider, no update check, no plugin downloads. With the pinned build's bin directory first on PATH, the CLI
 * and the Automation API find its dynamic-provider host beside it.
 */
export function localBackendEnvironment(options: { backend: string; passphrase: string; home?: string; binDirectory?: string }): Record<string, string> {
  const variables: Record<string, string> = {
    PULUMI_BACKEND_URL: `file://${options.backend}`,
    PULUMI_CONFIG_PASSPHRASE: options.passphrase,
    PULUMI_SKIP_UPDATE_CHECK: "true",
  };
  if (options.home !== undefined) variables.PULUMI_HOME = options.home;
  if (options.binDirectory !== undefined) {
    variables.PATH = `${options.binDirectory}:${process.env.PATH ?? ""}`;
    variables.PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION = "true";
  }
  return variables;
}
