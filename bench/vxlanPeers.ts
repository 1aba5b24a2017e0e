// Peers reconciled for a VXLAN overlay of N hosts, inside the benchmark's private namespace: one VXLAN device over
// a veth underlay, its flood list taken from none to N peers, one peer changed among N, and back to none.
// 1. Below the CLI: our provider's update in process (read the device and its all-zero remotes, plan, one netlink
//    batch), against what people run instead — `bridge fdb append` / `bridge fdb del` once per peer (A), and every
//    line in one `bridge -batch` (B).
// 2. Through the CLI, what users feel: `pulumi up` of a Vxlan with N peers, the `up` that changes one, and
//    `pulumi destroy`, against the stack people write today — @pulumi/command's local.Command (the real
//    pulumi-resource-command plugin) making the device with `ip link add … type vxlan`, and one more per peer
//    running `bridge fdb append` (and `bridge fdb del` on delete).
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import * as command from "@pulumi/command";
import { LocalWorkspace, PulumiCommand, type PulumiFn, type Stack } from "@pulumi/pulumi/automation";
import { vxlanProvider } from "pulumi-tuntap";
import { listPeerEntries, rtnetlink } from "pulumi-tuntap/kernel";
import { installPackage, type PulumiTuntap, releaseInstalledPackage } from "../tools/installedPackage";
import { localBackendEnvironment, repositoryRoot } from "../tools/pulumiCli";
import { formatMilliseconds, formatRatio, median } from "./statistics";

const UNDERLAY = "vbu0";
const LOCAL = "192.0.2.1";
const ZERO = "00:00:00:00:00:00";

export interface PeerRow {
  part: "in process" | "CLI";
  step: string;
  peers: number;
  /** Median milliseconds: ours, then the alternatives measured beside it (A and B in process, local.Command through the CLI). */
  oursMs: number;
  alternativesMs: Record<string, number>;
  samplesMs: Record<string, number[]>;
}

/** N peer addresses, as the other hosts' underlay addresses would be. */
function peersOf(count: number): string[] {
  return Array.from({ length: count }, (_, index) => `10.1.${Math.floor(index / 250)}.${(index % 250) + 1}`);
}

/** The three flood lists a rollout goes through: every host added, one host replaced by another, every host gone. */
function steps(count: number): { step: string; peers: string[] }[] {
  const all = peersOf(count);
  return [
    { step: `add ${count} peers`, peers: all },
    { step: `change 1 of ${count}`, peers: [...all.slice(1), "10.2.0.1"] },
    { step: `remove ${count} peers`, peers: [] },
  ];
}

function run(argv: readonly string[], input?: string): void {
  const result = spawnSync(argv[0] ?? "", argv.slice(1), { encoding: "utf8", ...(input === undefined ? {} : { input }) });
  if (result.status !== 0) throw new Error(`${argv.join(" ")}: ${result.stderr || result.error?.message}`);
}

/** The device's flood list must be exactly `peers` after each step, whoever did it. */
function verify(device: string, peers: readonly string[], who: string): void {
  const netlink = rtnetlink();
  const index = netlink.getLink(device, "verify peers")?.index;
  const count = index === undefined ? -1 : listPeerEntries(netlink, index, "verify peers").length;
  if (count !== peers.length) throw new Error(`${who}: ${device} has ${count} peers, not ${peers.length}`);
}

/** One `bridge` line per remote that differs: what a script reconciling the list by hand sends. */
function bridgeLines(device: string, from: readonly string[], to: readonly string[]): string[] {
  const removed = from.filter((peer) => !to.includes(peer)).map((peer) => `fdb del ${ZERO} dst ${peer} dev ${device}`);
  const added = to.filter((peer) => !from.includes(peer)).map((peer) => `fdb append ${ZERO} dst ${peer} dev ${device}`);
  return [...removed, ...added];
}

async function timed(work: () => unknown): Promise<number> {
  const started = process.hrtime.bigint();
  await work();
  return Number(process.hrtime.bigint() - started) / 1e6;
}

