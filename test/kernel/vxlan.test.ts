// VXLAN devices against the real kernel, over a veth underlay in this file's own namespace: made, read back and
// compared with `ip -j -d link show`, changed in place where the kernel allows it, and refused — whole, with the
// remedy that fits — where it does not. The kernel's side effects the provider must plan around are asserted
// too, so that a kernel that behaves otherwise is noticed.
import "../support/privateNetns";
import assert from "node:assert/strict";
import { createSocket } from "node:dgram";
import { once } from "node:events";
import { after, before, describe, test } from "node:test";
import {
  changeVxlan,
  createVxlan,
  DeviceExistsError,
  IFLA_VXLAN_ID,
  IFLA_VXLAN_PORT,
  type LinkChange,
  linkPayload,
  netlinkCodec,
  netlinkConstants,
  NoSuchDeviceError,
  rtnetlink,
  VniInUseError,
  VxlanMtuError,
  VxlanPortInUseError,
  VxlanSettingFixedError,
  vxlanLinkMeanings,
} from "pulumi-tuntap/kernel";
import { floodDestinations } from "../support/bridgeFdb";
import { ip, link, mustLink } from "../support/ip";

const netlink = rtnetlink();
const context = (operation: string) => ({ operation, step: "" });
/** A change every link has, with what its refusals mean on a VXLAN device (as the Vxlan kind passes them). */
const changeVxlanLink = (index: number, change: LinkChange, operation: string) => netlink.changeLink(index, change, { ...context(operation), meanings: vxlanLinkMeanings });
const v4 = (text: string) => Buffer.from(text.split(".").map(Number));
const v6 = (last: number) => Buffer.from(`fd00${"0".repeat(26)}${last.toString(16).padStart(2, "0")}`, "hex");

/** The VXLAN part of `ip -j -d link show`. */
function infoData(name: string): Record<string, unknown> {
  return mustLink(name).linkinfo?.info_data ?? {};
}

let underlay = 0;
let otherUnderlay = 0;

before(() => {
  ip("link", "add", "kvu0", "type", "veth", "peer", "name", "kvu1");
  ip("link", "add", "kvw0", "type", "veth", "peer", "name", "kvw1");
  ip("link", "set", "kvw0", "mtu", "9000");
  for (const name of ["kvu0", "kvu1", "kvw0"]) ip("link", "set", name, "up");
  ip("addr", "add", "192.0.2.1/24", "dev", "kvu0");
  underlay = mustLink("kvu0").ifindex;
  otherUnderlay = mustLink("kvw0").ifindex;
});

after(() => netlink.close());

