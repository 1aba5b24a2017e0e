// The provider host killed in the middle of an `up` again, now with taps named by a template ("ct%d": the
// kernel picks the number). A device made by a Create the kill cut short carries this stack's stamp for its
// resource, but under a name nobody recorded; the next `up` must not leave it beside a second device for the
// same resource, and destroy must leave the namespace as it was.
import "../support/privateNetns";
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { describe as describeRun } from "../cli/support/result";
import { repositoryRoot } from "../cli/support/paths";
import { CliStack } from "../cli/support/cliStack";
import { devicesOf } from "../cli/support/stateView";
import type { IpLink } from "../support/ip";
import { KernelMonitor, linkByName, stableFingerprint, stampsOf } from "./kernelWatch";
import { type KilledUp, upKilledMidway } from "./killHost";

const COUNT = 40;
const STACK = "template";
const OUR_STAMPS = `pulumi:reliability-crash-recovery:${STACK}:`;

const figures = { tried: 0, passed: 0, recorded: 0, orphans: 0, duplicates: 0, leftAfterDestroy: 0 };

function ours(all: readonly IpLink[]): IpLink[] {
  return all.filter((link) => /^ct[0-9]+$/.test(link.ifname) || stampsOf(link).some((stamp) => stamp.startsWith(OUR_STAMPS)));
}

/** The resource a stamp names ("tap-7" in "pulumi:<project>:<stack>:tap-7:<nonce>"). */
function resourceOf(stamp: string): string {
  return stamp.slice(OUR_STAMPS.length, stamp.lastIndexOf(":"));
}

/** A case counts as passed only when its body ran to the end. */
function faultTest(title: string, body: () => Promise<void>): void {
  test(title, async () => {
    figures.tried++;
    await body();
    figures.passed++;
  });
}

let stack: CliStack;
let monitor: KernelMonitor;
let namespaceBefore = "";
let killed: KilledUp;

before(async () => {
  monitor = await KernelMonitor.start();
  namespaceBefore = stableFingerprint();
  stack = await CliStack.open({
    projectDirectory: join(repositoryRoot, "test", "reliability", "programs", "crash-recovery"),
    stackName: STACK,
    config: { count: String(COUNT), nameTemplate: "ct%d" },
  });
});

after(async () => {
  monitor?.stop();
  if (stack !== undefined) {
    await stack.destroyAndClose();
  }
  console.log(
    `faults (provider host killed, template names): ${figures.tried} tried, ${figures.passed} passed; ` +
      `SIGKILL after ${figures.recorded} of ${COUNT} creates were recorded, ${figures.orphans} more made; ` +
      `next up: ${figures.duplicates} resources with two devices; ${figures.leftAfterDestroy} devices left after destroy`,
  );
});

test(`SIGKILL of the provider host in the middle of an up of ${COUNT} taps named "ct%d"`, async () => {
  figures.tried++;
  killed = await upKilledMidway(stack, { monitor, ours, isOurName: (name) => /^ct[0-9]+$/.test(name), atLeastMade: 10 });
  assert.ok(killed.killed, `the up finished before a device was caught between creation and record\n${describeRun(killed.result)}`);
  assert.equal(killed.result.ok, false, describeRun(killed.result));
  figures.recorded = killed.recorded.size;
  figures.orphans = killed.kernel.filter((link) => !killed.recorded.has(link.ifname)).length;
  assert.ok(figures.orphans >= 1);
  figures.passed++;
});

faultTest("the next up leaves one device per resource (a device made by the cut-short Create is not left beside a new one)", async () => {
  const result = await stack.up();
  assert.ok(result.ok, describeRun(result));
  const byResource = new Map<string, string[]>();
  for (const link of ours([...linkByName().values()])) {
    for (const stamp of stampsOf(link)) byResource.set(resourceOf(stamp), [...(byResource.get(resourceOf(stamp)) ?? []), link.ifname]);
  }
  const doubled = [...byResource].filter(([, names]) => names.length > 1);
  figures.duplicates = doubled.length;
  assert.equal(devicesOf(await stack.exportState()).length, COUNT);
  assert.deepEqual(
    doubled.map(([resource, names]) => `${resource}: ${names.join(", ")}`),
    [],
    "every resource has exactly one stamped device",
  );
});

faultTest("destroy leaves the namespace as it was", async () => {
  const result = await stack.destroy();
  assert.ok(result.ok, describeRun(result));
  const left = ours([...linkByName().values()]);
  figures.leftAfterDestroy = left.length;
  assert.deepEqual(
    left.map((link) => `${link.ifname} (${stampsOf(link).join(" ")})`),
    [],
    "no device of this stack is left",
  );
  assert.equal(stableFingerprint(), namespaceBefore);
});
