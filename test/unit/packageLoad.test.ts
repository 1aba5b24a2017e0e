// A program loads the package for its resource classes; the kinds' models (zod schemas, check, diff) are their
// providers' and load at first use (provider/lifecycle/lazyExports.ts). Here, in a process of its own: loading the
// package and taking every resource class from it loads neither zod nor a model, and every export the package
// has still resolves to a value.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { dirname } from "node:path";
import { test } from "node:test";
import * as tuntap from "pulumi-tuntap";

const CLASSES = ["TapInterface", "TapPool", "Bridge", "VethPair", "Vxlan", "NetworkNamespace", "Route", "NetworkdFiles", "Masquerade", "Forwarding"] as const;

/** Where the package's files are: its entry's folder. */
const PACKAGE_BUILD = dirname(require.resolve("pulumi-tuntap"));

/** The files a fresh Node process has loaded after running `script`. */
function filesLoadedBy(script: string): string[] {
  const result = spawnSync(process.execPath, ["-e", `${script}; console.log(JSON.stringify(Object.keys(require.cache)))`], { encoding: "utf8" });
  assert.equal(result.status, 0, result.stderr);
  return JSON.parse(result.stdout) as string[];
}

test("loading the package and its resource classes loads no model and no zod", () => {
  const files = filesLoadedBy(`const tuntap = require("pulumi-tuntap"); for (const name of ${JSON.stringify(CLASSES)}) if (typeof tuntap[name] !== "function") throw new Error(name)`);
  assert.ok(files.some((file) => file.endsWith("tapInterface.js")), "the classes were loaded");
  assert.deepEqual(
    files.filter((file) => file.includes("/node_modules/zod/") || (file.startsWith(PACKAGE_BUILD) && /\/(model|diff)(\/index|\/check)?\.js$/.test(file))),
    [],
  );
});

test("every export of the package resolves to a value", () => {
  const unresolved = Object.entries(tuntap).filter(([, value]) => value === undefined).map(([name]) => name);
  assert.deepEqual(unresolved, []);
  assert.equal(typeof tuntap.checkTapInterface, "function");
  assert.equal(typeof tuntap.tapPoolInputsSchema.safeParse, "function");
  assert.ok(new tuntap.LabNetworkInputError("lab", []) instanceof Error);
});
