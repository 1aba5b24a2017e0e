// Where the provider host's CPU time went, from the profiles hostProfiler.ts wrote: self time by origin
// (our package, the SDK's host and gRPC, protobuf, zod, Node itself, garbage collection, idle) and the
// functions of our package that took the most. Printed after the CLI table by `npm run bench -- --profile DIR`.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { formatMilliseconds } from "../statistics";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const ORIGINS: readonly [string, (url: string, name: string) => boolean][] = [
  ["pulumi-tuntap", (url) => url.includes("/pulumi-tuntap/dist/")],
  ["koffi", (url) => url.includes("/koffi/")],
  ["zod", (url) => url.includes("/zod/")],
  ["@pulumi/pulumi (host, serializer)", (url) => url.includes("/@pulumi/pulumi/")],
  ["gRPC", (url) => url.includes("/@grpc/")],
  ["protobuf", (url) => url.includes("/google-protobuf/")],
  ["other packages", (url) => url.includes("/node_modules/")],
  ["garbage collection", (_url, name) => name === "(garbage collector)"],
  ["idle", (_url, name) => name === "(idle)"],
];

function originOf(node: ProfileNode): string {
  const { url, functionName } = node.callFrame;
  return ORIGINS.find(([, matches]) => matches(url, functionName))?.[0] ?? "Node.js and V8";
}

export function printProfileSummary(directory: string): void {
  const files = readdirSync(directory).filter((name) => name.startsWith("host-") && name.endsWith(".cpuprofile"));
  const byOrigin = new Map<string, number>();
  const byFunction = new Map<string, number>();
  for (const file of files) {
    const profile = JSON.parse(readFileSync(join(directory, file), "utf8")) as CpuProfile;
    const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
    profile.samples.forEach((id, index) => {
      const node = nodes.get(id);
      if (node === undefined) return;
      const ms = (profile.timeDeltas[index] ?? 0) / 1000;
      const origin = originOf(node);
      byOrigin.set(origin, (byOrigin.get(origin) ?? 0) + ms);
      if (origin === "pulumi-tuntap") {
        const { functionName, url, lineNumber } = node.callFrame;
        const where = `${functionName || "(anonymous)"} ${url.split("/dist/").pop() ?? url}:${lineNumber + 1}`;
        byFunction.set(where, (byFunction.get(where) ?? 0) + ms);
      }
    });
  }
  const total = [...byOrigin.values()].reduce((sum, ms) => sum + ms, 0);
  const busy = total - (byOrigin.get("idle") ?? 0);
  console.log(`Provider host CPU profiles (${files.length} processes, ${formatMilliseconds(total)} sampled, ${formatMilliseconds(busy)} busy):`);
  for (const [origin, ms] of [...byOrigin].sort((a, b) => b[1] - a[1])) {
    console.log(`  ${origin.padEnd(36)} ${formatMilliseconds(ms).padStart(9)}  ${((100 * ms) / total).toFixed(1).padStart(5)} %`);
  }
  console.log("  busiest functions of pulumi-tuntap (self time):");
  for (const [where, ms] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, 10)) console.log(`    ${formatMilliseconds(ms).padStart(9)}  ${where}`);
}
