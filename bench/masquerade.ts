// N Masquerade resources created and destroyed by our provider (in process: check, create, delete, as the engine
// calls them), against `nft -f` of the same rules: one `nft -f` of all N tables (one transaction, the kernel's own
// cost plus one process) and one `nft -f` per table (what a script or `@pulumi/command` running nft per lab does).
// Each run is checked with our own dump afterwards: N tables, then none.
//
//   npm run bench -- --masquerade-sizes 10,100      (default 10,100; 0 skips this part)
import { spawnSync } from "node:child_process";
import { masqueradeProvider } from "pulumi-tuntap";
import { nftables } from "pulumi-tuntap/kernel";
import { formatMilliseconds, formatRatio, median } from "./statistics";

type Phase = "create" | "destroy";
const PHASES: readonly Phase[] = ["create", "destroy"];

interface Lab {
  device: string;
  source: string;
  managedBy: string;
}

interface Method {
  key: string;
  label: string;
  run(phase: Phase, labs: readonly Lab[]): Promise<void>;
}

export interface MasqueradeRow {
  size: number;
  phase: Phase;
  method: string;
  label: string;
  medianMs: number;
  versusNftOnce: number | null;
  versusNftPerTable: number | null;
  samplesMs: number[];
}

function labs(size: number): Lab[] {
  return Array.from({ length: size }, (_, index) => ({
    device: `natlab${index}`,
    source: `10.${100 + (index >> 8)}.${index & 255}.0/24`,
    managedBy: `bench/masquerade/nat${index}`,
  }));
}

/** The table a lab gets, in nft's words: the same chains and rules our provider writes (see the kernel's masqueradeRuleset.ts). */
function nftTable({ device, source }: Lab, index: number): string {
  return [
    `table inet bench-nat-${index} {`,
    `  comment "bench:${index}"`,
    "  chain forward {",
    "    type filter hook forward priority filter - 1; policy accept;",
    `    iifname "${device}" ip saddr ${source} oifname != "${device}" counter accept comment "forward ${source} from ${device} out of any device but ${device}"`,
    `    iifname != "${device}" oifname "${device}" ip daddr ${source} ct state established,related counter accept comment "forward replies to ${source} back in from any device but ${device}"`,
    "  }",
    "  chain postrouting {",
    "    type nat hook postrouting priority srcnat; policy accept;",
    `    ip saddr ${source} oifname != "${device}" counter masquerade comment "masquerade ${source} out of any device but ${device}"`,
    "  }",
    "}",
  ].join("\n");
}

function nft(script: string): void {
  const result = spawnSync("nft", ["-f", "-"], { input: script, encoding: "utf8" });
  if (result.status !== 0) throw new Error(`nft -f: ${result.stderr || result.error?.message}`);
}

function ourProvider(): Method {
  const created = new Map<string, { id: string; outs: Record<string, unknown> }>();
  return {
    key: "provider",
    label: "Masquerade provider, in process",
    async run(phase, all) {
      for (const lab of all) {
        if (phase === "create") {
          const checked = await masqueradeProvider.check?.({}, { sources: [lab.source], device: lab.device, managedBy: lab.managedBy });
          const result = await masqueradeProvider.create(checked?.inputs ?? {});
          created.set(lab.managedBy, { id: result.id, outs: result.outs as Record<string, unknown> });
        } else {
          const made = created.get(lab.managedBy);
          if (made === undefined) throw new Error(`${lab.managedBy} was never created`);
          await masqueradeProvider.delete?.(made.id, made.outs);
          created.delete(lab.managedBy);
        }
      }
    },
  };
}

function nftOnce(): Method {
  return {
    key: "nftOnce",
    label: "baseline: nft -f, all tables in one transaction",
    async run(phase, all) {
      nft(all.map((lab, index) => (phase === "create" ? nftTable(lab, index) : `delete table inet bench-nat-${index}`)).join("\n"));
    },
  };
}

function nftPerTable(): Method {
  return {
    key: "nftPerTable",
    label: "baseline: nft -f per table",
    async run(phase, all) {
      all.forEach((lab, index) => nft(phase === "create" ? nftTable(lab, index) : `delete table inet bench-nat-${index}`));
    },
  };
}

/** Our own dump: the tables there are now, which must be N after a create and none after a destroy. */
function verify(phase: Phase, size: number, method: Method): void {
  const tables = nftables.withNftables(undefined, "verify benchmark", (client) => client.listTables("verify benchmark")).length;
  const expected = phase === "create" ? size : 0;
  if (tables !== expected) throw new Error(`${method.key} ${phase}: ${tables} tables instead of ${expected}`);
}

function sizesOption(argv: readonly string[]): number[] {
  const index = argv.indexOf("--masquerade-sizes");
  const text = index === -1 ? "10,100" : (argv[index + 1] ?? "");
  return text
    .split(",")
    .map(Number)
    .filter((n) => Number.isInteger(n) && n > 0);
}

/** Runs the masquerade rows (sizes from `--masquerade-sizes`), prints their table, returns them for the JSON. */
export async function runMasqueradeBench(argv: readonly string[], repetitions: number): Promise<MasqueradeRow[]> {
  const sizes = sizesOption(argv);
  if (sizes.length === 0) return [];
  console.log(`Masquerade: sizes ${sizes.join(", ")}`);
  const rows: MasqueradeRow[] = [];
  for (const size of sizes) {
    const all = labs(size);
    const methods = [ourProvider(), nftOnce(), nftPerTable()];
    const samples = new Map(methods.map((method) => [method.key, { create: [] as number[], destroy: [] as number[] }]));
    // Methods take turns within each repetition, so that a slow moment of the machine hits them all alike.
    for (let repetition = 0; repetition < repetitions; repetition++) {
      for (const method of methods) {
        for (const phase of PHASES) {
          const started = process.hrtime.bigint();
          await method.run(phase, all);
          samples.get(method.key)?.[phase].push(Number(process.hrtime.bigint() - started) / 1e6);
          verify(phase, size, method);
        }
      }
      process.stderr.write(`  masquerade N=${size} repetition ${repetition + 1}/${repetitions} done\n`);
    }
    for (const phase of PHASES) {
      const medianOf = (key: string) => median(samples.get(key)?.[phase] ?? []);
      for (const method of methods) {
        const ours = medianOf(method.key);
        rows.push({
          size,
          phase,
          method: method.key,
          label: method.label,
          medianMs: ours,
          versusNftOnce: ours / medianOf("nftOnce"),
          versusNftPerTable: ours / medianOf("nftPerTable"),
          samplesMs: samples.get(method.key)?.[phase] ?? [],
        });
      }
    }
  }
  printMasqueradeTable(rows);
  return rows;
}

function printMasqueradeTable(rows: readonly MasqueradeRow[]): void {
  const header = ["N", "phase", "method", "median", "vs nft -f once", "vs nft -f per table"];
  const lines = rows.map((row) => [
    String(row.size),
    row.phase,
    row.label,
    formatMilliseconds(row.medianMs),
    row.versusNftOnce === null ? "–" : formatRatio(row.versusNftOnce, 1),
    row.versusNftPerTable === null ? "–" : formatRatio(row.versusNftPerTable, 1),
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...lines.map((line) => (line[column] ?? "").length)));
  const format = (cells: string[]) => cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join("  ");
  console.log(format(header));
  console.log(widths.map((width) => "-".repeat(width)).join("  "));
  for (const line of lines) console.log(format(line));
  console.log("(ratios: this row's time ÷ the baseline's; below 1× means faster)\n");
}
