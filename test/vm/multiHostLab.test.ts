// examples/multi-host-lab across a fleet, as its users run it: hosts are network namespaces joined by an underlay
// bridge, and the example's own rollout program (Automation API) runs `pulumi up` of the inventory stack, then of
// every host's stack in parallel, each CLI inside its host's namespace (where its provider acts, as on a real
// machine), all on one file backend standing for the object store. Guests on different hosts — a namespace on
// each lab bridge, and a real QEMU guest on host b's tap, as `nobody` — reach each other across the overlay.
// Then: a fourth host joins while host c's NIC is missing (c fails, the others go on and keep working); the cause
// fixed, a rerun converges with nothing to do on the hosts that were right; the fourth host taken out again, the
// others drop exactly its peer entry (`ip -j`, `bridge -j` before and after) and its stack is pruned.
import "../support/privateNetns";
import assert from "node:assert/strict";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { after, before, test, type TestContext } from "node:test";
import { LocalWorkspace, PulumiCommand } from "@pulumi/pulumi/automation";
import { DEFAULT_HOSTS, type InventoryHost, type LabSettings, planInventory, type PlannedHost } from "../../examples/multi-host-lab/inventory/plan";
import { guestMac } from "../../examples/multi-host-lab/host/view";
import { destroyLab, type HostOutcome, rollout, type RolloutReport } from "../../examples/multi-host-lab/rollout";
import { localBackendEnvironment, pinnedPulumiBin, repositoryRoot } from "../../tools/pulumiCli";
import { floodDestinations } from "../support/bridgeFdb";
import { link, linkNames } from "../support/ip";
import { addNamespaceGuest, buildFleet, hostFingerprint, LAUNCHER, netnsOf, renameNic } from "./support/fleet";
import { type RunningGuest, startGuest } from "./support/guest";
import { guestImage, type RunDirectory, runDirectoryFor } from "./support/guestImage";
import { hostPing } from "./support/ping";
import { liveProcessesMentioning } from "./support/processes";
import { pciGuestArguments } from "./support/qemu";
import { assertPassed, reportsOf, stopAll } from "./support/report";
import { openTunNodeToEveryone } from "./support/tunNode";
import { unprivilegedUser } from "./support/unprivileged";
import { guestKernelArguments } from "./support/verdict";

const HOST_D: InventoryHost = { name: "d", underlay: "192.0.2.14", slot: 4 };
const LAB: Omit<LabSettings, "hosts"> = { vni: 4242, destinationPort: 4789, labSubnet: "10.77.0.0/24", shareSize: 16 };
/** The host stack's defaults: two taps (labtap0, labtap1) on lab0; a namespace guest takes the third address. */
const TAPS = 2;
const OVERLAY_MTU = 1450;
/** Each attempt waits up to 2 s for its echo; the first may go while ARP and the FDB are still learning. */
const ATTEMPTS = 60;

const user = unprivilegedUser();
let scratch = "";
let env: Record<string, string> = {};
let runDirectory: RunDirectory;
let guests: RunningGuest[] = [];
const output: string[] = [];
/** The guest namespace of each host, and its address. */
const namespaceGuests = new Map<string, { netns: string; address: string }>();

const lab = () => join(scratch, "lab");
const rolloutOptions = (prune = false) => ({ lab: lab(), launcher: LAUNCHER, env, prune, onOutput: (host: string, line: string) => output.push(`[${host}] ${line}`) });
const planned = (hosts: readonly InventoryHost[]): PlannedHost[] => planInventory({ ...LAB, hosts: [...hosts] }).hosts;
const bare = (cidr: string) => cidr.slice(0, cidr.indexOf("/"));

before(() => {
  openTunNodeToEveryone();
  runDirectory = runDirectoryFor(guestImage(), user);
  buildFleet([...DEFAULT_HOSTS, HOST_D]);
  // The example as a user has it: its directory (Pulumi.<stack>.yaml files are written there), inside this
  // repository so that its programs resolve pulumi-tuntap; the backend directory stands for the object store.
  const stacks = join(repositoryRoot, ".build", "stacks");
  mkdirSync(stacks, { recursive: true });
  scratch = mkdtempSync(join(stacks, "multi-host-lab-"));
  cpSync(join(repositoryRoot, "examples", "multi-host-lab"), lab(), { recursive: true });
  for (const directory of ["backend", "home"]) mkdirSync(join(scratch, directory));
  const base = Object.fromEntries(Object.entries(process.env).filter(([, value]) => value !== undefined)) as Record<string, string>;
  env = { ...base, ...localBackendEnvironment({ backend: join(scratch, "backend"), home: join(scratch, "home"), passphrase: "", binDirectory: pinnedPulumiBin() }) };
});

after(async () => {
  await stopAll(guests);
  try {
    if (scratch !== "") {
      const outcomes = await destroyLab({ ...rolloutOptions(), parallel: 2 });
      for (const outcome of outcomes) assert.ok(outcome.ok, `destroy of ${outcome.host}: ${outcome.error}`);
    }
  } finally {
    runDirectory?.remove();
    if (scratch !== "") rmSync(scratch, { recursive: true, force: true });
  }
});

