// The LabNetwork component under Pulumi's mocks: which children it makes, under it, with which inputs — the bridge
// with the gateway's address, the Masquerade of the lab's prefixes on it, the Forwarding, dnsmasq's Command whose
// create and delete are exactly the model's command lines for the bridge's name output, and the boot files with
// networkd's DHCP server as the range and the fixed leases say. No engine, no kernel: the real runs are the CLI and
// VM tests (test/vm/vmLabNat.test.ts).
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { dnsmasqStartCommand, dnsmasqStopCommand, LabNetwork, LabNetworkInputError, planLabNetwork } from "pulumi-tuntap";
import { installMocks, registered, registrationsOf, TYPES, valueOf } from "../examples/support/mocks";

const registrations = installMocks("lab", "dev");
const HOSTS = [
  { macAddress: "52:54:00:00:00:10", address: "192.168.122.10", name: "vm0" },
  { macAddress: "52:54:00:00:00:11", address: "192.168.122.11" },
];

function only(type: string, name: string) {
  const found = registrationsOf(registrations, type).filter((registration) => registration.name === name);
  assert.equal(found.length, 1, `one ${type} named ${name}`);
  return found[0]!;
}

describe("LabNetwork: libvirt's default network, declared", () => {
  const lab = new LabNetwork("default", {
    bridgeName: "virbr0",
    address: "192.168.122.1/24",
    ipv6Address: "fd00:122::1/64",
    dhcp: { hosts: HOSTS },
    runDirectory: "/run/lab",
    atBoot: { directory: "/run/systemd/network" },
  });

  test("its children, each under it", async () => {
    const children = [lab.bridge, lab.masquerade!, lab.forwarding!, lab.dnsmasq!, lab.bootFiles!];
    await registered(lab, ...children);
    const urns = await Promise.all(children.map((child) => valueOf(child.urn)));
    assert.deepEqual(
      urns.map((urn) => urn.split("::").slice(2).join("::")),
      [
        "tuntap:index:LabNetwork$pulumi-nodejs:dynamic/tuntap:Bridge::default-bridge",
        "tuntap:index:LabNetwork$pulumi-nodejs:dynamic/tuntap:Masquerade::default-nat",
        "tuntap:index:LabNetwork$pulumi-nodejs:dynamic/tuntap:Forwarding::default-forwarding",
        "tuntap:index:LabNetwork$command:local:Command::default-dnsmasq",
        "tuntap:index:LabNetwork$pulumi-nodejs:dynamic/tuntap:NetworkdFiles::default-boot",
      ],
    );
  });

  test("the bridge holds the gateway's addresses; the Masquerade takes the lab's prefixes on it; forwarding for both families", async () => {
    await registered(lab.bridge, lab.masquerade!, lab.forwarding!);
    const bridge = only(TYPES.bridge, "default-bridge").inputs;
    assert.deepEqual([bridge.name, bridge.addresses, bridge.stp], ["virbr0", ["192.168.122.1/24", "fd00:122::1/64"], false]);
    const nat = only(TYPES.masquerade, "default-nat").inputs;
    assert.deepEqual([nat.sources, nat.device, nat.egressDevice], [["192.168.122.0/24", "fd00:122::/64"], "virbr0", undefined]);
    const forwarding = only(TYPES.forwarding, "default-forwarding").inputs;
    assert.deepEqual([forwarding.ipv4, forwarding.ipv6, forwarding.devices], [true, true, undefined]);
  });

  test("dnsmasq: create and delete are the model's command lines for the bridge's name; its files and hosts as outputs", async () => {
    await registered(lab.dnsmasq!);
    const command = only(TYPES.command, "default-dnsmasq").inputs;
    const plan = planLabNetwork("default", { bridgeName: "virbr0", address: "192.168.122.1/24", ipv6Address: "fd00:122::1/64", dhcp: { hosts: HOSTS }, runDirectory: "/run/lab", atBoot: { directory: "/run/systemd/network" } }, { project: "lab", stack: "dev" });
    assert.equal(command.create, dnsmasqStartCommand(plan, "virbr0"));
    assert.equal(command.delete, dnsmasqStopCommand("/run/lab"));
    assert.deepEqual(command.interpreter, ["/bin/sh", "-c"]);
    assert.equal((command.triggers as unknown[]).length, 2, "the bridge's ifindex and the DHCP configuration's hash");
    assert.deepEqual([lab.pidFile, lab.leasesFile, lab.logFile], ["/run/lab/dnsmasq.pid", "/run/lab/dnsmasq.leases", "/run/lab/dnsmasq.log"]);
    assert.deepEqual(lab.hosts, HOSTS);
    assert.deepEqual([lab.gateway, lab.subnet, lab.dhcpRange], ["192.168.122.1", "192.168.122.0/24", { start: "192.168.122.2", end: "192.168.122.254" }]);
    assert.match(await valueOf(lab.dnsmasqCommand!), /^dnsmasq --conf-file=\/dev\/null .* --interface=virbr0 .* --dhcp-host=52:54:00:00:00:10,192\.168\.122\.10,vm0 /);
    assert.equal(await valueOf(lab.masqueradeTable!), "pulumi-default-nat-1a2b3c");
  });

  test("at boot: networkd's DHCP server over the same range with the same fixed leases, the Masquerade and the Forwarding", async () => {
    await registered(lab.bootFiles!);
    const files = only(TYPES.networkdFiles, "default-boot").inputs;
    assert.deepEqual([files.kind, files.name, files.directory], ["bridge", "virbr0", "/run/systemd/network"]);
    assert.deepEqual(files.dhcpServer, {
      poolOffset: 2,
      poolSize: 253,
      staticLeases: HOSTS.map(({ macAddress, address }) => ({ macAddress, address })),
    });
    assert.deepEqual(files.masquerade, { device: "virbr0", sources: ["192.168.122.0/24", "fd00:122::/64"] });
    assert.deepEqual(files.forwarding, { ipv4: true, ipv6: true });
  });
});

