// NetworkdFiles as a kind: a device's systemd-networkd files, written, read back and removed by the lifecycle
// (../../lifecycle). The object is the pair of files at <directory>/<fileStem>.{netdev,network}; its mark is the
// first line of each, naming the resource ("# Managed by pulumi-tuntap for <project>/<stack>/<resource>"). Every
// file is looked at before any is written (one that is not ours refuses the whole change), then each is written
// or removed atomically, with rollback.
import { realpathSync } from "node:fs";
import type { Properties } from "../../model";
import type { Ownership, ResourceKind } from "../../lifecycle/kind";
import { resourceProvider } from "../../lifecycle/provider";
import { applyWithRollback, type Step } from "../../lifecycle/steps";
import { diffNetworkdFiles } from "./diff";
import { FOREIGN_FILE_ADVICE, ForeignFileError, MissingDirectoryError } from "./errors";
import { FileAppearedError, type FileFinding, inspectFile, isDirectory, removeFile, writeFileAtomically } from "./fileStore";
import {
  checkNetworkdFiles,
  directoryProblem,
  filePaths,
  fileStemProblem,
  networkdFilesInputsSchema,
  type NetworkdFilesSpec,
  networkdSpecOf,
  normalizeDirectory,
} from "./model";
import { settingsFromNetworkdFiles } from "./parse";
import { renderNetworkdFiles } from "./render";

interface PlannedFile {
  path: string;
  content: string;
}

type FilePaths = ReturnType<typeof filePaths>;

/** What the state records: whose the files are, where, and the settings they were written from (or, read back, the state itself). */
interface Recorded {
  managedBy?: string;
  paths: FilePaths | undefined;
  written?: NetworkdFilesSpec;
  props?: Properties;
}

/** The two files' place, and the identities whose marker makes a file there ours. */
interface Files {
  paths: FilePaths;
  identities: readonly string[];
}

const networkdFiles: ResourceKind<NetworkdFilesSpec & Ownership, Recorded, Files, Properties> = {
  type: "NetworkdFiles",
  check: checkNetworkdFiles,
  specOf: (outcome) => networkdSpecOf(outcome as ReturnType<typeof checkNetworkdFiles>),
  diff: (_id, olds, news) => diffNetworkdFiles(olds, news, samePlace),
  idOf: (spec) => `${spec.directory === "/" ? "" : spec.directory}/${spec.fileStem}`,
  subject: (id) => `${id}.{netdev,network}`,

  recordedFor: (spec) => ({ managedBy: spec.managedBy, paths: filePaths(spec.directory, spec.fileStem), written: spec }),
  recordedFrom: (props) => ({ ...(typeof props.managedBy === "string" ? { managedBy: props.managedBy } : {}), paths: declaredPaths(props), props }),

  find: (_id, { managedBy, paths }) => (paths === undefined ? undefined : { paths, identities: managedBy === undefined ? [] : [managedBy] }),

  /** A state whose paths are not plain files of one directory: nothing may be written or removed by it. */
  foreignAt: (_id, { paths }, operation) =>
    paths !== undefined
      ? undefined
      : new Error(
          `${operation}: the recorded directory and fileStem do not name files inside one plainly written directory, so no file is removed or written. ` +
            "Remove the resource's files yourself, then `pulumi state delete <urn>`.",
        ),

  /** Both files written as new; a file already at either path (ours from a run never recorded, or another's) takes the place. */
  make(spec, _stamp, operation) {
    const planned = plannedFiles(spec, operation);
    const files = { paths: filePaths(spec.directory, spec.fileStem), identities: [spec.managedBy] };
    const id = networkdFiles.idOf(spec);
    if (planned.some(({ path }) => inspectFile(path, files.identities).status !== "missing")) return { id, taken: files };
    applyWithRollback(writeSteps(planned, files.identities, operation));
    return { id, made: files };
  },

  /** Our own marker on the files there means this resource wrote them in a run that was never recorded. */
  reclaimable: ({ paths }, spec) => (findings(paths, [spec.managedBy]).some(({ finding }) => finding.status === "foreign") ? undefined : spec.managedBy),
  refusal: ({ paths }, spec, operation) => foreignFileError(findings(paths, [spec.managedBy]), operation, FOREIGN_FILE_ADVICE.write),

  /** A file is ours under the identity recorded when it was written, or under the new one (a renamed stack). */
  steps: (files, spec, _id, _stamps, operation) => writeSteps(plannedFiles(spec, operation), [...files.identities, spec.managedBy], operation),

  /** Both files, only if both are ours (or gone): one that is not stops it before anything is removed. */
  remove({ paths, identities }, operation) {
    const found = findings(paths, identities);
    if (found.some(({ finding }) => finding.status === "foreign")) throw foreignFileError(found, operation, FOREIGN_FILE_ADVICE.delete);
    for (const { path, finding } of found) if (finding.status === "ours") removeFile(path);
  },

  /** Written: the settings and text written. Read back: the files as found, or undefined when neither is there (or ours) any more. */
  state({ paths, identities }, { written, props }) {
    if (written !== undefined) return stateOf(written);
    const [netdev, network] = [inspectFile(paths.netdevPath, identities), inspectFile(paths.networkPath, identities)];
    if (netdev.status !== "ours" && network.status !== "ours") return undefined;
    return stateFromDisk(props ?? {}, contentOf(netdev), contentOf(network));
  },
};

