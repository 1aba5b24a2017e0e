// A Pulumi project as the CLI reads it: Pulumi.yaml's name, runtime and main, and where the program runs.
// `main` maps to a working directory and an entry point exactly as pkg/engine/project.go getPwdMain does:
// a directory becomes the working directory with entry ".", a file's directory becomes the working directory
// with the file's base name as the entry.
import { readFileSync, statSync } from "node:fs";
import { basename, dirname, isAbsolute, join, resolve } from "node:path";

// js-yaml ships with @pulumi/pulumi (which parses Pulumi.yaml with it too); it has no type declarations here.
const yaml = require("js-yaml") as { load(text: string): unknown };

export interface Project {
  name: string;
  /** The directory holding Pulumi.yaml. */
  rootDirectory: string;
  runtime: string;
  /** runtime.options, e.g. { typescript: true }. */
  runtimeOptions: Record<string, unknown>;
  /** The program's working directory (--pwd). */
  programDirectory: string;
  /** The entry point relative to programDirectory ("." or a file name). */
  entryPoint: string;
}

export function loadProject(rootDirectory: string): Project {
  const root = resolve(rootDirectory);
  const document = yaml.load(readFileSync(join(root, "Pulumi.yaml"), "utf8")) as Record<string, unknown> | null;
  const name = document?.name;
  if (typeof name !== "string" || name === "") throw new Error(`${root}/Pulumi.yaml has no project name`);
  const runtime = document?.runtime;
  const runtimeName = typeof runtime === "string" ? runtime : (runtime as { name?: unknown } | undefined)?.name;
  if (runtimeName !== "nodejs") throw new Error(`${root}/Pulumi.yaml: runtime ${String(runtimeName)} is not supported (nodejs only)`);
  const options = typeof runtime === "object" && runtime !== null ? ((runtime as { options?: unknown }).options ?? {}) : {};
  const main = document?.main;
  const { programDirectory, entryPoint } = programLocation(root, typeof main === "string" ? main : "");
  return { name, rootDirectory: root, runtime: runtimeName, runtimeOptions: options as Record<string, unknown>, programDirectory, entryPoint };
}

function programLocation(root: string, main: string): { programDirectory: string; entryPoint: string } {
  if (main === "") return { programDirectory: root, entryPoint: "." };
  const target = isAbsolute(main) ? main : join(root, main);
  if (statSync(target).isDirectory()) return { programDirectory: target, entryPoint: "." };
  return { programDirectory: dirname(target), entryPoint: basename(target) };
}
