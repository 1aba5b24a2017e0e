// examples/host-pipeline: the CI pipeline of a host that runs its own stack. Its workflow files (GitHub Actions,
// GitLab CI) run pipeline.sh preview on a proposed change, pipeline.sh up on merge and pipeline.sh drift on a
// schedule; here pipeline.sh runs exactly as those jobs run it (the runner's Pulumi on PATH, the state backend and
// passphrase and stack from the CI's variables), on the real kernel of this test's namespace: the preview of a
// change touches nothing, up applies it, the drift check passes while the host matches and fails, naming the
// device and the property, once someone changes a device by hand; up puts it back.
import "../support/privateNetns";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { pinnedPulumiBin } from "../../tools/pulumiCli";
import { ip, namespaceFingerprint } from "../support/ip";
import { assertCleanOutput } from "./support/cliStack";
import { assertGone, assertTap, mustLink } from "./support/kernel";
import { repositoryRoot } from "./support/paths";
import { claimStack, stackConfigFile } from "./support/stackClaim";

const EXAMPLE = join(repositoryRoot, "examples", "host-pipeline");
const STACK = "ci-host";

let scratch = "";
let release: () => void = () => undefined;
let emptyNamespace = "";

/** The variables the CI sets, and the runner's Pulumi first on PATH. */
function ciEnvironment(): NodeJS.ProcessEnv {
  const environment = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("PULUMI_")));
  return {
    ...environment,
    PATH: `${pinnedPulumiBin()}:${process.env.PATH ?? ""}`,
    PULUMI_BACKEND_URL: `file://${join(scratch, "state")}`,
    PULUMI_CONFIG_PASSPHRASE: "",
    PULUMI_STACK: STACK,
    PULUMI_HOME: join(scratch, "home"),
  };
}

function run(command: string, args: readonly string[]): { status: number | null; output: string } {
  const result = spawnSync(command, args, { cwd: EXAMPLE, encoding: "utf8", env: ciEnvironment(), maxBuffer: 64 * 1024 * 1024 });
  const output = `${result.stdout}${result.stderr}`;
  assertCleanOutput(output.split("\n"), `${command} ${args.join(" ")}`);
  return { status: result.status, output };
}

/** A job: pipeline.sh <job>, as the workflow files run it. */
function job(name: "preview" | "up" | "drift"): { status: number | null; output: string } {
  return run(join(EXAMPLE, "pipeline.sh"), [name]);
}

function pulumi(...args: string[]): string {
  const result = run("pulumi", [...args, "--non-interactive"]);
  assert.equal(result.status, 0, result.output);
  return result.output;
}

/** The jobs of a workflow file: each key at this indent (GitHub's under `jobs:`, GitLab's at the top), with its lines. */
function jobsOf(text: string, indent: string): Map<string, string> {
  const jobs = new Map<string, string>();
  let current: string | undefined;
  for (const line of text.split("\n")) {
    const start = new RegExp(`^${indent}([a-z][a-z-]*):\\s*$`).exec(line);
    if (start !== null) current = start[1]!;
    else if (line.length > 0 && !line.startsWith(`${indent} `) && !line.startsWith("#")) current = undefined;
    if (current !== undefined) jobs.set(current, `${jobs.get(current) ?? ""}${line}\n`);
  }
  return jobs;
}

function assertRunsPipeline(jobs: Map<string, string>, job: string, trigger: RegExp): void {
  const text = jobs.get(job) ?? "";
  assert.match(text, trigger, `the ${job} job's trigger`);
  const runs = [...text.matchAll(/examples\/host-pipeline\/pipeline\.sh ([a-z]+)/g)].map((match) => match[1]);
  assert.deepEqual(runs, [job], `the ${job} job runs pipeline.sh ${job}`);
}

before(async () => {
  scratch = mkdtempSync(join(tmpdir(), "pulumi-tuntap-ci-"));
  mkdirSync(join(scratch, "state"));
  release = await claimStack(EXAMPLE, STACK);
  emptyNamespace = namespaceFingerprint();
});

after(() => {
  try {
    if (run("pulumi", ["stack", "ls", "--non-interactive"]).output.includes(STACK)) {
      pulumi("destroy", "--yes");
      pulumi("stack", "rm", "--yes", STACK);
    }
  } finally {
    rmSync(stackConfigFile(EXAMPLE, STACK), { force: true });
    rmSync(scratch, { recursive: true, force: true });
    release();
  }
});

