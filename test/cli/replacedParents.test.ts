// What the kernel removes with a device the engine replaces comes back in the same `pulumi up`, through the real
// CLI. One stack (test/cli/programs/replaced-parents) holds every kind of parent with its dependents: routes out
// of a tun (by its device, through a gateway only its address reaches, after it by dependsOn alone), a bridge
// whose ports are a tap and a veth end, a veth whose peer is a port of a bridge in a namespace, the namespaces
// themselves. Each test replaces one parent under the same name, by one input that replaces it, and checks with
// `ip -j` that after that one `pulumi up` every namespace holds exactly what the program declares — links,
// bridge ports, addresses, routes of protocol 238, nothing more, and the tun's forwarding switch on (`sysctl`) —
// and that a `pulumi preview` then plans no change.
import "../support/privateNetns";
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { cidrs, links, namespaceNames } from "../support/ip";
import { routeLines } from "../support/ipRoute";
import { sysctl } from "../support/sysctl";
import { assertOk } from "./scenarios/sequence";
import { CliStack } from "./support/cliStack";
import { testProgramsDirectory } from "./support/paths";
import { describe as describeRun, type RunResult } from "./support/result";

/** The program's settings, as the stack config gives them. */
interface Settings {
  lab: string;
  tunnelAddress: string;
  tunnelMode: "tun" | "tap";
  tunnelMultiQueue: boolean;
  tunnelInLab: boolean;
  bridgeName: string;
  bridgeGeneration: string;
  bridgeInLab: boolean;
  peerIn: "lab" | "lab2";
}

const settings: Settings = { lab: "rplab", tunnelAddress: "10.61.0.1/24", tunnelMode: "tun", tunnelMultiQueue: false, tunnelInLab: false, bridgeName: "rpbr0", bridgeGeneration: "rpgen0", bridgeInLab: false, peerIn: "lab" };

/** A namespace's links (lo aside) as "name kind [master M] addresses…", its routes of protocol 238, and which of the devices the stack's Forwarding names forward IPv4. */
interface NamespaceContents {
  links: string[];
  routes: string[];
  forwarding: string[];
}

/** The devices the stack's Forwarding names. */
const FORWARDING = ["rptun0"];

const HERE = "(this namespace)";

/** What the program declares, namespace by namespace. */
function declared(s: Settings): Map<string, NamespaceContents> {
  const contents = new Map<string, NamespaceContents>([HERE, s.lab, "rplab2", s.bridgeGeneration].map((name) => [name, { links: [], routes: [], forwarding: [] }]));
  const at = (inLab: boolean) => contents.get(inLab ? s.lab : HERE) as NamespaceContents;
  const tunnel = at(s.tunnelInLab);
  tunnel.links.push(`rptun0 tun ${s.tunnelAddress} fd61::1/64`);
  tunnel.routes.push(
    "10.161.0.0/24 dev rptun0 table main metric 0 scope link",
    "10.162.0.0/24 via 10.61.0.254 dev rptun0 table main metric 0 scope global",
    "fd61:1::/64 via fd61::2 dev rptun0 table main metric 1024 scope global",
  );
  tunnel.forwarding.push("rptun0");
  const bridged = at(s.bridgeInLab);
  bridged.links.push(`${s.bridgeName} bridge 10.64.0.1/24`, `rpport0 tun master ${s.bridgeName}`, `rpv0 veth master ${s.bridgeName}`);
  bridged.routes.push(`10.164.0.0/24 dev ${s.bridgeName} table main metric 0 scope link`, "10.166.0.0/24 dev rpv0 table main metric 0 scope link");
  const peer = contents.get(s.peerIn === "lab2" ? "rplab2" : s.lab) as NamespaceContents;
  peer.links.push("rpbr1 bridge 10.65.0.2/24", "rpv0p veth master rpbr1");
  peer.routes.push("10.165.0.0/24 dev rpv0p table main metric 0 scope link", "default via 10.65.0.1 dev rpbr1 table main metric 0 scope global");
  for (const entry of contents.values()) {
    entry.links.sort();
    entry.routes.sort();
  }
  return contents;
}

