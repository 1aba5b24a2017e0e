// zod schemas for the inputs every link resource shares. Pure.
import { z } from "zod";
import { describeValue } from "./failures";
import { formatCidr, interfaceAddressProblem, parseCidr, cidrProblemMessage } from "./ip";
import { formatMac, macProblem, parseMac } from "./mac";
import { byteLength, interfaceNameProblem, loneSurrogateProblem, type NameRules, namespaceNameProblem } from "./names";

/** uid_t/gid_t (u32), less (uid_t)-1, which means "none" to the kernel. */
export const MAX_PRINCIPAL_ID = 4294967294;
/** IFALIASZ is 256 bytes including the terminating NUL. */
export const MAX_DESCRIPTION_BYTES = 255;

/** A string that must satisfy `problem` (which returns a reason, or undefined when fine). */
function checkedString(problem: (value: string) => string | undefined, base = z.string()) {
  return base.superRefine((value, ctx) => {
    const reason = problem(value);
    if (reason !== undefined) ctx.addIssue({ code: "custom", message: reason });
  });
}

export function interfaceName(rules: NameRules) {
  return checkedString((name) => interfaceNameProblem(name, rules));
}

export const namespaceName = checkedString(namespaceNameProblem);

/**
 * A user or group: a numeric id, a string of digits (stack config gives strings: `pulumi config set owner 1000`),
 * or a name to be resolved on the host (by the resource layer, which may do I/O). Digit strings become numbers:
 * a name may not be all digits (useradd refuses such names), so "1000" can only mean the id. Names follow the
 * portable POSIX/shadow rules that useradd enforces.
 */
export function principal(what: "user" | "group") {
  const wrongType = (issue: { input?: unknown }) =>
    `a ${what} must be a ${what} id (a number) or a ${what} name (a string), got ${describeValue(issue.input)}`;
  return z.union([z.number(), z.string()], { error: wrongType }).transform((value, ctx): number | string => {
    const id = typeof value === "string" && /^[0-9]+$/.test(value) ? Number(value) : value;
    if (typeof id === "number") {
      if (!Number.isInteger(id)) ctx.addIssue({ code: "custom", message: `a ${what} id must be a whole number, got ${id}` });
      else if (id < 0 || id > MAX_PRINCIPAL_ID) {
        ctx.addIssue({ code: "custom", message: `a ${what} id must be between 0 and ${MAX_PRINCIPAL_ID}, got ${JSON.stringify(value)}` });
      }
      return id;
    }
    if (!/^[A-Za-z0-9_.][A-Za-z0-9_.-]{0,31}\$?$/.test(id)) {
      ctx.addIssue({
        code: "custom",
        message: `${JSON.stringify(id)} is neither a ${what} id nor a valid ${what} name (letters, digits, ".", "_", "-"; at most 32)`,
      });
    }
    return id;
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

/**
 * The longest queue the kernel can give a running device: its default queueing discipline (pfifo_fast, one ring
 * per band) allocates the ring in one piece of at most KMALLOC_MAX_SIZE (4 MiB with 4 KiB pages) of 8-byte
 * pointers, and answers ENOMEM for more (net/sched/sch_generic.c, include/linux/ptr_ring.h).
 */
export const MAX_TX_QUEUE_LENGTH = 524288;

export const txQueueLength = z
  .number()
  .int()
  .min(0)
  .superRefine((length, ctx) => {
    if (length > MAX_TX_QUEUE_LENGTH) {
      ctx.addIssue({
        code: "custom",
        message: `must be at most ${MAX_TX_QUEUE_LENGTH}, got ${length}: the kernel's default queue (pfifo_fast) cannot hold more packets and refuses a longer one on a running device (ENOMEM)`,
      });
    }
  });

export const description = checkedString((text) => {
  const unencodable = loneSurrogateProblem(text);
  if (unencodable !== undefined) return unencodable;
  if (text.includes("\0")) return "must not contain NUL characters";
  const bytes = byteLength(text);
  return bytes > MAX_DESCRIPTION_BYTES ? `is ${bytes} bytes; an interface alias holds at most ${MAX_DESCRIPTION_BYTES}` : undefined;
});

/** "project/stack/resource": set by the resource classes, names the owner in the ownership stamp. */
export const managedBy = checkedString(loneSurrogateProblem, z.string().min(1).max(1024));

/** The inputs every link resource has, in the order messages list them. */
export const linkFields = {
  name: interfaceName({ allowTemplate: true }).optional(),
  mtu: mtu.optional(),
  macAddress: macAddress.optional(),
  addresses: cidrList.default([]),
  up: z.boolean().default(true),
  txQueueLength: txQueueLength.optional(),
  description: description.optional(),
  netns: namespaceName.optional(),
  adopt: z.boolean().default(false),
  managedBy: managedBy.optional(),
  /** Set by check, not by users: the identity a derived name was made from, once the identity has changed (see nameUnnamedLink). */
  nameDerivedFrom: managedBy.optional(),
};
