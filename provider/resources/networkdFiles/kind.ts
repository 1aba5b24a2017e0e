// The NetworkdFiles provider's real work: writing, reading back and removing a device's systemd-networkd
// files. Loaded at call time by the serialized shim (networkdFilesProvider.ts). Each provider method reads
// validate → one call into the work below → the state; the work looks at every file first (refusing before
// anything is written if one is not ours), then writes or removes with rollback.
import { realpathSync } from "node:fs";
import {
  checkNetworkdFiles,
  diffNetworkdFiles,
  directoryProblem,
  filePaths,
  fileStemProblem,
  networkdFilesInputsSchema,
  type NetworkdFilesSpec,
  type NetworkdFilesState,
  networkdSpecOf,
  normalizeDirectory,
  type Properties,
  renderNetworkdFiles,
  settingsFromNetworkdFiles,
} from "../../model";
import { validated } from "../../lifecycle/validated";
import type { ResourceImplementation } from "../../lifecycle/provider";
import { FOREIGN_FILE_ADVICE, ForeignFileError, MissingDirectoryError } from "./errors";
import { FileAppearedError, type FileFinding, inspectFile, isDirectory, removeFile, writeFileAtomically } from "./fileStore";
import { applyWithRollback, type Step } from "../../lifecycle/steps";

interface PlannedFile {
  path: string;
  content: string;
}

export const networkdFilesImplementation: ResourceImplementation = {
  async check(olds: Properties, news: Properties) {
    const outcome = checkNetworkdFiles(olds, news);
    return { inputs: outcome.inputs, failures: outcome.failures };
  },

  async diff(_id: string, olds: Properties, news: Properties) {
    return diffNetworkdFiles(olds, news, samePlace);
  },

  async create(inputs: Properties) {
    const spec = validatedFiles(inputs, "create NetworkdFiles");
    return { id: idOf(spec), outs: writeOwnFiles(spec, [spec.managedBy], "create") };
  },

  async read(id: string, props: Properties) {
    const state = readFiles(props);
    return state === undefined ? {} : { id, props: state };
  },

  async update(id: string, olds: Properties, news: Properties) {
    const spec = validatedFiles(news, `update ${id}`);
    // A file is ours under the identity recorded when it was written, or under the new one (a renamed stack).
    const identities = typeof olds.managedBy === "string" ? [olds.managedBy, spec.managedBy] : [spec.managedBy];
    return { outs: writeOwnFiles(spec, identities, "update") };
  },

  async delete(id: string, props: Properties) {
    deleteFiles(id, props);
  },
};

/** The checked inputs as a complete spec, or an InvalidInputsError listing every failure (see validated.ts). */
function validatedFiles(inputs: Properties, operation: string): NetworkdFilesSpec {
  return validated(checkNetworkdFiles({}, inputs), operation, networkdSpecOf);
}

/** create and update: the files written (or found ours and as they should be); the state they make. */
function writeOwnFiles(spec: NetworkdFilesSpec, identities: readonly string[], verb: string): NetworkdFilesState {
  const operation = `${verb} ${describe(spec)}`;
  if (!isDirectory(spec.directory)) throw new MissingDirectoryError(operation, spec.directory);
  // Our own marker on a file already there means this resource wrote it in a run that was never recorded.
  writeFiles(plannedFiles(spec), identities, operation);
  return stateOf(spec);
}

/** read: the files as found, or undefined when neither is there (or carries our marker) any more. */
function readFiles(props: Properties): Properties | undefined {
  const paths = declaredPaths(props);
  if (paths === undefined) return undefined;
  const identities = typeof props.managedBy === "string" ? [props.managedBy] : [];
  const netdev = inspectFile(paths.netdevPath, identities);
  const network = inspectFile(paths.networkPath, identities);
  if (netdev.status !== "ours" && network.status !== "ours") return undefined;
  return stateFromDisk(props, contentOf(netdev), contentOf(network));
}

/** delete: both files, only if both are ours (or gone); one that is not stops it before anything is removed. */
function deleteFiles(id: string, props: Properties): void {
  const operation = `delete ${id}.{netdev,network}`;
  const paths = declaredPaths(props);
  if (paths === undefined) {
    throw new Error(
      `${operation}: the recorded directory and fileStem do not name files inside one plainly written directory, so no file is removed. ` +
        "Remove the resource's files yourself, then `pulumi state delete <urn>`.",
    );
  }
  const identities = typeof props.managedBy === "string" ? [props.managedBy] : [];
  const files = [paths.netdevPath, paths.networkPath].map((path) => ({ path, finding: inspectFile(path, identities) }));
  for (const { path, finding } of files) {
    if (finding.status === "foreign") throw new ForeignFileError(operation, path, finding.reason, FOREIGN_FILE_ADVICE.delete);
  }
  for (const { path, finding } of files) if (finding.status === "ours") removeFile(path);
}

