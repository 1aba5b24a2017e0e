// Forwarding's provider end to end in this file's network namespace, observed with `sysctl` and `nft`: switches
// raised and claimed, restored on delete only when this stack raised them and nobody else claims them (the
// admin's value, another stack's claim, a device switch that lowering the global one would lower too), what is
// left on said among the diagnostics, drift by hand found and repaired, changes in place, per-device switches
// (IPv4 and IPv6), a named namespace, and a failure halfway that leaves switches and ruleset as they were.
import "../support/privateNetns";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { after, before, beforeEach, describe, test } from "node:test";
import { forwardingProvider as provider } from "pulumi-tuntap";
import type { Properties } from "pulumi-tuntap/model";
import { ip } from "../support/ip";
import { FOREIGN, foreignTables, nft, nftFile, ruleset, table } from "../support/nft";
import { checked, create, type Created, update } from "../support/providers";
import { setSysctl, sysctl } from "../support/sysctl";

const identity = (resource: string, stack = "dev") => `tuntap-tests/${stack}/${resource}`;
const IPV4 = "net.ipv4.ip_forward";
const IPV6 = "net.ipv6.conf.all.forwarding";

/** What the provider says among the stack's diagnostics (its stderr lines), while `work` runs. */
async function notices(work: () => Promise<unknown>): Promise<string[]> {
  const said: string[] = [];
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((chunk: string | Uint8Array) => {
    said.push(String(chunk));
    return true;
  }) as typeof process.stderr.write;
  try {
    await work();
  } finally {
    process.stderr.write = write;
  }
  return said;
}

async function deleted(forwarding: Created): Promise<string[]> {
  return notices(() => Promise.resolve(provider.delete?.(forwarding.id, forwarding.outs)));
}

before(() => {
  ip("link", "add", "fwd0", "type", "veth", "peer", "name", "fwd1");
  ip("link", "add", "fwd2", "type", "veth", "peer", "name", "fwd3");
  ip("link", "add", "virbr0", "type", "veth", "peer", "name", "virbr0-peer");
});

beforeEach(() => {
  for (const name of [IPV4, IPV6]) setSysctl(name, "0");
  nft(["flush", "ruleset"]);
  nftFile(FOREIGN);
});

test("the global IPv4 switch: raised and claimed; delete turns it off again and leaves the ruleset exactly as before", async () => {
  const before = ruleset();
  const foreign = foreignTables();
  const forwarding = await create(provider, { managedBy: identity("fwd") });
  assert.equal(sysctl(IPV4), "1");
  assert.equal(sysctl(IPV6), "0", "IPv6 is off by default");
  assert.match(forwarding.id, /^pulumi-fwd-[0-9a-f]{6}$/);
  assert.deepEqual({ ...forwarding.outs, stamp: "" }, { ipv4: true, ipv6: false, managedBy: identity("fwd"), claim: forwarding.id, stamp: "", switches: [{ version: 4, found: 0 }], drift: [] });
  const claim = nft(["list", "table", "inet", forwarding.id]);
  assert.ok(claim.includes(`comment "${String(forwarding.outs.stamp)}"`) && claim.includes("chain net.ipv4.ip_forward {") && claim.includes('comment "found 0"'), claim);
  assert.ok(!claim.includes("hook"), "no base chain: no packet ever passes through a claim");
  assert.deepEqual(foreignTables(), foreign);

  assert.deepEqual(await deleted(forwarding), [], "nothing to say: it was turned off again");
  assert.equal(sysctl(IPV4), "0");
  assert.deepEqual(ruleset(), before);
});

test("a switch the admin had on is never lowered, and the delete says so", async () => {
  setSysctl(IPV4, "1");
  const forwarding = await create(provider, { managedBy: identity("fwd") });
  assert.deepEqual(forwarding.outs.switches, [{ version: 4, found: 1 }]);
  const said = await deleted(forwarding);
  assert.equal(sysctl(IPV4), "1");
  assert.match(said.join(""), /^pulumi-tuntap: delete IP forwarding \(claim: table inet pulumi-fwd-[0-9a-f]{6}\): left on: net\.ipv4\.ip_forward: it was already on before this stack: left on, as the admin or another program set it\.\n$/);
});

