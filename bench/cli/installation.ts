// The full Pulumi installation the benchmark's stacks run with, as a user has it: the pinned CLI with the Node
// language host and the dynamic-provider host beside it (tools/pulumi/build.sh), `pulumi-resource-command`
// registered in the benchmark's own PULUMI_HOME by `pulumi plugin install --file` (the build script does it for
// the PULUMI_HOME it is given), and Node 24 first on PATH, so the language host runs the program on it and the
// provider host runs on it too.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { nodeBinDirectory } from "../../tools/nodeRuntimes";

export const repositoryRoot = join(__dirname, "..", "..", "..");

export interface Installation {
  /** `pulumi`, `pulumi-language-nodejs`, `pulumi-resource-pulumi-nodejs`. */
  pulumiBin: string;
  /** The `node` the language host and the provider host run. */
  nodeBin: string;
  /** PULUMI_HOME: plugins (the command plugin), workspace settings. */
  home: string;
  commandPluginVersion: string;
}

function commandPluginVersion(): string {
  const lock = require(join(repositoryRoot, "package-lock.json")) as { packages: Record<string, { version: string }> };
  const version = lock.packages["node_modules/@pulumi/command"]?.version;
  if (version === undefined) throw new Error("package-lock.json has no @pulumi/command: run `npm ci`");
  return version;
}

export function prepareInstallation(home: string): Installation {
  const script = join(repositoryRoot, "tools", "pulumi", "build.sh");
  const build = spawnSync(script, [], { cwd: repositoryRoot, encoding: "utf8", env: { ...process.env, PULUMI_HOME: home }, stdio: ["ignore", "pipe", "inherit"] });
  const pulumiBin = build.stdout?.trim().split("\n").at(-1) ?? "";
  if (build.status !== 0 || pulumiBin === "") {
    throw new Error(`${script} could not provide the full Pulumi installation (${build.error?.message ?? `exit ${build.status}`}); see its messages above`);
  }
  const version = commandPluginVersion();
  const registered = join(home, "plugins", `resource-command-v${version}`, "pulumi-resource-command");
  if (!existsSync(registered)) throw new Error(`${script} did not register pulumi-resource-command ${version} in ${home}`);
  for (const binary of ["pulumi", "pulumi-language-nodejs", "pulumi-resource-pulumi-nodejs"]) {
    if (!existsSync(join(pulumiBin, binary))) throw new Error(`${pulumiBin} has no ${binary}: not a full installation`);
  }
  return { pulumiBin, nodeBin: nodeBinDirectory("24"), home, commandPluginVersion: version };
}

/**
 * A user's environment for a local file backend: no account, an empty passphrase, no update check, no plugin
 * downloads (everything the stacks need is installed).
 */
export function stackEnvironment(installation: Installation, backend: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    PATH: `${installation.pulumiBin}:${installation.nodeBin}:${process.env.PATH ?? ""}`,
    PULUMI_HOME: installation.home,
    PULUMI_BACKEND_URL: `file://${backend}`,
    PULUMI_CONFIG_PASSPHRASE: "",
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    ...extra,
  };
}
