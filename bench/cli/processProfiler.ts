// Preloaded (`node --require`, through NODE_OPTIONS) into every node process the CLI starts when the benchmark
// runs with `--breakdown DIR`: in the program (the language host's `@pulumi/pulumi/cmd/run`) and in the
// dynamic-provider host (`cmd/dynamic-provider`) it records a V8 CPU profile and writes it to
// DIR/<program|host>-<pid>.cpuprofile when the process ends. The engine stops its plugins with SIGINT, which
// ends node before `--cpu-prof` would write anything, so the profile is taken through the inspector, whose
// in-thread session answers synchronously, and written on that signal or at exit. Other node processes (the
// host's launcher runs `node -e` to find the host) are left alone.
import { writeFileSync } from "node:fs";
import { Session } from "node:inspector";
import { join } from "node:path";

export const PROFILE_DIRECTORY_VARIABLE = "PULUMI_TUNTAP_PROFILE_DIRECTORY";

function role(script: string | undefined): "program" | "host" | undefined {
  if (script?.includes("dynamic-provider") === true) return "host";
  if (script?.includes("cmd/run") === true) return "program";
  return undefined;
}

const directory = process.env[PROFILE_DIRECTORY_VARIABLE];
const profiled = role(process.argv[1]);
if (directory !== undefined && profiled !== undefined) {
  const session = new Session();
  session.connect();
  session.post("Profiler.enable");
  session.post("Profiler.setSamplingInterval", { interval: 500 });
  session.post("Profiler.start");
  let written = false;
  const write = () => {
    if (written) return;
    written = true;
    session.post("Profiler.stop", (error, result) => {
      if (error === null) writeFileSync(join(directory, `${profiled}-${process.pid}.cpuprofile`), JSON.stringify(result.profile));
    });
  };
  process.once("exit", write);
  process.once("SIGINT", () => {
    write();
    process.exit(0);
  });
}
