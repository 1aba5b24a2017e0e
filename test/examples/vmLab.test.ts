// examples/vm-lab: the QEMU command line and the guest address plan (pure), and, under Pulumi's mocks, how the
// program wires startVms (which local.Command gets which command) and persistAtBoot. The program itself runs
// through the real CLI: test/cli/programs.test.ts and, with real guests, test/vm/vmLab.test.ts (startVms=true,
// the Commands run by the real plugin) and test/vm/vmLabByHand.test.ts.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { planGuestAddresses } from "../../examples/vm-lab/guestAddresses";
import { vmLab, type VmLabSettings } from "../../examples/vm-lab/lab";
import { planLabVms } from "../../examples/vm-lab/plan";
import { guestMacAddress, qemuArguments, shellQuote, startCommand, stopCommand } from "../../examples/vm-lab/qemu";
import { installMocks, registered, registrationsOf, TYPES, valueOf } from "./support/mocks";

const vm = { name: "vm0", tapName: "labtap0", queues: 4, guestMac: "52:54:00:12:34:56", memoryMiB: 1024, vhost: false };

describe("QEMU command line", () => {
  test("a multi-queue tap, opened by name with no ifup/ifdown scripts", () => {
    const argv = qemuArguments(vm);
    assert.equal(argv[argv.indexOf("-netdev") + 1], "tap,id=net0,ifname=labtap0,script=no,downscript=no,queues=4");
    assert.equal(argv[argv.indexOf("-device") + 1], "virtio-net-pci,netdev=net0,mac=52:54:00:12:34:56,mq=on,vectors=10");
    assert.equal(argv[argv.indexOf("-smp") + 1], "4");
  });

  test("a single-queue tap: no queues=, no mq; vhost and a disk when asked", () => {
    const argv = qemuArguments({ ...vm, queues: 1, vhost: true, diskImage: "/srv/images/debian.qcow2" });
    assert.equal(argv[argv.indexOf("-netdev") + 1], "tap,id=net0,ifname=labtap0,script=no,downscript=no,vhost=on");
    assert.equal(argv[argv.indexOf("-device") + 1], "virtio-net-pci,netdev=net0,mac=52:54:00:12:34:56");
    assert.equal(argv[argv.indexOf("-drive") + 1], "file=/srv/images/debian.qcow2,if=virtio,snapshot=on");
  });

  test("started as the tap's owner, daemonized with a pid file; stopped by that pid file", () => {
    const start = startCommand(vm, 65534, "/tmp/lab-dev-vm0.pid");
    assert.match(start, /^setpriv --reuid=65534 --regid="\$\(id -g 65534\)" --init-groups -- qemu-system-x86_64 /);
    assert.match(start, / -daemonize -pidfile \/tmp\/lab-dev-vm0\.pid$/);
    assert.equal(
      stopCommand("/tmp/lab-dev-vm0.pid"),
      'if [ -f /tmp/lab-dev-vm0.pid ]; then pid=$(cat /tmp/lab-dev-vm0.pid); kill "$pid" 2>/dev/null; ' +
        'for i in $(seq 600); do kill -0 "$pid" 2>/dev/null || break; [ "$i" -eq 300 ] && kill -KILL "$pid" 2>/dev/null; sleep 0.1; done; rm -f /tmp/lab-dev-vm0.pid; fi',
    );
  });

  test("direct kernel boot and a console log: -kernel, -initrd, -append, -serial file:", () => {
    const argv = qemuArguments({ ...vm, directBoot: { kernel: "/k/vmlinuz", initrd: "/k/initrd", append: "console=ttyS0 ip=192.168.100.2::192.168.100.1:255.255.255.0:vm0::off" }, consoleLog: "/run/lab/vm0.console" });
    assert.deepEqual(argv.slice(argv.indexOf("-kernel"), argv.indexOf("-kernel") + 6), ["-kernel", "/k/vmlinuz", "-initrd", "/k/initrd", "-append", "console=ttyS0 ip=192.168.100.2::192.168.100.1:255.255.255.0:vm0::off"]);
    assert.deepEqual(argv.slice(-2), ["-serial", "file:/run/lab/vm0.console"]);
    assert.equal(qemuArguments(vm).includes("-kernel"), false, "without it: disk or network boot, as before");
  });

  test("shell quoting keeps odd words one word", () => {
    assert.equal(shellQuote("file=/a b/it's.qcow2"), `'file=/a b/it'\\''s.qcow2'`);
    assert.equal(shellQuote("q35,accel=kvm:tcg"), "q35,accel=kvm:tcg");
  });

  test("guest MACs: QEMU's 52:54:00 prefix, stable, different per VM", () => {
    const a = guestMacAddress("lab/dev/vm0");
    assert.match(a, /^52:54:00(:[0-9a-f]{2}){3}$/);
    assert.equal(guestMacAddress("lab/dev/vm0"), a);
    assert.notEqual(guestMacAddress("lab/dev/vm1"), a);
  });
});