async function inProcess(count: number, repetitions: number): Promise<PeerRow[]> {
  const plan = steps(count);
  const samples = plan.map(() => ({ ours: [] as number[], perPeer: [] as number[], batch: [] as number[] }));
  const inputs = { name: "vxbench0", vni: 600, local: LOCAL, underlay: UNDERLAY, managedBy: "bench/peers/overlay" };
  run(["ip", "link", "add", "vxbencha", "type", "vxlan", "id", "601", "dstport", "4789", "local", LOCAL, "dev", UNDERLAY]);
  run(["ip", "link", "add", "vxbenchb", "type", "vxlan", "id", "602", "dstport", "4789", "local", LOCAL, "dev", UNDERLAY]);
  const created = await vxlanProvider.create((await vxlanProvider.check?.({}, { ...inputs, peers: [] }))?.inputs ?? {});
  let outs = created.outs as Record<string, unknown>;
  try {
    for (let repetition = 0; repetition < repetitions; repetition++) {
      let previous: string[] = [];
      for (const [position, { peers }] of plan.entries()) {
        const news = (await vxlanProvider.check?.({}, { ...inputs, peers }))?.inputs ?? {};
        samples[position]?.ours.push(await timed(async () => (outs = (await vxlanProvider.update?.(created.id, outs, news))?.outs as Record<string, unknown>)));
        verify("vxbench0", peers, "ours");
        const lines = bridgeLines("vxbencha", previous, peers);
        samples[position]?.perPeer.push(await timed(() => lines.forEach((line) => run(["bridge", ...line.split(" ")]))));
        verify("vxbencha", peers, "bridge per peer");
        const batch = bridgeLines("vxbenchb", previous, peers);
        samples[position]?.batch.push(await timed(() => run(["bridge", "-batch", "-"], `${batch.join("\n")}\n`)));
        verify("vxbenchb", peers, "bridge -batch");
        previous = peers;
      }
      process.stderr.write(`  peers N=${count} in process, repetition ${repetition + 1}/${repetitions} done\n`);
    }
  } finally {
    await vxlanProvider.delete?.(created.id, outs);
    run(["ip", "link", "del", "vxbencha"]);
    run(["ip", "link", "del", "vxbenchb"]);
  }
  return plan.map(({ step }, position) => {
    const { ours, perPeer, batch } = samples[position] ?? { ours: [], perPeer: [], batch: [] };
    return { part: "in process", step, peers: count, oursMs: median(ours), alternativesMs: { bridgePerPeer: median(perPeer), bridgeBatch: median(batch) }, samplesMs: { ours, bridgePerPeer: perPeer, bridgeBatch: batch } };
  });
}

type CliKind = "vxlan" | "localCommand";

function cliProgram(kind: CliKind, peers: readonly string[], installed: PulumiTuntap): PulumiFn {
  return async () => {
    if (kind === "vxlan") {
      new installed.Vxlan("overlay", { name: "vxcli0", vni: 610, local: LOCAL, underlay: UNDERLAY, peers: [...peers] });
      return;
    }
    const device = new command.local.Command("overlay", {
      create: `ip link add vxcmd0 type vxlan id 611 dstport 4789 local ${LOCAL} dev ${UNDERLAY} && ip link set vxcmd0 up`,
      delete: "ip link del vxcmd0",
    });
    for (const peer of peers) {
      new command.local.Command(
        `peer-${peer}`,
        { create: `bridge fdb append ${ZERO} dst ${peer} dev vxcmd0`, delete: `bridge fdb del ${ZERO} dst ${peer} dev vxcmd0` },
        { dependsOn: device },
      );
    }
  };
}

/**
 * A stack in a directory of its own, with a PULUMI_HOME in which tools/pulumi/build.sh registers the command
 * plugin as users' plugins are registered (`pulumi plugin install`).
 */
async function openStack(kind: CliKind, peers: readonly string[], installed: PulumiTuntap): Promise<{ stack: Stack; directory: string }> {
  const stacks = join(repositoryRoot, ".build", "bench-stacks");
  mkdirSync(stacks, { recursive: true });
  const directory = mkdtempSync(join(stacks, `peers-${kind}-`));
  const home = join(directory, "home");
  const build = spawnSync(join(repositoryRoot, "tools", "pulumi", "build.sh"), [], { encoding: "utf8", env: { ...process.env, PULUMI_HOME: home }, stdio: ["ignore", "pipe", "inherit"] });
  const bin = build.stdout.trim().split("\n").at(-1) ?? "";
  if (build.status !== 0 || bin === "") throw new Error(`tools/pulumi/build.sh failed (exit ${build.status})`);
  const envVars = localBackendEnvironment({ backend: join(directory, "backend"), home, passphrase: "", binDirectory: bin });
  mkdirSync(join(directory, "backend"));
  const pulumiCommand = await PulumiCommand.get({ root: join(bin, "..") });
  const name = `bench-peers-${kind.toLowerCase()}`;
  const stack = await LocalWorkspace.createOrSelectStack(
    { stackName: "bench", projectName: name, program: cliProgram(kind, peers, installed) },
    { workDir: directory, pulumiCommand, envVars, projectSettings: { name, runtime: "nodejs" } },
  );
  return { stack, directory };
}

