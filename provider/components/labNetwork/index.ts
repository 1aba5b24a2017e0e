// LabNetwork: what the package exports of this component (the component, its model, dnsmasq's command lines), all
// loaded at first use (../../lifecycle/lazyExports.ts): the component checks its arguments against the model's
// schemas, and loads @pulumi/command.
import { exportLazily } from "../../lifecycle/lazyExports";
import type * as dnsmasqModule from "./dnsmasq";
import type * as labNetworkModule from "./labNetwork";
import type * as modelModule from "./model";

export type { LabNetworkArgs } from "./labNetwork";
export type LabNetwork = labNetworkModule.LabNetwork;
export declare const LabNetwork: typeof labNetworkModule.LabNetwork;
exportLazily(exports, () => require("./labNetwork") as typeof labNetworkModule, ["LabNetwork"]);
export type * from "./model";
export type LabNetworkInputError = modelModule.LabNetworkInputError;
export declare const LabNetworkInputError: typeof modelModule.LabNetworkInputError;
export declare const labNetworkArgsSchema: typeof modelModule.labNetworkArgsSchema;
export declare const defaultRunDirectory: typeof modelModule.defaultRunDirectory;
export declare const planLabNetwork: typeof modelModule.planLabNetwork;
export declare const offsetInSubnet: typeof modelModule.offsetInSubnet;
exportLazily(exports, () => require("./model") as typeof modelModule, ["LabNetworkInputError", "labNetworkArgsSchema", "defaultRunDirectory", "planLabNetwork", "offsetInSubnet"]);
export type { DnsmasqFiles } from "./dnsmasq";
export declare const dnsmasqArguments: typeof dnsmasqModule.dnsmasqArguments;
export declare const dnsmasqFiles: typeof dnsmasqModule.dnsmasqFiles;
export declare const dnsmasqStartCommand: typeof dnsmasqModule.dnsmasqStartCommand;
export declare const dnsmasqStopCommand: typeof dnsmasqModule.dnsmasqStopCommand;
// Not its binary's name nor its quoting: those are the component's own.
exportLazily(exports, () => require("./dnsmasq") as Omit<typeof dnsmasqModule, "DNSMASQ_BINARY" | "shellQuote">, ["dnsmasqArguments", "dnsmasqFiles", "dnsmasqStartCommand", "dnsmasqStopCommand"]);