/** The inventory's hosts, set as its stack's config, as `pulumi config set --path 'hosts[…]'` would. */
async function setInventory(hosts: readonly InventoryHost[]): Promise<void> {
  const pulumiCommand = await PulumiCommand.get({ root: dirname(pinnedPulumiBin()) });
  const inventory = await LocalWorkspace.createOrSelectStack({ stackName: "lab", workDir: join(lab(), "inventory") }, { envVars: env, pulumiCommand });
  await inventory.setConfig("hosts", { value: JSON.stringify(hosts) });
}

async function rollOut(t: TestContext, hosts: readonly InventoryHost[], prune = false): Promise<RolloutReport> {
  await setInventory(hosts);
  output.length = 0;
  const report = await rollout(rolloutOptions(prune));
  for (const outcome of [report.inventory, ...report.hosts, ...report.pruned]) {
    t.diagnostic(`${outcome.host}: ${outcome.ok ? "ok" : "FAILED"} in ${outcome.seconds} s ${JSON.stringify(outcome.changes)}${outcome.error === undefined ? "" : ` — ${outcome.error}`}`);
  }
  assert.ok(report.inventory.ok, `the inventory's up: ${report.inventory.error}\n${output.slice(-30).join("\n")}`);
  return report;
}

function outcomeOf(report: RolloutReport, host: string): HostOutcome {
  const outcome = report.hosts.find((candidate) => candidate.host === host);
  assert.ok(outcome, `the rollout reports host ${host}`);
  return outcome;
}

function assertSucceeded(report: RolloutReport, host: string, changes: Record<string, number>): void {
  const outcome = outcomeOf(report, host);
  assert.ok(outcome.ok, `host ${host}: ${outcome.error}\n${output.filter((line) => line.startsWith(`[${host}]`)).slice(-30).join("\n")}`);
  assert.deepEqual(outcome.changes, changes, `host ${host}'s changes`);
}

/** Pings until one echo comes back, as a program retrying its first packet would. */
function assertReaches(fromNetns: string, address: string): void {
  let last = "";
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const ping = hostPing(address, { netns: fromNetns, count: 1 });
    if (ping.received === 1) return;
    last = ping.output;
  }
  assert.fail(`no echo from ${address} in ${fromNetns} after ${ATTEMPTS} attempts:\n${last}`);
}

/** Every pair of these hosts' namespace guests reach each other, and each reaches the QEMU guest. */
function assertGuestsReachEachOther(t: TestContext, hosts: readonly string[], qemuGuest: string): void {
  for (const from of hosts) {
    const source = namespaceGuests.get(from);
    assert.ok(source);
    const targets = [...hosts.filter((to) => to !== from).map((to) => namespaceGuests.get(to)?.address ?? ""), qemuGuest];
    for (const target of targets) assertReaches(source.netns, target);
    t.diagnostic(`${source.netns} (${source.address}) reaches ${targets.join(", ")}`);
  }
}

/** Each host's VXLAN device is in its own namespace (none in the test's), over eth0, flooding to these peers. */
function assertOverlay(host: string, peers: readonly string[]): void {
  const device = link("vxlab0", netnsOf(host));
  assert.ok(device, `vxlab0 in ${netnsOf(host)}`);
  assert.deepEqual([device.linkinfo?.info_data?.id, device.linkinfo?.info_data?.link, device.master, device.mtu], [4242, "eth0", "lab0", OVERLAY_MTU]);
  assert.deepEqual(floodDestinations("vxlab0", netnsOf(host)), [...peers].sort());
}

function noLocksLeft(): void {
  const locks = join(scratch, "backend", ".pulumi", "locks");
  const held = readdirSync(locks, { recursive: true }).filter((entry) => String(entry).endsWith(".json"));
  assert.deepEqual(held, [], "every stack's lock was released");
}

const qemuAddress = () => bare(planned(DEFAULT_HOSTS)[1]?.guestAddresses[0] ?? "");