async function throughCli(count: number, repetitions: number): Promise<PeerRow[]> {
  const [add, change] = steps(count);
  const commands = ["up", "up (one peer changed)", "destroy"] as const;
  const samples: Record<CliKind, number[][]> = { vxlan: [[], [], []], localCommand: [[], [], []] };
  const device: Record<CliKind, string> = { vxlan: "vxcli0", localCommand: "vxcmd0" };
  const installed = installPackage();
  try {
    for (let repetition = 0; repetition < repetitions; repetition++) {
      for (const kind of ["vxlan", "localCommand"] as const) {
        const { stack, directory } = await openStack(kind, add?.peers ?? [], installed);
        try {
          samples[kind][0]?.push(await timed(() => stack.up()));
          verify(device[kind], add?.peers ?? [], kind);
          stack.workspace.program = cliProgram(kind, change?.peers ?? [], installed);
          samples[kind][1]?.push(await timed(() => stack.up()));
          verify(device[kind], change?.peers ?? [], kind);
          samples[kind][2]?.push(await timed(() => stack.destroy()));
          if (rtnetlink().getLink(device[kind], "verify destroy") !== undefined) throw new Error(`${kind}: ${device[kind]} left after destroy`);
        } finally {
          rmSync(directory, { recursive: true, force: true });
        }
        process.stderr.write(`  peers N=${count} CLI, repetition ${repetition + 1}/${repetitions}: ${kind} done\n`);
      }
    }
  } finally {
    releaseInstalledPackage();
  }
  return commands.map((step, position) => {
    const ours = samples.vxlan[position] ?? [];
    const theirs = samples.localCommand[position] ?? [];
    return { part: "CLI", step: `pulumi ${step}`, peers: count, oursMs: median(ours), alternativesMs: { localCommand: median(theirs) }, samplesMs: { ours, localCommand: theirs } };
  });
}

/** Both parts for N peers; the underlay is made here and removed after. */
export async function runPeerBench(options: { peers: number; repetitions: number; cli: boolean }): Promise<PeerRow[]> {
  run(["ip", "link", "add", UNDERLAY, "type", "veth", "peer", "name", "vbu1"]);
  run(["ip", "link", "set", UNDERLAY, "up"]);
  run(["ip", "address", "add", `${LOCAL}/24`, "dev", UNDERLAY]);
  try {
    const rows = await inProcess(options.peers, options.repetitions);
    if (options.cli) rows.push(...(await throughCli(options.peers, options.repetitions)));
    return rows;
  } finally {
    run(["ip", "link", "del", UNDERLAY]);
  }
}

export function printPeerTable(rows: readonly PeerRow[]): void {
  const header = ["N", "part", "step", "Vxlan (ours)", "alternative", "ours ÷ alternative", "also"];
  const lines = rows.map((row) => {
    const [first, ...rest] = Object.entries(row.alternativesMs);
    const label = (key: string) => ({ bridgePerPeer: "A: bridge per peer", bridgeBatch: "B: bridge -batch", localCommand: "local.Command per peer" })[key] ?? key;
    return [
      String(row.peers),
      row.part,
      row.step,
      formatMilliseconds(row.oursMs),
      first === undefined ? "–" : `${formatMilliseconds(first[1])} (${label(first[0])})`,
      first === undefined ? "–" : formatRatio(row.oursMs, first[1]),
      rest.map(([key, value]) => `${label(key)} ${formatMilliseconds(value)}, ours ÷ it ${formatRatio(row.oursMs, value)}`).join("; "),
    ];
  });
  const widths = header.map((title, column) => Math.max(title.length, ...lines.map((line) => (line[column] ?? "").length)));
  const format = (cells: string[]) => cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join("  ");
  console.log(format(header));
  console.log(widths.map((width) => "-".repeat(width)).join("  "));
  for (const line of lines) console.log(format(line));
  console.log("(medians; in process: our provider's update against one `bridge` process per peer and one `bridge -batch`; CLI: a Vxlan stack against local.Command per peer, CLI start included)");
}
