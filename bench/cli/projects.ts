// The stacks' project directories, made as a user makes them, outside this repository: `npm pack` of
// pulumi-tuntap (and of the no-op provider's package), then a project per stack whose package.json names what
// it uses and `npm install` installs it — the packed tarballs, and @pulumi/pulumi, @pulumi/command and
// typescript at the versions this repository's package-lock.json has (so the npm cache serves them).
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { repositoryRoot } from "./installation";
import { NOOP_PACKAGE, noopPackageFiles, projectFiles, type StackKind } from "./programs";

export interface BenchProject {
  kind: StackKind;
  directory: string;
  /** The file backend's directory (PULUMI_BACKEND_URL). */
  backend: string;
}

function run(command: string, args: readonly string[], cwd: string): string {
  const result = spawnSync(command, args, { cwd, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} in ${cwd} failed (${result.error?.message ?? `exit ${result.status}`}):\n${result.stderr}${result.stdout}`);
  return result.stdout;
}

/** `npm pack` of the package in `directory` into `destination`; the tarball's path. */
function pack(directory: string, destination: string): string {
  const [packed] = JSON.parse(run("npm", ["pack", "--json", "--pack-destination", destination], directory)) as { filename: string }[];
  if (packed === undefined) throw new Error(`npm pack in ${directory} printed no tarball`);
  return join(destination, packed.filename);
}

function lockedVersion(name: string): string {
  const lock = require(join(repositoryRoot, "package-lock.json")) as { packages: Record<string, { version: string }> };
  const version = lock.packages[`node_modules/${name}`]?.version;
  if (version === undefined) throw new Error(`package-lock.json has no ${name}: run \`npm ci\``);
  return version;
}

function writeFiles(directory: string, files: Record<string, string>): void {
  mkdirSync(directory, { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(directory, name), text);
}

/** Packs the packages and makes one installed project per kind under `root`. */
export function makeProjects(root: string, kinds: readonly StackKind[]): BenchProject[] {
  const packages = join(root, "packages");
  mkdirSync(packages, { recursive: true });
  const ours = pack(repositoryRoot, packages);
  writeFiles(join(root, NOOP_PACKAGE), noopPackageFiles);
  const noop = pack(join(root, NOOP_PACKAGE), packages);
  const uses: Record<StackKind, Record<string, string>> = {
    tapInterface: { "pulumi-tuntap": `file:${ours}` },
    tapPool: { "pulumi-tuntap": `file:${ours}` },
    command: { "@pulumi/command": lockedVersion("@pulumi/command") },
    noop: { [NOOP_PACKAGE]: `file:${noop}` },
  };
  return kinds.map((kind) => {
    const directory = join(root, kind);
    const manifest = {
      name: `bench-${kind.toLowerCase()}`,
      private: true,
      main: "index.ts",
      dependencies: { "@pulumi/pulumi": lockedVersion("@pulumi/pulumi"), ...uses[kind] },
      devDependencies: { typescript: lockedVersion("typescript") },
    };
    writeFiles(directory, { ...projectFiles(kind), "package.json": `${JSON.stringify(manifest, null, 2)}\n` });
    process.stderr.write(`  npm install in ${directory}\n`);
    run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"], directory);
    const backend = join(root, `${kind}-backend`);
    mkdirSync(backend, { recursive: true });
    return { kind, directory, backend };
  });
}
