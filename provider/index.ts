// pulumi-tuntap: Linux TUN/TAP devices (one by one, or pools of them), bridges, veth pairs, VXLAN devices, network
// namespaces, routes, and a lab's way out (masquerade and forwarding) as Pulumi resources; LabNetwork, a component
// that makes of them what libvirt's default network is (with dnsmasq for DHCP).
//
// One line per kind: its folder's index.ts is everything the package exports of it (resource, provider, model).
export * from "./resources/tapInterface";
export * from "./resources/bridge";
export * from "./resources/vethPair";
export * from "./resources/vxlan";
export * from "./resources/networkNamespace";
export * from "./resources/route";
export * from "./resources/networkdFiles";
export * from "./resources/masquerade";
export * from "./resources/forwarding";
export * from "./resources/tapPool";
// Components: made of the kinds above, owning no kernel object themselves.
export * from "./components/labNetwork";

// What any kind may throw.
export { DeviceConflictError, InvalidInputsError, MissingDeviceError, PartialCreateError } from "./lifecycle/errors";
export { ForeignDeviceError } from "./links/errors";
export type { CheckFailure } from "./model";
