// User and group names → numeric ids, through the C library so that NSS (LDAP, systemd-userdb...) answers
// exactly as it does for `id` and `chown`, not only /etc/passwd.
import { errorFromErrno } from "./errors";
import { libc } from "./libc";
import { errno } from "./system";

/** Codes getpwnam_r(3) documents as "not found" on some systems, besides 0 with a NULL result. */
const NOT_FOUND = new Set([errno.ENOENT, errno.ESRCH, errno.EBADF, errno.EPERM]);
/** struct passwd / struct group on 64-bit glibc: pw_uid at offset 16, gr_gid at offset 16. */
const RECORD_SIZE = 64;
const ID_OFFSET = 16;
const INITIAL_BUFFER = 1024;
const MAX_BUFFER = 1 << 20;

export function lookupUserId(name: string): number | undefined {
  return lookup(name, "user", (n, record, buffer, result) => libc().getpwnam_r(n, record, buffer, buffer.length, result));
}

export function lookupGroupId(name: string): number | undefined {
  return lookup(name, "group", (n, record, buffer, result) => libc().getgrnam_r(n, record, buffer, buffer.length, result));
}

type Lookup = (name: string, record: Buffer, buffer: Buffer, result: Buffer) => number;

function lookup(name: string, what: string, call: Lookup): number | undefined {
  const record = Buffer.alloc(RECORD_SIZE);
  const result = Buffer.alloc(8);
  for (let size = INITIAL_BUFFER; size <= MAX_BUFFER; size *= 4) {
    const status = call(name, record, Buffer.alloc(size), result);
    if (status === errno.ERANGE) continue; // the entry does not fit: retry with a larger buffer
    if (NOT_FOUND.has(status)) return undefined;
    if (status !== 0) {
      throw errorFromErrno(status, { operation: `resolve ${what} ${JSON.stringify(name)}`, step: `get${what === "user" ? "pwnam" : "grnam"}_r` });
    }
    // *result is NULL when no such entry exists.
    if (result.readBigUInt64LE(0) === 0n) return undefined;
    return record.readUInt32LE(ID_OFFSET);
  }
  throw new Error(`resolve ${what} ${JSON.stringify(name)}: the entry is larger than ${MAX_BUFFER} bytes`);
}
