// A stack's config lives beside its program, in <project directory>/Pulumi.<stack>.yaml, as for every Pulumi user.
// Test files that run at once must therefore never use the same stack name in the same directory (each has its
// own backend, but they would share, and overwrite, that file). A claim, one per project directory and stack name,
// makes the second one wait until the first has let go; a claim whose process is gone is taken over, and the config
// file it left behind is removed (it was that test's). A config file that no claim accounts for is someone's own:
// the test refuses to run over it.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { join, relative } from "node:path";
import { repositoryRoot } from "../../../tools/pulumiCli";

const claims = join(repositoryRoot, ".build", "stacks", "claims");

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function stackConfigFile(projectDirectory: string, stackName: string): string {
  return join(projectDirectory, `Pulumi.${stackName}.yaml`);
}

/** The claim's directory holds the holder's pid; it appears whole (renamed into place) or not at all. */
function tryClaim(path: string): boolean {
  const staging = mkdtempSync(join(claims, ".staging-"));
  writeFileSync(join(staging, "pid"), String(process.pid));
  try {
    renameSync(staging, path);
    return true;
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOTEMPTY" || code === "EEXIST") return false;
    throw error;
  }
}

function holderOf(path: string): number | undefined {
  try {
    return Number(readFileSync(join(path, "pid"), "utf8"));
  } catch {
    return undefined; // Let go of meanwhile.
  }
}

/**
 * Claims `stackName` in `projectDirectory` for this process, waiting while another live process holds it.
 * Returns the function that lets go.
 */
export async function claimStack(projectDirectory: string, stackName: string): Promise<() => void> {
  mkdirSync(claims, { recursive: true });
  const key = createHash("sha256").update(projectDirectory).digest("hex").slice(0, 16);
  const path = join(claims, `${key}-${stackName}`);
  const configFile = stackConfigFile(projectDirectory, stackName);
  let told = false;
  while (!tryClaim(path)) {
    const holder = holderOf(path);
    if (holder !== undefined && !alive(holder)) {
      // Only one taker can move the abandoned claim aside; the others see it gone and try again.
      const aside = `${path}.abandoned-${process.pid}`;
      try {
        renameSync(path, aside);
      } catch {
        continue;
      }
      rmSync(configFile, { force: true });
      rmSync(aside, { recursive: true, force: true });
      continue;
    }
    if (!told) console.error(`# waiting for stack ${stackName} of ${relative(repositoryRoot, projectDirectory)}: test process ${holder} uses it`);
    told = true;
    await delay(1000);
  }
  if (existsSync(configFile)) {
    rmSync(path, { recursive: true, force: true });
    throw new Error(`${configFile} exists and belongs to no test: it is someone's own stack config. A test needs stack ${stackName} there: move the file away.`);
  }
  return () => rmSync(path, { recursive: true, force: true });
}