test("two stacks: the second inherits what the first found; the first delete leaves it on for the other, the last turns it off", async () => {
  const dev = await create(provider, { managedBy: identity("fwd") });
  const prod = await create(provider, { managedBy: identity("fwd", "prod") });
  assert.deepEqual(prod.outs.switches, [{ version: 4, found: 0 }], "found 0: what was there before any stack, not the 1 the first stack set");
  const said = await deleted(dev);
  assert.equal(sysctl(IPV4), "1");
  assert.match(said.join(""), /left on: net\.ipv4\.ip_forward: left on: pulumi:tuntap-tests:prod:fwd:[0-9a-f]{8} still needs it\./);
  await deleted(prod);
  assert.equal(sysctl(IPV4), "0");
});

test("per device: only those devices' switches (IPv4 forwarding, IPv6 force_forwarding), the global ones left alone", async () => {
  const before = ruleset();
  const forwarding = await create(provider, { ipv6: true, devices: ["fwd0", "fwd2"], managedBy: identity("fwd") });
  assert.deepEqual(
    ["net.ipv4.conf.fwd0.forwarding", "net.ipv4.conf.fwd2.forwarding", "net.ipv6.conf.fwd0.force_forwarding", "net.ipv6.conf.fwd2.force_forwarding", "net.ipv4.conf.fwd1.forwarding", IPV4, IPV6].map((name) => sysctl(name)),
    ["1", "1", "1", "1", "0", "0", "0"],
  );
  assert.deepEqual((forwarding.outs.switches as unknown[]).length, 4);
  await deleted(forwarding);
  assert.deepEqual(["net.ipv4.conf.fwd0.forwarding", "net.ipv6.conf.fwd2.force_forwarding"].map((name) => sysctl(name)), ["0", "0"]);
  assert.deepEqual(ruleset(), before);
});

test("the global IPv4 switch is not lowered while another stack claims a device's (lowering it would lower that one too)", async () => {
  const device = await create(provider, { devices: ["fwd0"], managedBy: identity("lab", "prod") });
  const global = await create(provider, { managedBy: identity("fwd") });
  const said = await deleted(global);
  assert.deepEqual([sysctl(IPV4), sysctl("net.ipv4.conf.fwd0.forwarding")], ["1", "1"]);
  assert.match(said.join(""), /net\.ipv4\.ip_forward: left on: pulumi:tuntap-tests:prod:lab:[0-9a-f]{8} still needs it/);
  await deleted(device);
  assert.equal(sysctl("net.ipv4.conf.fwd0.forwarding"), "0");
});

test("drift: a switch turned off by hand is found by a read, and an update turns it on again", async () => {
  const inputs = await checked(provider, { managedBy: identity("fwd") });
  const forwarding = await create(provider, inputs);
  setSysctl(IPV4, "0");
  const read = await provider.read?.(forwarding.id, forwarding.outs);
  const props = read?.props as Properties;
  assert.deepEqual(props.drift, ["net.ipv4.ip_forward is off: it was turned off after this stack turned it on"]);
  assert.deepEqual(props.switches, [{ version: 4, found: 0 }], "still what was found before any stack");
  const diff = await provider.diff?.(forwarding.id, props, inputs);
  assert.equal(diff?.changes, true);
  const repaired = await provider.update?.(forwarding.id, props, inputs);
  assert.deepEqual((repaired?.outs as Properties).drift, []);
  assert.equal(sysctl(IPV4), "1");
  await deleted({ id: forwarding.id, outs: repaired?.outs as Properties });
  assert.equal(sysctl(IPV4), "0");
});

