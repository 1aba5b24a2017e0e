// The pinned full Pulumi installation (tools/pulumi/build.sh: the CLI, the Node language host and the plugins,
// built from go.mod/go.sum and the published source archives, cached) and the environment that runs it without
// an account. The test suite and the benchmark use this installation, never a `pulumi` on PATH, so every machine
// tests the same engine.
import { spawnSync } from "node:child_process";
import { join } from "node:path";

export const repositoryRoot = join(__dirname, "..", "..");

/**
 * The pinned installation's bin directory, building it first when it is missing (the build script says so on
 * stderr, which the caller sees: the first build takes minutes).
 */
export function pinnedPulumiBin(): string {
  const script = join(repositoryRoot, "tools", "pulumi", "build.sh");
  const build = spawnSync(script, [], { cwd: repositoryRoot, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
  const printed = build.stdout?.trim().split("\n").at(-1) ?? "";
  if (build.status !== 0 || printed === "") {
    throw new Error(
      `${script} could not provide the Pulumi installation (${build.error?.message ?? `exit ${build.status}`}; it said why above). ` +
        "Install Pulumi (https://www.pulumi.com/docs/install/) or Go, and the source archives it names, and run the command again.",
    );
  }
  return printed;
}

/**
 * The environment for running the CLI without an account: a local file backend, the passphrase secrets
 * provider, no update check, no plugin downloads. With the pinned installation's bin directory first on PATH,
 * the CLI finds its language host and dynamic-provider host beside it.
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
