// Addresses: parsing user text and printing the one canonical form iproute2 prints (RFC 5952 for IPv6, with
// glibc's dotted IPv4 tail for mapped and compatible addresses).
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { formatIPv6, normalizeCidr, parseCidr, parseIPv4, parseIPv6 } from "pulumi-tuntap/model";

describe("normalizeCidr", () => {
  const rows: [given: string, canonical: string][] = [
    ["FD00:0:0::1/64", "fd00::1/64"],
    ["fd00:0000:0000:0000:0000:0000:0000:0001/64", "fd00::1/64"],
    ["2001:db8:0:0:1:0:0:1/64", "2001:db8::1:0:0:1/64"],
    ["2001:0:0:1:0:0:0:1/64", "2001:0:0:1::1/64"],
    ["2001:db8:0:1:1:1:1:1/64", "2001:db8:0:1:1:1:1:1/64"],
    ["1:2:3:4:5:6:7::/64", "1:2:3:4:5:6:7:0/64"],
    ["::1:2:3:4:5:6:7/64", "0:1:2:3:4:5:6:7/64"],
    ["fe80::/10", "fe80::/10"],
    ["1:2:3:4:5:6:1.2.3.4/64", "1:2:3:4:5:6:102:304/64"],
    ["::ffff:10.0.0.1/96", "::ffff:10.0.0.1/96"],
    ["::ffff:a00:1/96", "::ffff:10.0.0.1/96"],
    ["::10.0.0.1/96", "::10.0.0.1/96"],
    ["::2/128", "::2/128"],
    ["10.0.0.1/24", "10.0.0.1/24"],
    ["0.0.0.0/0", "0.0.0.0/0"],
    ["255.255.255.255/32", "255.255.255.255/32"],
  ];
  for (const [given, canonical] of rows) test(`${given} → ${canonical}`, () => assert.equal(normalizeCidr(given), canonical));
});

describe("parseCidr refuses", () => {
  const rows: [given: string, problem: string][] = [
    ["10.0.0.1", "format"],
    ["10.0.0.1//24", "format"],
    ["10.0.0/24", "address"],
    ["10.0.0.1.5/24", "address"],
    ["1.2.3.-4/24", "address"],
    [" 10.0.0.1/24", "address"],
    ["0x0a.0.0.1/8", "address"],
    ["fd00::g/64", "address"],
    ["fd00:12345::1/64", "address"],
    ["1::2:3:4:5:6:7:8/64", "address"],
    ["::1.2.3/96", "address"],
    ["::1.2.3.4:5/96", "address"],
    ["10.0.0.1/", "prefix"],
    ["10.0.0.1/+8", "prefix"],
    ["10.0.0.1/8.0", "prefix"],
    ["fd00::1/1000", "prefix"],
  ];
  for (const [given, problem] of rows) test(`${JSON.stringify(given)}: ${problem}`, () => assert.equal(parseCidr(given), problem));

  // glibc's inet_pton accepts a dotted quad only as the last 32 bits; here one before "::" slips through and
  // "1.2.3.4::" becomes 102:304::. Reported as a bug.
  test('"1.2.3.4::/64": a dotted quad before "::" is not IPv6', () => {
    assert.equal(parseCidr("1.2.3.4::/64"), "address");
  });
});

describe("IPv4 and IPv6 parsers", () => {
  test("parseIPv4 reads four decimal octets", () => assert.deepEqual([...(parseIPv4("192.0.2.33") ?? [])], [192, 0, 2, 33]));
  test("parseIPv4 refuses a leading zero (octal in some parsers)", () => assert.equal(parseIPv4("192.0.2.033"), undefined));
  test("parseIPv6 expands '::' to the missing groups", () => {
    assert.equal(Buffer.from(parseIPv6("fd00::1:2") ?? []).toString("hex"), "fd000000000000000000000000010002");
  });
  test("parseIPv6 refuses eight groups and a '::'", () => assert.equal(parseIPv6("1:2:3:4::5:6:7:8"), undefined));
  test("parseIPv6 refuses the empty string", () => assert.equal(parseIPv6(""), undefined));
  test("formatIPv6 of all zeros is '::'", () => assert.equal(formatIPv6(new Uint8Array(16)), "::"));
});
