// LabNetwork model: the plan made from the inputs (defaults as libvirt's default network has them), every bad input
// refused naming its property before anything is made, and dnsmasq's command lines as exact strings.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { dnsmasqArguments, dnsmasqStartCommand, dnsmasqStopCommand, LabNetworkInputError, type LabNetworkPlan, planLabNetwork } from "pulumi-tuntap";

const identity = { project: "lab", stack: "dev" };
const plan = (args: unknown): LabNetworkPlan => planLabNetwork("default", args, identity);
const MAC = "52:54:00:00:00:10";

describe("LabNetwork plan: libvirt's default network by default", () => {
  test("a gateway address is all it needs: NAT, forwarding and DHCP over the rest of the subnet", () => {
    assert.deepEqual(plan({ address: "192.168.122.1/24" }), {
      address: "192.168.122.1/24",
      gateway: "192.168.122.1",
      subnet: "192.168.122.0/24",
      netmask: "255.255.255.0",
      nat: {},
      forwarding: {},
      dhcp: { range: { start: "192.168.122.2", end: "192.168.122.254" }, leaseTime: "1h", hosts: [], dns: "gateway" },
      runDirectory: "/run/pulumi-tuntap/lab-dev-default",
    });
  });

  test("an isolated network: no NAT and so no forwarding; forwarding may still be asked for, per device too", () => {
    const isolated = plan({ address: "10.0.0.1/24", nat: false, dhcp: false });
    assert.equal(isolated.nat, undefined);
    assert.equal(isolated.forwarding, undefined);
    assert.equal(isolated.dhcp, undefined);
    assert.deepEqual(plan({ address: "10.0.0.1/24", nat: false, forwarding: true }).forwarding, {});
    assert.deepEqual(plan({ address: "10.0.0.1/24", forwarding: { devices: ["eth0"] } }).forwarding, { devices: ["eth0"] });
  });

  test("a gateway in the middle of its subnet: the default range is the larger side of it", () => {
    assert.deepEqual(plan({ address: "10.0.0.200/24" }).dhcp?.range, { start: "10.0.0.1", end: "10.0.0.199" });
    assert.deepEqual(plan({ address: "10.0.0.254/24" }).dhcp?.range, { start: "10.0.0.1", end: "10.0.0.253" });
    assert.deepEqual(plan({ address: "10.0.0.2/30" }).dhcp?.range, { start: "10.0.0.1", end: "10.0.0.1" });
  });

  test("IPv6 alongside: its prefix; fixed leases normalised; atBoot's directory; a trailing / of runDirectory dropped", () => {
    const planned = plan({
      address: "192.168.122.1/24",
      ipv6Address: "FD00:122:0::1/64",
      dhcp: { hosts: [{ macAddress: "52-54-00-AA-00-10", address: "192.168.122.10", name: "vm0" }], dns: ["192.168.122.1", "9.9.9.9"] },
      runDirectory: "/run/lab/",
      atBoot: true,
    });
    assert.deepEqual([planned.ipv6Address, planned.ipv6Subnet], ["fd00:122::1/64", "fd00:122::/64"]);
    assert.deepEqual(planned.dhcp?.hosts, [{ macAddress: "52:54:00:aa:00:10", address: "192.168.122.10", name: "vm0" }]);
    assert.deepEqual(planned.atBoot, { directory: "/etc/systemd/network" });
    assert.equal(planned.runDirectory, "/run/lab");
  });
});

interface Refusal {
  title: string;
  args: Record<string, unknown>;
  property: string;
  reason: RegExp;
}

