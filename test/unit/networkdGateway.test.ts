// NetworkdFiles with the device as its lab's gateway: a DHCP server (pool, DNS, router, leases by MAC), a
// Masquerade written as IPMasquerade=, a Forwarding written as networkd's version wants it (IPForward= up to 255,
// IPv4Forwarding= from 256); what cannot be said in networkd's words refused by check, naming the property; and
// the files read back to the same settings. Pure.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { checkNetworkdFiles, networkdSpecOf, parseIni, renderNetworkdFiles, settingsFromNetworkdFiles } from "pulumi-tuntap";

const managedBy = "tuntap-tests/dev/lab-files";
const bridge = { kind: "bridge", name: "lab0", addresses: ["10.50.0.1/24", "fd50::1/64"], managedBy };
const dhcpServer = { poolOffset: 100, poolSize: 20, dns: ["10.50.0.1"], staticLeases: [{ macAddress: "52:54:00:00:00:42", address: "10.50.0.42" }] };
const masquerade = { device: "lab0", sources: ["10.50.0.0/24"] };

function failures(news: Record<string, unknown>): string[] {
  return checkNetworkdFiles({}, { ...bridge, ...news }).failures.map((failure) => `${failure.property}: ${failure.reason}`);
}

function network(news: Record<string, unknown>): string {
  const spec = networkdSpecOf(checkNetworkdFiles({}, { ...bridge, ...news }));
  assert.ok(spec, JSON.stringify(failures(news)));
  return renderNetworkdFiles(spec, managedBy).network;
}

function lines(text: string, section: string): string[] {
  return parseIni(text)
    .filter((entry) => entry.name === section)
    .map((entry) => entry.entries.map(([key, value]) => `${key}=${value}`).join("\n"));
}

describe("rendered", () => {
  test("a DHCP server with its pool, DNS and a fixed lease; IPMasquerade= and, for systemd 252, IPForward=", () => {
    const text = network({ dhcpServer, masquerade, forwarding: { ipv4: true, ipv6: false }, networkdVersion: 252 });
    const [networkSection] = lines(text, "Network");
    for (const line of ["DHCPServer=yes", "IPMasquerade=ipv4", "IPForward=ipv4"]) assert.ok(networkSection?.split("\n").includes(line), `${line} in\n${networkSection}`);
    assert.ok(!text.includes("IPv4Forwarding="));
    assert.deepEqual(lines(text, "DHCPServer"), ["PoolOffset=100\nPoolSize=20\nEmitDNS=yes\nDNS=10.50.0.1"]);
    assert.deepEqual(lines(text, "DHCPServerStaticLease"), ["MACAddress=52:54:00:00:00:42\nAddress=10.50.0.42"]);
  });

  test("systemd 256 and later: IPv4Forwarding= and IPv6Forwarding= for the link, no IPForward=", () => {
    const text = network({ forwarding: { ipv4: true, ipv6: true }, networkdVersion: 257 });
    assert.ok(text.includes("IPv4Forwarding=yes\nIPv6Forwarding=yes"), text);
    assert.ok(!text.includes("IPForward="));
  });

  test("the router: the server's own by default, another address, or none", () => {
    assert.ok(!network({ dhcpServer: {} }).includes("Router"));
    assert.deepEqual(lines(network({ dhcpServer: { router: "10.50.0.254" } }), "DHCPServer"), ["EmitRouter=yes\nRouter=10.50.0.254"]);
    assert.deepEqual(lines(network({ dhcpServer: { router: false } }), "DHCPServer"), ["EmitRouter=no"]);
  });

  test("IPMasquerade=both for a Masquerade of both families' prefixes", () => {
    assert.ok(network({ masquerade: { device: "lab0", sources: ["10.50.0.0/24", "fd50::/64"] } }).includes("IPMasquerade=both"));
  });

  test("read back, the files give the same settings, and so the same text", () => {
    const news = { dhcpServer: { ...dhcpServer, router: "10.50.0.254" }, masquerade, forwarding: { ipv4: true, ipv6: false }, networkdVersion: 252 };
    const spec = networkdSpecOf(checkNetworkdFiles({}, { ...bridge, ...news }));
    assert.ok(spec);
    const files = renderNetworkdFiles(spec, managedBy);
    const back = networkdSpecOf(checkNetworkdFiles({}, { ...settingsFromNetworkdFiles(files.netdev, files.network), managedBy }));
    assert.ok(back);
    assert.deepEqual([back.dhcpServer, back.masquerade, back.forwarding, back.networkdVersion], [spec.dhcpServer, spec.masquerade, spec.forwarding, 252]);
    assert.deepEqual(renderNetworkdFiles(back, managedBy), files);
  });
});

