// Where a node process's CPU time went, from the V8 CPU profiles processProfiler.ts wrote: self time by origin
// (the package or part of Node the running function belongs to) and inclusive time of the few functions that
// name a stage of the work (the closure serializer, module loading, the provider host's calls…).
import { readFileSync } from "node:fs";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

type Matcher = (url: string, name: string) => boolean;

/** Self time goes to the first origin that matches the function's script. */
const ORIGINS: readonly [string, Matcher][] = [
  ["pulumi-tuntap", (url) => url.includes("/pulumi-tuntap/dist/")],
  ["koffi", (url) => url.includes("/koffi/")],
  ["zod", (url) => url.includes("/zod/")],
  ["TypeScript", (url) => url.includes("/typescript/")],
  ["ts-node (and its source-map-support)", (url) => url.includes("/ts-node")],
  ["@pulumi/pulumi closure serializer", (url) => url.includes("/@pulumi/pulumi/runtime/closure/")],
  ["@pulumi/command", (url) => url.includes("/@pulumi/command/")],
  ["@pulumi/pulumi", (url) => url.includes("/@pulumi/pulumi/")],
  ["gRPC", (url) => url.includes("/@grpc/")],
  ["protobuf", (url) => url.includes("/google-protobuf/")],
  ["other packages", (url) => url.includes("/node_modules/")],
  ["the program", (url) => url.startsWith("file://") || url.startsWith("/")],
  ["garbage collection", (_url, name) => name === "(garbage collector)"],
  ["idle", (_url, name) => name === "(idle)"],
];

/** Inclusive time: a sample counts once for each stage one of its frames belongs to. */
const STAGES: readonly [string, Matcher][] = [
  // In the program this includes the program's own top level, which runs inside require() of its index.
  ["require()", (url, name) => name === "wrapModuleLoad" && url === "node:internal/modules/cjs/loader"],
  ["TypeScript compile", (url, name) => url.includes("/typescript/lib/") || (url.includes("/ts-node") && /^(getOutput|getOutputTypeCheck|compile)$/.test(name))],
  ["formatting stack traces (source maps)", (url, name) => name === "prepareStackTrace" && url.includes("/ts-node")],
  ["registering resources", (url, name) => name === "registerResource" && url.includes("/@pulumi/pulumi/runtime/resource")],
  ["closure serializer", (url, name) => name === "serializeFunction" && url.includes("/@pulumi/pulumi/runtime/closure/")],
  ["host: deserializing the provider", (url, name) => name === "getProvider" && url.includes("/cmd/dynamic-provider/")],
  ...["check", "diff", "create", "read", "update", "delete"].map(
    (method): [string, Matcher] => [`host: ${method}`, (url, name) => name === method && url.includes("/cmd/dynamic-provider/")],
  ),
  ["provider code (pulumi-tuntap)", (url) => url.includes("/pulumi-tuntap/dist/")],
  ["protobuf", (url) => url.includes("/google-protobuf/")],
  ["gRPC", (url) => url.includes("/@grpc/")],
];

export interface ProfileFigures {
  processes: number;
  /** From the first profile's start to the last one's end, ms. */
  wallMs: number;
  /** Sampled time that was not idle, ms. */
  busyMs: number;
  byOrigin: Record<string, number>;
  byStage: Record<string, number>;
  /** Earliest start and latest end, µs on the monotonic clock (the one process.hrtime reads). */
  startMicros: number;
  endMicros: number;
}

export function summarizeProfiles(files: readonly string[]): ProfileFigures {
  const figures: ProfileFigures = { processes: files.length, wallMs: 0, busyMs: 0, byOrigin: {}, byStage: {}, startMicros: Number.POSITIVE_INFINITY, endMicros: 0 };
  for (const file of files) {
    const profile = JSON.parse(readFileSync(file, "utf8")) as CpuProfile;
    figures.startMicros = Math.min(figures.startMicros, profile.startTime);
    figures.endMicros = Math.max(figures.endMicros, profile.endTime);
    const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
    const parents = new Map<number, number>();
    for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);
    const stagesOf = new Map<number, Set<string>>();
    const stages = (id: number): Set<string> => {
      const known = stagesOf.get(id);
      if (known !== undefined) return known;
      const parent = parents.get(id);
      const found = new Set(parent === undefined ? [] : stages(parent));
      const frame = nodes.get(id)?.callFrame;
      if (frame !== undefined) for (const [stage, matches] of STAGES) if (matches(frame.url, frame.functionName)) found.add(stage);
      stagesOf.set(id, found);
      return found;
    };
    profile.samples.forEach((id, index) => {
      const frame = nodes.get(id)?.callFrame;
      if (frame === undefined) return;
      const ms = (profile.timeDeltas[index] ?? 0) / 1000;
      const origin = ORIGINS.find(([, matches]) => matches(frame.url, frame.functionName))?.[0] ?? "Node.js and V8";
      figures.byOrigin[origin] = (figures.byOrigin[origin] ?? 0) + ms;
      if (origin !== "idle") figures.busyMs += ms;
      for (const stage of stages(id)) figures.byStage[stage] = (figures.byStage[stage] ?? 0) + ms;
    });
  }
  figures.wallMs = files.length === 0 ? 0 : (figures.endMicros - figures.startMicros) / 1000;
  return figures;
}
