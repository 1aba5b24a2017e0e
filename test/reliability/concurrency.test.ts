// 64 concurrent creates, then 64 updates, then 64 deletes, then a mixed round of 64, all sent at once through
// Pulumi's real dynamic-provider host (as the engine sends Create/Update/Delete with --parallel), among
// bystanders: foreign devices made with `ip` (taps, a tun, a veth pair, a bridge, one in a link group of the
// range the teardown draws from, one stamped by another stack) and devices of ours that are not in the round.
// Every answer is checked against `ip -j`; `ip monitor` hears every deletion, with the link group it was in,
// so it tells which devices went and how the teardown batched them — and that nothing else went.
import "../support/privateNetns";
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { bridgeProvider, tapInterfaceProvider } from "pulumi-tuntap";
import {
  BRIDGE_TYPE,
  defaultProviderUrn,
  type Properties,
  type ProviderHost,
  resourceUrn,
  serializeProvider,
  startProviderHost,
  TAP_INTERFACE_TYPE,
} from "../../tools/providerHost";
import { repositoryRoot } from "../cli/support/paths";
import { type IpAddressInfo, ip, type IpLink } from "../support/ip";
import { deleteBatches, isDeviceDeletion, type KernelEvent, KernelMonitor, linkByName, quietAddressing, stableFingerprint, stampsOf } from "./kernelWatch";

const PROJECT = "reliability-concurrency";
const STACK = "test";
const ROUND = 64;

// ---------------------------------------------------------------------------------------------------------
// Devices as the tests declare them, and what the kernel must then show.

type Kind = "tap" | "bridge";

interface Declared {
  kind: Kind;
  name: string;
  mtu: number;
  addresses: string[];
  description: string;
  up: boolean;
  /** Taps: the bridge to be a port of. */
  bridge?: string;
}

/** A device of ours as the engine would keep it: inputs and outputs from the last create or update. */
interface Managed {
  declared: Declared;
  urn: string;
  id: string;
  inputs: Properties;
  outputs: Properties;
}

let host: ProviderHost;
const serialized: Record<Kind, string> = { tap: "", bridge: "" };

function urnOf(declared: Declared): string {
  return resourceUrn(STACK, PROJECT, declared.kind === "tap" ? TAP_INTERFACE_TYPE : BRIDGE_TYPE, `r-${declared.name}`);
}

function inputsOf(declared: Declared): Properties {
  const inputs: Properties = {
    name: declared.name,
    mtu: declared.mtu,
    addresses: declared.addresses,
    description: declared.description,
    up: declared.up,
    managedBy: `${PROJECT}/${STACK}/r-${declared.name}`,
    __provider: serialized[declared.kind],
  };
  if (declared.kind === "tap") inputs.mode = "tap";
  if (declared.bridge !== undefined) inputs.bridge = declared.bridge;
  return inputs;
}

/** check + create, as `pulumi up` does for a new resource. */
async function createDevice(declared: Declared): Promise<Managed> {
  const urn = urnOf(declared);
  const checked = await host.check(urn, {}, inputsOf(declared));
  assert.deepEqual(checked.failures, [], `check ${declared.name}`);
  const created = await host.create(urn, checked.inputs);
  return { declared, urn, id: created.id, inputs: checked.inputs, outputs: created.properties };
}

/** check + diff + update, as `pulumi up` does for an in-place change. */
async function updateDevice(device: Managed, next: Declared): Promise<Managed> {
  const checked = await host.check(device.urn, device.inputs, inputsOf(next));
  assert.deepEqual(checked.failures, [], `check ${next.name}`);
  const diff = await host.diff(device.urn, device.id, device.outputs, checked.inputs, device.inputs);
  assert.equal(diff.changes, "some", `${next.name}: diff sees the change`);
  assert.deepEqual(diff.replaces, [], `${next.name}: in place`);
  const outputs = await host.update(device.urn, device.id, device.outputs, checked.inputs, device.inputs);
  return { declared: next, urn: device.urn, id: device.id, inputs: checked.inputs, outputs };
}

function deleteDevice(device: Managed): Promise<void> {
  return host.delete(device.urn, device.id, device.outputs, device.inputs);
}

function declaredTap(name: string, index: number, generation: number, bridge?: string): Declared {
  const declared: Declared = {
    kind: "tap",
    name,
    mtu: 1280 + index + 100 * generation,
    addresses: [`10.${80 + generation}.${index}.1/24`],
    description: `${name} generation ${generation}`,
    up: (index + generation) % 5 !== 0,
  };
  if (bridge !== undefined) declared.bridge = bridge;
  return declared;
}

