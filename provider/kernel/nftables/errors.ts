// The kernel's refusals of nf_tables requests, as typed errors that say what to do.
import { type ErrnoMeanings, errorFromErrno, type ErrorContext, KernelError } from "../errors";
import { errno } from "../system";

/** A table of the requested family and name exists already (whoever made it). */
export class TableExistsError extends KernelError {}

/** The table to change or delete is not there (any more), or was made again under its name meanwhile. */
export class NoSuchTableError extends KernelError {}

/** The ruleset changed between our read and our change (another program, or another stack, wrote to it). */
export class RulesetChangedError extends KernelError {}

/** What one message of a batch asked for, so that a refusal can say which part the kernel refused. */
export interface BatchStep {
  /** "table", "chain" or "rule", and what the message does to it. */
  object: "table" | "chain" | "rule" | "batch";
  action: "create" | "delete" | "begin" | "end";
  /** e.g. "inet lab-nat", "inet lab-nat postrouting", or a rule's comment. */
  label: string;
  /** A chain's type ("nat"), for the remedy of a missing kernel module. */
  chainType?: string;
}

const NAT_MODULES = "nft_chain_nat, nft_masq and nf_nat (CONFIG_NFT_NAT, CONFIG_NFT_MASQ)";

/** What each errno means for one message of a batch: the errors and remedies that only this step can name. */
function meaningsFor(step: BatchStep): ErrnoMeanings {
  const meanings: ErrnoMeanings = {
    // A refusal of the batch as a whole: its generation is stale. Nothing of it was applied.
    ERESTART: {
      error: RulesetChangedError,
      remedy: "The nftables ruleset changed while this change was being prepared (another program or stack wrote to it); nothing was changed. Run the operation again.",
    },
    EOPNOTSUPP: { remedy: KERNEL_SUPPORT },
    EAFNOSUPPORT: { remedy: KERNEL_SUPPORT },
  };
  if (step.object === "table") {
    meanings.EEXIST = {
      error: TableExistsError,
      remedy: `A table "${step.label}" exists already (\`nft list table ${step.label}\` shows it and its comment): it is not ours, so it is left alone.`,
    };
    meanings.EBUSY = { error: KernelError, remedy: "The table is held by a running program (nf_tables' owner flag): it is not ours to change." };
    if (step.action === "delete") {
      meanings.ENOENT = {
        error: NoSuchTableError,
        remedy: "The table is gone, or was deleted and made again since it was read (`nft list tables`): run `pulumi refresh`.",
      };
    }
  }
  if (step.object === "chain" && step.chainType === "nat") {
    meanings.ENOENT = { remedy: `The kernel has no nat chain type: load its NAT support (\`modprobe nft_chain_nat\`; modules ${NAT_MODULES}).` };
  }
  if (step.object === "rule") {
    meanings.ENOENT = { remedy: `The kernel lacks an expression this rule needs: load nf_tables' modules (\`modprobe nft_masq nft_ct\`; ${NAT_MODULES} and nft_ct).` };
  }
  return meanings;
}

const KERNEL_SUPPORT = "The kernel does not support this nf_tables family or hook: it needs nf_tables with IPv4, IPv6 and inet support (CONFIG_NF_TABLES_INET).";

/** The error for one refused message of a batch. */
export function batchError(step: BatchStep, failure: number, context: ErrorContext): KernelError {
  // A refusal of the batch as a whole (a stale generation, a failed commit) answers its first message.
  return errorFromErrno(failure, { ...context, step: step.object === "batch" ? "commit" : `${step.action} ${step.object} ${step.label}`, meanings: meaningsFor(step) });
}

/** A refusal to open a NETLINK_NETFILTER socket, with the remedy when the kernel has no netfilter netlink at all. */
export function socketError(error: KernelError, operation: string): KernelError {
  if (error.errno !== errno.EPROTONOSUPPORT) return error;
  return errorFromErrno(error.errno, {
    operation,
    step: "socket(AF_NETLINK, NETLINK_NETFILTER)",
    remedy: "This kernel has no netfilter netlink: load it (`modprobe nfnetlink nf_tables`), or use a kernel built with CONFIG_NF_TABLES.",
  });
}
