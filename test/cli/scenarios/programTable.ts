// One entry per stack program of the repository: the root program and every directory under examples/
// (programs.test.ts fails for an example without an entry). An entry says what its first `up` must leave in
// the kernel, a config change that updates in place, one that forces a replacement, and a drift to make
// behind the stack's back with `ip` — and how the refreshed state and the next `up` must show it. Everything
// else in the sequence (preview, no-change up, devices deleted behind the stack's back, destroy) is the same
// for all programs: see sequence.ts.
import assert from "node:assert/strict";
import { cidrs, ip } from "../../support/ip";
import { routeLines } from "../../support/ipRoute";
import type { ManagedDevice } from "../support/stateView";
import { assertGone, assertTap, mustLink } from "../support/kernel";

export interface ProgramScenario {
  /** The directory holding the program's Pulumi.yaml, relative to the repository root. */
  directory: string;
  /** Stack config for the first up (keys without a namespace belong to the project). */
  config?: Record<string, string>;
  /** What the kernel must show after the first up. */
  afterUp(devices: readonly ManagedDevice[]): void;
  /** A config change the provider applies in place; `expect` checks the kernel afterwards. */
  update: { config: Record<string, string>; expect(devices: readonly ManagedDevice[]): void };
  /** A config change that forces a new device; `expect` checks the kernel afterwards. */
  replace: { config: Record<string, string>; expect(devices: readonly ManagedDevice[]): void };
  drift: {
    /** Changes a managed device behind the stack's back, with `ip`. */
    make(devices: readonly ManagedDevice[]): void;
    /** How the state after `refresh` must show it. */
    inState(devices: readonly ManagedDevice[]): void;
    /** The kernel after the next `up`, which puts the declared settings back. */
    repaired(devices: readonly ManagedDevice[]): void;
  };
}

function only(devices: readonly ManagedDevice[]): ManagedDevice {
  assert.equal(devices.length, 1, "the program manages one device");
  return devices[0]!;
}

/** examples/tutorial-tap0, which the root Pulumi.yaml also runs (as another project, so other stamps). */
function tutorialTap0(directory: string): ProgramScenario {
  return {
    directory,
    afterUp: () => {
      assertTap("tap0", { mtu: 1500, addresses: ["192.168.0.1/24"], up: true, promiscuous: true, user: "root" });
    },
    update: {
      config: { mtu: "1400", address: "10.0.0.1/24" },
      expect: () => {
        assertTap("tap0", { mtu: 1400, addresses: ["10.0.0.1/24"], up: true, promiscuous: true });
      },
    },
    replace: {
      config: { name: "tap1" },
      expect: () => {
        assertGone("tap0");
        assertTap("tap1", { mtu: 1400, addresses: ["10.0.0.1/24"], up: true, promiscuous: true, user: "root" });
      },
    },
    drift: {
      make: (devices) => {
        const device = only(devices);
        ip("link", "set", device.name, "mtu", "1280");
        ip("link", "set", device.name, "promisc", "off");
      },
      inState: (devices) => {
        const device = only(devices);
        assert.equal(device.outputs.mtu, 1280, "refresh recorded the MTU found");
        assert.equal(device.outputs.promiscuous, false, "refresh recorded promiscuous mode off");
      },
      repaired: () => {
        assertTap("tap1", { mtu: 1400, promiscuous: true });
      },
    },
  };
}

const byName = (devices: readonly ManagedDevice[], name: string) => {
  const device = devices.find((candidate) => candidate.name === name);
  assert.ok(device, `the state records ${name}`);
  return device;
};