function declaredBridge(name: string, index: number, generation: number): Declared {
  return { kind: "bridge", name, mtu: 1500 - index - 10 * generation, addresses: [`10.${90 + generation}.${index}.1/24`], description: `${name} generation ${generation}`, up: true };
}

// ---------------------------------------------------------------------------------------------------------
// Checking answers against the kernel.

interface KernelView {
  links: Map<string, IpLink>;
  addresses: Map<string, string[]>;
}

function kernelView(): KernelView {
  const entries = JSON.parse(ip("-j", "addr", "show")) as { ifname: string; addr_info?: IpAddressInfo[] }[];
  const addresses = new Map(
    entries.map((entry) => [
      entry.ifname,
      (entry.addr_info ?? [])
        .filter((info) => !(info.family === "inet6" && info.local.toLowerCase().startsWith("fe80:")))
        .map((info) => `${info.local}/${info.prefixlen}`)
        .sort(),
    ]),
  );
  return { links: linkByName(), addresses };
}

/** Everything wrong with one answer: the kernel against the declaration, and the outputs against the kernel. */
function problemsOf(device: Managed, kernel: KernelView): string[] {
  const { declared, outputs } = device;
  const problems: string[] = [];
  const expect = (what: string, actual: unknown, expected: unknown) => {
    if (JSON.stringify(actual) !== JSON.stringify(expected)) problems.push(`${declared.name}: ${what} is ${JSON.stringify(actual)}, expected ${JSON.stringify(expected)}`);
  };
  const link = kernel.links.get(declared.name);
  if (link === undefined) return [`${declared.name}: missing from ip -j link`];
  expect("id", device.id, declared.name);
  expect("kind", link.linkinfo?.info_kind, declared.kind === "tap" ? "tun" : "bridge");
  expect("MTU", link.mtu, declared.mtu);
  expect("addresses", kernel.addresses.get(declared.name) ?? [], [...declared.addresses].sort());
  expect("alias", link.ifalias, declared.description);
  expect("administratively up", link.flags.includes("UP"), declared.up);
  if (declared.kind === "tap") expect("master", link.master, declared.bridge);
  expect("stamps", stampsOf(link), [outputs.stamp]);
  expect("outputs.ifindex", outputs.ifindex, link.ifindex);
  expect("outputs.name", outputs.name, link.ifname);
  expect("outputs.mtu", outputs.mtu, link.mtu);
  expect("outputs.addresses", [...((outputs.addresses as string[] | undefined) ?? [])].sort(), kernel.addresses.get(declared.name) ?? []);
  expect("outputs.up", outputs.up, link.flags.includes("UP"));
  // A setting the device lacks is recorded as null (provider/lifecycle/unsetOutputs.ts); ip -j leaves it out.
  expect("outputs.description", outputs.description ?? undefined, link.ifalias);
  if (declared.kind === "tap") expect("outputs.bridge", outputs.bridge ?? undefined, link.master);
  return problems;
}

// ---------------------------------------------------------------------------------------------------------
// Bystanders.

const FOREIGN = ["by-veth0", "by-veth1", "by-br0", "by-tap0", "by-tap1", "by-tap2", "by-tun0", "by-other"];
/** In a link group of the range the batched teardown draws its groups from. */
const FOREIGN_GROUP = String(0x40000001);

function makeForeignDevices(): void {
  ip("link", "add", "by-veth0", "type", "veth", "peer", "name", "by-veth1");
  ip("link", "add", "by-br0", "type", "bridge");
  for (const name of ["by-tap0", "by-tap1", "by-tap2", "by-other"]) ip("tuntap", "add", "dev", name, "mode", "tap");
  ip("tuntap", "add", "dev", "by-tun0", "mode", "tun");
  for (const name of FOREIGN) quietAddressing(name);
  ip("link", "set", "by-tap0", "master", "by-br0");
  ip("addr", "add", "10.99.0.1/24", "dev", "by-veth0");
  ip("addr", "add", "10.99.1.1/24", "dev", "by-br0");
  ip("link", "set", "by-tap2", "group", FOREIGN_GROUP);
  for (const name of ["by-veth0", "by-veth1", "by-br0", "by-tun0"]) ip("link", "set", name, "up");
  ip("link", "property", "add", "dev", "by-other", "altname", `pulumi:${PROJECT}:other-stack:r-cc1:0123abcd`);
}

/** Our own bystanders: a bridge that round devices join, and taps that no round touches. */
let keepers: Managed[] = [];
const hostOutput: string[] = [];
let foreignBefore = "";

let foreignIndexes = new Map<string, number>();