test("the GitHub Actions and GitLab CI files run pipeline.sh preview on a proposed change, up on merge, drift on a schedule", () => {
  const github = jobsOf(readFileSync(join(EXAMPLE, "github-actions.yml"), "utf8"), "  ");
  assertRunsPipeline(github, "preview", /if: github\.event_name == 'pull_request'/);
  assertRunsPipeline(github, "up", /if: github\.event_name == 'push'/);
  assertRunsPipeline(github, "drift", /if: github\.event_name == 'schedule'/);
  for (const name of ["preview", "up", "drift"]) assert.match(github.get(name) ?? "", /runs-on: \[self-hosted, linux, tuntap-host\]/);
  const gitlab = jobsOf(readFileSync(join(EXAMPLE, "gitlab-ci.yml"), "utf8"), "");
  assertRunsPipeline(gitlab, "preview", /\$CI_PIPELINE_SOURCE == "merge_request_event"/);
  assertRunsPipeline(gitlab, "up", /\$CI_PIPELINE_SOURCE == "push" && \$CI_COMMIT_BRANCH == \$CI_DEFAULT_BRANCH/);
  assertRunsPipeline(gitlab, "drift", /\$CI_PIPELINE_SOURCE == "schedule"/);
});

test("pipeline.sh preview on the first proposal plans the host's network and touches nothing", () => {
  const { status, output } = job("preview");
  assert.equal(status, 0, output);
  assert.match(output, /\+ 3 to create/, output);
  assert.equal(namespaceFingerprint(), emptyNamespace, "the kernel is untouched");
});

test("pipeline.sh up on merge makes it", () => {
  const { status, output } = job("up");
  assert.equal(status, 0, output);
  assert.match(output, /\+ 3 created/, output);
  assert.equal(assertTap("hosttap0", { user: "nobody", up: true, mtu: 1500 }).master, "hostbr0");
  assert.equal(mustLink("hostbr0").linkinfo?.info_kind, "bridge");
});

test("pipeline.sh drift passes while the host matches the stack", () => {
  const { status, output } = job("drift");
  assert.equal(status, 0, output);
  assert.match(output, /pulumi-tuntap: no drift: the host matches stack ci-host/, output);
});

test("a proposed change (the stack's config in the repository): preview shows it and touches nothing; up applies it in place", () => {
  pulumi("config", "set", "mtu", "1400");
  const before = namespaceFingerprint();
  const preview = job("preview");
  assert.equal(preview.status, 0, preview.output);
  assert.match(preview.output, /~ mtu\s*: 1500 => 1400/, preview.output);
  assert.match(preview.output, /~ 2 to update/, preview.output);
  assert.equal(namespaceFingerprint(), before, "a preview changes nothing");
  const ifindex = mustLink("hosttap0").ifindex;
  const up = job("up");
  assert.equal(up.status, 0, up.output);
  assert.match(up.output, /~ 2 updated/, up.output);
  assert.equal(assertTap("hosttap0", { mtu: 1400 }).ifindex, ifindex, "the same tap, updated");
  assert.equal(mustLink("hostbr0").mtu, 1400);
  assert.equal(job("drift").status, 0, "no drift after the change was applied");
});

test("a device changed by hand: pipeline.sh drift fails the job, naming the device and what drifted", (t) => {
  ip("link", "set", "hosttap0", "mtu", "1280");
  const { status, output } = job("drift");
  t.diagnostic(output.split("\n").filter((line) => line.startsWith("pulumi-tuntap") || /^(device |  )/.test(line)).join("\n"));
  assert.equal(status, 1, output);
  assert.match(output, /pulumi-tuntap: DRIFT: the host no longer matches stack ci-host/, output);
  assert.match(output, /^device hosttap0\n {2}mtu: 1400 => 1280$/m, output);
  assert.doesNotMatch(output, /^device hostbr0$/m, "the bridge did not drift");
  assert.equal(mustLink("hosttap0").mtu, 1280, "the check changes nothing");
});

test("pipeline.sh up puts it back; the next drift check passes", () => {
  const up = job("up");
  assert.equal(up.status, 0, up.output);
  assert.match(up.output, /~ 1 updated/, up.output);
  assert.equal(mustLink("hosttap0").mtu, 1400);
  const drift = job("drift");
  assert.equal(drift.status, 0, drift.output);
});

test("destroyed, the host is as it was", () => {
  pulumi("destroy", "--yes");
  assertGone("hosttap0");
  assertGone("hostbr0");
  assert.equal(namespaceFingerprint(), emptyNamespace);
});
