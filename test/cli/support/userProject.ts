// A user's own Pulumi project outside this repository (test/cli/programs/user-project, copied into a new
// temporary directory), and the npm commands users type to depend on pulumi-tuntap: `npm pack` here, then
// `npm install` of the tarball, of this folder or of the git repository there, beside @pulumi/pulumi,
// typescript and @types/node (as `pulumi new typescript` sets a project up).
//
// npm installs from the registry, through the npm cache (--prefer-offline: what the cache holds is not fetched
// again, so after `npm ci` here little or nothing is downloaded). The download runs in the host's network
// namespace (test/support/hostNetwork.ts); the project, and everything `pulumi` then does, is the test's.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inHostNetwork } from "../../support/hostNetwork";
import { link, namespaceFingerprint, namespaceNames } from "../../support/ip";
import { CliStack } from "./cliStack";
import { repositoryRoot, testProgramsDirectory } from "./paths";
import { describe as describeRun, type RunResult } from "./result";
import { type ExportedResource, resourcesOf } from "./stateView";

/** Runs a command to its end; fails the test with what it printed if it fails. */
function run(argv: readonly string[], cwd: string): string {
  const result = spawnSync(argv[0]!, argv.slice(1), { cwd, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  const printed = `${result.stdout ?? ""}${result.stderr ?? ""}`;
  assert.equal(result.status, 0, `${argv.join(" ")} in ${cwd} failed (${result.error?.message ?? `exit ${result.status}`}):\n${printed}`);
  return printed;
}

/** The version of a dependency that this repository's package-lock.json installed (so the npm cache holds it). */
function lockedVersion(name: string): string {
  const lock = JSON.parse(readFileSync(join(repositoryRoot, "package-lock.json"), "utf8")) as { packages: Record<string, { version?: string }> };
  const version = lock.packages[`node_modules/${name}`]?.version;
  assert.ok(version, `package-lock.json installs ${name}`);
  return version;
}

/** What a TypeScript project of `pulumi new` depends on besides pulumi-tuntap, at the versions this repository uses. */
const projectDependencies = ["@pulumi/pulumi", "typescript", "@types/node"].map((name) => `${name}@${lockedVersion(name)}`);

/**
 * `npm pack` of this repository into `destination`: the tarball npm would publish (package.json's `files`, the
 * dist/ that `npm test` has just built; no script runs, so the dist/ that other tests load is not rebuilt
 * under them). Returns its path.
 */
export function packRepository(destination: string): string {
  const printed = run(["npm", "pack", "--ignore-scripts", "--pack-destination", destination, "--loglevel=error"], repositoryRoot);
  const tarball = printed.trim().split("\n").at(-1) ?? "";
  assert.match(tarball, /^pulumi-tuntap-.*\.tgz$/, printed);
  return join(destination, tarball);
}

/** The commit this repository is at, for a git dependency on exactly it. */
export function repositoryCommit(): string {
  return run(["git", "rev-parse", "HEAD"], repositoryRoot).trim();
}

export class UserProject {
  /** The project's directory (Pulumi.yaml, package.json, tsconfig.json, index.ts). */
  readonly directory: string;

  constructor() {
    this.directory = mkdtempSync(join(tmpdir(), "pulumi-tuntap-user-"));
    cpSync(join(testProgramsDirectory, "user-project"), this.directory, { recursive: true });
  }

  /** `npm install <spec>` of pulumi-tuntap (a tarball, a folder, a git URL) and the project's other dependencies. */
  install(spec: string): string {
    return run(inHostNetwork(["npm", "install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error", spec, ...projectDependencies]), this.directory);
  }

  /** How package.json records the dependency on pulumi-tuntap. */
  dependency(): string | undefined {
    return (JSON.parse(readFileSync(join(this.directory, "package.json"), "utf8")) as { dependencies?: Record<string, string> }).dependencies?.["pulumi-tuntap"];
  }

  remove(): void {
    rmSync(this.directory, { recursive: true, force: true });
  }
}

/** The kinds the user project declares, one resource of each, and its resources with the stack's own. */
export const USER_PROJECT_KINDS = ["Bridge", "TapInterface", "NetworkNamespace", "VethPair", "Route", "NetworkdFiles"] as const;
export const USER_PROJECT_RESOURCES = USER_PROJECT_KINDS.length + 1;

/** How the state names the provider of a class of the installed package. */
export function providerByName(kind: string): string {
  return `require("pulumi-tuntap/classProviders").of("${kind[0]?.toLowerCase()}${kind.slice(1)}")`;
}

/** Our resources in the stack's state, by kind. */
export async function resourcesByKind(stack: CliStack): Promise<Map<string, ExportedResource>> {
  const resources = resourcesOf(await stack.exportState()).filter((resource) => resource.type.startsWith("pulumi-nodejs:dynamic/tuntap:"));
  return new Map(resources.map((resource) => [resource.type.split(":").pop() ?? "", resource]));
}

/** The provider a resource's inputs or outputs record (`__provider`): its serialized text. */
export function recordedProvider(resource: ExportedResource | undefined, where: "inputs" | "outputs"): string {
  const text = resource?.[where]?.__provider;
  assert.equal(typeof text, "string", `${resource?.urn ?? "resource"} has ${where}.__provider`);
  return text as string;
}

/** A no-change preview of the user project: passes `--expect-no-changes`, every resource the same. */
export function assertNoChange(result: RunResult): void {
  assert.ok(result.ok, `preview --expect-no-changes failed\n${describeRun(result)}`);
  const planned = result.steps.filter((step) => step.op !== "same").map((step) => `${step.op} ${step.urn.split("::").pop()}`);
  assert.deepEqual(planned, [], describeRun(result));
}

/**
 * A new user project with pulumi-tuntap installed, and its stack, through the real CLI in the project's directory;
 * its NetworkdFiles write into <project>/networkd.
 */
export class UserStack {
  private constructor(
    readonly project: UserProject,
    readonly stack: CliStack,
    readonly networkdDirectory: string,
    /** The namespace before the first up. */
    private readonly hostBefore: string,
  ) {}

  /** The project, pulumi-tuntap installed in it by `install`, and its stack. */
  static async create(install: (project: UserProject) => void): Promise<UserStack> {
    const project = new UserProject();
    try {
      install(project);
      const hostBefore = namespaceFingerprint();
      const networkdDirectory = join(project.directory, "networkd");
      mkdirSync(networkdDirectory);
      const stack = await CliStack.open({ projectDirectory: project.directory, config: { networkdDirectory } });
      return new UserStack(project, stack, networkdDirectory, hostBefore);
    } catch (error) {
      project.remove();
      throw error;
    }
  }

  /** Destroys what the stack still holds, forgets it, and removes the project. */
  async close(): Promise<void> {
    try {
      await this.stack.destroyAndClose();
    } finally {
      this.project.remove();
    }
  }

  /** `mtu` set, then `pulumi up`: an update in place of the five resources that carry it, the same devices. */
  async upWithMtu(mtu: number): Promise<RunResult> {
    const devices = ["ipkgbr", "ipkgtap", "ipkg0"];
    const before = devices.map((device) => link(device)?.ifindex);
    await this.stack.setConfig("mtu", String(mtu));
    const result = await this.stack.up();
    assert.ok(result.ok, describeRun(result));
    assert.deepEqual(result.changes, { same: 3, update: USER_PROJECT_RESOURCES - 3 }, describeRun(result));
    for (const [index, device] of devices.entries()) {
      assert.equal(link(device)?.mtu, mtu, `${device} mtu`);
      assert.equal(link(device)?.ifindex, before[index], `${device} is the same device`);
    }
    assert.equal(link("eth0", "ipkg-ns")?.mtu, mtu, "the peer's mtu");
    return result;
  }

  /** `pulumi refresh --expect-no-changes`: every resource read back through the installed package, as recorded. */
  async assertRefreshFindsNoDrift(): Promise<void> {
    const result = await this.stack.refresh({ expectNoChanges: true });
    assert.ok(result.ok, describeRun(result));
    assert.deepEqual(result.changes, { same: USER_PROJECT_RESOURCES }, describeRun(result));
  }

  /** `pulumi destroy`: everything deleted through the installed package; no namespace, no file, nothing else left. */
  async assertDestroyLeavesNothing(): Promise<void> {
    const result = await this.stack.destroy();
    assert.ok(result.ok, describeRun(result));
    assert.deepEqual(result.changes, { delete: USER_PROJECT_RESOURCES }, describeRun(result));
    assert.deepEqual(namespaceNames(), []);
    assert.deepEqual(readdirSync(this.networkdDirectory), []);
    assert.equal(namespaceFingerprint(), this.hostBefore);
  }
}