/** What the kernel holds, read with `ip -j`, in the same namespaces and every named one there is. */
function found(s: Settings): Map<string, NamespaceContents> {
  const names = [...new Set([HERE, s.lab, "rplab2", s.bridgeGeneration, ...namespaceNames()])];
  return new Map(
    names.map((name) => {
      const netns = name === HERE ? undefined : name;
      if (netns !== undefined && !namespaceNames().includes(netns)) return [name, { links: ["(no such namespace)"], routes: [], forwarding: [] }];
      const present = links(netns).filter((link) => link.ifname !== "lo");
      const described = present
        .map((link) => {
          const master = link.master === undefined ? [] : [`master ${link.master}`];
          return [link.ifname, link.linkinfo?.info_kind ?? "?", ...master, ...cidrs(link.ifname, netns)].join(" ");
        })
        .sort();
      const forwarding = FORWARDING.filter((device) => present.some((link) => link.ifname === device) && sysctl(`net.ipv4.conf.${device}.forwarding`, netns) === "1");
      return [name, { links: described, routes: routeLines("238", netns), forwarding }];
    }),
  );
}

/** The kernel holds exactly what the program declares, in every namespace. */
function assertKernelAsDeclared(s: Settings, context: string): void {
  assert.deepEqual(Object.fromEntries(found(s)), Object.fromEntries(declared(s)), context);
}

/** Only "same" in a preview: the state, the program and the kernel agree. */
async function assertPreviewAgrees(stack: CliStack, context: string): Promise<void> {
  const preview = await stack.preview();
  assertOk(preview);
  assert.deepEqual(Object.keys(preview.changes), ["same"], `${context}: a preview after the up plans no change\n${describeRun(preview)}`);
}

/** The ifindex of each link, by namespace and name: kept means updated in place, not made again. */
function ifindexes(s: Settings): Map<string, number> {
  const names = [...new Set([HERE, s.lab, "rplab2"])].filter((name) => name === HERE || namespaceNames().includes(name));
  return new Map(names.flatMap((name) => links(name === HERE ? undefined : name).map((link) => [`${name}/${link.ifname}`, link.ifindex] as [string, number])));
}

/** The stack's resources a run replaced (or another op), by name. */
function replaced(result: RunResult, op = "replace"): string[] {
  const steps = result.steps.filter((step) => step.op === op && step.urn.includes("dynamic/tuntap:"));
  return [...new Set(steps.map((step) => step.urn.split("::").pop() ?? ""))].sort();
}

let stack: CliStack;

before(async () => {
  stack = await CliStack.open({ projectDirectory: join(testProgramsDirectory, "replaced-parents") });
});

after(async () => {
  await stack.destroyAndClose();
});

/** Sets one config key, previews (returned), ups, and checks the kernel and a preview after. */
async function change(key: keyof Settings, value: string | boolean): Promise<{ preview: RunResult; up: RunResult }> {
  Object.assign(settings, { [key]: value });
  await stack.setConfig(key, String(value));
  const preview = await stack.preview();
  assertOk(preview);
  const up = await stack.up();
  assertOk(up);
  assertKernelAsDeclared(settings, `after the up that set ${key} to ${String(value)}\n${describeRun(up)}`);
  await assertPreviewAgrees(stack, `${key} = ${String(value)}`);
  return { preview, up };
}

test("up makes every parent and its dependents; a preview then plans no change", async () => {
  const up = await stack.up();
  assertOk(up);
  assertKernelAsDeclared(settings, describeRun(up));
  await assertPreviewAgrees(stack, "after the first up");
});

