// Bridge as a link kind: made by RTM_NEWLINK (kind "bridge"), adopted only as a bridge, with STP of its own
// and its ports among its outputs.
import type { Link, RouteNetlink } from "../../kernel";
import { resourceProvider } from "../../lifecycle/provider";
import type { Step } from "../../lifecycle/steps";
import { describeDevice } from "../../links/devices";
import type { LinkHooks, LinkOutputs } from "../../links/hooks";
import { linkKind, stampNewLink } from "../../links/linkKind";
import { commonLinkState, desiredFromInputs } from "../../links/settings";
import { diffBridge } from "./diff";
import type { BridgeState } from "./model";
import type * as schemaModule from "./schema";
import type { BridgeInputs } from "./schema";

/** The inputs' schema, loaded by the first check: a destroy or a refresh never checks, and does without zod. */
const schema = (): typeof schemaModule => require("./schema");

const bridgeHooks: LinkHooks<BridgeInputs, BridgeState> = {
  type: "Bridge",
  adoptable: "bridges",
  check: (olds, news) => schema().checkBridge(olds, news),
  diff: diffBridge,
  mismatch: (link) => (link.kind === "bridge" ? undefined : `it is ${describeDevice(link)}, not a bridge`),
  desired: (_netlink, spec) => desiredFromInputs(spec),

  /** RTM_NEWLINK makes the bridge with its STP state, and echoes it, with the name the kernel chose for a "br%d" template. */
  make(netlink, spec, stamp, operation) {
    const created = netlink.createBridge({ name: spec.name, stpState: stpState(spec.stp) }, { operation, step: "", device: spec.name });
    return stampNewLink({ netlink, link: created }, [{ netlink, device: created.index, name: created.name, stamp }], operation);
  },

  moreSteps: (netlink, link, _name, spec, operation) => stpSteps(netlink, link, spec.stp, operation),

  state(netlink, { link, addresses }) {
    const common = commonLinkState(link, addresses);
    const state: LinkOutputs<BridgeState> = {
      name: link.name,
      ...common,
      // "" while the kernel has given it no address yet.
      macAddress: common.macAddress ?? "",
      stp: (link.bridge?.stpState ?? 0) !== 0,
      ports: netlink.portsOf(link.index, `read ${link.name}`).map((port) => port.name).sort(),
    };
    return state;
  },
};

/** The Bridge provider's real work: what pulumi-tuntap/providers/bridge loads when it is called. */
export const implementation = resourceProvider(linkKind(bridgeHooks));

/** IFLA_BR_STP_STATE for `stp`: 1, the kernel's STP; a bridge counts as running STP in user-space mode (2, mstpd) too. */
function stpState(stp: boolean): number {
  return stp ? 1 : 0;
}

/** STP switched as declared, undone by putting back the state it had. */
function stpSteps(netlink: RouteNetlink, link: Link, stp: boolean, operation: string): Step[] {
  const current = link.bridge?.stpState ?? 0;
  if ((current !== 0) === stp) return [];
  const wanted = stpState(stp);
  const set = (stpState: number) => () => netlink.changeLink(link.index, { kind: "stpState", stpState }, { operation, step: "", device: link.name });
  return [{ description: `set stp_state ${wanted}`, apply: set(wanted), undo: set(current) }];
}