/** examples/vm-lab: a bridge and two multi-queue taps owned by nobody. */
const vmLab: ProgramScenario = {
  directory: "examples/vm-lab",
  afterUp: () => {
    assert.equal(mustLink("labbr0").linkinfo?.info_kind, "bridge");
    assert.deepEqual(cidrs("labbr0"), ["192.168.100.1/24"]);
    for (const tap of ["labtap0", "labtap1"]) {
      const device = assertTap(tap, { user: "nobody", up: true });
      assert.equal(device.linkinfo?.info_data?.multi_queue, true);
      assert.equal(device.master, "labbr0");
    }
  },
  update: { config: { bridgeAddress: "192.168.101.1/24" }, expect: () => assert.deepEqual(cidrs("labbr0"), ["192.168.101.1/24"]) },
  replace: {
    config: { tapPrefix: "vmtap" },
    expect: () => {
      assertGone("labtap0");
      assert.equal(assertTap("vmtap0", { user: "nobody" }).master, "labbr0");
    },
  },
  drift: {
    make: () => ip("link", "set", "vmtap0", "nomaster"),
    inState: (devices) => assert.equal(byName(devices, "vmtap0").outputs.bridge, null),
    repaired: () => assert.equal(mustLink("vmtap0").master, "labbr0"),
  },
};

/** examples/microvm-net: one tap and /30 per microVM. */
const microVmNet: ProgramScenario = {
  directory: "examples/microvm-net",
  afterUp: () => {
    assertTap("fc-tap0", { addresses: ["172.16.0.1/30"], up: true });
    assertTap("fc-tap1", { addresses: ["172.16.0.5/30"], up: true });
  },
  update: { config: { baseCidr: "172.16.1.0/24" }, expect: () => assertTap("fc-tap1", { addresses: ["172.16.1.5/30"] }) },
  replace: {
    config: { tapPrefix: "mvm" },
    expect: () => {
      assertGone("fc-tap0");
      assertTap("mvm0", { addresses: ["172.16.1.1/30"] });
    },
  },
  drift: {
    make: () => ip("addr", "flush", "dev", "mvm0"),
    inState: (devices) => assert.deepEqual(byName(devices, "mvm0").outputs.addresses, []),
    repaired: () => assertTap("mvm0", { addresses: ["172.16.1.1/30"] }),
  },
};

function assertTun(name: string, mtu: number): void {
  const device = mustLink(name);
  assert.equal(device.linkinfo?.info_data?.type, "tun");
  assert.equal(device.linkinfo?.info_data?.user, "nobody");
  assert.equal(device.mtu, mtu);
  assert.deepEqual(cidrs(name), ["10.8.0.1/24", "fd00:8::1/64"]);
}

/** The routes out of the tun to the networks behind the peer (the example's default remoteNetworks). */
function assertTunRoutes(name: string): void {
  assert.deepEqual(routeLines(), [`10.9.0.0/24 dev ${name} table main metric 0 scope link`, `fd00:9::/64 dev ${name} table main metric 1024 scope global`]);
}

/** examples/vpn-tun: a tun with IPv4 and IPv6 for a VPN daemon, and routes out of it to the networks behind the peer. */
const vpnTun: ProgramScenario = {
  directory: "examples/vpn-tun",
  afterUp: () => {
    assertTun("tun0", 1500);
    assertTunRoutes("tun0");
  },
  update: { config: { mtu: "1420" }, expect: () => assertTun("tun0", 1420) },
  replace: {
    config: { name: "tun1" },
    expect: () => {
      assertGone("tun0");
      assertTun("tun1", 1420);
      assertTunRoutes("tun1");
    },
  },
  drift: {
    make: () => ip("link", "set", "tun1", "mtu", "1300"),
    inState: (devices) => assert.equal(byName(devices, "tun1").outputs.mtu, 1300),
    repaired: () => {
      assertTun("tun1", 1420);
      assertTunRoutes("tun1");
    },
  },
};

