// Masquerade and Forwarding through the real Pulumi CLI, one lab through its whole life, with libvirt's, Docker's
// and an admin's nftables tables present the whole time. This file's namespace plays the host: "natouter" holds
// the documentation address 203.0.113.1 behind the uplink veth (the host's default route), "natguest" is the
// guest on the stack's bridge. The guest's ping reaches 203.0.113.1 from the uplink's address (tcpdump there says
// so) only while the Masquerade exists and the admin's forward chain lets the lab through, which `pulumi up`
// warns about until it does. Drift made with nft is found by refresh, shown by preview and repaired by up; a
// second stack on the same bridge gets a table of its own and leaves the first one's alone; destroy leaves the
// ruleset and ip_forward exactly as they were.
import "../support/privateNetns";
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { ip } from "../support/ip";
import { FOREIGN, foreignTables, nft, nftFile, ruleHandles, ruleset, table } from "../support/nft";
import { captureEchoRequest, makeOutside, OUTSIDE, ping, UPLINK } from "../support/packets";
import { sysctl } from "../support/sysctl";
import { CliStack } from "./support/cliStack";
import { testProgramsDirectory } from "./support/paths";

const PROGRAM = join(testProgramsDirectory, "masquerade");

type Run = Awaited<ReturnType<CliStack["up"]>>;

/** What a run did, for assertion messages. */
function summary(result: Run): string {
  const lines = [`pulumi ${result.command}: ${result.ok ? "ok" : "FAILED"} ${JSON.stringify(result.changes)}`, ...result.errors.map((error) => `  error: ${error}`)];
  if (!result.ok) lines.push(...result.output.slice(-40).map((line) => `  | ${line}`));
  return lines.join("\n");
}

function ok(result: Run): Run {
  assert.ok(result.ok, summary(result));
  return result;
}

/** The diagnostics of one severity that mention `text`. */
function said(result: Run, severity: string, text: string): string[] {
  return result.diagnostics.filter((diagnostic) => diagnostic.severity === severity && diagnostic.message.includes(text)).map((diagnostic) => diagnostic.message);
}

function guestGetsOut(seconds: number): boolean {
  return ping("natguest", 4, OUTSIDE, seconds);
}

let dev: CliStack;
let prod: CliStack;
let table0 = "";
/** The ruleset before the first `pulumi up`: the foreign tables, as their owners left them. */
let rulesetBefore: { json: string; text: string };
let foreign: ReturnType<typeof foreignTables>;

before(async () => {
  ip("netns", "add", "natguest");
  ip("-n", "natguest", "link", "set", "lo", "up");
  makeOutside("natouter", "up0");
  // libvirt's rules name its bridge by index (iif), so the device must exist.
  ip("link", "add", "virbr0", "type", "veth", "peer", "name", "virbr0-peer");
  nftFile(FOREIGN);
  rulesetBefore = ruleset();
  foreign = foreignTables();
  dev = await CliStack.open({ projectDirectory: PROGRAM, stackName: "dev" });
  prod = await CliStack.open({ projectDirectory: PROGRAM, stackName: "prod", config: { lab: "false" } });
});

after(async () => {
  for (const stack of [prod, dev]) await stack?.destroyAndClose();
});

test("preview plans the lab and touches nothing", async () => {
  const preview = ok(await dev.preview());
  assert.deepEqual(preview.changes, { create: 6 }, summary(preview));
  assert.deepEqual(ruleset(), rulesetBefore);
  assert.equal(sysctl("net.ipv4.ip_forward"), "0");
});