/** Counts bystanders gone (or replaced: another ifindex), then insists that every one of them is untouched. */
function checkBystanders(what: string): void {
  const kernel = kernelView();
  const gone = [
    ...keepers.filter((keeper) => kernel.links.get(keeper.declared.name)?.ifindex !== keeper.outputs.ifindex).map((keeper) => keeper.declared.name),
    ...FOREIGN.filter((name) => kernel.links.get(name)?.ifindex !== foreignIndexes.get(name)),
  ];
  figures.bystandersDeleted += gone.length;
  assert.deepEqual(gone, [], `${what}: no bystander deleted`);
  for (const keeper of keepers) assert.deepEqual(problemsOf(keeper, kernel), [], `${what}: our bystander ${keeper.declared.name} is untouched`);
  assert.equal(stableFingerprint(FOREIGN), foreignBefore, `${what}: the foreign devices are byte-for-byte as they were`);
}

// ---------------------------------------------------------------------------------------------------------

const figures = { creates: 0, updates: 0, deletes: 0, mixed: 0, replaces: 0, wrongResults: 0, bystandersDeleted: 0, unaskedDeletions: 0, batches: [] as string[] };
let monitor: KernelMonitor;

before(async () => {
  makeForeignDevices();
  foreignBefore = stableFingerprint(FOREIGN);
  foreignIndexes = new Map(FOREIGN.map((name) => [name, linkByName().get(name)?.ifindex ?? -1]));
  // The host logs every refused delete with its stack; those refusals are expected here, and checked.
  host = await startProviderHost({ programDirectory: repositoryRoot, project: PROJECT, runtimeOptions: { typescript: true }, onOutput: (line) => hostOutput.push(line) });
  await host.configure({ urn: defaultProviderUrn(STACK, PROJECT), id: "00000000-0000-4000-8000-000000000064", inputs: {} });
  serialized.tap = await serializeProvider(tapInterfaceProvider);
  serialized.bridge = await serializeProvider(bridgeProvider);
  const keeperBridge = await createDevice(declaredBridge("ck-br", 50, 0));
  keepers = [keeperBridge];
  for (let index = 0; index < 8; index++) keepers.push(await createDevice(declaredTap(`ck${index}`, 200 + index, 0, index % 2 === 0 ? "ck-br" : undefined)));
  monitor = await KernelMonitor.start();
});

after(async () => {
  monitor?.stop();
  await host?.close();
  console.log(
    `concurrency: ${figures.creates} creates, ${figures.updates} updates, ${figures.deletes} deletes, ${figures.mixed} mixed operations, ${figures.replaces} delete-before-replace pairs, ` +
      `${figures.wrongResults} wrong results, ${figures.bystandersDeleted} bystanders deleted, ${figures.unaskedDeletions} devices deleted unasked; ` +
      `teardown batches: ${figures.batches.join("; ")}`,
  );
});

/** Which devices a round's deletions removed, and how they were batched. */
async function deletionsOfRound(label: string): Promise<{ deleted: string[]; events: KernelEvent[] }> {
  const events = await monitor.drain();
  const deletions = events.filter(isDeviceDeletion);
  const batching = deleteBatches(events);
  figures.batches.push(`${label} ${deletions.length} devices in ${batching.batches} (${batching.grouped} group deletes, ${batching.single} single, largest ${batching.largest})`);
  return { deleted: deletions.map((event) => event.name), events };
}

function countWrong(devices: readonly Managed[]): string[] {
  const kernel = kernelView();
  const problems = devices.flatMap((device) => problemsOf(device, kernel));
  figures.wrongResults += new Set(problems.map((problem) => problem.split(":")[0])).size;
  return problems;
}

/** The round's devices: 56 taps (every 4th joins our bridge ck-br) and 8 bridges. */
function roundDeclarations(prefix: string, generation: number): Declared[] {
  return Array.from({ length: ROUND }, (_, index) =>
    index < 56 ? declaredTap(`${prefix}${index}`, index, generation, index % 4 === 0 ? "ck-br" : undefined) : declaredBridge(`${prefix}b${index - 56}`, index - 56, generation),
  );
}

let round: Managed[] = [];

type DeleteRequest = { device: Managed; expect: "deleted" | "refused" };

/** Deletes asked for must succeed; deletes of devices that are not ours must be refused, saying so. */
function wrongDeleteOutcomes(requests: readonly DeleteRequest[], outcomes: readonly PromiseSettledResult<void>[]): string[] {
  const wrong: string[] = [];
  outcomes.forEach((outcome, index) => {
    const { device, expect } = requests[index]!;
    const name = device.declared.name;
    if (expect === "deleted" && outcome.status === "rejected") wrong.push(`${name}: delete failed: ${String(outcome.reason)}`);
    if (expect === "refused") {
      if (outcome.status === "fulfilled") wrong.push(`${name}: a device that is not ours was deleted`);
      else if (!/refusing to touch .*not the one this stack created/.test(String((outcome.reason as Error).message))) wrong.push(`${name}: refused for the wrong reason: ${String(outcome.reason)}`);
    }
  });
  return wrong;
}

