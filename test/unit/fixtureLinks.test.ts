// A real RTM_GETLINK dump (captured by fixtures/capture.ts on Linux 6.18), decoded without privilege and
// compared with what iproute2 read from the same namespace at the same moment.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { decodeDone, decodeLink, decodeLinkGroupMembership, isPromiscuous, isUp, type Link, netlinkCodec, netlinkConstants } from "pulumi-tuntap/kernel";
import { formatMac } from "pulumi-tuntap/model";
import type { IpLink } from "../support/ip";
import { datagrams, FIXTURE_FILES, loadFixture } from "./fixtures/format";

const C = netlinkConstants;


const fixture = loadFixture(FIXTURE_FILES.links);
const dump = fixture.exchanges[0];
if (dump === undefined) throw new Error(`${FIXTURE_FILES.links} holds no exchange`);
const messages = datagrams(dump).flatMap((datagram) => netlinkCodec.parseMessages(datagram));
const links = messages.filter((message) => message.header.type === C.RTM_NEWLINK).map((message) => decodeLink(message.payload));
const seenByIp = fixture.iproute2 as IpLink[];

function linkNamed(name: string): Link {
  const link = links.find((candidate) => candidate.name === name);
  assert.ok(link, `${name} is not in the dump`);
  return link;
}

describe("the dump as a whole", () => {
  test("spans several datagrams, every message answering our sequence number", () => {
    assert.ok(dump.datagramsHex.length > 1, "the dump should need more than one datagram");
    assert.deepEqual([...new Set(messages.map((message) => message.header.sequence))], [dump.request.sequence]);
  });

  test("every link is an NLM_F_MULTI RTM_NEWLINK, and NLMSG_DONE (0) ends the dump", () => {
    const last = messages.at(-1);
    assert.equal(last?.header.type, C.NLMSG_DONE);
    assert.equal(decodeDone(last?.payload ?? Buffer.alloc(0)), 0);
    for (const message of messages.slice(0, -1)) {
      assert.equal(message.header.type, C.RTM_NEWLINK);
      assert.ok((message.header.flags & C.NLM_F_MULTI) !== 0);
    }
  });

  test("holds the same links as ip saw, in ifindex order", () => {
    assert.deepEqual(
      links.map((link) => [link.index, link.name]),
      seenByIp.map((link) => [link.ifindex, link.ifname]),
    );
    assert.equal(links.length, 9);
  });
});

describe("each link agrees with iproute2", () => {
  for (const seen of seenByIp) {
    test(seen.ifname, () => {
      const link = linkNamed(seen.ifname);
      const master = seen.master === undefined ? undefined : seenByIp.find((candidate) => candidate.ifname === seen.master)?.ifindex;
      assert.deepEqual(
        {
          index: link.index,
          mtu: link.mtu,
          minMtu: link.minMtu,
          maxMtu: link.maxMtu,
          txQueueLength: link.txQueueLength,
          address: link.hardwareAddress === undefined ? undefined : formatMac(link.hardwareAddress),
          alias: link.alias,
          master: link.master,
          group: link.group,
          altNames: link.altNames,
          up: isUp(link),
          promiscuous: isPromiscuous(link),
          kind: link.kind,
          portKind: link.portKind,
        },
        {
          index: seen.ifindex,
          mtu: seen.mtu,
          minMtu: seen.min_mtu,
          maxMtu: seen.max_mtu,
          txQueueLength: seen.txqlen,
          address: seen.address,
          alias: seen.ifalias,
          master,
          group: seen.group === "default" ? 0 : Number(seen.group),
          altNames: seen.altnames ?? [],
          up: seen.flags.includes("UP"),
          promiscuous: seen.flags.includes("PROMISC"),
          kind: seen.linkinfo?.info_kind,
          portKind: seen.linkinfo?.info_slave_kind,
        },
      );
      const data = seen.linkinfo?.info_data;
      if (seen.linkinfo?.info_kind === "tun" && data !== undefined) {
        assert.deepEqual(
          { ...link.tun },
          {
            type: data.type,
            packetInfo: data.pi,
            vnetHdr: data.vnet_hdr,
            persist: data.persist,
            multiQueue: data.multi_queue,
            ...(data.user === undefined ? {} : { owner: data.user }),
            ...(data.group === undefined ? {} : { group: data.group }),
            ...(data.numqueues === undefined ? {} : { numQueues: data.numqueues }),
            ...(data.numdisabled === undefined ? {} : { numDisabledQueues: data.numdisabled }),
          },
        );
      }
      if (seen.linkinfo?.info_kind === "bridge" && data !== undefined) {
        assert.deepEqual(link.bridge, { stpState: data.stp_state, forwardDelay: data.forward_delay });
      }
    });
  }
});

