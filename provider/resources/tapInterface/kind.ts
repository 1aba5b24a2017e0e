// TapInterface as a link kind: made by the TUN/TAP ioctls (the only way the kernel makes these devices), adopted
// only as a TUN/TAP device of the same mode and queue type, with owner and group (set through an attached
// queue), promiscuity and a bridge to join of its own.
import { isPromiscuous, type Link } from "../../kernel/netlink/link";
import { createTunDevice, setTunOwnership } from "../../kernel/tun";
import type { Named } from "../../model";
import { resourceProvider } from "../../lifecycle/provider";
import type { Step } from "../../lifecycle/steps";
import { bridgeIndex, portDropped } from "../../links/bridgePort";
import { describeDevice } from "../../links/devices";
import type { LinkHooks, LinkOutputs } from "../../links/hooks";
import { linkKind } from "../../links/linkKind";
import { bridgeIndexOf, commonLinkState, desiredFromInputs } from "../../links/settings";
import { diffTapInterface } from "./diff";
import { TAP_INTERFACE_UNSET_OUTPUTS, type TapInterfaceState } from "./model";
import { principalFailures, resolvePrincipals } from "./principals";
import type * as schemaModule from "./schema";
import type { TapInterfaceInputs } from "./schema";

/** The inputs' schema, loaded by the first check: a destroy or a refresh never checks, and does without zod. */
const schema = (): typeof schemaModule => require("./schema");

type TapSpec = Named<TapInterfaceInputs>;

/** TapInterface's hooks: also how each device of a TapPool is made, configured and compared. */
export const tapInterfaceHooks: LinkHooks<TapInterfaceInputs, TapInterfaceState> = {
  type: "TapInterface",
  adoptable: "TUN/TAP devices",
  check: (olds, news) => schema().checkTapInterface(olds, news),
  hostFailures: principalFailures,
  diff: (id, olds, news) => diffTapInterface(id, olds, news, resolvePrincipals(news)),

  mismatch(link, spec) {
    if (link.kind !== "tun" || link.tun === undefined) return `it is ${describeDevice(link)}, not a TUN/TAP device`;
    if (link.tun.type !== spec.mode) return `it is a ${link.tun.type} device but mode is "${spec.mode}"`;
    if (link.tun.multiQueue !== spec.multiQueue) return `its multiQueue is ${link.tun.multiQueue} but the input says ${spec.multiQueue}`;
    return undefined;
  },

  desired(netlink, spec, operation) {
    return {
      ...desiredFromInputs(spec),
      promiscuous: spec.promiscuous,
      masterIndex: spec.bridge === undefined ? 0 : bridgeIndex(netlink, spec.bridge, operation),
    };
  },

  /**
   * Created by ioctl with its stamp added before it is made persistent, so that even a crash leaves either
   * nothing or a device we recognise; owner and group are set in the same go.
   */
  make(netlink, spec, stamp, operation) {
    const request = {
      name: spec.name,
      mode: spec.mode,
      multiQueue: spec.multiQueue,
      packetInfo: spec.packetInfo,
      vnetHdr: spec.vnetHdr,
      ...resolvePrincipals(spec),
      ...(spec.netns === undefined ? {} : { netns: spec.netns }),
    };
    return createTunDevice(request, operation, (kernelName) => netlink.addAltName(kernelName, stamp, { operation, step: "", device: kernelName }));
  },

  /** A tap left outside the bridge it names: the kernel dropped it with its bridge, which this run replaced. */
  undoneByKernel: ({ netlink, link }, _recorded, news, operation) => (portDropped(netlink, link, news.bridge, operation) ? ["bridge"] : []),

  moreSteps(_netlink, link, name, spec, operation) {
    const ownership = ownershipStep(link, name, spec, operation);
    return ownership === undefined ? [] : [ownership];
  },

  unsetOutputs: TAP_INTERFACE_UNSET_OUTPUTS,

  /** No key is ever undefined: Pulumi's host cannot serialize that. */
  state(netlink, { link, addresses }) {
    const tun = link.tun;
    const master = link.master === undefined ? undefined : netlink.getLinkByIndex(link.master, `read ${link.name}`);
    const state: LinkOutputs<TapInterfaceState> = {
      name: link.name,
      mode: tun?.type ?? "tap",
      multiQueue: tun?.multiQueue ?? false,
      packetInfo: tun?.packetInfo ?? false,
      vnetHdr: tun?.vnetHdr ?? false,
      ...commonLinkState(link, addresses),
      promiscuous: isPromiscuous(link),
    };
    if (tun?.owner !== undefined) state.owner = tun.owner;
    if (tun?.group !== undefined) state.group = tun.group;
    if (master !== undefined && bridgeIndexOf(link) === master.index) state.bridge = master.name;
    return state;
  },
};

/**
 * Owner and group change only through an attached queue (EBUSY while a VM holds a single-queue tap), by the
 * device's name after any rename. The kernel cannot clear an owner once set, so undo restores the previous ids
 * only when there were some.
 */
function ownershipStep(link: Link, name: string, spec: TapSpec, operation: string): Step | undefined {
  const tun = link.tun;
  if (tun === undefined) return undefined;
  const wanted = resolvePrincipals(spec);
  const change: { owner?: number; group?: number } = {};
  if (wanted.owner !== undefined && wanted.owner !== tun.owner) change.owner = wanted.owner;
  if (wanted.group !== undefined && wanted.group !== tun.group) change.group = wanted.group;
  if (change.owner === undefined && change.group === undefined) return undefined;
  const flags = { mode: tun.type, multiQueue: tun.multiQueue, packetInfo: tun.packetInfo, vnetHdr: tun.vnetHdr };
  const previous: { owner?: number; group?: number } = {};
  if (change.owner !== undefined && tun.owner !== undefined) previous.owner = tun.owner;
  if (change.group !== undefined && tun.group !== undefined) previous.group = tun.group;
  return {
    description: "set owner/group",
    apply: () => setTunOwnership(name, flags, change, operation, spec.netns),
    undo: () => setTunOwnership(name, flags, previous, operation, spec.netns),
  };
}

/** The TapInterface provider's real work: what pulumi-tuntap/providers/tapInterface loads when it is called. */
export const implementation = resourceProvider(linkKind(tapInterfaceHooks));
