// An `up` of 100 taps interrupted the ways a user meets it, beside foreign devices made with `ip`, then
// recovered exactly as the CLI's own messages say:
// 1. Ctrl-C: the Automation API's signal sends the CLI one SIGINT; it cancels gracefully and records
//    everything it made.
// 2. The provider host SIGKILLed while a device is made but not yet recorded: the in-flight creates fail, the
//    devices made stay, stamped.
// 3. Ctrl-C twice ("press ^C again" to terminate immediately) while a create hangs (the host frozen on a new
//    device of ours, then SIGKILLed): the CLI exits at once and records pending operations, one for every
//    device it made and did not record.
// Then `pulumi up` (which warns of the pending operations and finishes the job), `pulumi refresh` (which,
// non-interactive, keeps pending creates), `pulumi refresh --clear-pending-creates` and `pulumi up` leave
// exactly the declared devices: none duplicated, none leaked, no foreign device touched. What the CLI
// printed at each step is reported (`t.diagnostic`).
import "../support/privateNetns";
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, test } from "node:test";
import type { Deployment } from "@pulumi/pulumi/automation";
import { cidrs, type IpLink } from "../support/ip";
import { FOREIGN, ForeignDevices } from "../reliability/foreignDevices";
import { providerHostProcesses, pulumiCliProcesses, signalAll } from "../reliability/hostProcess";
import { isDeviceDeletion, KernelMonitor, linksAsync, stableFingerprint, stampsOf } from "../reliability/kernelWatch";
import { upKilledMidway } from "../reliability/killHost";
import { describe as describeRun, type RunResult } from "./support/result";
import { repositoryRoot } from "./support/paths";
import { CliStack } from "./support/cliStack";
import { devicesOf, pendingOperationsOf } from "./support/stateView";

const COUNT = 100;
const PROJECT = "reliability-crash-recovery";
const STACK = "test";
const OUR_STAMPS = `pulumi:${PROJECT}:${STACK}:`;
const TAP_URN = `urn:pulumi:${STACK}::${PROJECT}::pulumi-nodejs:dynamic/tuntap:TapInterface::`;
const isOurName = (name: string): boolean => /^cr[0-9]+$/.test(name);

/** Our devices among links: named cr<N>, or carrying this stack's stamp; the foreign ones excepted. */
function ours(all: readonly IpLink[]): IpLink[] {
  return all.filter((link) => !FOREIGN.includes(link.ifname) && (isOurName(link.ifname) || stampsOf(link).some((stamp) => stamp.startsWith(OUR_STAMPS))));
}

let stack: CliStack;
let monitor: KernelMonitor;
let namespaceBefore = "";
let foreign: ForeignDevices;
const figures = { recordedAtCtrlC: 0, orphansAtKill: 0, pendingAtTermination: 0, declared: 0, duplicates: 0, leaked: 0, foreignTouched: 0 };
/** Everything the CLI prints goes to these listeners too, as it is printed. */
const outputListeners = new Set<(text: string) => void>();

before(async () => {
  foreign = ForeignDevices.make(PROJECT, STACK, "tap-7");
  monitor = await KernelMonitor.start();
  namespaceBefore = stableFingerprint();
  stack = await CliStack.open({
    projectDirectory: join(repositoryRoot, "test", "reliability", "programs", "crash-recovery"),
    stackName: STACK,
    config: { count: String(COUNT) },
    onOutput: (text) => {
      for (const listener of outputListeners) listener(text);
    },
  });
});

after(async () => {
  console.log(
    `interrupted up of ${COUNT} taps: Ctrl-C with ${figures.recordedAtCtrlC} recorded; host killed with ${figures.orphansAtKill} made but unrecorded; ` +
      `Ctrl-C twice with ${figures.pendingAtTermination} pending creates; after recovery ${figures.declared} declared devices, ${figures.duplicates} duplicates, ` +
      `${figures.leaked} leaked, ${figures.foreignTouched} foreign devices touched`,
  );
  monitor?.stop();
  signalAll(providerHostProcesses(), "SIGKILL");
  if (stack !== undefined) {
    await stack.destroyAndClose();
  }
});

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Resolves once the CLI has printed `text` (in this run). */
function printed(text: string): Promise<void> {
  return new Promise((resolve) => {
    let seen = "";
    const listener = (chunk: string) => {
      seen += chunk;
      if (!seen.includes(text)) return;
      outputListeners.delete(listener);
      resolve();
    };
    outputListeners.add(listener);
  });
}

