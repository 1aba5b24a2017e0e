// examples/netns-lab carrying traffic, through the real Pulumi CLI: `pulumi up` makes two named namespaces, each
// joined to a bridge by a veth pair with an address and a default route via the bridge; pings then cross the
// bridge from one namespace to the other, reach the gateway, and reach an address the host holds outside the
// lab's subnet, which only the default route leads to. `pulumi destroy` leaves no namespace, device or route.
import "../support/privateNetns";
import assert from "node:assert/strict";
import { after, test } from "node:test";
import type { CliStack } from "../cli/support/cliStack";
import { ip, namespaceFingerprint } from "../support/ip";
import { routeLines } from "../support/ipRoute";
import { cliRun, discard, openExample } from "./support/exampleStack";
import { hostPing, type PingResult } from "./support/ping";

/** An address of the host outside the lab's 10.20.0.0/24: the namespaces reach it only by their default route. */
const BEYOND_THE_LAB = "192.0.2.1";
/** Each attempt waits up to 2 s for its echo; a loaded machine may lose the first while ARP resolves. */
const ATTEMPTS = 60;

let stack: CliStack | undefined;

after(async () => {
  await discard(stack);
});

/** Pings until one echo comes back, as a program retrying its first packet would. */
function pingUntilAnswered(address: string, netns: string): PingResult {
  let last: PingResult | undefined;
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    last = hostPing(address, { netns, count: 1 });
    if (last.received === 1) return last;
  }
  assert.fail(`no echo from ${address} in ${netns} after ${ATTEMPTS} attempts:\n${last?.output ?? ""}`);
}

test("netns-lab: pings cross the bridge between the namespaces and leave by their default routes", async (t) => {
  const emptyNamespace = namespaceFingerprint();
  const namedNamespaces = ip("netns", "list");
  stack = await openExample("netns-lab", {});
  const up = await cliRun(t, stack, "up");
  assert.deepEqual(up.changes, { create: 8 }, "the stack, the bridge, and per namespace: the namespace, the veth pair, the default route");
  assert.deepEqual(up.outputs.namespaces, ["nslab-a", "nslab-b"]);

  ip("address", "add", `${BEYOND_THE_LAB}/32`, "dev", "lo");
  try {
    const [fromA, fromB] = [
      { netns: "nslab-a", peer: "10.20.0.3" },
      { netns: "nslab-b", peer: "10.20.0.2" },
    ];
    for (const side of [fromA, fromB]) {
      const [route] = JSON.parse(ip("-n", side.netns, "-j", "route", "get", BEYOND_THE_LAB)) as { gateway?: string; dev?: string }[];
      assert.deepEqual([route?.gateway, route?.dev], ["10.20.0.1", "eth0"], `${side.netns} reaches ${BEYOND_THE_LAB} by its default route`);
      for (const address of [side.peer, "10.20.0.1", BEYOND_THE_LAB]) {
        const ping = pingUntilAnswered(address, side.netns);
        t.diagnostic(`${side.netns}$ ping ${address}: ${ping.rttMs ?? "?"} ms`);
      }
    }

    // Without its default route, the host's address beyond the lab is out of reach: the route did the work.
    ip("-n", "nslab-a", "route", "delete", "default");
    assert.equal(hostPing(BEYOND_THE_LAB, { netns: "nslab-a", count: 1 }).received, 0, "no route, no echo");
    const refresh = await stack.refresh();
    assert.ok(refresh.ok);
    assert.equal(refresh.changes.delete, 1, "refresh sees the default route gone");
    await cliRun(t, stack, "up");
    assert.deepEqual(routeLines("238", "nslab-a"), ["default via 10.20.0.1 dev eth0 table main metric 0 scope global"]);
    pingUntilAnswered(BEYOND_THE_LAB, "nslab-a");
  } finally {
    ip("address", "delete", `${BEYOND_THE_LAB}/32`, "dev", "lo");
  }

  const destroyed = await cliRun(t, stack, "destroy");
  assert.equal(destroyed.changes.delete, 8);
  assert.equal(ip("netns", "list"), namedNamespaces, "both namespaces are gone");
  assert.equal(namespaceFingerprint(), emptyNamespace, "no device is left");
  assert.deepEqual(routeLines("238"), [], "no route of ours is left");
});
