// The README's main command as a user types it: `npm run up`, `npm run preview`, `npm run pulumi -- config set`
// and `npm run destroy` in a checkout of this repository — the real `pulumi` (tools/pulumi/run.sh), in the
// directory npm was started from, on the checkout's local file backend, with every argument passed through. A
// bare `npm run up` in a fresh checkout selects (creates) the stack dev. The user has Pulumi installed (on PATH:
// the pinned full installation); without a full installation and without the archives to build one, npm run
// says what is missing and how to install Pulumi. The checkout is a copy of this one's files (node_modules
// linked), so its builds never touch the dist/ and .build/ that the running suite loads; its PULUMI_HOME is its
// own, as a new user's is.
import "../support/privateNetns";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, before, test } from "node:test";
import { cidrs, link } from "../support/ip";
import { assertCleanOutput } from "./support/cliStack";
import { assertGone, assertTap } from "./support/kernel";
import { pinnedPulumiBin } from "../../tools/pulumiCli";
import { repositoryRoot } from "./support/paths";

let scratch: string;
let checkout: string;

before(() => {
  scratch = mkdtempSync(join(tmpdir(), "pulumi-tuntap-npm-run-"));
  checkout = join(scratch, "checkout");
  const listed = spawnSync("git", ["ls-files", "--cached", "--others", "--exclude-standard", "-z"], { cwd: repositoryRoot, encoding: "utf8" });
  assert.equal(listed.status, 0, listed.stderr);
  for (const file of listed.stdout.split("\0").filter((path) => path !== "")) {
    mkdirSync(join(checkout, dirname(file)), { recursive: true });
    cpSync(join(repositoryRoot, file), join(checkout, file), { errorOnExist: false });
  }
  symlinkSync(join(repositoryRoot, "node_modules"), join(checkout, "node_modules"));
});

after(() => {
  rmSync(scratch, { recursive: true, force: true });
});

/**
 * As a new user's shell has it: none of the developer's Pulumi settings, a PULUMI_HOME of its own, and the
 * given directories first on PATH.
 */
function userEnvironment(path: readonly string[]): NodeJS.ProcessEnv {
  const environment = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("PULUMI_")));
  return { ...environment, PATH: [...path, process.env.PATH ?? ""].join(":"), PULUMI_HOME: join(scratch, "pulumi-home") };
}

function spawnNpmRun(directory: string, script: string, args: readonly string[], env: NodeJS.ProcessEnv) {
  const result = spawnSync("npm", ["run", script, ...(args.length > 0 ? ["--", ...args] : [])], { cwd: join(checkout, directory), encoding: "utf8", env, maxBuffer: 64 * 1024 * 1024 });
  return { status: result.status, printed: `${result.stdout}${result.stderr}` };
}

/** Runs `npm run <script> [-- args]` in this directory of the checkout, Pulumi on PATH; returns what it printed. */
function npmRunIn(directory: string, script: string, ...args: string[]): string {
  const { status, printed } = spawnNpmRun(directory, script, args, userEnvironment([pinnedPulumiBin()]));
  assert.equal(status, 0, `npm run ${script} ${args.join(" ")} in ${directory} failed:\n${printed}`);
  assertCleanOutput(printed.split("\n"), `npm run ${script}`);
  assert.match(printed, new RegExp(`pulumi-tuntap: pulumi v\\S+ from ${pinnedPulumiBin()}, in ${join(checkout, directory)};`), "the full installation on PATH is used");
  return printed;
}

const npmRun = (script: string, ...args: string[]) => npmRunIn(".", script, ...args);

test("npm run up in a fresh checkout selects the stack dev and creates the tutorial's tap0 through the Pulumi CLI", () => {
  const printed = npmRun("up");
  assert.match(printed, /no stack selected here: selecting dev/, printed);
  assert.match(printed, /Updating \(dev\)/, printed);
  assert.match(printed, /\+ 2 created/, printed);
  assertTap("tap0", { mtu: 1500, addresses: ["192.168.0.1/24"], up: true, promiscuous: true, user: "root" });
  assert.ok(existsSync(join(checkout, ".pulumi", "stacks", "tuntap-tutorial", "dev.json")), "the state is in the checkout's .pulumi/");
});

test("npm run preview -- --expect-no-changes: the flag reaches pulumi, which finds nothing to change", () => {
  const printed = npmRun("preview", "--expect-no-changes");
  assert.match(printed, /2 unchanged/, printed);
});

test("another address by config, as the README shows; up -- --diff shows the property", () => {
  npmRun("pulumi", "config", "set", "address", "10.200.0.1/24");
  const printed = npmRun("up", "--diff");
  assert.match(printed, /~ 1 updated/, printed);
  assert.match(printed, /"192\.168\.0\.1\/24" => "10\.200\.0\.1\/24"/, printed);
  assert.deepEqual(cidrs("tap0"), ["10.200.0.1/24"]);
});

test("npm run in an example's directory runs that example's project", () => {
  const printed = npmRunIn("examples/vm-lab", "preview");
  assert.match(printed, /tuntap-vm-lab-dev/, printed);
  assert.match(printed, /\+ 4 to create/, printed);
});

test("npm run destroy removes it", () => {
  const printed = npmRun("destroy");
  assert.match(printed, /- 2 deleted/, printed);
  assertGone("tap0");
  assert.equal(link("tap0"), undefined);
});

test("with no full Pulumi installation and no archives to build one, it says what is missing and how to install Pulumi", () => {
  // A `pulumi` without its language host on PATH (a CLI alone), an empty cache, no archives.
  const partial = join(scratch, "partial-pulumi");
  mkdirSync(partial);
  writeFileSync(join(partial, "pulumi"), `#!/bin/sh\nexec ${join(pinnedPulumiBin(), "pulumi")} "$@"\n`, { mode: 0o755 });
  const nothing = join(scratch, "nothing");
  mkdirSync(nothing);
  const env = { ...userEnvironment([partial]), PULUMI_TUNTAP_CACHE: join(nothing, "cache"), PULUMI_TUNTAP_THIRD_PARTY: nothing };
  const { status, printed } = spawnNpmRun(".", "up", [], env);
  assert.notEqual(status, 0, printed);
  assert.match(printed, new RegExp(`the pulumi on PATH \\(${partial}/pulumi\\) has no Node language host \\(pulumi-language-nodejs\\) beside it`), printed);
  assert.match(printed, /The Node language host \(pulumi-language-nodejs\) cannot be built: its source archive \S+ is missing/, printed);
  assert.match(printed, /Install Pulumi \(https:\/\/www\.pulumi\.com\/docs\/install\//, printed);
  assert.doesNotMatch(printed, /Updating|Previewing/, "no pulumi command ran");
});