/** Runs `up` and tells whether it is still running. */
function started(up: Promise<RunResult>): { up: Promise<RunResult>; running: () => boolean } {
  let finished = false;
  void up.finally(() => (finished = true));
  return { up, running: () => !finished };
}

/** The provider host's pids, once it runs and at least `count` devices of ours exist. */
async function hostOnceMade(count: number, running: () => boolean): Promise<number[]> {
  while (running()) {
    const host = providerHostProcesses();
    if (host.length > 0 && ours(await linksAsync()).length >= count) return host;
    await delay(5);
  }
  assert.fail(`the up ended before ${count} devices of ours existed`);
}

/** The lines the CLI printed that say what happened (not the per-resource progress, not the list of names). */
function whatItSaid(lines: readonly string[]): string {
  return lines.filter((line) => !/^\s*([+~-]|\+-|--|\+\+)?\s*pulumi-nodejs:dynamic|^\s*\+?\s+\[\d+\]: "cr\d+"$|^@ |^\.+$|^\s*$/.test(line)).join("\n");
}

async function state(): Promise<Deployment> {
  return stack.exportState();
}

test("Ctrl-C: the CLI cancels gracefully and records every device it made", async (t) => {
  const control = new AbortController();
  const { up, running } = started(stack.up({ signal: control.signal }));
  await hostOnceMade(25, running);
  control.abort();
  const result = await up;
  t.diagnostic(`pulumi up, Ctrl-C:\n${whatItSaid(result.output)}`);
  assert.equal(result.ok, false, describeRun(result));
  const text = result.output.join("\n");
  assert.match(text, /\^C received; cancelling\. If you would like to terminate immediately, press \^C again\./);
  assert.ok(result.errors.includes("update canceled"), result.errors.join("\n"));

  const recorded = devicesOf(await state());
  assert.deepEqual(pendingOperationsOf(await state()), [], "no operation is left pending");
  assert.ok(recorded.length >= 25 && recorded.length < COUNT, `interrupted in the middle: ${recorded.length} recorded`);
  figures.recordedAtCtrlC = recorded.length;
  const kernel = ours(await linksAsync());
  assert.deepEqual(kernel.map((link) => link.ifname).sort(), recorded.map((device) => device.name).sort(), "every device made is recorded");
  foreign.assertUntouched();
});

test("the provider host SIGKILLed mid-create: the in-flight creates fail, the devices made stay stamped", async (t) => {
  const recordedBefore = devicesOf(await state()).length;
  const killed = await upKilledMidway(stack, { monitor, ours, isOurName, atLeastMade: recordedBefore + 20 });
  t.diagnostic(`pulumi up, provider host killed:\n${whatItSaid(killed.result.output)}`);
  assert.ok(killed.killed, `the host was killed with a device made and unrecorded (${killed.freezes} tries)\n${describeRun(killed.result)}`);
  assert.equal(killed.result.ok, false);
  assert.ok(
    killed.result.errors.some((error) => /error reading from server|connection (reset|is closing)|transport is closing/.test(error)),
    `the CLI reports the lost connection:\n${killed.result.errors.join("\n")}`,
  );
  assert.deepEqual(pendingOperationsOf(await state()), [], "the failed creates are not left pending");
  const orphans = killed.kernel.filter((link) => !killed.recorded.has(link.ifname));
  assert.ok(orphans.length >= 1, "a device was made and not recorded");
  figures.orphansAtKill = orphans.length;
  for (const link of orphans) assert.match(stampsOf(link)[0] ?? "", new RegExp(`^${OUR_STAMPS}tap-${link.ifname.slice(2)}:`), `${link.ifname} is stamped for its resource`);
  foreign.assertUntouched();
});