test("the tun's IPv4 address changed in place (the kernel deletes IPv4 routes out of a device with its last IPv4 address): its routes come back, the tun is kept", async () => {
  const before = ifindexes(settings).get(`${HERE}/rptun0`);
  const { preview, up } = await change("tunnelAddress", "10.61.0.9/24");
  assert.deepEqual(replaced(preview), [], describeRun(preview));
  assert.deepEqual(replaced(up), [], describeRun(up));
  // The preview cannot know what the kernel will remove; the up's diffs, after the tun's update, see it.
  assert.deepEqual(replaced(preview, "update"), ["tunnel"], describeRun(preview));
  assert.deepEqual(replaced(up, "update"), ["tunnel", "tunnel-gateway", "tunnel-net"], describeRun(up));
  assert.equal(ifindexes(settings).get(`${HERE}/rptun0`), before, "the same tun");
});

test("the tun replaced by a mode change (tun → tap): its routes come back, and the preview showed them replaced", async () => {
  const { preview, up } = await change("tunnelMode", "tap");
  assert.deepEqual(replaced(preview), ["tunnel", "tunnel-net", "tunnel-v6"], describeRun(preview));
  assert.deepEqual(replaced(up), ["tunnel", "tunnel-net", "tunnel-v6"], describeRun(up));
  // Ordered after the tun by dependsOn alone, the route through its gateway is made again by an update; the
  // Forwarding's diff finds the new tun's switch off, and its update raises it.
  assert.deepEqual(replaced(up, "update"), ["tunnel-forwarding", "tunnel-gateway"], describeRun(up));
});

test("the tap replaced by multiQueue: its routes come back", async () => {
  await change("tunnelMultiQueue", true);
});

test("the tap replaced into the lab namespace: its routes follow it", async () => {
  await change("tunnelInLab", true);
});

test("the bridge replaced under another name: its ports join the new bridge in place (same ifindex), its route comes back", async () => {
  const before = ifindexes(settings);
  await change("bridgeName", "rpbr9");
  const after = ifindexes(settings);
  for (const port of [`${HERE}/rpport0`, `${HERE}/rpv0`, `${settings.lab}/rpv0p`]) assert.equal(after.get(port), before.get(port), `${port} was kept`);
});

test("the bridge replaced under its own name (replaceWith, as `pulumi up --replace`): its ports join the new bridge in place (same ifindex), its route comes back", async () => {
  const before = ifindexes(settings);
  const { preview, up } = await change("bridgeGeneration", "rpgen1");
  assert.deepEqual(replaced(preview), ["bridge", "bridge-net", "generation"], describeRun(preview));
  assert.deepEqual(replaced(up), ["bridge", "bridge-net", "generation"], describeRun(up));
  // The kernel dropped the ports with the old bridge; their diffs, after the bridge's replacement, see it.
  assert.deepEqual(replaced(up, "update"), ["pair", "port"], describeRun(up));
  const after = ifindexes(settings);
  for (const port of [`${HERE}/rpport0`, `${HERE}/rpv0`]) assert.equal(after.get(port), before.get(port), `${port} was kept`);
  assert.notEqual(after.get(`${HERE}/rpbr9`), before.get(`${HERE}/rpbr9`), "a new bridge");
});

test("the bridge replaced into the lab namespace with its ports: everything in place there", async () => {
  await change("bridgeInLab", true);
});

test("the veth replaced by its peer's namespace (lab → lab2), with the peer's bridge: routes out of both ends come back", async () => {
  await change("peerIn", "lab2");
});

test("the namespace replaced by a new name: what was in it is made again in the new one", async () => {
  await change("lab", "rplab3");
  assert.ok(!namespaceNames().includes("rplab"), "the old namespace is gone");
});

test("destroy leaves nothing", async () => {
  const destroy = await stack.destroy();
  assertOk(destroy);
  assert.deepEqual(namespaceNames(), []);
  assert.deepEqual(
    links().filter((link) => link.ifname !== "lo").map((link) => link.ifname),
    [],
  );
  assert.deepEqual(routeLines(), []);
});
