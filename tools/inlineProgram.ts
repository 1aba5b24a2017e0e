// A stack program of this repository as an Automation API inline program: the Pulumi.yaml's `main`, compiled
// by `tsc -p tsconfig.json` into .build/, loaded afresh on every run. The program runs in this process and
// the Pulumi CLI reaches it with `--client`; everything else — engine, state, the dynamic-provider host — is
// the CLI's own.
import { join, relative } from "node:path";
import type { PulumiFn } from "@pulumi/pulumi/automation";
import { repositoryRoot } from "./pulumiCli";

const compiledRoot = join(repositoryRoot, ".build");

/** The compiled JavaScript of a TypeScript source of this repository. */
export function compiledPath(source: string): string {
  const path = relative(repositoryRoot, source);
  if (path.startsWith("..")) throw new Error(`${source} is outside this repository: only its own programs are compiled into .build/`);
  return join(compiledRoot, path.replace(/\.ts$/, ".js"));
}

/**
 * The program whose entry point is `mainSource` (a .ts file). Its exports become the stack's outputs. Every
 * run reloads the program's own modules, as a new `pulumi up` would (the package and the SDK stay loaded).
 */
export function inlineProgram(mainSource: string): PulumiFn {
  const entry = compiledPath(mainSource);
  const programDirectory = join(entry, "..");
  return async () => {
    for (const cached of Object.keys(require.cache)) {
      if (cached.startsWith(programDirectory)) delete require.cache[cached];
    }
    return { ...(require(entry) as Record<string, unknown>) };
  };
}