let pendingUrns: string[] = [];

test("Ctrl-C twice while a create hangs: the CLI terminates at once and records pending operations", async (t) => {
  const existing = new Set(ours(await linksAsync()).map((link) => link.ifname));
  const control = new AbortController();
  const cancelling = printed("^C received; cancelling");
  const terminating = printed("^C received; terminating");
  const { up, running } = started(stack.up({ signal: control.signal }));
  const host = await hostOnceMade(existing.size + 10, running);
  // Freeze the host on the next device of ours the kernel announces: its Create is then in flight.
  let unsubscribe = (): void => undefined;
  const hung = new Promise<string>((resolve) => {
    unsubscribe = monitor.subscribe((event) => {
      if (event.deleted || !isOurName(event.name) || existing.has(event.name)) return;
      signalAll(host, "SIGSTOP");
      unsubscribe();
      resolve(event.name);
    });
  });
  const device = await Promise.race([hung, up.then(() => undefined)]);
  unsubscribe();
  if (device === undefined) assert.fail(`the up finished before a new device was announced\n${describeRun(await up)}`);
  control.abort();
  await cancelling;
  signalAll(pulumiCliProcesses(), "SIGINT");
  await terminating;
  // A host that hangs for good is killed; otherwise the CLI would wait for it before exiting.
  signalAll(host, "SIGKILL");
  const result = await up;
  t.diagnostic(`pulumi up, Ctrl-C twice (${device} was being created):\n${whatItSaid(result.output)}`);
  assert.equal(result.ok, false, describeRun(result));

  const pending = pendingOperationsOf(await state());
  t.diagnostic(`pending operations in the state: ${pending.map((operation) => `${operation.resource.urn} (${operation.type})`).join(", ")}`);
  assert.ok(pending.length >= 1, "the CLI recorded the creates it abandoned");
  assert.ok(pending.every((operation) => operation.type === "creating"));
  pendingUrns = pending.map((operation) => operation.resource.urn);
  figures.pendingAtTermination = pending.length;
  // The freeze lands a moment after the kernel announces the device: its create may have been answered by then
  // (recorded) or not (pending), and the creates sent after it hang. Either way nothing this up made is lost:
  // every new device the state does not hold has its create pending.
  const urnOf = (name: string): string => `${TAP_URN}tap-${name.slice(2)}`;
  const recorded = new Set(devicesOf(await state()).map((recordedDevice) => recordedDevice.name));
  assert.ok(recorded.has(device) || pendingUrns.includes(urnOf(device)), `${device}, made when the host froze, is recorded or its create pending`);
  const madeUnrecorded = ours(await linksAsync()).filter((link) => !existing.has(link.ifname) && !recorded.has(link.ifname));
  assert.deepEqual(
    madeUnrecorded.filter((link) => !pendingUrns.includes(urnOf(link.ifname))).map((link) => link.ifname),
    [],
    "every device this up made and did not record has its create pending",
  );
  foreign.assertUntouched();
});

test("pulumi up again: it warns of the pending operations, says to run pulumi refresh, and creates the rest", async (t) => {
  const result = await stack.up();
  t.diagnostic(`pulumi up:\n${whatItSaid(result.output)}`);
  assert.ok(result.ok, describeRun(result));
  const warning = result.diagnostics.find((diagnostic) => diagnostic.severity === "warning" && diagnostic.message.includes("pending operations"))?.message ?? "";
  assert.match(warning, new RegExp(`Attempting to deploy or update resources with ${pendingUrns.length} pending operations from previous deployment\\.`));
  for (const urn of pendingUrns) assert.ok(warning.includes(`* ${urn}, interrupted while creating`), warning);
  assert.match(warning, /you can repair your stack using `pulumi refresh`/);
  assert.match(warning, /Note that `pulumi refresh` will need to be run interactively to clear pending CREATE operations\./);
  assert.equal(devicesOf(await state()).length, COUNT, "every tap is recorded");
  assert.equal(pendingOperationsOf(await state()).length, pendingUrns.length, "the pending creates stay until cleared");
  foreign.assertUntouched();
});

