// The table a masquerading lab gets: what libvirt's NAT network, NetworkManager's shared mode and Docker's
// bridge set up, in one inet table of its own (IPv4 and IPv6 alike). Pure.
//
//   table inet NAME {
//     comment "OWNER"
//     chain forward {
//       type filter hook forward priority filter - 1; policy accept;
//       iifname "lab0" ip saddr 10.0.0.0/24 oifname != "lab0" counter accept          (out)
//       iifname != "lab0" oifname "lab0" ip daddr 10.0.0.0/24 ct state established,related counter accept   (back in)
//     }
//     chain postrouting {
//       type nat hook postrouting priority srcnat; policy accept;
//       ip saddr 10.0.0.0/24 oifname != "lab0" meta l4proto tcp counter masquerade to :1024-65535
//       ip saddr 10.0.0.0/24 oifname != "lab0" meta l4proto udp counter masquerade to :1024-65535
//       ip saddr 10.0.0.0/24 oifname != "lab0" counter masquerade
//     }
//   }
//
// With an egress device, `oifname != "lab0"` becomes `oifname "up0"` (and `iifname "up0"` on the way back).
// Without a port range, one masquerade rule per prefix. The chains never drop: nothing another firewall accepts
// is ever refused here. An accept, though, ends only the evaluation of its own base chain: a packet accepted here
// still passes every other base chain on the forward hook, and a drop there (another table's policy) is final.
// The forward chain sits at filter - 1 so that it runs before the usual filter chains, and its counters show the
// lab's traffic arriving even when a later chain drops it.
import type { ChainSpec, RuleSpec } from "./codec";
import { NF_ACCEPT, NF_CT_STATE_ESTABLISHED_BIT, NF_CT_STATE_RELATED_BIT, NF_INET_FORWARD, NF_INET_POST_ROUTING } from "./constants";
import { accept, counter, IPPROTO_TCP, IPPROTO_UDP, masquerade, matchConntrackState, matchInterface, matchPrefix, matchTransport, type Prefix } from "./matches";
import type { TableSpec } from "./tables";

/** NF_IP_PRI_FILTER - 1: before the usual filter chains (iptables-nft's FORWARD, firewalld, Docker, libvirt). */
export const FORWARD_PRIORITY = -1;
/** NF_IP_PRI_NAT_SRC, nft's "srcnat". */
export const SOURCE_NAT_PRIORITY = 100;

export interface MasqueradeSource extends Prefix {
  /** The prefix as people write it, for rule comments: "10.0.0.0/24". */
  text: string;
}

export interface MasqueradeRuleset {
  /** The table's name (an inet table). */
  table: string;
  /** The table's comment: the ownership stamp that tells it from anyone else's. */
  owner: string;
  sources: readonly MasqueradeSource[];
  /** The lab's own device, where the sources live. */
  device: string;
  /** The uplink; absent, any device but the lab's own. */
  egressDevice?: string;
  /** Source ports TCP and UDP are mapped into (libvirt uses 1024–65535); absent, ports are kept where possible. */
  sourcePorts?: { min: number; max: number };
}

function outOf(ruleset: MasqueradeRuleset) {
  return ruleset.egressDevice === undefined ? matchInterface("output", ruleset.device, false) : matchInterface("output", ruleset.egressDevice, true);
}

function inFrom(ruleset: MasqueradeRuleset) {
  return ruleset.egressDevice === undefined ? matchInterface("input", ruleset.device, false) : matchInterface("input", ruleset.egressDevice, true);
}

function uplinkWords(ruleset: MasqueradeRuleset): string {
  return ruleset.egressDevice === undefined ? `any device but ${ruleset.device}` : ruleset.egressDevice;
}

function forwardRules(ruleset: MasqueradeRuleset, source: MasqueradeSource): RuleSpec[] {
  return [
    {
      comment: `forward ${source.text} from ${ruleset.device} out of ${uplinkWords(ruleset)}`,
      expressions: [...matchInterface("input", ruleset.device, true), ...matchPrefix("source", source), ...outOf(ruleset), ...counter(), ...accept()],
    },
    {
      comment: `forward replies to ${source.text} back in from ${uplinkWords(ruleset)}`,
      expressions: [
        ...inFrom(ruleset),
        ...matchInterface("output", ruleset.device, true),
        ...matchPrefix("destination", source),
        ...matchConntrackState(NF_CT_STATE_ESTABLISHED_BIT | NF_CT_STATE_RELATED_BIT),
        ...counter(),
        ...accept(),
      ],
    },
  ];
}

function masqueradeRules(ruleset: MasqueradeRuleset, source: MasqueradeSource): RuleSpec[] {
  const matches = [...matchPrefix("source", source), ...outOf(ruleset)];
  const ports = ruleset.sourcePorts;
  const perProtocol: RuleSpec[] =
    ports === undefined
      ? []
      : [
          ["tcp", IPPROTO_TCP],
          ["udp", IPPROTO_UDP],
        ].map(([name, protocol]) => ({
          comment: `masquerade ${source.text} out of ${uplinkWords(ruleset)}, ${name} source ports ${ports.min}-${ports.max}`,
          expressions: [...matches, ...matchTransport(protocol as number), ...counter(), ...masquerade(ports)],
        }));
  return [...perProtocol, { comment: `masquerade ${source.text} out of ${uplinkWords(ruleset)}`, expressions: [...matches, ...counter(), ...masquerade()] }];
}

/** The whole table, ready for createTable or replaceTable. */
export function masqueradeTable(ruleset: MasqueradeRuleset): TableSpec {
  if (ruleset.sources.length === 0) throw new RangeError("a masquerade ruleset needs at least one source prefix");
  const forward: ChainSpec = {
    name: "forward",
    base: { type: "filter", hook: NF_INET_FORWARD, priority: FORWARD_PRIORITY, policy: NF_ACCEPT },
    rules: ruleset.sources.flatMap((source) => forwardRules(ruleset, source)),
  };
  const postrouting: ChainSpec = {
    name: "postrouting",
    base: { type: "nat", hook: NF_INET_POST_ROUTING, priority: SOURCE_NAT_PRIORITY, policy: NF_ACCEPT },
    rules: ruleset.sources.flatMap((source) => masqueradeRules(ruleset, source)),
  };
  return { family: "inet", name: ruleset.table, comment: ruleset.owner, chains: [forward, postrouting] };
}
