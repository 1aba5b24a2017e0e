// Where things are, from the compiled tests (.build/test/cli/…): programs are found by their sources.
import { join } from "node:path";
import { repositoryRoot } from "../../../tools/pulumiCli";

export { repositoryRoot };
export const testProgramsDirectory = join(repositoryRoot, "test", "cli", "programs");
