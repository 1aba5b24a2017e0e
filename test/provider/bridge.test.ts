// Bridge's provider end to end, and TapInterface's `bridge` input moving a port, checked with `ip -j`.
import "../support/privateNetns";
import assert from "node:assert/strict";
import { test } from "node:test";
import { bridgeProvider, tapInterfaceProvider } from "pulumi-tuntap";
import { ip, link } from "../support/ip";
import * as observe from "../support/ip";
import { checked, create, update } from "../support/providers";

const managedBy = (resource: string) => `tuntap-tests/dev/${resource}`;

test("a bridge with an address, STP and a fixed MAC is created, read and deleted", async () => {
  const bridge = await create(bridgeProvider, { name: "lbr0", addresses: ["192.168.100.1/24"], stp: true, macAddress: "52:54:00:00:b0:01", mtu: 1500, managedBy: managedBy("br") });
  const seen = link("lbr0");
  assert.equal(seen?.linkinfo?.info_kind, "bridge");
  assert.equal(seen?.linkinfo?.info_data?.stp_state, 1);
  assert.equal(seen?.address, "52:54:00:00:b0:01");
  assert.ok(seen?.flags.includes("UP"));
  assert.deepEqual(observe.cidrs("lbr0"), ["192.168.100.1/24"]);
  assert.deepEqual(seen?.altnames, [bridge.outs.stamp]);
  assert.deepEqual({ stp: bridge.outs.stp, ports: bridge.outs.ports, macAddress: bridge.outs.macAddress }, { stp: true, ports: [], macAddress: "52:54:00:00:b0:01" });
  const read = await bridgeProvider.read?.(bridge.id, bridge.outs);
  assert.equal(read?.id, "lbr0");
  await bridgeProvider.delete?.(bridge.id, bridge.outs);
  assert.equal(link("lbr0"), undefined);
});

test("a tap joins a bridge, moves to another in place, and leaves when the input is removed", async () => {
  const red = await create(bridgeProvider, { name: "red0", managedBy: managedBy("red") });
  await create(bridgeProvider, { name: "blue0", managedBy: managedBy("blue") });
  const tap = await create(tapInterfaceProvider, { name: "port0", bridge: "red0", managedBy: managedBy("port") });
  assert.equal(link("port0")?.master, "red0");
  assert.equal(tap.outs.bridge, "red0");
  const redRead = await bridgeProvider.read?.(red.id, red.outs);
  assert.deepEqual(redRead?.props.ports, ["port0"]);

  const moved = await update(tapInterfaceProvider, tap, { name: "port0", bridge: "blue0", managedBy: managedBy("port") });
  assert.equal(link("port0")?.master, "blue0");
  assert.equal(link("port0")?.ifindex, tap.outs.ifindex, "moved in place, not replaced");
  assert.equal(moved.bridge, "blue0");

  const left = await update(tapInterfaceProvider, { id: tap.id, outs: moved }, { name: "port0", managedBy: managedBy("port") });
  assert.equal(link("port0")?.master, undefined);
  assert.equal(left.bridge, null, "no bridge: recorded as unset");
});

test("a bridge that does not exist, or a device that is not a bridge, is named in the error", async () => {
  ip("link", "add", "nbveth0", "type", "veth", "peer", "name", "nbveth1");
  const missing = await checked(tapInterfaceProvider, { name: "nbport0", bridge: "nosuchbr", managedBy: managedBy("nb") });
  await assert.rejects(tapInterfaceProvider.create(missing), /bridge: no bridge named nosuchbr exists; create it first/);
  const notBridge = await checked(tapInterfaceProvider, { name: "nbport0", bridge: "nbveth0", managedBy: managedBy("nb") });
  await assert.rejects(tapInterfaceProvider.create(notBridge), /bridge: nbveth0 is a veth device, not a bridge/);
  assert.equal(link("nbport0"), undefined, "the failed creates left nothing behind");
});

test("bridge settings change in place, and drift is read back", async () => {
  const bridge = await create(bridgeProvider, { name: "chg0", addresses: ["10.20.0.1/24"], managedBy: managedBy("chg") });
  const outs = await update(bridgeProvider, bridge, { name: "chg0", addresses: ["10.20.0.1/24", "fd00:20::1/64"], stp: true, description: "lab", managedBy: managedBy("chg") });
  assert.equal(link("chg0")?.ifindex, bridge.outs.ifindex);
  assert.equal(link("chg0")?.linkinfo?.info_data?.stp_state, 1);
  assert.equal(link("chg0")?.ifalias, "lab");
  assert.deepEqual(observe.cidrs("chg0"), ["10.20.0.1/24", "fd00:20::1/64"]);
  ip("link", "set", "chg0", "down");
  const read = await bridgeProvider.read?.(bridge.id, outs);
  assert.equal(read?.props.up, false);
});

test("a bridge name taken by another kind of device is refused; adopt takes over an existing bridge", async () => {
  ip("link", "add", "brveth0", "type", "veth", "peer", "name", "brveth1");
  await assert.rejects(bridgeProvider.create(await checked(bridgeProvider, { name: "brveth0", managedBy: managedBy("x") })), /a veth device named brveth0 already exists/);
  await assert.rejects(bridgeProvider.create(await checked(bridgeProvider, { name: "brveth0", adopt: true, managedBy: managedBy("x") })), /cannot adopt brveth0: it is a veth device, not a bridge/);
  ip("link", "add", "oldbr0", "type", "bridge");
  const adopted = await create(bridgeProvider, { name: "oldbr0", adopt: true, addresses: ["10.30.0.1/24"], managedBy: managedBy("old") });
  assert.deepEqual(link("oldbr0")?.altnames, [adopted.outs.stamp]);
  assert.deepEqual(observe.cidrs("oldbr0"), ["10.30.0.1/24"]);
});

test("TapInterface and Bridge inside a named network namespace", async () => {
  ip("netns", "add", "vmlab");
  const bridge = await create(bridgeProvider, { name: "nsbr0", netns: "vmlab", addresses: ["10.40.0.1/24"], managedBy: managedBy("nsbr") });
  const tap = await create(tapInterfaceProvider, { name: "nstap0", netns: "vmlab", bridge: "nsbr0", managedBy: managedBy("nstap") });
  assert.equal(link("nstap0"), undefined, "not in this namespace");
  assert.equal(link("nstap0", "vmlab")?.master, "nsbr0");
  assert.equal(tap.outs.netns, "vmlab");
  const read = await tapInterfaceProvider.read?.(tap.id, tap.outs);
  assert.equal(read?.props.bridge, "nsbr0");
  await tapInterfaceProvider.delete?.(tap.id, tap.outs);
  await bridgeProvider.delete?.(bridge.id, bridge.outs);
  assert.deepEqual(observe.linkNames("vmlab"), ["lo"]);
  // A namespace deleted with the devices in it: read drops them, delete is done.
  const again = await create(tapInterfaceProvider, { name: "nstap1", netns: "vmlab", managedBy: managedBy("nstap1") });
  ip("netns", "delete", "vmlab");
  assert.deepEqual(await tapInterfaceProvider.read?.(again.id, again.outs), {});
  await tapInterfaceProvider.delete?.(again.id, again.outs);
});