test("up makes the lab, its table and forwarding, warns that the admin's forward chain will drop the lab's traffic, and it does", async () => {
  const up = ok(await dev.up());
  assert.deepEqual(up.changes, { create: 6 }, summary(up));
  table0 = String(up.outputs.table);
  assert.match(table0, /^pulumi-nat-[0-9a-f]{6}$/);
  assert.ok(table("inet", table0), "nft lists the table");
  assert.equal(sysctl("net.ipv4.ip_forward"), "1");
  assert.deepEqual(foreignTables(), foreign, "foreign tables byte for byte");
  assert.deepEqual(up.outputs.forwardDropChains, [{ family: "inet", table: "filter", chain: "forward" }]);
  const [warning] = said(up, "warning", "inet filter forward");
  assert.match(warning ?? "", /traffic forwarded from natbr0 is accepted in this Masquerade's table, but the forward chain inet filter forward of another program has policy drop and will still drop it.*`nft insert rule inet filter forward iifname "natbr0" accept`/, JSON.stringify(up.diagnostics));
  assert.equal(guestGetsOut(2), false, "the admin's chain drops it, as warned");
});

test("once the admin's own chain lets the lab through, refresh records it, the warning is gone and the guest gets out masqueraded", async () => {
  nft(["insert", "rule", "inet", "filter", "forward", "iifname", "natbr0", "accept"]);
  nft(["insert", "rule", "inet", "filter", "forward", "oifname", "natbr0", "ct", "state", "established,related", "accept"]);
  foreign = foreignTables();
  // An output only, not drift: refresh records it without counting a change.
  const refresh = ok(await dev.refresh());
  assert.deepEqual(refresh.changes, { same: 6 }, summary(refresh));
  const up = ok(await dev.up());
  assert.deepEqual(up.changes, { same: 6 }, summary(up));
  assert.deepEqual(up.outputs.forwardDropChains, []);
  assert.deepEqual(said(up, "warning", "inet filter forward"), []);

  const capture = await captureEchoRequest("natouter", "world", 4);
  let line: string;
  try {
    assert.equal(guestGetsOut(10), true);
    line = await capture.printed;
  } finally {
    capture.stop();
  }
  assert.match(line, new RegExp(`IP ${UPLINK.replaceAll(".", "\\.")} > ${OUTSIDE.replaceAll(".", "\\.")}: ICMP echo request`), line);
  assert.ok(!line.includes("10.40.0.2"), `the outside never sees the guest's address: ${line}`);
});

test("preview expects no changes", async () => {
  const preview = ok(await dev.preview());
  assert.deepEqual(preview.changes, { same: 6 }, summary(preview));
});

test("a rule deleted by hand: refresh finds it, preview shows the repair, up makes it and the guest gets out again", async () => {
  const right = table("inet", table0)?.text.replace(/ # handle \d+/g, "");
  const [first] = ruleHandles("inet", table0, "forward");
  nft(["delete", "rule", "inet", table0, "forward", "handle", String(first)]);
  assert.equal(guestGetsOut(2), true, "the admin's accept still lets it through; the drift is ours to repair all the same");

  const refresh = ok(await dev.refresh());
  assert.equal(refresh.changes.update, 1, summary(refresh));
  const preview = ok(await dev.preview());
  assert.deepEqual(preview.changes, { same: 5, update: 1 }, summary(preview));
  assert.ok(preview.steps.some((step) => step.op === "update" && step.urn.endsWith("::nat")), summary(preview));
  const up = ok(await dev.up());
  assert.equal(up.changes.update, 1, summary(up));
  assert.equal(table("inet", table0)?.text.replace(/ # handle \d+/g, ""), right, "the table as it was");
  assert.deepEqual(foreignTables(), foreign);
  assert.equal(guestGetsOut(10), true);
});

test("a second stack on the same bridge gets a table of its own; its destroy leaves the first stack's table and ip_forward alone, and says why", async () => {
  const first = table("inet", table0);
  const up = ok(await prod.up());
  assert.deepEqual(up.changes, { create: 3 }, summary(up));
  const other = String(up.outputs.table);
  assert.notEqual(other, table0);
  assert.deepEqual(up.outputs.switches, [{ version: 4, found: 0 }], "what was there before any stack, not the 1 the first stack set");
  const destroy = ok(await prod.destroy());
  assert.deepEqual(destroy.changes, { delete: 3 }, summary(destroy));
  assert.equal(table("inet", other), undefined);
  assert.deepEqual(table("inet", table0), first);
  assert.equal(sysctl("net.ipv4.ip_forward"), "1");
  assert.ok(
    destroy.diagnostics.some((diagnostic) => /left on: net\.ipv4\.ip_forward: left on: pulumi:cli-masquerade:dev:forwarding:[0-9a-f]{8} still needs it/.test(diagnostic.message)),
    JSON.stringify(destroy.diagnostics),
  );
});

test("removing the Masquerade by `pulumi up` stops the NAT; declaring it again brings it back", async () => {
  await dev.setConfig("nat", "false");
  const removed = ok(await dev.up());
  assert.deepEqual(removed.changes, { same: 5, delete: 1 }, summary(removed));
  assert.equal(table("inet", table0), undefined);
  assert.equal(guestGetsOut(2), false, "no way back from the outside without the masquerade");
  assert.deepEqual(foreignTables(), foreign);

  await dev.setConfig("nat", "true");
  const again = ok(await dev.up());
  assert.deepEqual(again.changes, { same: 5, create: 1 }, summary(again));
  assert.equal(guestGetsOut(10), true);
});

test("destroy leaves the ruleset and ip_forward exactly as before the first up (once the admin takes out their two rules)", async () => {
  const destroy = ok(await dev.destroy());
  assert.deepEqual(destroy.changes, { delete: 6 }, summary(destroy));
  assert.deepEqual(foreignTables(), foreign);
  assert.equal(sysctl("net.ipv4.ip_forward"), "0");
  for (const handle of ruleHandles("inet", "filter", "forward")) nft(["delete", "rule", "inet", "filter", "forward", "handle", String(handle)]);
  assert.deepEqual(ruleset(), rulesetBefore);
});
