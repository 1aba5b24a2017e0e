// zod schemas for the inputs every link resource shares. Pure.
import { z } from "zod";
import { formatCidr, interfaceAddressProblem, parseCidr, cidrProblemMessage } from "./ip";
import { formatMac, macProblem, parseMac } from "./mac";
import { byteLength, interfaceNameProblem, type NameRules, namespaceNameProblem } from "./names";

/** uid_t/gid_t (u32), less (uid_t)-1, which means "none" to the kernel. */
export const MAX_PRINCIPAL_ID = 4294967294;
export const MAX_U32 = 4294967295;
/** IFALIASZ is 256 bytes including the terminating NUL. */
export const MAX_DESCRIPTION_BYTES = 255;

/** A string that must satisfy `problem` (which returns a reason, or undefined when fine). */
function checkedString(problem: (value: string) => string | undefined) {
  return z.string().superRefine((value, ctx) => {
    const reason = problem(value);
    if (reason !== undefined) ctx.addIssue({ code: "custom", message: reason });
  });
}

export function interfaceName(rules: NameRules) {
  return checkedString((name) => interfaceNameProblem(name, rules));
}

export const namespaceName = checkedString(namespaceNameProblem);

/**
 * A user or group: a numeric id, or a name to be resolved on the host (by the resource layer, which may do
 * I/O). Names follow the portable POSIX/shadow rules that useradd enforces.
 */
export function principal(what: "user" | "group") {
  const wrongType = (issue: { input?: unknown }) =>
    `a ${what} must be a ${what} id (a number) or a ${what} name (a string), got ${JSON.stringify(issue.input) ?? String(issue.input)}`;
  return z.union([z.number(), z.string()], { error: wrongType }).superRefine((value, ctx) => {
    if (typeof value === "number") {
      if (!Number.isInteger(value)) ctx.addIssue({ code: "custom", message: `a ${what} id must be a whole number, got ${value}` });
      else if (value < 0 || value > MAX_PRINCIPAL_ID) {
        ctx.addIssue({ code: "custom", message: `a ${what} id must be between 0 and ${MAX_PRINCIPAL_ID}, got ${value}` });
      }
      return;
    }
    if (!/^[A-Za-z0-9_.][A-Za-z0-9_.-]{0,31}\$?$/.test(value) || /^[0-9]+$/.test(value)) {
      ctx.addIssue({
        code: "custom",
        message: `"${value}" is neither a ${what} id nor a valid ${what} name (letters, digits, ".", "_", "-"; at most 32)`,
      });
    }
  });
}

export const macAddress = z.string().transform((text, ctx) => {
  const bytes = parseMac(text);
  if (bytes === undefined) {
    ctx.addIssue({ code: "custom", message: `"${text}" is not a MAC address like "52:54:00:12:34:56"` });
    return z.NEVER;
  }
  const problem = macProblem(bytes);
  if (problem !== undefined) {
    ctx.addIssue({ code: "custom", message: `"${text}" cannot be used: ${problem}` });
    return z.NEVER;
  }
  return formatMac(bytes);
});

export const cidr = z.string().transform((text, ctx) => {
  const parsed = parseCidr(text);
  if (typeof parsed === "string") {
    ctx.addIssue({ code: "custom", message: cidrProblemMessage(parsed, text) });
    return z.NEVER;
  }
  const problem = interfaceAddressProblem(parsed);
  if (problem !== undefined) {
    ctx.addIssue({ code: "custom", message: `"${text}": ${problem}` });
    return z.NEVER;
  }
  return formatCidr(parsed);
});

/** Addresses, each normalised; the same address twice (in any spelling) is a mistake worth naming. */
export const cidrList = z.array(cidr).superRefine((list, ctx) => {
  const seen = new Map<string, number>();
  list.forEach((address, index) => {
    // Compare the address alone: 10.0.0.1/24 and 10.0.0.1/16 cannot both be on one interface either.
    const bare = address.slice(0, address.indexOf("/"));
    const first = seen.get(bare);
    if (first !== undefined) {
      ctx.addIssue({ code: "custom", path: [index], message: `${address} repeats addresses[${first}]` });
    } else {
      seen.set(bare, index);
    }
  });
});

export const mtu = z.number().int().min(68).max(65535);
export const txQueueLength = z.number().int().min(0).max(MAX_U32);

export const description = checkedString((text) => {
  if (text.includes("\0")) return "must not contain NUL characters";
  const bytes = byteLength(text);
  return bytes > MAX_DESCRIPTION_BYTES ? `is ${bytes} bytes; an interface alias holds at most ${MAX_DESCRIPTION_BYTES}` : undefined;
});

/** "project/stack/resource": set by the resource classes, names the owner in the ownership stamp. */
export const managedBy = z.string().min(1).max(1024);
