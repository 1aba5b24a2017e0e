// The file I/O behind NetworkdFiles: looking at a file without trusting it, and writing or removing one so
// that a crash or a power cut leaves either the old file or the new one, never half of either.
//
// - Looking: opened with O_NOFOLLOW (a symbolic link, e.g. one to /dev/null that masks the file, is not
//   ours to follow or replace) and O_NONBLOCK (a FIFO does not hang us); only regular files can be ours.
// - Writing: a temporary file in the same directory (hidden, ".tmp": networkd ignores it), fsync, then
//   link() for a new file (fails if someone created one meanwhile: never a silent overwrite) or rename()
//   over our own, then fsync of the directory so the name itself is durable.
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import { basename, dirname, join } from "node:path";
import { ownerOfFile } from "./render";

/** networkd files are a few hundred bytes; anything much larger is not one of ours. */
const MAX_FILE_BYTES = 1024 * 1024;
const FILE_MODE = 0o644;

export type FileFinding =
  | { status: "missing" }
  | { status: "ours"; content: string; owner: string }
  | { status: "foreign"; reason: string };

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}

/**
 * What is at `path`: nothing, a file whose marker names one of `identities`, or something else (with why
 * it is not ours). Errors other than "not there" (EACCES, EIO) are thrown: we cannot tell, so we touch nothing.
 */
export function inspectFile(path: string, identities: readonly string[]): FileFinding {
  let fd: number;
  try {
    fd = fs.openSync(path, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK);
  } catch (error) {
    const code = errorCode(error);
    if (code === "ENOENT") return { status: "missing" };
    if (code === "ELOOP") return { status: "foreign", reason: "it is a symbolic link (a link to /dev/null masks a networkd file)" };
    throw error;
  }
  try {
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) return { status: "foreign", reason: "it is not a regular file" };
    if (stat.size > MAX_FILE_BYTES) return { status: "foreign", reason: `it is ${stat.size} bytes, far larger than any file pulumi-tuntap writes` };
    const content = fs.readFileSync(fd, "utf8");
    const owner = ownerOfFile(content);
    if (owner === undefined) return { status: "foreign", reason: "its first line is not a pulumi-tuntap marker" };
    if (!identities.includes(owner)) return { status: "foreign", reason: `its marker names another resource (${owner})` };
    return { status: "ours", content, owner };
  } finally {
    fs.closeSync(fd);
  }
}

function fsyncDirectory(directory: string): void {
  const fd = fs.openSync(directory, fs.constants.O_RDONLY | fs.constants.O_DIRECTORY);
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

function writeTemporaryFile(path: string, content: string): string {
  const temporary = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString("hex")}.tmp`);
  const fd = fs.openSync(temporary, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_NOFOLLOW, FILE_MODE);
  try {
    fs.fchmodSync(fd, FILE_MODE); // whatever the umask: networkd reads these as the systemd-network user
    fs.writeFileSync(fd, content, "utf8");
    fs.fsyncSync(fd);
  } catch (error) {
    fs.closeSync(fd);
    fs.rmSync(temporary, { force: true });
    throw error;
  }
  fs.closeSync(fd);
  return temporary;
}

/** Thrown when a file appeared at a path between our look and our write. */
export class FileAppearedError extends Error {
  constructor(readonly path: string) {
    super(`${path} appeared while it was being written`);
    this.name = "FileAppearedError";
  }
}

/**
 * Writes `content` to `path` atomically. "create": only if nothing is there (FileAppearedError otherwise);
 * "replace": over the file there, which the caller has made sure is ours.
 */
export function writeFileAtomically(path: string, content: string, how: "create" | "replace"): void {
  const temporary = writeTemporaryFile(path, content);
  try {
    if (how === "create") {
      try {
        fs.linkSync(temporary, path);
      } catch (error) {
        if (errorCode(error) === "EEXIST") throw new FileAppearedError(path);
        throw error;
      }
    } else {
      fs.renameSync(temporary, path);
    }
  } finally {
    fs.rmSync(temporary, { force: true });
  }
  fsyncDirectory(dirname(path));
}

/** Removes the file at `path` (the caller has made sure it is ours); already gone is fine. */
export function removeFile(path: string): void {
  try {
    fs.unlinkSync(path);
  } catch (error) {
    if (errorCode(error) === "ENOENT") return;
    throw error;
  }
  fsyncDirectory(dirname(path));
}

/** Whether `directory` exists and is a directory (following links: /etc/systemd/network may be one). */
export function isDirectory(directory: string): boolean {
  try {
    return fs.statSync(directory).isDirectory();
  } catch (error) {
    if (errorCode(error) === "ENOENT" || errorCode(error) === "ENOTDIR") return false;
    throw error;
  }
}
