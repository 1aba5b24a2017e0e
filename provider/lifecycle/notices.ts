// What a provider tells the user besides its results and its errors: a switch left on at delete, and why.
//
// A dynamic provider has no engine connection to log through (Pulumi's Node.js dynamic-provider host never
// connects to the engine, so `pulumi.log` there has nowhere to go), and a delete returns nothing. But the engine
// reads every line a provider plugin writes and shows it among the stack's diagnostics (sdk/go/common/resource/
// plugin/plugin.go, newPlugin: each line of the plugin's stderr becomes a diag.StreamMessage). So a notice is a
// line on stderr, named after this package so that the user sees whose it is.

/** Shows `message` among the stack's diagnostics in `pulumi up`, `destroy` and the Automation API's events. */
export function notice(message: string): void {
  process.stderr.write(`pulumi-tuntap: ${message}\n`);
}
