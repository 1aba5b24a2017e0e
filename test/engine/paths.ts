// Where things are, from the compiled tests (.build/test/engine/…): programs run from their sources.
import { join, resolve } from "node:path";

export const repositoryRoot = resolve(__dirname, "..", "..", "..");
export const testProgramsDirectory = join(repositoryRoot, "test", "engine", "programs");
