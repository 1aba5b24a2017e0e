// The dynamic-provider host is killed (SIGKILL) in the middle of an `up` of 100 taps, at a moment when at least
// one device exists in the kernel that the engine has not recorded (its Create was under way). The next `up`
// finishes the job: the devices stamped as this stack's own are taken back (same ifindex, same stamp), the rest
// created, nothing is duplicated, the foreign devices around them are never touched, and a destroy leaves the
// namespace as it was before the first `up`.
//
// How the moment is chosen: killHost.ts.
import "../support/privateNetns";
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { describe as describeRun } from "../cli/support/result";
import { repositoryRoot } from "../cli/support/paths";
import { CliStack } from "../cli/support/cliStack";
import { devicesOf, resourcesOf } from "../cli/support/stateView";
import { cidrs, type IpLink } from "../support/ip";
import { FOREIGN, ForeignDevices } from "./foreignDevices";
import { isDeviceDeletion, KernelMonitor, linkByName, stableFingerprint, stampsOf } from "./kernelWatch";
import { type KilledUp, upKilledMidway } from "./killHost";

const COUNT = 100;
const PROJECT = "reliability-crash-recovery";
const STACK = "test";
const OUR_STAMPS = `pulumi:${PROJECT}:${STACK}:`;
/** The kill must come in the middle: at least this many devices made, and not all of them. */
const AT_LEAST_MADE = 40;

const figures = { tried: 0, passed: 0, recordedBeforeKill: 0, orphans: 0, halfConfigured: 0, reclaimed: 0, created: 0, duplicates: 0, foreignTouched: 0, attempts: 0 };

/** Our devices in the kernel: links named cr<N> or carrying this stack's stamp, foreign ones excepted. */
function ours(all: readonly IpLink[]): IpLink[] {
  return all.filter((link) => !FOREIGN.includes(link.ifname) && (/^cr[0-9]+$/.test(link.ifname) || stampsOf(link).some((stamp) => stamp.startsWith(OUR_STAMPS))));
}

function expectedStampPrefix(name: string): string {
  return `${OUR_STAMPS}tap-${name.slice(2)}:`;
}

let stack: CliStack;
let monitor: KernelMonitor;
let namespaceBefore = "";
let foreign: ForeignDevices;

before(async () => {
  foreign = ForeignDevices.make(PROJECT, STACK, "tap-7");
  monitor = await KernelMonitor.start();
  namespaceBefore = stableFingerprint();
  stack = await CliStack.open({ projectDirectory: join(repositoryRoot, "test", "reliability", "programs", "crash-recovery"), stackName: STACK, config: { count: String(COUNT) } });
});

after(async () => {
  monitor?.stop();
  if (stack !== undefined) {
    await stack.destroyAndClose();
  }
  console.log(
    `faults (provider host killed): ${figures.tried} tried, ${figures.passed} passed; ` +
      `SIGKILL after ${figures.recordedBeforeKill} of ${COUNT} creates were recorded, with ${figures.orphans} more devices made but unrecorded ` +
      `(${figures.halfConfigured} of them not yet configured) ` +
      `(${figures.attempts} freezes to catch one); next up: ${figures.reclaimed} taken back, ${figures.created} created, ` +
      `${figures.duplicates} duplicates, ${figures.foreignTouched} foreign devices touched`,
  );
});

let afterKill: KilledUp;

test(`SIGKILL of the provider host in the middle of an up of ${COUNT} taps`, async () => {
  figures.tried++;
  afterKill = await upKilledMidway(stack, { monitor, ours, isOurName: (name) => /^cr[0-9]+$/.test(name), atLeastMade: AT_LEAST_MADE });
  const { result, recorded, kernel } = afterKill;
  figures.attempts = afterKill.freezes;
  assert.ok(afterKill.killed, `the up finished before a device was caught between creation and record (${afterKill.freezes} tries)\n${describeRun(result)}`);
  assert.equal(result.ok, false, `the up fails when its provider host dies\n${describeRun(result)}`);
  assert.ok(recorded.size >= 1 && recorded.size < COUNT, `killed in the middle: ${recorded.size} recorded`);
  const finalRecord = new Set(devicesOf(await stack.exportState()).map((device) => device.name));
  assert.deepEqual([...finalRecord].sort(), [...recorded].sort(), "the state is what it was when the host died");
  figures.recordedBeforeKill = recorded.size;
  const orphans = kernel.filter((link) => !recorded.has(link.ifname));
  figures.orphans = orphans.length;
  figures.halfConfigured = orphans.filter((link) => link.mtu !== 1400 || link.ifalias === undefined || !link.flags.includes("UP")).length;
  assert.ok(figures.orphans >= 1, "at least one device was made and not recorded");
  // Whatever the kill left is recognisably ours: persistent, and stamped for exactly its resource.
  for (const link of kernel) {
    assert.match(link.ifname, /^cr[0-9]+$/, `${link.ifname} is one of the program's devices`);
    assert.equal(link.linkinfo?.info_data?.persist, true, `${link.ifname} is persistent (a half-made device would have been removed by the kernel)`);
    const stamps = stampsOf(link);
    assert.equal(stamps.length, 1, `${link.ifname} carries one stamp`);
    assert.ok(stamps[0]!.startsWith(expectedStampPrefix(link.ifname)), `${link.ifname} is stamped for its own resource: ${stamps[0]}`);
  }
  foreign.assertUntouched();
  figures.passed++;
});