describe("creating and reading", () => {
  test("a device over the underlay: echoed back, and iproute2 reads the settings we read", () => {
    const created = createVxlan(
      netlink,
      { name: "kvx0", vni: 4242, port: 4789, local: v4("192.0.2.1"), underlayIndex: underlay, ttl: 17, learning: false },
      context("create kvx0"),
    );
    const seen = infoData("kvx0");
    assert.equal(created.index, mustLink("kvx0").ifindex);
    assert.equal(mustLink("kvx0").linkinfo?.info_kind, "vxlan");
    assert.deepEqual(
      { id: seen.id, port: seen.port, local: seen.local, link: seen.link, ttl: seen.ttl, learning: seen.learning },
      { id: 4242, port: 4789, local: "192.0.2.1", link: "kvu0", ttl: 17, learning: false },
    );
    const read = netlink.getLink("kvx0", "read kvx0");
    assert.ok(read?.vxlan);
    assert.deepEqual(
      { vni: read.vxlan.vni, port: read.vxlan.port, local: read.vxlan.local?.toString("hex"), underlay: read.vxlan.underlayIndex, ttl: read.vxlan.ttl, learning: read.vxlan.learning, family: read.vxlan.family },
      { vni: 4242, port: 4789, local: "c0000201", underlay, ttl: 17, learning: false, family: 4 },
    );
    assert.equal(read.vxlan.ageing, seen.ageing);
    assert.equal(read.vxlan.udpChecksum, seen.udp_csum);
    assert.equal(read.mtu, 1450, "the kernel gives the underlay's MTU less 50 bytes (IPv4)");
    assert.deepEqual(netlink.getLinkByIndex(created.index, "read by index")?.vxlan, read.vxlan);
  });

  test("over IPv6 the kernel leaves 70 bytes; without an underlay device it gives 1500, leaving none", () => {
    createVxlan(netlink, { name: "kvx6", vni: 6, port: 4789, local: v6(1), underlayIndex: underlay, ttl: 0, learning: true }, context("create kvx6"));
    assert.equal(mustLink("kvx6").mtu, 1430);
    assert.equal(infoData("kvx6").local6, "fd00::1", "ip prints IFLA_VXLAN_LOCAL6 as local6");
    assert.equal(netlink.getLink("kvx6", "read")?.vxlan?.family, 6);
    createVxlan(netlink, { name: "kvxn", vni: 7, port: 4789, ttl: 0, learning: true }, context("create kvxn"));
    assert.equal(mustLink("kvxn").mtu, 1500);
    assert.equal(netlink.getLink("kvxn", "read")?.vxlan?.family, undefined, "neither local nor group: the kernel reports no family");
    ip("link", "del", "kvx6");
    ip("link", "del", "kvxn");
  });

  test("a link that is not VXLAN reads with no VXLAN data", () => {
    assert.equal(netlink.getLink("kvu0", "read kvu0")?.vxlan, undefined);
    assert.equal(netlink.getLink("kvnone", "read kvnone"), undefined);
    assert.equal(netlink.getLinkByAltName("pulumi:no:such:stamp", "read by stamp"), undefined);
  });

  test("refusals: a taken name, a VNI in use on the port, a missing underlay — and nothing is left behind", () => {
    const names = () => ip("-j", "link", "show");
    const before = names();
    assert.throws(() => createVxlan(netlink, { name: "kvx0", vni: 1, port: 4789, ttl: 0, learning: true }, context("create kvx0 again")), DeviceExistsError);
    assert.throws(() => createVxlan(netlink, { name: "kvx9", vni: 4242, port: 4789, ttl: 0, learning: true }, context("create kvx9")), (error: unknown) => {
      assert.ok(error instanceof VniInUseError);
      assert.match(error.message, /A VXLAN device with the specified VNI already exists.*one device per VNI and port/);
      return true;
    });
    assert.throws(() => createVxlan(netlink, { name: "kvx9", vni: 9, port: 4789, underlayIndex: 99999, ttl: 0, learning: true }, context("create kvx9")), (error: unknown) => {
      assert.ok(error instanceof NoSuchDeviceError);
      assert.match(error.message, /Invalid local interface.*underlay device does not exist/);
      return true;
    });
    assert.equal(names(), before);
    // The same VNI on another port is another device.
    createVxlan(netlink, { name: "kvx8", vni: 4242, port: 8472, ttl: 0, learning: true }, context("create kvx8"));
    ip("link", "del", "kvx8");
  });

  test("an MTU above what the underlay carries: the kernel lowers it silently, so the device is removed and the error says so", () => {
    assert.throws(
      () => createVxlan(netlink, { name: "kvxm", vni: 10, port: 4789, underlayIndex: underlay, mtu: 1480, ttl: 0, learning: true }, context("create kvxm")),
      (error: unknown) => {
        assert.ok(error instanceof VxlanMtuError);
        assert.match(error.message, /MTU 1450 instead of 1480.*removed again/);
        return true;
      },
    );
    assert.equal(link("kvxm"), undefined);
    createVxlan(netlink, { name: "kvxm", vni: 10, port: 4789, underlayIndex: underlay, mtu: 1400, ttl: 0, learning: true }, context("create kvxm"));
    assert.equal(mustLink("kvxm").mtu, 1400);
    ip("link", "del", "kvxm");
  });
});

describe("changing in place", () => {
  test("TTL, learning and the local address (same family) in one request", () => {
    const index = mustLink("kvx0").ifindex;
    changeVxlan(netlink, index, [{ kind: "ttl", ttl: 64 }, { kind: "learning", learning: true }, { kind: "local", address: v4("192.0.2.5") }], context("update kvx0"));
    const seen = infoData("kvx0");
    assert.deepEqual({ ttl: seen.ttl, learning: seen.learning, local: seen.local }, { ttl: 64, learning: true, local: "192.0.2.5" });
    assert.equal(mustLink("kvx0").ifindex, index, "the same device");
  });

  test("a multicast group set, changed and removed; the kernel keeps its entry in the FDB in step", () => {
    const index = mustLink("kvx0").ifindex;
    changeVxlan(netlink, index, [{ kind: "group", address: v4("239.1.1.1") }], context("update kvx0"));
    assert.equal(infoData("kvx0").group, "239.1.1.1");
    assert.deepEqual(floodDestinations("kvx0"), ["239.1.1.1"]);
    changeVxlan(netlink, index, [{ kind: "group", address: v4("239.1.1.2") }], context("update kvx0"));
    assert.equal(infoData("kvx0").group, "239.1.1.2");
    assert.deepEqual(floodDestinations("kvx0"), ["239.1.1.2"]);
    changeVxlan(netlink, index, [{ kind: "group", address: v4("0.0.0.0") }], context("update kvx0"));
    assert.equal(infoData("kvx0").group, undefined);
    assert.equal(netlink.getLinkByIndex(index, "read")?.vxlan?.group, undefined);
    assert.deepEqual(floodDestinations("kvx0"), []);
  });

  test("the local address removed, and another underlay device bound (which keeps the lower MTU)", () => {
    const index = mustLink("kvx0").ifindex;
    changeVxlan(netlink, index, [{ kind: "local", address: v4("0.0.0.0") }, { kind: "underlay", index: otherUnderlay }], context("update kvx0"));
    assert.equal(infoData("kvx0").local, undefined);
    assert.equal(infoData("kvx0").link, "kvw0");
    assert.equal(mustLink("kvx0").mtu, 1450, "a larger underlay does not raise the MTU");
    changeVxlan(netlink, index, [{ kind: "underlay", index: underlay }, { kind: "local", address: v4("192.0.2.1") }], context("update kvx0"));
    assert.equal(infoData("kvx0").link, "kvu0");
  });

  test("the MTU changes alone, up to the underlay's less the encapsulation; above, a VxlanMtuError", () => {
    const index = mustLink("kvx0").ifindex;
    changeVxlanLink(index, { kind: "mtu", mtu: 1400 }, "update kvx0");
    assert.equal(mustLink("kvx0").mtu, 1400);
    assert.throws(() => changeVxlanLink(index, { kind: "mtu", mtu: 1451 }, "update kvx0"), (error: unknown) => {
      assert.ok(error instanceof VxlanMtuError);
      assert.match(error.message, /set mtu 1451: EINVAL.*50 bytes over IPv4/);
      return true;
    });
    assert.equal(mustLink("kvx0").mtu, 1400);
  });
});