describe("what the capture script set up, decoded", () => {
  test("tap-owned: a persistent single-queue tap with owner 4242 and group 4343", () => {
    assert.deepEqual(linkNamed("tap-owned").tun, { type: "tap", packetInfo: false, vnetHdr: false, persist: true, multiQueue: false, owner: 4242, group: 4343 });
  });

  test("tap-owned: MTU, MAC, txqueuelen, link group, alias as set", () => {
    const link = linkNamed("tap-owned");
    assert.deepEqual(
      [link.mtu, link.hardwareAddress?.toString("hex"), link.txQueueLength, link.group, link.alias, link.deviceType],
      [9000, "525400123456", 42, 77, "uplink for vm 7", 1],
    );
  });

  test("tap-owned: both altnames, the ownership stamp first, in the order they were added", () => {
    assert.deepEqual(linkNamed("tap-owned").altNames, ["pulumi:lab:dev:uplink:0123abcd", "uplink7"]);
  });

  test("tap-owned: up and promiscuous by request, but without carrier (no process holds it)", () => {
    const link = linkNamed("tap-owned");
    assert.deepEqual([isUp(link), isPromiscuous(link), link.carrier, (link.flags & C.IFF_LOWER_UP) !== 0], [true, true, false, false]);
  });

  test("a tap without owner or group reports neither (the kernel leaves the attributes out)", () => {
    const tun = linkNamed("tap-mq").tun;
    assert.ok(tun);
    assert.equal(Object.hasOwn(tun, "owner") || Object.hasOwn(tun, "group"), false);
  });

  test("tap-mq: multi-queue with vnet headers and no queue attached", () => {
    assert.deepEqual(linkNamed("tap-mq").tun, { type: "tap", packetInfo: false, vnetHdr: true, persist: true, multiQueue: true, numQueues: 0, numDisabledQueues: 0 });
  });

  test("tpl%d: the kernel filled in the template as tpl0", () => assert.equal(linkNamed("tpl0").kind, "tun"));

  test("tun-pi: a tun with packet info, no link-layer address, ARPHRD_NONE", () => {
    const link = linkNamed("tun-pi");
    assert.deepEqual(link.tun, { type: "tun", packetInfo: true, vnetHdr: false, persist: true, multiQueue: false });
    assert.equal(link.hardwareAddress, undefined);
    assert.deepEqual([link.deviceType, link.maxMtu], [0xfffe, 65535]);
  });

  test("br-lab: a bridge with STP on, the master of tap-plain and veth-a", () => {
    const bridge = linkNamed("br-lab");
    assert.deepEqual([bridge.kind, bridge.bridge?.stpState], ["bridge", 1]);
    const ports = links.filter((link) => link.master === bridge.index).map((link) => [link.name, link.portKind]);
    assert.deepEqual(ports, [["tap-plain", "bridge"], ["veth-a", "bridge"]]);
  });

  test("a bridge port is promiscuous in the kernel's count but not by request", () => {
    const port = linkNamed("tap-plain");
    assert.deepEqual([port.promiscuity, isPromiscuous(port)], [1, false]);
  });

  test("veth-b: a veth with carrier, no master", () => {
    const link = linkNamed("veth-b");
    assert.deepEqual([link.kind, link.carrier, link.master, link.portKind], ["veth", true, undefined, undefined]);
  });

  test("the group membership reader agrees with decodeLink on every captured link (tap-owned in group 77)", () => {
    const memberships = messages.filter((message) => message.header.type === C.RTM_NEWLINK).map((message) => decodeLinkGroupMembership(message.payload));
    assert.deepEqual(memberships, links.map((link) => ({ index: link.index, group: link.group })));
    assert.ok(memberships.some((membership) => membership.group === 77));
  });

  test("lo: no IFLA_LINKINFO kind, an all-zero address", () => {
    const lo = linkNamed("lo");
    assert.deepEqual([lo.kind, lo.hardwareAddress?.toString("hex"), lo.deviceType], [undefined, "000000000000", 772]);
  });
});

describe("decoding is strict about the captured bytes", () => {
  test("a captured link message cut inside its first attribute throws NetlinkFormatError", () => {
    const message = messages.find((candidate) => candidate.header.type === C.RTM_NEWLINK);
    assert.ok(message);
    // ifinfomsg (16 bytes), then 6 bytes of IFLA_IFNAME, which claims more.
    assert.throws(() => decodeLink(message.payload.subarray(0, 22)), netlinkCodec.NetlinkFormatError);
  });

  test("a captured datagram cut in the middle of its first message throws NetlinkFormatError", () => {
    const [first] = datagrams(dump);
    assert.ok(first);
    assert.throws(() => netlinkCodec.parseMessages(first.subarray(0, 40)), netlinkCodec.NetlinkFormatError);
  });
});