const lab = { address: "192.168.122.1/24" };
const refusals: Refusal[] = [
  { title: "no address", args: {}, property: "address", reason: /^expected a string, got nothing$/ },
  { title: "an address without prefix", args: { address: "192.168.122.1" }, property: "address", reason: /is not the gateway's IPv4 address with its prefix/ },
  { title: "the wrong family", args: { address: "fd00::1/64" }, property: "address", reason: /is IPv6: address is the lab's IPv4 gateway .* give an IPv6 one as ipv6Address/ },
  { title: "the network address as gateway", args: { address: "192.168.122.0/24" }, property: "address", reason: /is 192\.168\.122\.0\/24's network address; the gateway is a host address, e\.g\. 192\.168\.122\.1\/24/ },
  { title: "the broadcast address as gateway", args: { address: "192.168.122.255/24" }, property: "address", reason: /broadcast address/ },
  { title: "a prefix with no room", args: { address: "192.168.122.1/31" }, property: "address", reason: /leaves no room for guests/ },
  { title: "IPv4 as ipv6Address", args: { ...lab, ipv6Address: "10.0.0.1/24" }, property: "ipv6Address", reason: /is not an IPv6 address with its prefix/ },
  { title: "an IPv6 prefix, no host", args: { ...lab, ipv6Address: "fd00:122::/64" }, property: "ipv6Address", reason: /is not a host address in a lab's prefix/ },
  { title: "a bad bridge name", args: { ...lab, bridgeName: "virbr 0" }, property: "bridgeName", reason: /white space/ },
  { title: "a bad egress device", args: { ...lab, nat: { egressDevice: "a-very-long-uplink" } }, property: "nat.egressDevice", reason: /at most 15 bytes/ },
  { title: "the bridge as egress", args: { ...lab, bridgeName: "virbr0", nat: { egressDevice: "virbr0" } }, property: "nat.egressDevice", reason: /is the lab's own bridge/ },
  { title: "port 0", args: { ...lab, nat: { sourcePorts: { start: 0, end: 65535 } } }, property: "nat.sourcePorts.start", reason: /^must be at least 1, got 0$/ },
  { title: "ports backwards", args: { ...lab, nat: { sourcePorts: { start: 2000, end: 1024 } } }, property: "nat.sourcePorts.end", reason: /^must be at least start \(2000\), got 1024$/ },
  { title: "a device twice", args: { ...lab, forwarding: { devices: ["eth0", "eth0"] } }, property: "forwarding.devices[1]", reason: /repeats forwarding\.devices\[0\]/ },
  { title: "a range outside the subnet", args: { ...lab, dhcp: { range: { start: "192.168.123.2", end: "192.168.122.9" } } }, property: "dhcp.range.start", reason: /^192\.168\.123\.2 is outside the lab's subnet 192\.168\.122\.0\/24$/ },
  { title: "a range backwards", args: { ...lab, dhcp: { range: { start: "192.168.122.9", end: "192.168.122.2" } } }, property: "dhcp.range.end", reason: /comes before start/ },
  { title: "a range over the gateway", args: { address: "10.0.0.100/24", dhcp: { range: { start: "10.0.0.2", end: "10.0.0.200" } } }, property: "dhcp.range", reason: /contains the gateway 10\.0\.0\.100/ },
  { title: "a range ending on the broadcast", args: { ...lab, dhcp: { range: { start: "192.168.122.2", end: "192.168.122.255" } } }, property: "dhcp.range.end", reason: /broadcast address/ },
  { title: "a lease time too short", args: { ...lab, dhcp: { leaseTime: "60s" } }, property: "dhcp.leaseTime", reason: /shorter than 2 minutes/ },
  { title: "a lease time in another syntax", args: { ...lab, dhcp: { leaseTime: "1 hour" } }, property: "dhcp.leaseTime", reason: /is not a lease time like "1h"/ },
  { title: "a host outside the subnet", args: { ...lab, dhcp: { hosts: [{ macAddress: MAC, address: "192.168.122.10" }, { macAddress: "52:54:00:00:00:11", address: "10.0.0.2" }] } }, property: "dhcp.hosts[1].address", reason: /^10\.0\.0\.2 is outside the lab's subnet/ },
  { title: "a host on the gateway", args: { ...lab, dhcp: { hosts: [{ macAddress: MAC, address: "192.168.122.1" }] } }, property: "dhcp.hosts[0].address", reason: /is the gateway's own address/ },
  { title: "a MAC twice", args: { ...lab, dhcp: { hosts: [{ macAddress: MAC, address: "192.168.122.10" }, { macAddress: "52:54:00:00:00:10", address: "192.168.122.11" }] } }, property: "dhcp.hosts[1].macAddress", reason: /has a fixed lease already, in dhcp\.hosts\[0\]/ },
  { title: "an address twice", args: { ...lab, dhcp: { hosts: [{ macAddress: MAC, address: "192.168.122.10" }, { macAddress: "52:54:00:00:00:11", address: "192.168.122.10" }] } }, property: "dhcp.hosts[1].address", reason: /is leased already, to dhcp\.hosts\[0\]/ },
  { title: "a multicast MAC", args: { ...lab, dhcp: { hosts: [{ macAddress: "01:00:5e:00:00:01", address: "192.168.122.10" }] } }, property: "dhcp.hosts[0].macAddress", reason: /multicast/ },
  { title: "a host name with a dot", args: { ...lab, dhcp: { hosts: [{ macAddress: MAC, address: "192.168.122.10", name: "vm0.lab" }] } }, property: "dhcp.hosts[0].name", reason: /one DNS label/ },
  { title: "a DNS server of the wrong family", args: { ...lab, dhcp: { dns: ["fd00::53"] } }, property: "dhcp.dns[0]", reason: /is not an IPv4 address/ },
  { title: "a relative run directory", args: { ...lab, runDirectory: "run/lab" }, property: "runDirectory", reason: /is not an absolute path/ },
  { title: "a run directory with ..", args: { ...lab, runDirectory: "/run/../etc" }, property: "runDirectory", reason: /not written plainly/ },
  { title: "at boot, an uplink networkd cannot name", args: { ...lab, nat: { egressDevice: "eth0" }, atBoot: true }, property: "nat.egressDevice", reason: /cannot be written for boot: networkd's IPMasquerade=/ },
  { title: "at boot, a lease time networkd does not take", args: { ...lab, dhcp: { leaseTime: "12h" }, atBoot: true }, property: "dhcp.leaseTime", reason: /cannot be written for boot/ },
  { title: "an unknown property", args: { ...lab, dhcpRange: "x" }, property: "dhcpRange", reason: /^unknown property "dhcpRange"; the properties are: bridgeName, address, ipv6Address, nat, forwarding, dhcp, runDirectory, netns, atBoot$/ },
];

describe("LabNetwork plan: bad input refused, naming the property", () => {
  for (const refusal of refusals) {
    test(refusal.title, () => {
      assert.throws(
        () => plan(refusal.args),
        (error: unknown) => {
          assert.ok(error instanceof LabNetworkInputError, String(error));
          const failure = error.failures.find((candidate) => candidate.property === refusal.property);
          assert.ok(failure, `a failure on ${refusal.property}: ${error.message}`);
          assert.match(failure.reason, refusal.reason);
          assert.match(error.message, new RegExp(`^LabNetwork "default" has invalid inputs:\\n`));
          return true;
        },
      );
    });
  }

  test("every failure at once, each on its own property", () => {
    assert.throws(
      () => plan({ address: "192.168.122.1/24", dhcp: { hosts: [{ macAddress: MAC, address: "192.168.122.1" }, { macAddress: MAC, address: "10.0.0.2" }] } }),
      (error: unknown) =>
        error instanceof LabNetworkInputError &&
        JSON.stringify(error.failures.map((failure) => failure.property)) === JSON.stringify(["dhcp.hosts[0].address", "dhcp.hosts[1].address", "dhcp.hosts[1].macAddress"]),
    );
  });
});

describe("dnsmasq's command lines", () => {
  const withHosts = plan({
    address: "192.168.122.1/24",
    dhcp: { hosts: [{ macAddress: MAC, address: "192.168.122.10", name: "vm0" }, { macAddress: "52:54:00:00:00:11", address: "192.168.122.11" }] },
    runDirectory: "/run/lab",
  });

  test("the default network: DNS on the gateway, one --dhcp-host per fixed lease, files in the run directory", () => {
    assert.deepEqual(dnsmasqArguments(withHosts, "virbr0"), [
      "dnsmasq",
      "--conf-file=/dev/null",
      "--strict-order",
      "--bind-dynamic",
      "--except-interface=lo",
      "--interface=virbr0",
      "--listen-address=192.168.122.1",
      "--dhcp-range=192.168.122.2,192.168.122.254,255.255.255.0,1h",
      "--dhcp-no-override",
      "--dhcp-authoritative",
      "--dhcp-lease-max=255",
      "--dhcp-host=52:54:00:00:00:10,192.168.122.10,vm0",
      "--dhcp-host=52:54:00:00:00:11,192.168.122.11",
      "--dhcp-leasefile=/run/lab/dnsmasq.leases",
      "--pid-file=/run/lab/dnsmasq.pid",
      "--log-facility=/run/lab/dnsmasq.log",
      "--log-dhcp",
    ]);
  });

  test("dns none: no DNS at all; a list: no DNS of its own, those servers handed out; a namespace: ip netns exec", () => {
    assert.deepEqual(dnsmasqArguments(plan({ ...lab, dhcp: { dns: "none" } }), "br0").slice(-1), ["--port=0"]);
    assert.deepEqual(dnsmasqArguments(plan({ ...lab, dhcp: { dns: ["9.9.9.9", "192.168.122.1"] } }), "br0").slice(-2), ["--port=0", "--dhcp-option=option:dns-server,9.9.9.9,192.168.122.1"]);
    assert.deepEqual(dnsmasqArguments(plan({ ...lab, netns: "lab" }), "br0").slice(0, 5), ["ip", "netns", "exec", "lab", "dnsmasq"]);
  });

  test("start: run directory made, a dnsmasq of this lab still running refused, then dnsmasq in its place", () => {
    const start = dnsmasqStartCommand(withHosts, "virbr0").split("\n");
    assert.deepEqual(start.slice(0, 2), ["set -e", "install -d -m 0755 /run/lab"]);
    assert.match(start[2]!, /^pid=\$\(cat \/run\/lab\/dnsmasq\.pid 2>\/dev\/null\)/);
    assert.match(start[2]!, /\/proc\/\$pid\/comm 2>\/dev\/null\)" != dnsmasq \]/);
    assert.match(start[2]!, /grep -qxF -- --pid-file=\/run\/lab\/dnsmasq\.pid/);
    assert.match(start[3]!, /dnsmasq already runs for this lab \(pid \$pid, \/run\/lab\/dnsmasq\.pid\): stop it, or give this LabNetwork another runDirectory/);
    assert.equal(start[4], "rm -f /run/lab/dnsmasq.pid");
    assert.equal(start[5], `exec ${dnsmasqArguments(withHosts, "virbr0").join(" ")}`);
  });

  test("stop: only this lab's dnsmasq signalled and waited for; pid and lease files removed, the log kept", () => {
    const stop = dnsmasqStopCommand("/run/my lab").split("\n");
    assert.match(stop[0]!, /^pid=\$\(cat '\/run\/my lab\/dnsmasq\.pid' 2>\/dev\/null\)/);
    assert.match(stop[1]!, /^if \[ -n "\$pid" \]; then kill "\$pid" 2>\/dev\/null \|\| true; .*\[ "\$i" -eq 300 \] && kill -KILL "\$pid"/);
    assert.equal(stop[2], "rm -f '/run/my lab/dnsmasq.pid' '/run/my lab/dnsmasq.leases'");
  });
});