/** One member of examples/netns-lab: its namespace, the peer there, the host end on the bridge, the default route. */
function assertLabMember(prefix: string, suffix: string, address: string, mtu: number): void {
  const netns = `${prefix}-${suffix}`;
  const hostEnd = mustLink(`${prefix}-${suffix}0`);
  assert.equal(hostEnd.linkinfo?.info_kind, "veth");
  assert.equal(hostEnd.master, `${prefix}br`);
  assert.equal(hostEnd.mtu, mtu);
  const peer = mustLink("eth0", netns);
  assert.equal(peer.mtu, mtu);
  assert.ok(peer.flags.includes("UP"), `eth0 in ${netns} is up`);
  assert.deepEqual(cidrs("eth0", netns), [`${address}/24`]);
  assert.ok(mustLink("lo", netns).flags.includes("UP"), `lo in ${netns} is up`);
  assert.deepEqual(routeLines("238", netns), ["default via 10.20.0.1 dev eth0 table main metric 0 scope global"], `the default route in ${netns}`);
}

function assertNetnsLab(prefix: string, mtu: number): void {
  assert.equal(mustLink(`${prefix}br`).linkinfo?.info_kind, "bridge");
  assert.deepEqual(cidrs(`${prefix}br`), ["10.20.0.1/24"]);
  assertLabMember(prefix, "a", "10.20.0.2", mtu);
  assertLabMember(prefix, "b", "10.20.0.3", mtu);
}

/** examples/netns-lab: two namespaces on a bridge through veth pairs, each with a default route. */
const netnsLab: ProgramScenario = {
  directory: "examples/netns-lab",
  afterUp: () => assertNetnsLab("nslab", 1500),
  update: { config: { mtu: "1400" }, expect: () => assertNetnsLab("nslab", 1400) },
  replace: {
    config: { prefix: "nslab2" },
    expect: () => {
      assertGone("nslabbr");
      assertGone("nslab-a0");
      assert.deepEqual(ip("netns", "list").split("\n").map((line) => line.split(" ")[0]).filter(Boolean).sort(), ["nslab2-a", "nslab2-b"]);
      assertNetnsLab("nslab2", 1400);
    },
  },
  drift: {
    make: () => ip("-n", "nslab2-a", "link", "set", "eth0", "mtu", "1300"),
    inState: (devices) => assert.equal((byName(devices, "nslab2-a0").outputs.peer as { mtu?: number }).mtu, 1300),
    repaired: () => assertNetnsLab("nslab2", 1400),
  },
};

/** examples/host-pipeline: a bridge with an address and a tap on it owned by nobody, as a host's CI applies them. */
const hostPipeline: ProgramScenario = {
  directory: "examples/host-pipeline",
  afterUp: () => {
    assert.equal(mustLink("hostbr0").linkinfo?.info_kind, "bridge");
    assert.deepEqual(cidrs("hostbr0"), ["10.42.0.1/24"]);
    assert.equal(assertTap("hosttap0", { user: "nobody", up: true, mtu: 1500 }).master, "hostbr0");
  },
  update: {
    config: { mtu: "1400" },
    expect: () => {
      assert.equal(mustLink("hostbr0").mtu, 1400);
      assertTap("hosttap0", { mtu: 1400 });
    },
  },
  replace: {
    config: { tapName: "hosttap1" },
    expect: () => {
      assertGone("hosttap0");
      assert.equal(assertTap("hosttap1", { user: "nobody", mtu: 1400 }).master, "hostbr0");
    },
  },
  drift: {
    make: () => ip("link", "set", "hosttap1", "nomaster"),
    inState: (devices) => assert.equal(byName(devices, "hosttap1").outputs.bridge, null, "recorded as unset"),
    repaired: () => assert.equal(mustLink("hosttap1").master, "hostbr0"),
  },
};

/**
 * The root program is examples/tutorial-tap0's index.ts under the root's Pulumi.yaml: its sequence runs once, from
 * the root (what `npm run up` runs); the example's own directory runs with a guest in test/vm/tutorialTap0.test.ts.
 */
export const programsRunElsewhere: readonly string[] = ["examples/tutorial-tap0"];

export const programScenarios: readonly ProgramScenario[] = [
  tutorialTap0("."),
  vmLab,
  microVmNet,
  vpnTun,
  netnsLab,
  hostPipeline,
];