const settings: VmLabSettings = {
  vms: 2,
  queues: 2,
  user: "nobody",
  bridgeName: "labbr0",
  bridgeAddress: "192.168.100.1/24",
  tapPrefix: "labtap",
  memoryMiB: 512,
  vhost: false,
  nat: false,
  dhcp: false,
  startVms: true,
  runDirectory: "/tmp",
  persistAtBoot: true,
  networkdDirectory: "/run/systemd/network",
};

describe("program", () => {
  const registrations = installMocks("lab", "dev");
  const lab = vmLab(settings);

  test("startVms: one local.Command per VM, whose create and delete are the VM's startCommand and stopCommand outputs (mocked: never run)", async () => {
    // Here under mocks, for the wiring alone; test/vm/vmLab.test.ts runs the same Commands through the real plugin.
    await registered(...lab.commands);
    const commands = registrationsOf(registrations, TYPES.command);
    assert.deepEqual(
      commands.map((command) => command.name),
      ["lab-vm0-qemu", "lab-vm1-qemu"],
    );
    for (const [index, vm] of lab.vms.entries()) {
      assert.equal(commands[index]?.inputs.create, await valueOf(vm.startCommand), `${vm.name}: create is the startCommand output`);
      assert.equal(commands[index]?.inputs.delete, vm.stopCommand, `${vm.name}: delete is the stopCommand output`);
    }
    const create = String(commands[0]?.inputs.create);
    assert.match(create, /^setpriv --reuid=65534 /, "the owner output (a uid), not the configured name");
    assert.match(create, /ifname=labtap0,script=no,downscript=no,queues=2/);
    assert.match(create, /mac=52:54:00:[0-9a-f:]{8},mq=on,vectors=6/);
    assert.match(String(commands[0]?.inputs.delete), /pid=\$\(cat \/tmp\/lab-dev-vm0\.pid\); kill "\$pid"/);
  });

  test("no nat, no dhcp: the LabNetwork is the bridge alone, an isolated network", async () => {
    await registered(lab.network, lab.bridge);
    assert.deepEqual([lab.network.masquerade, lab.network.forwarding, lab.network.dnsmasq], [undefined, undefined, undefined]);
    assert.deepEqual(registrationsOf(registrations, TYPES.bridge).map((bridge) => [bridge.name, bridge.inputs.name, bridge.inputs.addresses]), [["lab-bridge", "labbr0", ["192.168.100.1/24"]]]);
  });

  test("persistAtBoot: boot files for the bridge (the LabNetwork's) and for each tap, in the configured directory", async () => {
    await registered(...lab.bootFiles);
    const files = registrationsOf(registrations, TYPES.networkdFiles);
    assert.deepEqual(
      files.map((file) => [file.name, file.inputs.kind, file.inputs.name, file.inputs.directory]),
      [
        ["lab-boot", "bridge", "labbr0", "/run/systemd/network"],
        ["lab-vm0-boot", "tap", "labtap0", "/run/systemd/network"],
        ["lab-vm1-boot", "tap", "labtap1", "/run/systemd/network"],
      ],
    );
  });
});