describe("LabNetwork: other shapes", () => {
  test("isolated (nat and dhcp false): the bridge alone", async () => {
    const lab = new LabNetwork("isolated", { address: "10.9.0.1/24", nat: false, dhcp: false });
    await registered(lab, lab.bridge);
    assert.deepEqual([lab.masquerade, lab.forwarding, lab.dnsmasq, lab.bootFiles, lab.pidFile], [undefined, undefined, undefined, undefined, undefined]);
    assert.deepEqual(await valueOf(lab.forwardDropChains), []);
    assert.equal(only(TYPES.bridge, "isolated-bridge").inputs.name, undefined, "the Bridge derives its own name");
  });

  test("an uplink and ports for the NAT, forwarding on the bridge and the uplink only, DNS handed out from a list", async () => {
    const lab = new LabNetwork("uplinked", {
      bridgeName: "labbr7",
      address: "10.7.0.1/24",
      nat: { egressDevice: "eth0", sourcePorts: { start: 1024, end: 65535 } },
      forwarding: { devices: ["eth0"] },
      dhcp: { dns: ["9.9.9.9"] },
      netns: "host7",
    });
    await registered(lab.masquerade!, lab.forwarding!, lab.dnsmasq!);
    const nat = only(TYPES.masquerade, "uplinked-nat").inputs;
    assert.deepEqual([nat.egressDevice, nat.sourcePorts, nat.netns], ["eth0", { start: 1024, end: 65535 }, "host7"]);
    assert.deepEqual(only(TYPES.forwarding, "uplinked-forwarding").inputs.devices, ["labbr7", "eth0"]);
    assert.match(String(only(TYPES.command, "uplinked-dnsmasq").inputs.create), /exec ip netns exec host7 dnsmasq .* --port=0 --dhcp-option=option:dns-server,9\.9\.9\.9$/);
    assert.equal(lab.runDirectory, "/run/pulumi-tuntap/lab-dev-uplinked");
  });

  test("bad input throws before any child is registered, naming the property", () => {
    const before = registrations.length;
    assert.throws(() => new LabNetwork("bad", { address: "192.168.122.1/24", dhcp: { hosts: [{ macAddress: "52:54:00:00:00:10", address: "10.0.0.2" }] } }), (error: unknown) => {
      assert.ok(error instanceof LabNetworkInputError);
      assert.match(error.message, /dhcp\.hosts\[0\]\.address: 10\.0\.0\.2 is outside the lab's subnet 192\.168\.122\.0\/24/);
      return true;
    });
    assert.equal(registrationsOf(registrations.slice(before), TYPES.bridge).length, 0);
  });
});
