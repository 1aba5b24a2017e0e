// `npm test` ends here: finds every compiled *.test.js under .build/test and hands them to node's test runner
// on the Node.js versions users have: the whole suite on Node 24; on Node 22 again the unit and kernel tests
// (koffi's bindings, the codecs) and the real CLI as a user runs it there — the package installed from npm pack
// through up, preview, refresh and destroy, and `npm run up` (tools/nodeRuntimes.ts installs both). Each run's node is first on PATH, so the Pulumi CLI's
// dynamic-provider host runs on it too.
//
//   npm test                      everything, on 24 then 22
//   npm test -- unit kernel       the files whose path contains "unit" or "kernel", on both
//   npm test -- --node=24 cli     one runtime only (24, 22, or "current": the node running this script)
//
// Other arguments starting with "-" go to `node --test` (e.g. --test-name-pattern=…).
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { type NodeMajor, nodeBinDirectory, testedNode } from "../tools/nodeRuntimes";

/**
 * The part of the suite that runs on Node 22 as well. The rest of the CLI tests exercise our provider's logic,
 * which does not differ between runtimes, and would double the suite's time.
 */
const ON_EVERY_NODE = ["unit/", "kernel/", "cli/installedPackage.test.js", "cli/npmRunUp.test.js"];

const root = __dirname;
const sources = join(root, "..", "..", "test");

/** Compiled test files whose source still exists (the build is incremental: a deleted test leaves its .js behind). */
function testFiles(directory: string): string[] {
  return readdirSync(directory).flatMap((entry) => {
    const path = join(directory, entry);
    if (statSync(path).isDirectory()) return testFiles(path);
    const source = join(sources, relative(root, path)).replace(/\.js$/, ".ts");
    return entry.endsWith(".test.js") && existsSync(source) ? [path] : [];
  });
}

interface Run {
  label: string;
  nodeBin: string;
  files: string[];
}

const args = process.argv.slice(2);
const nodeChoice = args.find((argument) => argument.startsWith("--node="))?.slice("--node=".length);
const filters = args.filter((argument) => !argument.startsWith("-"));
const options = args.filter((argument) => argument.startsWith("-") && !argument.startsWith("--node="));
const files = testFiles(root)
  .filter((file) => filters.length === 0 || filters.some((filter) => relative(root, file).includes(filter)))
  .sort();
if (files.length === 0) {
  console.error(`no test files match ${filters.join(", ")}`);
  process.exit(1);
}

/**
 * Much of the suite runs programs as `nobody` (uid 65534) from this checkout — provider calls without privilege,
 * the VMMs and tunnel programs of the examples and VM tests. Under a folder others cannot enter (/root, a home
 * folder of mode 0700) each of them would fail on its own with EACCES; say it once, before anything runs. Only as
 * root: as another user the kernel tests say what they need.
 */
function checkReadableByNobody(): void {
  if (process.getuid?.() !== 0) return;
  const packageJson = join(sources, "..", "package.json");
  const probe = spawnSync("setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", "--", "test", "-r", packageJson]);
  if (probe.status === 0) return;
  console.error(
    `The tests run programs as nobody (uid 65534) from this checkout, and nobody cannot read ${packageJson}: a folder above it ` +
      "is closed to other users. Clone the repository under a folder every user can enter (not /root, nor a home folder of mode 0700), " +
      "or give the folders above it o+x (chmod o+x DIR).",
  );
  process.exit(1);
}
checkReadableByNobody();

function plan(): Run[] {
  if (nodeChoice === "current") return [{ label: `Node ${process.version} (current)`, nodeBin: dirname(process.execPath), files }];
  if (nodeChoice !== undefined) {
    if (!(nodeChoice in testedNode)) throw new Error(`--node=${nodeChoice}: choose one of ${Object.keys(testedNode).join(", ")} or current`);
    const major = nodeChoice as NodeMajor;
    return [{ label: `Node ${testedNode[major]}`, nodeBin: nodeBinDirectory(major), files }];
  }
  const runs: Run[] = [{ label: `Node ${testedNode["24"]}`, nodeBin: nodeBinDirectory("24"), files }];
  const subset = files.filter((file) => ON_EVERY_NODE.some((part) => relative(root, file).startsWith(part)));
  if (subset.length > 0) runs.push({ label: `Node ${testedNode["22"]} (unit, kernel and the installed package through the CLI)`, nodeBin: nodeBinDirectory("22"), files: subset });
  return runs;
}

const outcomes: string[] = [];
let failed = false;
for (const run of plan()) {
  console.log(`# ${run.label}: ${run.files.length} test files`);
  const started = Date.now();
  const result = spawnSync(join(run.nodeBin, "node"), ["--test", ...options, ...run.files], {
    stdio: "inherit",
    env: { ...process.env, PATH: `${run.nodeBin}:${process.env.PATH ?? ""}` },
  });
  const ok = result.status === 0;
  failed ||= !ok;
  outcomes.push(`# ${run.label}: ${ok ? "passed" : `FAILED (exit ${result.status ?? result.signal})`} in ${Math.round((Date.now() - started) / 1000)} s`);
}
for (const outcome of outcomes) console.log(outcome);
process.exit(failed ? 1 : 0);