describe("nat and dhcp: libvirt's default network for the lab", () => {
  test("a fixed lease for each VM's guest MAC (not the tap's), the address it would be given; the kernel asks by ip=dhcp", () => {
    const withDhcp = { ...settings, nat: true, dhcp: true, kernel: { kernel: "/k/vmlinuz", kernelArgs: "console=ttyS0" } };
    const [vm0, vm1] = planLabVms(withDhcp, "lab", "dev");
    assert.ok(vm0 && vm1);
    assert.deepEqual([vm0.guestAddress, vm1.guestAddress], ["192.168.100.2/24", "192.168.100.3/24"]);
    assert.equal(vm0.qemu("labtap0").directBoot?.append, "console=ttyS0 ip=dhcp");
    assert.equal(planLabVms({ ...settings, dhcp: true }, "lab", "dev")[1]?.guestAddress, "192.168.100.3/24", "planned without a kernel too: the leases need them");
  });
});

describe("guest addresses for direct boot", () => {
  test("the addresses after the bridge's, in its subnet, with the bridge as gateway, as the kernel's ip= argument", () => {
    assert.deepEqual(planGuestAddresses("192.168.100.1/24", ["vm0", "vm1"]), [
      { address: "192.168.100.2/24", kernelIpArgument: "ip=192.168.100.2::192.168.100.1:255.255.255.0:vm0::off" },
      { address: "192.168.100.3/24", kernelIpArgument: "ip=192.168.100.3::192.168.100.1:255.255.255.0:vm1::off" },
    ]);
    assert.equal(planGuestAddresses("10.1.2.3/16", ["vm0"])[0]?.kernelIpArgument, "ip=10.1.2.4::10.1.2.3:255.255.0.0:vm0::off");
  });

  test("no room after the bridge, or not IPv4: the reason", () => {
    assert.throws(() => planGuestAddresses("192.168.100.253/24", ["vm0", "vm1"]), /leaves no room for 2 guest addresses/);
    assert.throws(() => planGuestAddresses("192.168.100.1/32", ["vm0"]), /leaves no room/);
    assert.throws(() => planGuestAddresses("fd00::1/64", ["vm0"]), /IPv4 bridgeAddress/);
  });

  test("each VM's command line: the shared kernelArgs, then its own ip=; pid file and console log side by side", () => {
    const [vm0, vm1] = planLabVms(
      { ...settings, kernel: { kernel: "/k/vmlinuz", initrd: "/k/initrd", kernelArgs: "console=ttyS0 quiet" }, runDirectory: "/run/lab" },
      "lab",
      "dev",
    );
    assert.ok(vm0 && vm1);
    assert.deepEqual([vm0.pidFile, vm0.consoleLog, vm0.guestAddress], ["/run/lab/lab-dev-vm0.pid", "/run/lab/lab-dev-vm0.console", "192.168.100.2/24"]);
    assert.equal(vm1.qemu("labtap1").directBoot?.append, "console=ttyS0 quiet ip=192.168.100.3::192.168.100.1:255.255.255.0:vm1::off");
    assert.equal(vm1.qemu("labtap1").consoleLog, "/run/lab/lab-dev-vm1.console");
    assert.equal(vm1.guestMac, guestMacAddress("lab/dev/vm1"));
  });
});

describe("defaults are harmless", () => {
  test("no kernel: no guest address and no -kernel, but the console still has a log file", () => {
    const [plan] = planLabVms({ ...settings, vms: 1, bridgeAddress: "fd00::1/64" }, "lab", "dev");
    assert.equal(plan?.guestAddress, undefined, "an IPv6 bridge is fine when no address is planned");
    assert.equal(plan?.qemu("t0").directBoot, undefined);
    assert.equal(plan?.qemu("t0").consoleLog, "/tmp/lab-dev-vm0.console");
  });
});