describe("refused by check, naming the property", () => {
  const rows: { title: string; news: Record<string, unknown>; expected: RegExp }[] = [
    { title: "DHCP on a tun", news: { kind: "tun", dhcpServer: {} }, expected: /^dhcpServer: a tun device carries IP packets without Ethernet frames/ },
    { title: "DHCP without an IPv4 address", news: { addresses: ["fd50::1/64"], dhcpServer: {} }, expected: /^dhcpServer: the DHCP server needs an IPv4 address on the device/ },
    { title: "a pool past the subnet", news: { dhcpServer: { poolOffset: 250, poolSize: 10 } }, expected: /^dhcpServer\.poolSize: a pool of 10 from offset 250 runs past the end of 10\.50\.0\.0\/24 \(its last host address is at offset 254\)$/ },
    { title: "a lease outside the subnet", news: { dhcpServer: { staticLeases: [{ macAddress: "52:54:00:00:00:01", address: "10.51.0.5" }] } }, expected: /^dhcpServer\.staticLeases\[0\]\.address: 10\.51\.0\.5 is outside 10\.50\.0\.0\/24/ },
    { title: "a lease of the server's own address", news: { dhcpServer: { staticLeases: [{ macAddress: "52:54:00:00:00:01", address: "10.50.0.1" }] } }, expected: /is the server's own address$/ },
    {
      title: "one MAC twice",
      news: { dhcpServer: { staticLeases: [{ macAddress: "52:54:00:00:00:01", address: "10.50.0.5" }, { macAddress: "52:54:00:00:00:01", address: "10.50.0.6" }] } },
      expected: /^dhcpServer\.staticLeases\[1\]\.macAddress: 52:54:00:00:00:01 has a lease already \(staticLeases\[0\]\)$/,
    },
    { title: "a multicast MAC", news: { dhcpServer: { staticLeases: [{ macAddress: "01:00:5e:00:00:01", address: "10.50.0.5" }] } }, expected: /^dhcpServer\.staticLeases\[0\]\.macAddress: / },
    { title: "an IPv6 DNS server", news: { dhcpServer: { dns: ["fd50::1"] } }, expected: /^dhcpServer\.dns\[0\]: "fd50::1" is not an IPv4 address/ },
    { title: "another device's Masquerade", news: { masquerade: { device: "lab1", sources: ["10.50.0.0/24"] } }, expected: /^masquerade: that Masquerade is for lab1, not lab0/ },
    { title: "a Masquerade out of one uplink", news: { masquerade: { ...masquerade, egressDevice: "eth0" } }, expected: /^masquerade\.egressDevice: networkd's IPMasquerade= masquerades out of every other link/ },
    { title: "a Masquerade with a port range", news: { masquerade: { ...masquerade, sourcePorts: { start: 1024, end: 65535 } } }, expected: /^masquerade\.sourcePorts: networkd's IPMasquerade= has no source port range/ },
    { title: "a Masquerade of other prefixes", news: { masquerade: { device: "lab0", sources: ["10.50.0.0/16"] } }, expected: /^masquerade\.sources: networkd masquerades the prefixes of the device's own IPv4 addresses \(10\.50\.0\.0\/24\), not 10\.50\.0\.0\/16/ },
    { title: "per-device forwarding for systemd 252", news: { forwarding: { ipv4: true, ipv6: false, devices: ["lab0"] }, networkdVersion: 252 }, expected: /^forwarding: that Forwarding is for some devices only, but networkd 252's IPForward= turns forwarding on for every device/ },
    { title: "a Forwarding of other devices", news: { forwarding: { ipv4: true, ipv6: false, devices: ["eth0"] }, networkdVersion: 257 }, expected: /^forwarding: that Forwarding is for eth0, not lab0$/ },
    { title: "forwarding for an unknown systemd", news: { forwarding: { ipv4: true, ipv6: false } }, expected: /^networkdVersion: how forwarding is written depends on the systemd version/ },
  ];
  for (const row of rows) {
    test(row.title, () => {
      const found = failures(row.news);
      assert.equal(found.length, 1, found.join("\n"));
      assert.match(found[0] ?? "", row.expected);
    });
  }
});
