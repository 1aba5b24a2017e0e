// The package subpath "pulumi-tuntap/implementation": what the provider shims that states written by
// pulumi-tuntap 0.1 hold load at call time (see resources/implementation.ts).
export * from "./resources/implementation";
