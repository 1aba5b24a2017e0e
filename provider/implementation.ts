// The package subpath "pulumi-tuntap/implementation": what the serialized provider shims load at call time.
export * from "./resources/implementation";