test("the next up takes back this stack's devices, creates the rest, and duplicates nothing", async () => {
  figures.tried++;
  const { recorded, kernel } = afterKill;
  const before = new Map(kernel.map((link) => [link.ifname, { ifindex: link.ifindex, stamp: stampsOf(link)[0] }]));
  const result = await stack.up();
  assert.ok(result.ok, describeRun(result));
  assert.equal(result.changes.create, COUNT - recorded.size, `a Create for every device not recorded\n${describeRun(result)}`);
  assert.equal(result.changes.update ?? 0, 0, describeRun(result));

  const state = devicesOf(await stack.exportState());
  assert.equal(state.length, COUNT, "the state records every device");
  const now = ours(allLinks());
  assert.equal(now.length, COUNT, `exactly ${COUNT} devices of ours: ${now.map((link) => link.ifname).join(" ")}`);
  const stampsInKernel = now.flatMap(stampsOf).filter((stamp) => stamp.startsWith(OUR_STAMPS));
  figures.duplicates = stampsInKernel.length - new Set(stampsInKernel.map((stamp) => stamp.slice(0, stamp.lastIndexOf(":")))).size;
  assert.equal(figures.duplicates, 0, "no resource has two stamped devices");
  assert.equal(stampsInKernel.length, COUNT, "one stamp per device");

  const byName = new Map(now.map((link) => [link.ifname, link]));
  for (const device of state) {
    const index = Number(device.name.slice(2));
    const link = byName.get(device.name);
    assert.ok(link, `${device.name} exists`);
    assert.equal(link.ifindex, device.ifindex, `${device.name}: the state records the device in the kernel`);
    assert.deepEqual(stampsOf(link), [device.outputs.stamp], `${device.name}: the stamp in the state is the device's`);
    assert.equal(link.mtu, 1400, `${device.name} MTU`);
    assert.ok(link.flags.includes("UP"), `${device.name} up`);
    assert.equal(link.ifalias, `crash recovery ${index}`, `${device.name} alias`);
    assert.deepEqual(cidrs(device.name), [`10.64.${index}.1/24`], `${device.name} addresses`);
    const previous = before.get(device.name);
    if (previous === undefined) {
      figures.created++;
      continue;
    }
    // Made before the kill: the very same device, recorded or taken back — never deleted and made again.
    assert.equal(link.ifindex, previous.ifindex, `${device.name} is the device made before the kill`);
    assert.equal(stampsOf(link)[0], previous.stamp, `${device.name} keeps its stamp`);
    if (!recorded.has(device.name)) figures.reclaimed++;
  }
  assert.equal(figures.reclaimed, figures.orphans, "every device made but unrecorded was taken back");
  foreign.assertUntouched();
  figures.passed++;
});

test("destroy leaves the namespace as it was, and no foreign device ever heard from us", async () => {
  figures.tried++;
  const result = await stack.destroy();
  assert.ok(result.ok, describeRun(result));
  assert.equal(result.changes.delete, COUNT + 1, describeRun(result));
  assert.deepEqual(resourcesOf(await stack.exportState()), []);
  assert.equal(stableFingerprint(), namespaceBefore, "links and addresses are byte-for-byte those before the first up");
  const events = await monitor.drain();
  const touched = foreign.touchedIn(events);
  figures.foreignTouched = new Set(touched.map((event) => event.name)).size;
  assert.deepEqual(touched, [], "no link or address notification about a foreign device");
  const deletedNames = events.filter(isDeviceDeletion).map((event) => event.name);
  assert.ok(deletedNames.every((name) => /^cr[0-9]+$/.test(name)), `only our devices were deleted: ${deletedNames.join(" ")}`);
  figures.passed++;
});

function allLinks(): IpLink[] {
  return [...linkByName().values()];
}
