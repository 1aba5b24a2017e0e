// Where the CLI's own CPU time went (the engine, the backend's checkpoints), from the Go CPU profile that
// `pulumi --profiling PREFIX` writes, read with `go tool pprof` (Go is needed only for this part).
import { spawnSync } from "node:child_process";

/** Inclusive CPU time of the functions that name a part of the engine's work. */
const PARTS: readonly [string, RegExp][] = [
  ["saving checkpoints", /\(\*SnapshotManager\)\.saveSnapshot$/],
  ["  of which serializing the state", /deploy\.SerializeDeployment|stack\.SerializeDeployment$/],
  ["  of which checking the state", /\(\*Snapshot\)\.VerifyIntegrity$/],
  ["  of which writing JSON", /encoding\/json\.(Marshal|MarshalIndent)$|encoding\/json\/v2\.Marshal$/],
  ["passphrase key derivation", /pbkdf2\.Key$/],
  ["step generation", /\(\*stepGenerator\)\.GenerateSteps$/],
  ["step execution", /\(\*stepExecutor\)\.worker$/],
  ["gRPC transport", /grpc\/internal\/transport/],
  ["garbage collection", /^runtime\.gcBgMarkWorker$/],
];

export interface EngineFigures {
  totalMs: number;
  parts: Record<string, number>;
}

function milliseconds(text: string): number {
  const match = /^([\d.]+)(ns|us|µs|ms|s|min)$/.exec(text);
  if (match === null) return Number.NaN;
  const scale: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, min: 60_000 };
  return Number(match[1]) * (scale[match[2] ?? "ms"] ?? Number.NaN);
}

/** The profile's figures, or a sentence saying why there are none. */
export function summarizeEngineProfile(file: string): EngineFigures | string {
  const pprof = spawnSync("go", ["tool", "pprof", "-top", "-cum", "-nodecount=100000", file], { encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
  if (pprof.error !== undefined || pprof.status !== 0) return `go tool pprof could not read ${file} (${pprof.error?.message ?? pprof.stderr.trim()})`;
  const total = /Total samples = ([\d.]+\w+)/.exec(pprof.stdout);
  const figures: EngineFigures = { totalMs: total?.[1] === undefined ? Number.NaN : milliseconds(total[1]), parts: {} };
  for (const line of pprof.stdout.split("\n")) {
    const columns = line.trim().split(/\s+/);
    // flat flat% sum% cum cum% name
    if (columns.length < 6) continue;
    const cumulative = milliseconds(columns[3] ?? "");
    const name = columns.slice(5).join(" ");
    if (Number.isNaN(cumulative)) continue;
    for (const [part, pattern] of PARTS) if (pattern.test(name)) figures.parts[part] = Math.max(figures.parts[part] ?? 0, cumulative);
  }
  return figures;
}