/** The NetworkdFiles provider's real work: what pulumi-tuntap/providers/networkdFiles loads when it is called. */
export const implementation = resourceProvider(networkdFiles);

/** What is at each of the two paths. */
function findings(paths: FilePaths, identities: readonly string[]): { path: string; finding: FileFinding }[] {
  return [paths.netdevPath, paths.networkPath].map((path) => ({ path, finding: inspectFile(path, identities) }));
}

function foreignFileError(found: readonly { path: string; finding: FileFinding }[], operation: string, advice: string): ForeignFileError {
  const foreign = found.find(({ finding }) => finding.status === "foreign");
  const reason = foreign?.finding.status === "foreign" ? foreign.finding.reason : "another file appeared there";
  return new ForeignFileError(operation, foreign?.path ?? found[0]?.path ?? "", reason, advice);
}

/** The files the spec renders, in a directory that must exist (networkd reads /etc/systemd/network). */
function plannedFiles(spec: NetworkdFilesSpec, operation: string): PlannedFile[] {
  if (!isDirectory(spec.directory)) throw new MissingDirectoryError(operation, spec.directory);
  const { netdevPath, networkPath } = filePaths(spec.directory, spec.fileStem);
  const rendered = renderNetworkdFiles(spec, spec.managedBy);
  return [
    { path: netdevPath, content: rendered.netdev },
    { path: networkPath, content: rendered.network },
  ];
}

/**
 * Looks at every file before writing any: one that is not ours stops the whole change. Then a step for each file
 * whose text differs; a failure puts back what was written (the old text, or no file).
 */
function writeSteps(files: readonly PlannedFile[], identities: readonly string[], operation: string): Step[] {
  const found = files.map((file) => ({ ...file, finding: inspectFile(file.path, identities) }));
  if (found.some(({ finding }) => finding.status === "foreign")) throw foreignFileError(found, operation, FOREIGN_FILE_ADVICE.write);
  return found
    .filter(({ content, finding }) => finding.status !== "ours" || finding.content !== content)
    .map(({ path, content, finding }) => writeStep(path, content, finding, operation));
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

function stateOf(spec: NetworkdFilesSpec): Properties {
  const { netdev, network } = renderNetworkdFiles(spec, spec.managedBy);
  return { ...spec, ...filePaths(spec.directory, spec.fileStem), netdevContent: netdev, networkContent: network };
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
