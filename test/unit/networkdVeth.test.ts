// NetworkdFiles for a veth pair: the .netdev makes both ends ([NetDev] Kind=veth, [Peer] Name=), the files parse
// back to the same settings, and what networkd cannot do (a peer in another namespace) is refused, saying so.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { checkNetworkdFiles, networkdSpecOf, parseIni, renderNetworkdFiles, settingsFromNetworkdFiles } from "pulumi-tuntap";

const managedBy = "tuntap-tests/dev/boot";
const veth = { kind: "veth", name: "ve0", peerName: "ve0p", managedBy };

function failures(news: Record<string, unknown>): string[] {
  return checkNetworkdFiles({}, { ...veth, ...news }).failures.map((failure) => `${failure.property}: ${failure.reason}`);
}

function sectionLines(text: string, name: string): string[] {
  return parseIni(text)
    .filter((section) => section.name === name)
    .flatMap((section) => section.entries.map(([key, value]) => `${key}=${value}`));
}

describe("NetworkdFiles for a veth pair", () => {
  const spec = networkdSpecOf(checkNetworkdFiles({}, { ...veth, mtu: 9000, macAddress: "02:00:00:00:0e:01", peerMacAddress: "02:00:00:00:0e:02", addresses: ["10.9.0.1/24"], bridge: "br0" }));

  test("the .netdev makes both ends; the .network configures the first", () => {
    assert.ok(spec);
    const files = renderNetworkdFiles(spec, managedBy);
    assert.deepEqual(sectionLines(files.netdev, "NetDev"), ["Name=ve0", "Kind=veth", "MTUBytes=9000", "MACAddress=02:00:00:00:0e:01"]);
    assert.deepEqual(sectionLines(files.netdev, "Peer"), ["Name=ve0p", "MACAddress=02:00:00:00:0e:02"]);
    assert.deepEqual(sectionLines(files.network, "Match"), ["Name=ve0"]);
    assert.deepEqual(sectionLines(files.network, "Link"), ["RequiredForOnline=no"], "MTU and MAC are the .netdev's for a veth");
    assert.deepEqual(sectionLines(files.network, "Network").filter((line) => !line.startsWith("ConfigureWithoutCarrier") && !line.startsWith("IPv6AcceptRA")), ["Address=10.9.0.1/24", "Bridge=br0"]);
  });

  test("the files parse back to exactly the settings", () => {
    assert.ok(spec);
    const files = renderNetworkdFiles(spec, managedBy);
    const { directory: _d, fileStem: _f, managedBy: _m, ...settings } = spec;
    assert.deepEqual(settingsFromNetworkdFiles(files.netdev, files.network), settings);
  });

  test("a peer in another namespace is refused: networkd cannot put it there", () => {
    assert.deepEqual(failures({ peerNetns: "lab" }).map((failure) => failure.split(":")[0]), ["peerNetns"]);
    assert.match(failures({ peerNetns: "lab" })[0] ?? "", /systemd-networkd cannot put a veth peer into another network namespace/);
  });

  test("a veth needs its peer's name; a peer on another kind, or a TUN/TAP setting on a veth, is named", () => {
    assert.deepEqual(failures({ peerName: undefined }), ["peerName: required for a veth pair: the peer's interface name (the NetworkdFiles class takes it from the pair)"]);
    assert.deepEqual(failures({ kind: "tap" }), ["peerName: only a veth pair has a peer"]);
    assert.deepEqual(failures({ owner: 0 }), ["owner: a veth has no owner or group: only TUN/TAP devices are opened by a process"]);
    assert.deepEqual(failures({ stp: true }), ["stp: Spanning Tree is a bridge setting"]);
  });
});