test("a device made again comes back with its switch off: the next diff sees it and the update raises it again", async () => {
  // What `pulumi up` does when it replaces a device a Forwarding names by its `name` output: the device is made
  // again before the Forwarding is diffed, with inputs that did not change.
  ip("link", "add", "fwr0", "type", "veth", "peer", "name", "fwr1");
  const inputs = await checked(provider, { devices: ["fwr0"], managedBy: identity("fwr") });
  const forwarding = await create(provider, inputs);
  assert.equal((await provider.diff?.(forwarding.id, forwarding.outs, inputs))?.changes, false, "nothing to change while the device stays");
  ip("link", "delete", "fwr0");
  ip("link", "add", "fwr0", "type", "veth", "peer", "name", "fwr1");
  assert.equal(sysctl("net.ipv4.conf.fwr0.forwarding"), "0", "the new device starts from the default");
  assert.equal((await provider.diff?.(forwarding.id, forwarding.outs, inputs))?.changes, true);
  const updated = await provider.update?.(forwarding.id, forwarding.outs, inputs);
  assert.equal(sysctl("net.ipv4.conf.fwr0.forwarding"), "1");
  assert.equal((await provider.diff?.(forwarding.id, updated?.outs as Properties, inputs))?.changes, false, "converged");
  await deleted({ id: forwarding.id, outs: updated?.outs as Properties });
  assert.equal(sysctl("net.ipv4.conf.fwr0.forwarding"), "0");
  ip("link", "delete", "fwr0");
});

test("changes in place: IPv6 added, then IPv4 dropped (turned off again, as this stack turned it on)", async () => {
  const forwarding = await create(provider, { managedBy: identity("fwd") });
  const both = await update(provider, forwarding, { ipv6: true, managedBy: identity("fwd") });
  assert.deepEqual([sysctl(IPV4), sysctl(IPV6)], ["1", "1"]);
  assert.deepEqual(both.switches, [
    { version: 4, found: 0 },
    { version: 6, found: 0 },
  ]);
  const onlyV6 = await update(provider, { id: forwarding.id, outs: both }, { ipv4: false, ipv6: true, managedBy: identity("fwd") });
  assert.deepEqual([sysctl(IPV4), sysctl(IPV6)], ["0", "1"]);
  assert.ok(!nft(["list", "table", "inet", forwarding.id]).includes("net.ipv4.ip_forward"), "the claim no longer names it");
  await deleted({ id: forwarding.id, outs: onlyV6 });
  assert.equal(sysctl(IPV6), "0");
});

test("in a named namespace: the switches there, not here", async () => {
  ip("netns", "add", "fwd-lab");
  const forwarding = await create(provider, { netns: "fwd-lab", managedBy: identity("fwd") });
  assert.deepEqual([sysctl(IPV4, "fwd-lab"), sysctl(IPV4)], ["1", "0"]);
  await deleted(forwarding);
  assert.equal(sysctl(IPV4, "fwd-lab"), "0");
  ip("netns", "del", "fwd-lab");
});

describe("failures leave switches and ruleset as they were", () => {
  // Writes to fwd2's switch vanish: it reads back 0 after 1 is written, as a read-only /proc/sys would refuse it.
  const stuck = "/proc/sys/net/ipv4/conf/fwd2/forwarding";
  before(() => execFileSync("mount", ["--bind", "/dev/null", stuck]));
  after(() => execFileSync("umount", [stuck]));

  test("halfway: fwd0 raised, fwd2 refused: fwd0 is turned off again and the claim removed", async () => {
    const before = ruleset();
    const inputs = await checked(provider, { devices: ["fwd0", "fwd2"], managedBy: identity("fwd") });
    await assert.rejects(provider.create(inputs), /net\.ipv4\.conf\.fwd2\.forwarding reads 0 after writing 1: something keeps it off .* IP forwarding \(claim: table inet pulumi-fwd-[0-9a-f]{6}\) was removed again; nothing was left behind\./);
    assert.equal(sysctl("net.ipv4.conf.fwd0.forwarding"), "0");
    assert.deepEqual(ruleset(), before);
  });

  test("a device that does not exist is named before anything changes", async () => {
    const before = ruleset();
    const inputs = await checked(provider, { devices: ["fwd0", "nosuch0"], managedBy: identity("fwd") });
    await assert.rejects(provider.create(inputs), /read net\.ipv4\.conf\.nosuch0\.forwarding: ENOENT.*The device "nosuch0" does not exist \(any more\) in this namespace: create it first\./);
    assert.deepEqual([sysctl("net.ipv4.conf.fwd0.forwarding"), table("inet", "pulumi-fwd")], ["0", undefined]);
    assert.deepEqual(ruleset(), before);
  });
});
