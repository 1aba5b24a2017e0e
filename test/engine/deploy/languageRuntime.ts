// Running the program as the Node.js language host does (sdk/nodejs/cmd/pulumi-language-nodejs/main.go
// Run/execRuntime/constructArguments): `node [nodeargs] <@pulumi/pulumi/cmd/run> --monitor … --engine …
// --organization … --project … --root-directory … --stack … --pwd <program dir> [--dry-run] --parallel N
// <entry point>`, with the stack config in PULUMI_CONFIG (keys "<namespace>:config:<name>"), the secret keys
// in PULUMI_CONFIG_SECRET_KEYS, and PULUMI_NODEJS_TYPESCRIPT=true unless the project turns TypeScript off, so
// that the SDK registers its own vendored ts-node. The language host's monitor proxy and its pipes for
// synchronous invokes are left out: the program talks to the monitor directly and makes no invokes.
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import type { Project } from "./project";

export interface ProgramRun {
  project: Project;
  stack: string;
  organization: string;
  monitorAddress: string;
  engineAddress: string;
  dryRun: boolean;
  parallel: number;
  /** Stack config, keys "<namespace>:<name>". */
  config: Record<string, string>;
  secretKeys: string[];
  onOutput: (line: string, stream: "stdout" | "stderr") => void;
}

export interface ProgramExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** What the language host would report: "" when the program succeeded. */
  error: string;
  /** Exit code 32: the program already reported its error through the engine's Log. */
  bail: boolean;
}

/** The SDK's "already showed the user an actionable message" exit code. */
const EXITED_AFTER_LOGGING = 32;

export function languageRuntimeArguments(run: ProgramRun): string[] {
  const runPath = require.resolve("@pulumi/pulumi/cmd/run", { paths: [run.project.programDirectory] });
  const args = [
    runPath,
    "--monitor",
    run.monitorAddress,
    "--engine",
    run.engineAddress,
    "--organization",
    run.organization,
    "--project",
    run.project.name,
    "--root-directory",
    run.project.rootDirectory,
    "--stack",
    run.stack,
    "--pwd",
    run.project.programDirectory,
  ];
  if (run.dryRun) args.push("--dry-run");
  args.push("--parallel", String(run.parallel), run.project.entryPoint);
  return args;
}

/** The language host hands config over with the legacy "<namespace>:config:<name>" keys. */
function configEnvironment(config: Record<string, string>): string {
  const entries = Object.entries(config).map(([key, value]) => {
    const separator = key.indexOf(":");
    return [`${key.slice(0, separator)}:config:${key.slice(separator + 1)}`, value];
  });
  return JSON.stringify(Object.fromEntries(entries));
}

export function runProgram(run: ProgramRun): { exited: Promise<ProgramExit>; kill(): void } {
  const options = run.project.runtimeOptions;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PULUMI_CONFIG: configEnvironment(run.config),
    PULUMI_CONFIG_SECRET_KEYS: JSON.stringify(run.secretKeys),
  };
  if (options.typescript !== false) env.PULUMI_NODEJS_TYPESCRIPT = "true";
  if (typeof options.tsconfig === "string") env.PULUMI_NODEJS_TSCONFIG_PATH = options.tsconfig;
  const nodeArgs = typeof options.nodeargs === "string" ? options.nodeargs.split(/\s+/).filter((arg) => arg !== "") : [];
  const child = spawn(process.execPath, [...nodeArgs, ...languageRuntimeArguments(run)], { env, stdio: ["ignore", "pipe", "pipe"] });
  // Should this process die first, the program must not linger.
  const killOnExit = () => child.kill("SIGKILL");
  process.on("exit", killOnExit);
  child.once("close", () => process.off("exit", killOnExit));
  createInterface({ input: child.stdout }).on("line", (line) => run.onOutput(line, "stdout"));
  createInterface({ input: child.stderr }).on("line", (line) => run.onOutput(line, "stderr"));
  const exited = new Promise<ProgramExit>((resolve) => {
    child.once("error", (error) => resolve({ code: null, signal: null, error: `Problem executing program (could not run language executor): ${error.message}`, bail: false }));
    child.once("close", (code, signal) => {
      if (code === 0) resolve({ code, signal, error: "", bail: false });
      else if (code === EXITED_AFTER_LOGGING) resolve({ code, signal, error: "", bail: true });
      else resolve({ code, signal, error: `Program exited with non-zero exit code: ${code ?? signal}`, bail: false });
    });
  });
  return {
    exited,
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGINT");
    },
  };
}
