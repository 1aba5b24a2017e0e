// Bridge as a link kind: made by RTM_NEWLINK (kind "bridge"), adopted only as a bridge, with STP of its own
// and its ports among its outputs.
import { checkBridge, diffBridge, type BridgeInputs, type BridgeState } from "../../model";
import { describeDevice } from "../../links/devices";
import type { LinkKind } from "../../links/linkKind";
import { commonLinkState, desiredFromInputs } from "../../links/settings";

export const bridgeKind: LinkKind<BridgeInputs, BridgeState> = {
  resource: "Bridge",
  adoptable: "bridges",
  check: checkBridge,
  hostFailures: () => [],
  diff: diffBridge,
  mismatch: (link) => (link.kind === "bridge" ? undefined : `it is ${describeDevice(link)}, not a bridge`),
  desired: (_netlink, spec) => ({ ...desiredFromInputs(spec), stpState: spec.stp ? 1 : 0 }),

  /**
   * RTM_NEWLINK makes the bridge (NLM_F_EXCL: a taken name is EEXIST) and echoes it, with the name the kernel
   * chose for a "br%d" template. The kernel ignores altnames in that request, so the stamp follows at once; if
   * it cannot, the bridge goes again.
   */
  make(netlink, spec, stamp, operation) {
    const context = { operation, step: "", device: spec.name };
    const created = netlink.createBridge({ name: spec.name, stpState: spec.stp ? 1 : 0 }, context);
    try {
      netlink.addAltName(created.index, stamp, { ...context, device: created.name });
    } catch (error) {
      netlink.deleteLink(created.index, { ...context, device: created.name });
      throw error;
    }
    return created.name;
  },

  moreSteps: () => [],

  state(netlink, { link, addresses }, recorded) {
    const common = commonLinkState(link, addresses);
    const state: BridgeState = {
      name: link.name,
      ...common,
      // "" while the kernel has given it no address yet.
      macAddress: common.macAddress ?? "",
      stp: (link.bridge?.stpState ?? 0) !== 0,
      adopt: recorded.adopt,
      stamp: recorded.stamp,
      ports: netlink.portsOf(link.index, `read ${link.name}`).map((port) => port.name).sort(),
    };
    if (recorded.netns !== undefined) state.netns = recorded.netns;
    if (recorded.managedBy !== undefined) state.managedBy = recorded.managedBy;
    return state;
  },
};
