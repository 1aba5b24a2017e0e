// The package as an earlier commit of this repository built it, packed as npm would publish it: the state a
// stack made with it holds is what a newer package must read as before (test/cli/stateMigration.test.ts).
// The commit's tree comes from this repository's history (`git archive`), built with this checkout's
// node_modules (the same dependencies' versions), packed with `npm pack`.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, renameSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repositoryRoot } from "./paths";

function run(command: string, args: readonly string[], cwd: string, input?: Buffer): Buffer {
  const result = spawnSync(command, args, { cwd, input, maxBuffer: 256 * 1024 * 1024 });
  assert.equal(result.status, 0, `${command} ${args.join(" ")} in ${cwd} failed (${result.error?.message ?? `exit ${result.status}`}):\n${String(result.stderr)}`);
  return result.stdout;
}

/** `npm pack` of the package at `commit` into `destination`; returns the tarball's path. */
export function packFormerRelease(commit: string, destination: string): string {
  const known = spawnSync("git", ["cat-file", "-e", `${commit}^{commit}`], { cwd: repositoryRoot });
  assert.equal(
    known.status,
    0,
    `commit ${commit} is not in this clone's history (a shallow clone?): fetch it (\`git fetch --unshallow\`) to test the move from the state it writes`,
  );
  const tree = mkdtempSync(join(tmpdir(), "pulumi-tuntap-former-"));
  try {
    run("tar", ["-x", "-C", tree], tree, run("git", ["archive", commit], repositoryRoot));
    symlinkSync(join(repositoryRoot, "node_modules"), join(tree, "node_modules"));
    // `prepare` builds dist/ from that tree's sources.
    const printed = String(run("npm", ["pack", "--pack-destination", destination, "--loglevel=error"], tree));
    const tarball = printed.trim().split("\n").at(-1) ?? "";
    assert.match(tarball, /^pulumi-tuntap-.*\.tgz$/, printed);
    const renamed = join(destination, `former-${commit.slice(0, 12)}-${tarball}`);
    renameSync(join(destination, tarball), renamed);
    return renamed;
  } finally {
    rmSync(tree, { recursive: true, force: true });
  }
}
