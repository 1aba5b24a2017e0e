// LabNetwork: what the package exports of this component (the component, its model, dnsmasq's command lines).
export { LabNetwork, type LabNetworkArgs } from "./labNetwork";
export * from "./model";
export { type DnsmasqFiles, dnsmasqArguments, dnsmasqFiles, dnsmasqStartCommand, dnsmasqStopCommand } from "./dnsmasq";
