// Preloaded (`node --require`) into every node process the CLI starts for the TapInterface stacks when the
// benchmark runs with `--profile DIR`: in the dynamic-provider host it records a CPU profile and writes it
// to DIR/host-<pid>.cpuprofile when the engine stops the host. The engine stops its plugins with SIGINT,
// which ends node before `--cpu-prof` would write anything, so the profile is taken through the inspector
// and written on that signal. Other processes (the host's launcher runs `node -e` to find the host) are left
// alone.
import { writeFileSync } from "node:fs";
import { Session } from "node:inspector";
import { join } from "node:path";

export const PROFILE_DIRECTORY_VARIABLE = "PULUMI_TUNTAP_HOST_PROFILE_DIRECTORY";

const directory = process.env[PROFILE_DIRECTORY_VARIABLE];
if (directory !== undefined && process.argv[1]?.includes("dynamic-provider") === true) {
  const session = new Session();
  session.connect();
  session.post("Profiler.enable", () => session.post("Profiler.start"));
  process.once("SIGINT", () => {
    session.post("Profiler.stop", (error, result) => {
      if (error === null) writeFileSync(join(directory, `host-${process.pid}.cpuprofile`), JSON.stringify(result.profile));
      process.exit(0);
    });
  });
}
