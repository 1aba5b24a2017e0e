// The harness's own logic, without a kernel or QEMU: its reading of the guest's console, the kernel command
// line and the QEMU command lines it writes.
import assert from "node:assert/strict";
import { test } from "node:test";
import { GuestConsole } from "./support/console";
import { hostTscKhz, microvmGuestArguments, pciGuestArguments } from "./support/qemu";
import { guestKernelArguments, parseVerdict } from "./support/verdict";

test("a PASS verdict: every address reached with its round trip, the unreachable ones listed", () => {
  assert.deepEqual(parseVerdict("pulumi-tuntap-guest: PASS address=172.16.0.2/30 reached=172.16.0.1@0.61ms,172.16.0.9@1.5ms unreachable=172.16.0.6"), {
    pass: true,
    line: "pulumi-tuntap-guest: PASS address=172.16.0.2/30 reached=172.16.0.1@0.61ms,172.16.0.9@1.5ms unreachable=172.16.0.6",
    address: "172.16.0.2/30",
    reached: [
      { address: "172.16.0.1", rttMs: 0.61 },
      { address: "172.16.0.9", rttMs: 1.5 },
    ],
    unreachable: ["172.16.0.6"],
    notReached: [],
    reachedButShouldNot: [],
  });
});

test("a FAIL verdict says what failed; a setup failure has no lists; other lines are no verdict", () => {
  const failed = parseVerdict("pulumi-tuntap-guest: FAIL address=10.0.0.2/24 reached=none unreachable=none not-reached=10.0.0.1 reached-but-should-not=10.0.0.9");
  assert.deepEqual([failed?.pass, failed?.notReached, failed?.reachedButShouldNot, failed?.reached], [false, ["10.0.0.1"], ["10.0.0.9"], []]);
  const setup = parseVerdict("pulumi-tuntap-guest: FAIL setup: no network interface other than lo appeared");
  assert.deepEqual([setup?.pass, setup?.address, setup?.reached], [false, undefined, []]);
  assert.equal(parseVerdict("pulumi-tuntap-guest: UP interface=eth0"), undefined);
  assert.equal(parseVerdict("[    2.5] PASS something"), undefined);
});

test("the kernel command line: console first, then only what is set", () => {
  assert.equal(guestKernelArguments({ address: "192.168.0.2/24", reach: ["192.168.0.1"] }), "console=ttyS0 quiet tuntap.address=192.168.0.2/24 tuntap.reach=192.168.0.1");
  assert.equal(
    guestKernelArguments({ ipArgument: "ip=172.16.0.2::172.16.0.1:255.255.255.252::eth0:off", reach: ["172.16.0.1"], unreachable: ["172.16.0.6", "172.16.0.10"], awaitPing: true, lingerSeconds: 60, waitSeconds: 90 }),
    "console=ttyS0 quiet ip=172.16.0.2::172.16.0.1:255.255.255.252::eth0:off tuntap.reach=172.16.0.1 tuntap.unreachable=172.16.0.6,172.16.0.10 tuntap.await_ping=1 tuntap.wait=90 tuntap.linger=60",
  );
});

test("the console: lines split across chunks, waits for lines to come, fails with the tail when it ends", async () => {
  const console = new GuestConsole("g");
  const up = console.waitFor(/^pulumi-tuntap-guest: UP /);
  console.push("[    1.0] booting\r\npulumi-tuntap-guest: U");
  console.push("P interface=eth0\n");
  assert.equal((await up).text, "pulumi-tuntap-guest: UP interface=eth0");
  assert.equal((await console.waitFor(/booting/)).text, "[    1.0] booting", "an earlier line is found too");
  const verdict = console.waitFor(/PASS|FAIL/);
  console.end("QEMU exited (status 1)");
  await assert.rejects(verdict, /g: QEMU exited \(status 1\) before a console line matching .*\n\[ {4}1\.0\] booting\npulumi-tuntap-guest: UP interface=eth0$/);
});

const machine = { name: "g", tap: "tap7", mac: "52:54:00:00:00:07", image: { kernel: "/i/vmlinuz", initramfs: "/i/initrd" }, append: "console=ttyS0" };
const after = (argv: readonly string[], option: string) => argv[argv.indexOf(option) + 1];

test("q35 with two queues: a multi-queue netdev, mq=on with 2 × 2 + 2 vectors, a vCPU per queue, TCG", () => {
  const argv = pciGuestArguments({ ...machine, type: "q35", queues: 2 });
  assert.equal(after(argv, "-netdev"), "tap,id=net0,ifname=tap7,script=no,downscript=no,queues=2");
  assert.equal(after(argv, "-device"), "virtio-net-pci,netdev=net0,mac=52:54:00:00:00:07,mq=on,vectors=6");
  assert.deepEqual([after(argv, "-machine"), after(argv, "-smp"), after(argv, "-serial"), after(argv, "-kernel"), after(argv, "-initrd")], ["q35,accel=tcg", "2", "stdio", "/i/vmlinuz", "/i/initrd"]);
  assert.ok(argv.includes("-no-reboot"));
});

test("pc with one queue: a plain netdev and NIC", () => {
  const argv = pciGuestArguments({ ...machine, type: "pc" });
  assert.equal(after(argv, "-netdev"), "tap,id=net0,ifname=tap7,script=no,downscript=no");
  assert.equal(after(argv, "-device"), "virtio-net-pci,netdev=net0,mac=52:54:00:00:00:07");
});

test("microvm: virtio-mmio NIC, the PIT on, the TSC rate given and kept as the clock", () => {
  const argv = microvmGuestArguments(machine);
  assert.equal(after(argv, "-machine"), "microvm,accel=tcg,pit=on");
  assert.equal(after(argv, "-device"), "virtio-net-device,netdev=net0,mac=52:54:00:00:00:07");
  assert.equal(after(argv, "-append"), `console=ttyS0 tsc_early_khz=${hostTscKhz()} tsc=reliable`);
  assert.ok(hostTscKhz() > 100_000, "a plausible TSC rate (kHz)");
});
