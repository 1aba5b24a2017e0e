// `npm test` ends here: finds every compiled *.test.js under .build/test and hands them to node's test
// runner, so CI counts every test. Arguments filter by path substring: `npm test -- unit kernel`.
import { spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";

function testFiles(directory: string): string[] {
  return readdirSync(directory).flatMap((entry) => {
    const path = join(directory, entry);
    if (statSync(path).isDirectory()) return testFiles(path);
    return entry.endsWith(".test.js") ? [path] : [];
  });
}

const root = __dirname;
const filters = process.argv.slice(2).filter((argument) => !argument.startsWith("-"));
const options = process.argv.slice(2).filter((argument) => argument.startsWith("-"));
const files = testFiles(root)
  .filter((file) => filters.length === 0 || filters.some((filter) => relative(root, file).includes(filter)))
  .sort();
if (files.length === 0) {
  console.error(`no test files match ${filters.join(", ")}`);
  process.exit(1);
}
const result = spawnSync(process.execPath, ["--test", ...options, ...files], { stdio: "inherit" });
process.exit(result.status ?? 1);
