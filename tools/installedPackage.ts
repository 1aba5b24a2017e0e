// The package as npm installs it for a user: its package.json and the `files` it lists, copied to
// node_modules/pulumi-tuntap beside @pulumi/pulumi.
//
// Why: each resource's state records its provider by the package's name when the package is installed under
// node_modules, `require("pulumi-tuntap/providers/tapInterface")`, and by its path otherwise
// (provider/lifecycle/dynamicResource.ts). Inside this repository "pulumi-tuntap" resolves to the repository
// itself, so examples get the by-path form; the benchmark's inline programs load this copy to run what users
// run (the tests install the package as users do instead, `npm pack` and `npm install <tarball>` into a project
// of their own: test/cli/support/userProject.ts). The copy uses the repository's @pulumi/pulumi, so one SDK
// instance serves the program and the Automation API that drives it.
//
// The copy is shared: two benchmark runs may use it at once, and the dynamic-provider hosts of their stacks
// load it by name whenever a CLI command starts. Each user process holds it (a file named by its pid);
// the first makes the copy, the last to let go removes it. A copy left behind would go stale once the
// sources change.
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { repositoryRoot } from "./pulumiCli";

export const installedPackageDirectory = join(repositoryRoot, "node_modules", "pulumi-tuntap");
const holdersDirectory = join(repositoryRoot, "node_modules", ".pulumi-tuntap-holders");

export type PulumiTuntap = typeof import("pulumi-tuntap");

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Pids of the other live processes holding the copy; the files of dead ones are removed. */
function otherHolders(): number[] {
  mkdirSync(holdersDirectory, { recursive: true });
  return readdirSync(holdersDirectory)
    .map(Number)
    .filter((pid) => {
      if (pid === process.pid) return false;
      if (alive(pid)) return true;
      rmSync(join(holdersDirectory, String(pid)), { force: true });
      return false;
    });
}

/**
 * Installs the built package (run `npm run build` first), unless another live process already holds a copy,
 * and loads it. Call releaseInstalledPackage() once every stack made with it is destroyed: until then their
 * dynamic-provider hosts load the provider from it by name.
 */
export function installPackage(): PulumiTuntap {
  if (otherHolders().length === 0) {
    const manifest = JSON.parse(readFileSync(join(repositoryRoot, "package.json"), "utf8")) as { files: string[] };
    rmSync(installedPackageDirectory, { recursive: true, force: true });
    for (const entry of ["package.json", ...manifest.files]) cpSync(join(repositoryRoot, entry), join(installedPackageDirectory, entry), { recursive: true });
  }
  writeFileSync(join(holdersDirectory, String(process.pid)), "");
  return require(installedPackageDirectory) as PulumiTuntap;
}

/** Lets go of the copy, removing it when no other live process holds it. */
export function releaseInstalledPackage(): void {
  rmSync(join(holdersDirectory, String(process.pid)), { force: true });
  if (otherHolders().length === 0) rmSync(installedPackageDirectory, { recursive: true, force: true });
}
