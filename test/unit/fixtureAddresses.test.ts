// A real RTM_GETADDR dump (captured by fixtures/capture.ts), decoded without privilege and compared with
// iproute2's reading; printed with the model's formatter, so RFC 5952 output is checked against ip's too.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { type AddressRecord, decodeAddress, decodeDone, isKernelManaged, netlinkCodec, netlinkConstants } from "pulumi-tuntap/kernel";
import { formatAddress } from "pulumi-tuntap/model";
import { datagrams, FIXTURE_FILES, loadFixture } from "./fixtures/format";

const C = netlinkConstants;

interface IpAddressInfo {
  family: "inet" | "inet6";
  local: string;
  prefixlen: number;
  scope: string;
}
interface IpInterface {
  ifindex: number;
  ifname: string;
  addr_info: IpAddressInfo[];
}

const fixture = loadFixture(FIXTURE_FILES.addresses);
const dump = fixture.exchanges[0];
if (dump === undefined) throw new Error(`${FIXTURE_FILES.addresses} holds no exchange`);
const messages = datagrams(dump).flatMap((datagram) => netlinkCodec.parseMessages(datagram));
const records = messages
  .filter((message) => message.header.type === C.RTM_NEWADDR)
  .map((message) => decodeAddress(message.payload))
  .filter((record): record is AddressRecord => record !== undefined);
const seenByIp = fixture.iproute2 as IpInterface[];
const SCOPES: Record<number, string> = { [C.RT_SCOPE_UNIVERSE]: "global", [C.RT_SCOPE_LINK]: "link", [C.RT_SCOPE_HOST]: "host" };

const text = (record: AddressRecord) => `${formatAddress(record.family, record.address)}/${record.prefixLength}`;
const indexOf = (name: string) => seenByIp.find((entry) => entry.ifname === name)?.ifindex;
const addressesOf = (name: string) => records.filter((record) => record.index === indexOf(name));
const recordFor = (cidr: string) => {
  const record = records.find((candidate) => text(candidate) === cidr);
  assert.ok(record, `${cidr} is not in the dump`);
  return record;
};

describe("the address dump", () => {
  test("ends with NLMSG_DONE (0) and answers our sequence number only", () => {
    assert.equal(messages.at(-1)?.header.type, C.NLMSG_DONE);
    assert.equal(decodeDone(messages.at(-1)?.payload ?? Buffer.alloc(0)), 0);
    assert.deepEqual([...new Set(messages.map((message) => message.header.sequence))], [dump.request.sequence]);
  });

  test("holds 10 addresses, IPv4 before IPv6", () => {
    assert.equal(records.length, 10);
    const families = records.map((record) => record.family);
    assert.deepEqual(families, [...families].sort());
  });
});

describe("each interface's addresses agree with iproute2", () => {
  for (const seen of seenByIp) {
    test(`${seen.ifname}: ${seen.addr_info.length} address(es)`, () => {
      const ours = records
        .filter((record) => record.index === seen.ifindex)
        .map((record) => ({ family: record.family === 4 ? "inet" : "inet6", cidr: text(record), scope: SCOPES[record.scope] }));
      const theirs = seen.addr_info.map((info) => ({ family: info.family, cidr: `${info.local}/${info.prefixlen}`, scope: info.scope }));
      assert.deepEqual(ours, theirs);
    });
  }
});

describe("what the capture script set up, decoded", () => {
  test("tap-owned holds a /24, a /31, a /32 and an IPv6 /64, in the order added per family", () => {
    assert.deepEqual(addressesOf("tap-owned").map(text), ["10.0.0.1/24", "192.168.7.0/31", "10.9.9.9/32", "fd00::1/64"]);
  });

  test("an IPv6 address added with nodad is permanent and NODAD (IFA_FLAGS)", () => {
    assert.equal(recordFor("fd00::1/64").flags, C.IFA_F_PERMANENT | C.IFA_F_NODAD);
  });

  test("user-added addresses carry no IFA_PROTO and are not kernel-managed", () => {
    for (const cidr of ["10.0.0.1/24", "fd00::1/64", "2001:db8::1:0:0:1/64", "198.51.100.1/24"]) {
      const record = recordFor(cidr);
      assert.deepEqual([cidr, record.protocol, isKernelManaged(record)], [cidr, undefined, false]);
    }
  });

  test("the veths' IPv6 link-local addresses come with IFA_PROTO kernel_ll and count as kernel-managed", () => {
    const linkLocal = records.filter((record) => record.scope === C.RT_SCOPE_LINK);
    assert.deepEqual(
      linkLocal.map((record) => [record.index, record.protocol, isKernelManaged(record)]),
      [indexOf("veth-b"), indexOf("veth-a")].map((index) => [index, C.IFAPROT_KERNEL_LL, true]),
    );
    for (const record of linkLocal) assert.match(text(record), /^fe80::[0-9a-f:]+\/64$/);
  });

  test("lo's ::1 is kernel-managed (IFA_PROTO kernel_lo)", () => {
    const loopback = recordFor("::1/128");
    assert.deepEqual([loopback.protocol, isKernelManaged(loopback), loopback.scope], [C.IFAPROT_KERNEL_LO, true, C.RT_SCOPE_HOST]);
  });

  test("lo's 127.0.0.1 has no IFA_PROTO on this kernel, so it is not recognised as kernel-made", () => {
    const loopback = recordFor("127.0.0.1/8");
    assert.deepEqual([loopback.protocol, isKernelManaged(loopback)], [undefined, false]);
  });

  test("interfaces without addresses have none in the dump", () => {
    for (const name of ["tap-plain", "tap-mq", "tpl0", "tun-pi"]) assert.deepEqual(addressesOf(name), [], name);
  });
});