test(`${ROUND} concurrent creates: every answer is the device ip sees`, async () => {
  const declared = roundDeclarations("cc", 0);
  round = await Promise.all(declared.map((declaration) => createDevice(declaration)));
  figures.creates += round.length;
  assert.deepEqual(countWrong(round), []);
  const { deleted } = await deletionsOfRound("creates:");
  assert.deepEqual(deleted, [], "creating deletes nothing");
  checkBystanders("after the creates");
});

test(`${ROUND} concurrent updates: every device changed in place, as declared`, async () => {
  const before = new Map(round.map((device) => [device.declared.name, Number(device.outputs.ifindex)]));
  // Taps move: those in ck-br leave it, every 4th other one joins it.
  const next = round.map((device, index) =>
    device.declared.kind === "tap"
      ? declaredTap(device.declared.name, index, 1, device.declared.bridge === undefined && index % 4 === 1 ? "ck-br" : undefined)
      : declaredBridge(device.declared.name, index - 56, 1),
  );
  round = await Promise.all(round.map((device, index) => updateDevice(device, next[index]!)));
  figures.updates += round.length;
  assert.deepEqual(countWrong(round), []);
  for (const device of round) assert.equal(device.outputs.ifindex, before.get(device.declared.name), `${device.declared.name} updated in place`);
  const { deleted } = await deletionsOfRound("updates:");
  assert.deepEqual(deleted, [], "updating deletes nothing");
  checkBystanders("after the updates");
});

test(`${ROUND} concurrent deletes, some not ours or gone already: each answered correctly, nothing else deleted`, async () => {
  // Two of the round vanish on their own first (their deletes must succeed), and one is re-made by someone
  // else under the same name (its delete must be refused).
  const [goneA, goneB, remade] = [round[60]!, round[50]!, round[40]!];
  ip("link", "delete", goneA.declared.name);
  ip("link", "delete", goneB.declared.name);
  ip("link", "delete", remade.declared.name);
  ip("tuntap", "add", "dev", remade.declared.name, "mode", "tap");
  quietAddressing(remade.declared.name);
  const remadeBefore = stableFingerprint([remade.declared.name]);
  await monitor.drain();

  const requests = round.map((device) => ({ device, expect: device === remade ? ("refused" as const) : ("deleted" as const) }));
  assert.equal(requests.length, ROUND);
  const outcomes = await Promise.allSettled(requests.map((request) => deleteDevice(request.device)));
  figures.deletes += requests.length;
  const wrong = wrongDeleteOutcomes(requests, outcomes);
  figures.wrongResults += wrong.length;
  assert.deepEqual(wrong, []);

  const asked = new Set(requests.filter((request) => request.expect === "deleted").map((request) => request.device.declared.name));
  const kernel = kernelView();
  for (const name of asked) assert.equal(kernel.links.get(name), undefined, `${name} is gone`);
  assert.equal(stableFingerprint([remade.declared.name]), remadeBefore, "the re-made device is byte-for-byte as its maker left it");
  const { deleted } = await deletionsOfRound("deletes:");
  const unasked = deleted.filter((name) => !asked.has(name));
  figures.unaskedDeletions += unasked.length;
  assert.deepEqual(unasked, [], "every device deleted was asked for");
  assert.equal(deleted.length, asked.size - 2, "each asked-for device that still existed was deleted once");
  checkBystanders("after the deletes");
  ip("link", "delete", remade.declared.name);
  await monitor.drain();
  round = [];
});