describe("what needs a new device", () => {
  /** One RTM_NEWLINK carrying a single IFLA_VXLAN_* attribute: the codec has no change for the VNI or the port. */
  function rawChange(index: number, data: netlinkCodec.AttributeInput) {
    const { attribute } = netlinkCodec;
    const payload = linkPayload({ index }, [
      attribute.nested(netlinkConstants.IFLA_LINKINFO, [attribute.string(netlinkConstants.IFLA_INFO_KIND, "vxlan"), attribute.nested(netlinkConstants.IFLA_INFO_DATA, [data])]),
    ]);
    const [result] = netlink.batch([{ type: netlinkConstants.RTM_NEWLINK, payload, context: context("raw change") }]);
    assert.ok(result && !result.ok, "the kernel refuses it");
    return result.error;
  }

  test("another VNI, and the destination port even unchanged: EOPNOTSUPP", () => {
    const index = mustLink("kvx0").ifindex;
    const vni = rawChange(index, netlinkCodec.attribute.u32(IFLA_VXLAN_ID, 4243));
    assert.equal(vni.code, "EOPNOTSUPP");
    assert.match(vni.kernelMessage ?? "", /Cannot change VNI/);
    const port = rawChange(index, { type: IFLA_VXLAN_PORT, value: Buffer.from([0x12, 0xb5]) });
    assert.equal(port.code, "EOPNOTSUPP");
    assert.match(port.kernelMessage ?? "", /Cannot change port/);
    assert.deepEqual([infoData("kvx0").id, infoData("kvx0").port], [4242, 4789]);
  });

  test("the underlay family: a VxlanSettingFixedError, and the whole request is refused (the TTL beside it too)", () => {
    const index = mustLink("kvx0").ifindex;
    const ttlBefore = infoData("kvx0").ttl;
    assert.throws(() => changeVxlan(netlink, index, [{ kind: "ttl", ttl: 3 }, { kind: "local", address: v6(5) }], context("update kvx0")), (error: unknown) => {
      assert.ok(error instanceof VxlanSettingFixedError);
      assert.match(error.message, /New local address family does not match old.*fixed when it is made/);
      return true;
    });
    assert.equal(infoData("kvx0").ttl, ttlBefore);
  });

  test("unbinding the underlay device: accepted, and yet the device stays bound to it", () => {
    createVxlan(netlink, { name: "kvxb", vni: 11, port: 4789, underlayIndex: otherUnderlay, ttl: 0, learning: true }, context("create kvxb"));
    changeVxlan(netlink, mustLink("kvxb").ifindex, [{ kind: "underlay", index: 0 }], context("update kvxb"));
    assert.equal(infoData("kvxb").link, "kvw0", "vxlan_config_apply keeps the remote ifindex when no device is found");
    assert.equal(netlink.getLink("kvxb", "read")?.vxlan?.underlayIndex, otherUnderlay);
  });
});

describe("what the kernel does on its own", () => {
  test("deleting the underlay device deletes the VXLAN devices bound to it", () => {
    assert.ok(link("kvxb"));
    ip("link", "del", "kvw0");
    assert.equal(link("kvxb"), undefined);
    assert.ok(link("kvx0"), "a device over another underlay stays");
  });

  test("the destination port is bound when the device comes up: a port another socket holds fails then, not at creation", async () => {
    const socket = createSocket("udp4");
    socket.bind(4790);
    await once(socket, "listening");
    try {
      const created = createVxlan(netlink, { name: "kvxp", vni: 12, port: 4790, ttl: 0, learning: true }, context("create kvxp"));
      assert.throws(() => changeVxlanLink(created.index, { kind: "up", up: true }, "update kvxp"), (error: unknown) => {
        assert.ok(error instanceof VxlanPortInUseError);
        assert.match(error.message, /set up: EADDRINUSE.*ss -ulpn/);
        return true;
      });
    } finally {
      socket.close();
    }
    changeVxlanLink(mustLink("kvxp").ifindex, { kind: "up", up: true }, "update kvxp");
    assert.ok(mustLink("kvxp").flags.includes("UP"));
  });
});
