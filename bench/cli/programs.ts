// The programs of the stacks the CLI benchmark runs, written as users write them: a TypeScript project
// (Pulumi.yaml, package.json, tsconfig.json, index.ts) whose `pulumi up` the language host runs. Each makes
// `count` devices (from the stack's config), every one the same: a tap named bt<i>, owned by uid 1000, MTU 1400,
// one IPv4 address, up (devices.ts; bench/workload.ts makes the same list to check the kernel afterwards).
// - tapInterface: our TapInterface, one resource per device, from the package installed from its `npm pack`
//   tarball;
// - command: what users do without us, one `command.local.Command` per device running `ip` (the real
//   `@pulumi/command` and its Go plugin);
// - noop: the floor of any dynamic provider, a provider that does nothing, exported by an installed package so
//   that its state records it by name, as ours is recorded; each resource is declared as TapInterface's is, with
//   the same properties, which the engine then carries as many times;
// - tapPool: our TapPool, every device in one resource.
// Every project has the same name, so that the URNs every state entry holds are alike but for the type.

/** The stacks with one resource per device. */
export const stackKinds = ["tapInterface", "command", "noop"] as const;
export type StackKind = (typeof stackKinds)[number] | "tapPool";

export const stackLabels: Record<StackKind, string> = {
  tapInterface: "TapInterface",
  command: "command + ip",
  noop: "no-op floor",
  tapPool: "TapPool",
};

/** Every stack's project name. */
export const PROJECT_NAME = "bench";

/** The name of the package that exports the no-op provider. */
export const NOOP_PACKAGE = "bench-noop-provider";

const devicesModule = `// The devices of this benchmark stack: \`count\` taps, the same in every stack.
export interface Device {
  name: string;
  owner: number;
  mtu: number;
  address: string;
}

export function devices(count: number): Device[] {
  return Array.from({ length: count }, (_, i) => ({
    name: \`bt\${i}\`,
    owner: 1000,
    mtu: 1400,
    address: \`10.\${100 + Math.floor(i / 250)}.\${i % 250}.1/24\`,
  }));
}
`;

const programs: Record<StackKind, string> = {
  tapInterface: `import * as pulumi from "@pulumi/pulumi";
import { TapInterface } from "pulumi-tuntap";
import { devices } from "./devices";

for (const device of devices(new pulumi.Config().requireNumber("count"))) {
  new TapInterface(device.name, { name: device.name, owner: device.owner, mtu: device.mtu, addresses: [device.address], up: true });
}
`,
  command: `import * as pulumi from "@pulumi/pulumi";
import * as command from "@pulumi/command";
import { devices } from "./devices";

for (const device of devices(new pulumi.Config().requireNumber("count"))) {
  new command.local.Command(device.name, {
    create: \`ip tuntap add dev \${device.name} mode tap user \${device.owner} && ip link set dev \${device.name} mtu \${device.mtu} up && ip addr add \${device.address} dev \${device.name}\`,
    delete: \`ip link del dev \${device.name}\`,
  });
}
`,
  tapPool: `import * as pulumi from "@pulumi/pulumi";
import { TapPool } from "pulumi-tuntap";
import { devices } from "./devices";

const plan = devices(new pulumi.Config().requireNumber("count")).map((device) => [device.name, { name: device.name, owner: device.owner, mtu: device.mtu, addresses: [device.address] }]);
new TapPool("bt", { devices: Object.fromEntries(plan) });
`,
  noop: `import * as pulumi from "@pulumi/pulumi";
import noopProvider = require("${NOOP_PACKAGE}");
import { devices } from "./devices";

class Device extends pulumi.dynamic.Resource {
  constructor(name: string, props: pulumi.Inputs) {
    super(noopProvider, name, props, undefined, "bench", "Device");
  }
}

for (const device of devices(new pulumi.Config().requireNumber("count"))) {
  new Device(device.name, { name: device.name, owner: device.owner, mtu: device.mtu, addresses: [device.address], up: true });
}
`,
};

/** The no-op provider's package: create answers with its inputs, delete does nothing; no diff, no read. */
export const noopPackageFiles: Record<string, string> = {
  "package.json": `${JSON.stringify({ name: NOOP_PACKAGE, version: "1.0.0", description: "A dynamic provider that does nothing", main: "index.js", types: "index.d.ts", exports: { ".": { types: "./index.d.ts", default: "./index.js" } }, license: "Apache-2.0" }, null, 2)}\n`,
  "index.js": `"use strict";
module.exports = {
  async create(inputs) {
    return { id: String(inputs.name), outs: inputs };
  },
  async delete() {},
};
`,
  "index.d.ts": `import type * as pulumi from "@pulumi/pulumi";
declare const provider: pulumi.dynamic.ResourceProvider;
export = provider;
`,
};

/** Every file of a stack's project but package.json, which names the packages installed (projects.ts). */
export function projectFiles(kind: StackKind): Record<string, string> {
  return {
    "Pulumi.yaml": `name: ${PROJECT_NAME}\nruntime:\n  name: nodejs\n  options:\n    typescript: true\nmain: index.ts\n`,
    // \`pulumi new typescript\`'s settings.
    "tsconfig.json": `${JSON.stringify(
      {
        compilerOptions: {
          strict: true,
          outDir: "bin",
          target: "es2020",
          module: "commonjs",
          moduleResolution: "node",
          sourceMap: true,
          experimentalDecorators: true,
          pretty: true,
          noFallthroughCasesInSwitch: true,
          noImplicitReturns: true,
          forceConsistentCasingInFileNames: true,
        },
        files: ["index.ts", "devices.ts"],
      },
      null,
      2,
    )}\n`,
    "devices.ts": devicesModule,
    "index.ts": programs[kind],
  };
}
