// The providers' real work, by the key each resource type had when its provider shim was written into states as
// text: the shims of pulumi-tuntap 0.1 load this module (the package subpath "pulumi-tuntap/implementation", or
// this file's path) at call time and call `[kind].check`, `.diff`, `.create`, `.read`, `.update` and `.delete`.
// Those states keep working through it; a shim written now loads its kind's module by itself
// (../lifecycle/providerShim.ts), so no kind added later needs a line here.
import { implementation as bridge } from "./bridge/kind";
import { implementation as networkdFiles } from "./networkdFiles/kind";
import { implementation as networkNamespace } from "./networkNamespace/kind";
import { implementation as route } from "./route/kind";
import { implementation as tapInterface } from "./tapInterface/kind";
import { implementation as vethPair } from "./vethPair/kind";

export { bridge, networkdFiles, networkNamespace, route, tapInterface, vethPair };
