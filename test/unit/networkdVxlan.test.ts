// NetworkdFiles for a VXLAN device: the .netdev's [VXLAN] (and Independent=yes only without an underlay), one
// [BridgeFDB] all-zero remote per peer in the .network, VXLAN= in the underlay's .network; the files parse back to
// the settings; what does not fit is refused, per property.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { checkNetworkdFiles, networkdSpecOf, parseIni, renderNetworkdFiles, settingsFromNetworkdFiles } from "pulumi-tuntap";

const managedBy = "tuntap-tests/dev/boot";
const vxlan = { kind: "vxlan", name: "vx0", vni: 4242, destinationPort: 4789, local: "192.0.2.1", learning: false, ttl: 0, mtu: 1450, managedBy };

function failures(news: Record<string, unknown>): string[] {
  return checkNetworkdFiles({}, { ...vxlan, ...news }).failures.map((failure) => `${failure.property}: ${failure.reason}`);
}

function files(news: Record<string, unknown>) {
  const spec = networkdSpecOf(checkNetworkdFiles({}, { ...vxlan, ...news }));
  assert.ok(spec, "the inputs check");
  return { spec, ...renderNetworkdFiles(spec, managedBy) };
}

function sectionLines(text: string, name: string): string[] {
  return parseIni(text)
    .filter((section) => section.name === name)
    .flatMap((section) => section.entries.map(([key, value]) => `${key}=${value}`));
}

describe("NetworkdFiles for a VXLAN device", () => {
  test("without an underlay: [VXLAN] with Independent=yes, one [BridgeFDB] per peer, the bridge port", () => {
    const { netdev, network } = files({ peers: ["192.0.2.2", "192.0.2.3"], bridge: "lab0" });
    assert.deepEqual(sectionLines(netdev, "NetDev"), ["Name=vx0", "Kind=vxlan", "MTUBytes=1450"]);
    assert.deepEqual(sectionLines(netdev, "VXLAN"), ["VNI=4242", "Local=192.0.2.1", "DestinationPort=4789", "MacLearning=no", "UDPChecksum=yes", "Independent=yes"]);
    assert.deepEqual(sectionLines(network, "BridgeFDB"), [
      "MACAddress=00:00:00:00:00:00",
      "Destination=192.0.2.2",
      "MACAddress=00:00:00:00:00:00",
      "Destination=192.0.2.3",
    ]);
    assert.equal(parseIni(network).filter((section) => section.name === "BridgeFDB").length, 2, "a section per peer");
    assert.ok(sectionLines(network, "Network").includes("Bridge=lab0"));
  });

  test("over an underlay: no Independent=, and the underlay's .network names it with VXLAN=", () => {
    const overlay = files({ underlay: "eth1", multicastGroup: "239.1.1.1", ttl: 8, learning: true });
    assert.deepEqual(sectionLines(overlay.netdev, "VXLAN"), ["VNI=4242", "Local=192.0.2.1", "Group=239.1.1.1", "DestinationPort=4789", "MacLearning=yes", "TTL=8", "UDPChecksum=yes"]);
    assert.match(overlay.netdev, /Made when eth1's \.network file says VXLAN=/);
    const underlay = networkdSpecOf(checkNetworkdFiles({}, { kind: "veth", name: "eth1", peerName: "eth1p", vxlans: [{ name: "vx0", underlay: "eth1" }], managedBy }));
    assert.ok(underlay);
    assert.ok(sectionLines(renderNetworkdFiles(underlay, managedBy).network, "Network").includes("VXLAN=vx0"));
  });

  test("the files parse back to the settings (the underlay is named only in a comment, and in its own .network)", () => {
    const { spec, netdev, network } = files({ peers: ["192.0.2.2"], bridge: "lab0", multicastGroup: undefined });
    const { directory: _d, fileStem: _f, managedBy: _m, ...settings } = spec;
    assert.deepEqual(settingsFromNetworkdFiles(netdev, network), settings);
    const carrier = networkdSpecOf(checkNetworkdFiles({}, { kind: "bridge", name: "br0", vxlans: [{ name: "vx0", underlay: "br0" }], managedBy }));
    assert.ok(carrier);
    const rendered = renderNetworkdFiles(carrier, managedBy);
    assert.deepEqual(settingsFromNetworkdFiles(rendered.netdev, rendered.network).vxlans, [{ name: "vx0", underlay: "br0" }]);
  });

  test("refused: no VNI, VXLAN settings on another kind, a VXLAN device carried by the wrong link, TUN/TAP settings, too many peers", () => {
    assert.deepEqual(failures({ vni: undefined }), ["vni: required for a VXLAN device (the NetworkdFiles class takes it from the Vxlan)"]);
    assert.deepEqual(
      checkNetworkdFiles({}, { kind: "tap", name: "tap0", vni: 1, peers: ["192.0.2.2"], managedBy }).failures.map((failure) => failure.property).sort(),
      ["peers", "vni"],
    );
    assert.deepEqual(
      checkNetworkdFiles({}, { kind: "bridge", name: "br0", vxlans: [{ name: "vx0", underlay: "eth1" }], managedBy }).failures.map((failure) => `${failure.property}: ${failure.reason}`),
      ["vxlans[0]: vx0 is made over eth1, not br0: give it to eth1's NetworkdFiles"],
    );
    assert.deepEqual(failures({ owner: 0 }), ["owner: a vxlan has no owner or group: only TUN/TAP devices are opened by a process"]);
    const many = Array.from({ length: 1025 }, (_, index) => `10.${index >> 8}.${index & 255}.1`);
    assert.match(failures({ peers: many })[0] ?? "", /^peers: systemd-networkd reads at most 1024 \[BridgeFDB\] sections/);
    assert.deepEqual(failures({ peers: ["239.1.1.1"] }).map((failure) => failure.split(":")[0]), ["peers[0]"]);
  });
});