test("pulumi refresh, non-interactive, keeps the pending creates; --clear-pending-creates drops them", async (t) => {
  const refresh = await stack.cli(["refresh", "--yes"]);
  assert.equal(refresh.code, 0, refresh.stderr);
  assert.equal(pendingOperationsOf(await state()).length, pendingUrns.length, "a non-interactive refresh leaves them");
  const cleared = await stack.cli(["refresh", "--yes", "--clear-pending-creates"]);
  t.diagnostic(`pulumi refresh --clear-pending-creates --yes:\n${whatItSaid(cleared.stdout.split("\n"))}`);
  assert.equal(cleared.code, 0, cleared.stderr);
  assert.deepEqual(pendingOperationsOf(await state()), []);
  assert.match(cleared.stdout, new RegExp(`${COUNT + 1} unchanged`), "the refresh found every device as recorded");
});

test("pulumi up: no warning, no change; exactly the declared devices, none duplicated, none leaked", async () => {
  const result = await stack.up();
  assert.ok(result.ok, describeRun(result));
  assert.deepEqual(result.changes, { same: COUNT + 1 }, describeRun(result));
  assert.ok(!result.diagnostics.some((diagnostic) => diagnostic.severity === "warning"), describeRun(result));

  const recorded = devicesOf(await state());
  assert.equal(recorded.length, COUNT);
  const kernel = ours(await linksAsync());
  const recordedNames = new Set(recorded.map((device) => device.name));
  figures.leaked = kernel.filter((link) => !recordedNames.has(link.ifname)).length;
  const stampOwners = kernel.flatMap(stampsOf).map((stamp) => stamp.slice(0, stamp.lastIndexOf(":")));
  figures.duplicates = stampOwners.length - new Set(stampOwners).size;
  assert.deepEqual(kernel.map((link) => link.ifname).sort(), [...recordedNames].sort(), "no device leaked, none missing");
  assert.equal(figures.duplicates, 0, "no resource has two devices");
  figures.declared = kernel.length;
  const byName = new Map(kernel.map((link) => [link.ifname, link]));
  for (const device of recorded) {
    const index = Number(device.name.slice(2));
    const link = byName.get(device.name)!;
    assert.equal(link.ifindex, device.ifindex, `${device.name}: the state records the device in the kernel`);
    const stamps = stampsOf(link);
    assert.deepEqual(stamps, [device.outputs.stamp], `${device.name}: one stamp, the recorded one`);
    assert.match(stamps[0]!, new RegExp(`^${OUR_STAMPS}tap-${index}:[0-9a-f]{8}$`), `${device.name}: stamped for its own resource`);
    assert.equal(link.mtu, 1400, `${device.name} MTU`);
    assert.ok(link.flags.includes("UP"), `${device.name} up`);
    assert.equal(link.ifalias, `crash recovery ${index}`, `${device.name} alias`);
    assert.deepEqual(cidrs(device.name), [`10.64.${index}.1/24`], `${device.name} addresses`);
  }
  foreign.assertUntouched();
});

test("destroy leaves the namespace as it was; no foreign device ever heard from the stack", async () => {
  const result = await stack.destroy();
  assert.ok(result.ok, describeRun(result));
  assert.equal(result.changes.delete, COUNT + 1, describeRun(result));
  assert.equal(stableFingerprint(), namespaceBefore, "links and addresses are byte-for-byte those before the first up");
  const events = await monitor.drain();
  const touched = foreign.touchedIn(events);
  figures.foreignTouched = new Set(touched.map((event) => event.name)).size;
  assert.deepEqual(touched, [], "no link or address notification about a foreign device");
  const deleted = events.filter(isDeviceDeletion).map((event) => event.name);
  assert.ok(deleted.every(isOurName), `only our devices were ever deleted: ${deleted.join(" ")}`);
});
