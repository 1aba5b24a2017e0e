// The README's main command as a user types it: `npm run up`, `npm run preview`, `npm run pulumi -- config set`
// and `npm run destroy` in a checkout of this repository, on its local file backend, through the real CLI.
// The checkout is a copy of this one's files (node_modules linked), so its builds never touch the .build/ that
// the running suite is loaded from.
import "../support/privateNetns";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, before, test } from "node:test";
import { cidrs, link } from "../support/ip";
import { assertGone, assertTap } from "./support/kernel";
import { repositoryRoot } from "./support/paths";

let checkout: string;

before(() => {
  checkout = mkdtempSync(join(tmpdir(), "pulumi-tuntap-checkout-"));
  const listed = spawnSync("git", ["ls-files", "--cached", "--others", "--exclude-standard", "-z"], { cwd: repositoryRoot, encoding: "utf8" });
  assert.equal(listed.status, 0, listed.stderr);
  for (const file of listed.stdout.split("\0").filter((path) => path !== "")) {
    mkdirSync(join(checkout, dirname(file)), { recursive: true });
    cpSync(join(repositoryRoot, file), join(checkout, file), { errorOnExist: false });
  }
  symlinkSync(join(repositoryRoot, "node_modules"), join(checkout, "node_modules"));
});

after(() => {
  rmSync(checkout, { recursive: true, force: true });
});

/** As a user's shell has it, minus any backend or passphrase of the developer running the suite. */
function userEnvironment(): NodeJS.ProcessEnv {
  const { PULUMI_BACKEND_URL: _backend, PULUMI_CONFIG_PASSPHRASE: _passphrase, ...rest } = process.env;
  return rest;
}

/** Runs `npm run <script> [-- args]` in the checkout; returns what it printed. */
function npmRun(script: string, ...args: string[]): string {
  const result = spawnSync("npm", ["run", script, ...(args.length > 0 ? ["--", ...args] : [])], {
    cwd: checkout,
    encoding: "utf8",
    env: userEnvironment(),
    maxBuffer: 64 * 1024 * 1024,
  });
  const printed = `${result.stdout}${result.stderr}`;
  assert.equal(result.status, 0, `npm run ${script} ${args.join(" ")} failed:\n${printed}`);
  return printed;
}

test("npm run up creates the tutorial's tap0 through the Pulumi CLI", () => {
  const printed = npmRun("up");
  assert.match(printed, /\+ 2 created/, printed);
  assertTap("tap0", { mtu: 1500, addresses: ["192.168.0.1/24"], up: true, promiscuous: true, user: "root" });
});

test("npm run preview then finds nothing to change", () => {
  const printed = npmRun("preview");
  assert.match(printed, /2 unchanged/, printed);
});

test("another address by config, as the README shows", () => {
  npmRun("pulumi", "config", "set", "address", "10.200.0.1/24");
  const printed = npmRun("up");
  assert.match(printed, /~ 1 updated/, printed);
  assert.deepEqual(cidrs("tap0"), ["10.200.0.1/24"]);
});

test("npm run destroy removes it", () => {
  const printed = npmRun("destroy");
  assert.match(printed, /- 2 deleted/, printed);
  assertGone("tap0");
  assert.equal(link("tap0"), undefined);
});