function idOf(spec: NetworkdFilesSpec): string {
  return `${spec.directory === "/" ? "" : spec.directory}/${spec.fileStem}`;
}

function describe(spec: NetworkdFilesSpec): string {
  return `${idOf(spec)}.{netdev,network}`;
}

function plannedFiles(spec: NetworkdFilesSpec): PlannedFile[] {
  const { netdevPath, networkPath } = filePaths(spec.directory, spec.fileStem);
  const rendered = renderNetworkdFiles(spec, spec.managedBy);
  return [
    { path: netdevPath, content: rendered.netdev },
    { path: networkPath, content: rendered.network },
  ];
}

/**
 * Looks at every file before writing any: one that is not ours stops the whole change. Then writes each
 * file whose text differs; a failure puts back what was written (the old text, or no file).
 */
function writeFiles(files: readonly PlannedFile[], identities: readonly string[], operation: string): void {
  const findings = files.map((file) => ({ ...file, finding: inspectFile(file.path, identities) }));
  for (const { path, finding } of findings) {
    if (finding.status === "foreign") throw new ForeignFileError(operation, path, finding.reason, FOREIGN_FILE_ADVICE.write);
  }
  const steps = findings
    .filter(({ content, finding }) => finding.status !== "ours" || finding.content !== content)
    .map(({ path, content, finding }) => writeStep(path, content, finding, operation));
  applyWithRollback(steps);
}

function writeStep(path: string, content: string, finding: FileFinding, operation: string): Step {
  const previous = finding.status === "ours" ? finding.content : undefined;
  return {
    description: `write ${path}`,
    apply: () => {
      try {
        writeFileAtomically(path, content, previous === undefined ? "create" : "replace");
      } catch (error) {
        if (error instanceof FileAppearedError) {
          throw new ForeignFileError(operation, path, "another file appeared there while it was being written", FOREIGN_FILE_ADVICE.write);
        }
        throw error;
      }
    },
    undo: () => (previous === undefined ? removeFile(path) : writeFileAtomically(path, previous, "replace")),
  };
}

function stateOf(spec: NetworkdFilesSpec): NetworkdFilesState {
  const [netdev, network] = plannedFiles(spec);
  return { ...spec, ...filePaths(spec.directory, spec.fileStem), netdevContent: netdev?.content ?? "", networkContent: network?.content ?? "" };
}

/**
 * The only files a read or a delete may touch: `<fileStem>.netdev` and `<fileStem>.network` directly inside the
 * recorded directory, both as check accepts them. The paths recorded beside them are never trusted: a state
 * edited by hand (or by a bug) must not point a delete anywhere else.
 */
function declaredPaths(props: Properties): { netdevPath: string; networkPath: string } | undefined {
  const { directory, fileStem } = props;
  if (typeof directory !== "string" || typeof fileStem !== "string") return undefined;
  if (directoryProblem(directory) !== undefined || fileStemProblem(fileStem) !== undefined) return undefined;
  return filePaths(normalizeDirectory(directory), fileStem);
}

/** Two spellings of one directory (a symbolic link to it): compared by real path when both exist. */
function samePlace(a: string, b: string): boolean {
  const real = (directory: string) => {
    try {
      return realpathSync(directory);
    } catch {
      return directory;
    }
  };
  return a === b || real(a) === real(b);
}

function contentOf(finding: FileFinding): string {
  return finding.status === "ours" ? finding.content : "";
}

/**
 * Outputs after a read: the settings the files on disk describe (so a refresh shows a hand edit), or, when
 * they no longer describe a whole device (the .netdev is gone, say), the recorded ones; and the files' text
 * as found ("" for a file that is missing or no longer ours). Either difference makes the next `pulumi up`
 * write the files again.
 */
function stateFromDisk(props: Properties, netdevContent: string, networkContent: string): Properties {
  const location = { directory: props.directory, fileStem: props.fileStem, managedBy: props.managedBy };
  const fromDisk = networkdSpecOf(checkNetworkdFiles({}, { ...settingsFromNetworkdFiles(netdevContent, networkContent), ...location }));
  const recorded = networkdSpecOf(checkNetworkdFiles({}, recordedInputs(props)));
  const settings = fromDisk ?? recorded;
  const paths = declaredPaths(props);
  if (settings === undefined || paths === undefined) return { ...props, netdevContent, networkContent };
  return { ...settings, ...paths, netdevContent, networkContent };
}

/** The input properties among recorded outputs (the schema is strict: paths and contents are not inputs). */
function recordedInputs(props: Properties): Properties {
  const keys = new Set(Object.keys(networkdFilesInputsSchema.shape));
  return Object.fromEntries(Object.entries(props).filter(([key]) => keys.has(key)));
}