test(`${ROUND} concurrent delete-before-replace (delete, then at once create under the same name with another mode)`, async () => {
  // What the engine does for a change of mode with a fixed name: Delete the old device, then Create the new
  // one. The teardown answers a delete once the device is unlisted, while the kernel still waits out the
  // grace period: the name must be free by then.
  const olds = await Promise.all(Array.from({ length: ROUND }, (_, index) => createDevice(declaredTap(`cr${index}`, index, 4))));
  await monitor.drain();
  const replaced = await Promise.all(
    olds.map(async (old, index) => {
      await deleteDevice(old);
      const next = { ...declaredTap(old.declared.name, index, 5), up: true };
      const urn = urnOf(next);
      const checked = await host.check(urn, {}, { ...inputsOf(next), mode: "tun" });
      assert.deepEqual(checked.failures, []);
      const created = await host.create(urn, checked.inputs);
      return { old, created: { declared: next, urn, id: created.id, inputs: checked.inputs, outputs: created.properties } };
    }),
  );
  figures.replaces += replaced.length;
  const kernel = kernelView();
  const wrong: string[] = [];
  for (const { old, created } of replaced) {
    const link = kernel.links.get(created.declared.name);
    if (link?.linkinfo?.info_data?.type !== "tun") wrong.push(`${created.declared.name}: not a tun now`);
    if (link?.ifindex === old.outputs.ifindex) wrong.push(`${created.declared.name}: still the old device`);
    if (created.outputs.mode !== "tun") wrong.push(`${created.declared.name}: outputs say mode ${String(created.outputs.mode)}`);
  }
  const problems = [...wrong, ...replaced.flatMap(({ created }) => problemsOf({ ...created, declared: { ...created.declared, kind: "tap" } }, kernel).filter((problem) => !problem.includes("master")))];
  figures.wrongResults += new Set(problems.map((problem) => problem.split(":")[0])).size;
  assert.deepEqual(problems, []);
  const asked = new Set(olds.map((old) => old.declared.name));
  const { deleted } = await deletionsOfRound("replaces:");
  const unasked = deleted.filter((name) => !asked.has(name));
  figures.unaskedDeletions += unasked.length;
  assert.deepEqual(unasked, [], "every device deleted was asked for");
  assert.equal(deleted.length, ROUND);
  checkBystanders("after the replacements");
  await Promise.all(replaced.map(({ created }) => deleteDevice(created)));
  await monitor.drain();
});

test(`a mixed round of ${ROUND} (creates, updates and deletes at once): every answer correct, nothing else deleted`, async () => {
  const existing = await Promise.all(roundDeclarations("cm", 0).slice(0, 41).map((declaration) => createDevice(declaration)));
  await monitor.drain();
  const toUpdate = existing.slice(0, 21);
  const toDelete = existing.slice(21);
  const toCreate = Array.from({ length: 22 }, (_, index) => declaredTap(`cn${index}`, index, 2, index % 3 === 0 ? "ck-br" : undefined));
  // One delete names a bystander of ours with a stamp that is not its own (a stale state): it must be refused.
  const staleKeeper: Managed = { ...keepers[1]!, outputs: { ...keepers[1]!.outputs, stamp: `pulumi:${PROJECT}:${STACK}:r-ck0:00000000` } };
  const deleteRequests: DeleteRequest[] = [...toDelete.map((device) => ({ device, expect: "deleted" as const })), { device: staleKeeper, expect: "refused" }];
  const [created, updated, deletes] = await Promise.all([
    Promise.all(toCreate.map((declaration) => createDevice(declaration))),
    Promise.all(toUpdate.map((device, index) => updateDevice(device, declaredTap(device.declared.name, index, 3, index % 2 === 0 ? "ck-br" : undefined)))),
    Promise.allSettled(deleteRequests.map((request) => deleteDevice(request.device))),
  ]);
  figures.mixed += created.length + updated.length + deletes.length;
  assert.equal(created.length + updated.length + deletes.length, ROUND);

  const problems = countWrong([...created, ...updated]);
  const wrongDeletes = wrongDeleteOutcomes(deleteRequests, deletes);
  figures.wrongResults += wrongDeletes.length;
  assert.deepEqual([...problems, ...wrongDeletes], []);
  const kernel = kernelView();
  for (const device of toDelete) assert.equal(kernel.links.get(device.declared.name), undefined, `${device.declared.name} is gone`);

  const asked = new Set(toDelete.map((device) => device.declared.name));
  const { deleted } = await deletionsOfRound("mixed:");
  const unasked = deleted.filter((name) => !asked.has(name));
  figures.unaskedDeletions += unasked.length;
  assert.deepEqual(unasked, [], "every device deleted was asked for");
  assert.equal(deleted.length, asked.size);
  checkBystanders("after the mixed round");

  await Promise.all([...created, ...updated].map((device) => deleteDevice(device)));
  await Promise.all(keepers.filter((keeper) => keeper.declared.kind === "tap").map((keeper) => deleteDevice(keeper)));
  await deleteDevice(keepers[0]!);
  keepers = [];
  const { deleted: cleanup } = await deletionsOfRound("clean-up:");
  assert.equal(cleanup.length, created.length + updated.length + 9);
  assert.equal(stableFingerprint(FOREIGN), foreignBefore, "the foreign devices are byte-for-byte as they were");
});
