// examples/tutorial-tap0 with a real guest, through the real Pulumi CLI: `pulumi up` of the example, its `owner`
// config set to the user QEMU runs as, makes tap0 with 192.168.0.1/24; the test guest boots on it under QEMU
// (TCG) as that user, takes 192.168.0.2/24, pings the tap's address and powers off; `pulumi destroy` then leaves
// the namespace as it found it.
import "../support/privateNetns";
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { CliStack } from "../cli/support/cliStack";
import { assertTap } from "../cli/support/kernel";
import { namespaceFingerprint } from "../support/ip";
import { cliRun, discard, openExample } from "./support/exampleStack";
import { type RunningGuest, startGuest } from "./support/guest";
import { guestImage, type RunDirectory, runDirectoryFor } from "./support/guestImage";
import { liveProcessesMentioning } from "./support/processes";
import { pciGuestArguments } from "./support/qemu";
import { assertPassed, reportsOf } from "./support/report";
import { openTunNodeToEveryone } from "./support/tunNode";
import { unprivilegedUser } from "./support/unprivileged";
import { guestKernelArguments } from "./support/verdict";

const user = unprivilegedUser();
let runDirectory: RunDirectory;
let stack: CliStack | undefined;
let guest: RunningGuest | undefined;

before(() => {
  openTunNodeToEveryone();
  runDirectory = runDirectoryFor(guestImage(), user);
});

after(async () => {
  await guest?.stop();
  await discard(stack);
  runDirectory.remove();
});

test("tutorial-tap0: pulumi up makes tap0, a QEMU guest on it reaches 192.168.0.1, pulumi destroy leaves nothing", async (t) => {
  const emptyNamespace = namespaceFingerprint();
  stack = await openExample("tutorial-tap0", { owner: user.name });
  const up = await cliRun(t, stack, "up");
  assert.deepEqual(up.changes, { create: 2 }, "the stack and tap0");
  const tap = String(up.outputs.name);
  const [hostAddress] = up.outputs.addresses as string[];
  assert.deepEqual([tap, hostAddress], ["tap0", "192.168.0.1/24"]);
  assertTap(tap, { user: user.name, addresses: ["192.168.0.1/24"], up: true, promiscuous: true });

  const started = startGuest({
    name: "tutorial guest",
    user,
    argv: pciGuestArguments({
      type: "pc",
      name: "tutorial",
      tap,
      mac: "52:54:00:12:34:56",
      image: runDirectory.image,
      append: guestKernelArguments({ address: "192.168.0.2/24", reach: [hostAddress!.split("/")[0]!] }),
    }),
  });
  guest = started;
  const [report] = await reportsOf(t, [started]);
  assertPassed(report!, ["192.168.0.1"]);
  assert.equal(await started.exited, 0, "the guest powered off and QEMU exited on its own");

  const destroy = await cliRun(t, stack, "destroy");
  assert.deepEqual(destroy.changes, { delete: 2 });
  assert.equal(namespaceFingerprint(), emptyNamespace, "ip -j shows the namespace as it was before pulumi up");
  assert.deepEqual(liveProcessesMentioning(runDirectory.path), [], "no QEMU is left");
});