test("three hosts rolled out in parallel, each in its own namespace on one backend: guests on different hosts reach each other", async (t) => {
  const report = await rollOut(t, DEFAULT_HOSTS);
  for (const host of ["a", "b", "c"]) assertSucceeded(report, host, { create: 5 });
  assert.deepEqual(report.stale, []);
  assert.equal(link("lab0"), undefined, "nothing was made in the test's own namespace");
  const underlays = DEFAULT_HOSTS.map((host) => host.underlay);
  for (const host of DEFAULT_HOSTS) assertOverlay(host.name, underlays.filter((address) => address !== host.underlay));
  noLocksLeft();

  for (const host of planned(DEFAULT_HOSTS)) {
    const address = host.guestAddresses[TAPS] ?? "";
    namespaceGuests.set(host.name, { netns: addNamespaceGuest(host.name, address, "lab0", OVERLAY_MTU), address: bare(address) });
  }

  // A real guest on host b's first tap, started inside b's namespace as the tap's owner.
  const b = planned(DEFAULT_HOSTS)[1];
  assert.ok(b);
  const reach = ["a", "c"].map((host) => namespaceGuests.get(host)?.address ?? "");
  const qemu = pciGuestArguments({
    type: "pc",
    name: "guest-b0",
    tap: "labtap0",
    mac: guestMac(b.slot, 0),
    image: runDirectory.image,
    append: guestKernelArguments({ address: b.guestAddresses[0] ?? "", reach, lingerSeconds: 3600 }),
  });
  guests = [
    startGuest({
      name: "guest-b0 (on host b's labtap0, as nobody)",
      argv: ["nsenter", `--net=/run/netns/${netnsOf("b")}`, `--setuid=${user.uid}`, `--setgid=${user.gid}`, "--", ...qemu],
      user: { name: "root", uid: 0, gid: 0 },
    }),
  ];
  const [verdict] = await reportsOf(t, guests);
  assert.ok(verdict);
  assertPassed(verdict, reach);
  const qemus = liveProcessesMentioning(runDirectory.path).filter((found) => found.commandLine.startsWith("qemu-system-x86_64 "));
  assert.deepEqual(
    qemus.map((found) => found.uid),
    [user.uid],
    "QEMU runs as the tap's owner",
  );
  assertGuestsReachEachOther(t, ["a", "b", "c"], qemuAddress());
});

test("a fourth host joins while host c's NIC is missing: c fails, the others add d in place and keep working", async (t) => {
  renameNic("c", "eth0", "eth9");
  const report = await rollOut(t, [...DEFAULT_HOSTS, HOST_D]);
  for (const host of ["a", "b"]) assertSucceeded(report, host, { same: 4, update: 1 });
  assertSucceeded(report, "d", { create: 5 });
  const c = outcomeOf(report, "c");
  assert.equal(c.ok, false, "c's up fails");
  assert.match(c.error ?? "", /underlay: no device named eth0 exists/, "and says why");
  assertOverlay("a", ["192.0.2.12", "192.0.2.13", "192.0.2.14"]);
  assertOverlay("d", ["192.0.2.11", "192.0.2.12", "192.0.2.13"]);
  assert.deepEqual(floodDestinations("vxlab0", netnsOf("c")), ["192.0.2.11", "192.0.2.12"], "c is as it was");
  noLocksLeft();
  const d = planned([HOST_D])[0];
  assert.ok(d);
  namespaceGuests.set("d", { netns: addNamespaceGuest("d", d.guestAddresses[TAPS] ?? "", "lab0", OVERLAY_MTU), address: bare(d.guestAddresses[TAPS] ?? "") });
  assertGuestsReachEachOther(t, ["a", "b", "d"], qemuAddress());
});

test("the cause fixed, a rerun converges: c adds d, the hosts that were right have nothing to do; all four reach each other", async (t) => {
  renameNic("c", "eth9", "eth0");
  const report = await rollOut(t, [...DEFAULT_HOSTS, HOST_D]);
  assertSucceeded(report, "c", { same: 4, update: 1 });
  for (const host of ["a", "b", "d"]) assertSucceeded(report, host, { same: 5 });
  assertOverlay("c", ["192.0.2.11", "192.0.2.12", "192.0.2.14"]);
  assertGuestsReachEachOther(t, ["a", "b", "c", "d"], qemuAddress());
});

test("the fourth host taken out again: the others drop exactly its peer entry, nothing else changes; its stack is pruned", async (t) => {
  const before = new Map(["a", "b", "c"].map((host) => [host, hostFingerprint(host)]));
  const report = await rollOut(t, DEFAULT_HOSTS, true);
  for (const host of ["a", "b", "c"]) assertSucceeded(report, host, { same: 4, update: 1 });
  assert.deepEqual(
    report.pruned.map((outcome) => [outcome.host, outcome.ok, outcome.changes.delete]),
    [["d", true, 5]],
    "d's stack destroyed, on d",
  );
  for (const host of ["a", "b", "c"]) {
    const was = before.get(host);
    const now = hostFingerprint(host);
    assert.equal(now.links, was?.links, `${host}: ip -j -d link and addresses are as they were`);
    const gone = was?.fdb.filter((entry) => !now.fdb.includes(entry)) ?? [];
    assert.equal(gone.length, 1, `${host}: one FDB entry went: ${gone.join("; ")}`);
    assert.match(gone[0] ?? "", /^00:00:00:00:00:00 vxlab0 192\.0\.2\.14 /, `${host}: d's remote`);
    assert.deepEqual(
      now.fdb.filter((entry) => !was?.fdb.includes(entry)),
      [],
      `${host}: nothing came`,
    );
  }
  assert.deepEqual(linkNames(netnsOf("d")), ["eth0", "guest-d", "lo"], "on d, only what the test made is left");
  assertGuestsReachEachOther(t, ["a", "b", "c"], qemuAddress());
});
