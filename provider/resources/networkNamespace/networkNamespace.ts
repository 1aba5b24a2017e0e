import * as pulumi from "@pulumi/pulumi";
import { DynamicResource } from "../../lifecycle/dynamicResource";
import { Registration } from "../../lifecycle/registration";

/** The inputs of a NetworkNamespace. */
export interface NetworkNamespaceArgs {
  /**
   * The namespace name: one file name under /run/netns (no "/", no white space, not "." or ".."). Default: derived
   * from the resource name, e.g. "lab-1a2b3c" (stable across runs). Changing it replaces the namespace.
   */
  name?: pulumi.Input<string>;
  /**
   * Bring the namespace's lo up. Default true: almost everything run inside needs 127.0.0.1 or ::1, while
   * `ip netns add` leaves lo down. Changes in place.
   */
  loopbackUp?: pulumi.Input<boolean>;
  /**
   * Take over an existing namespace of this name (e.g. one made by `ip netns add`) instead of refusing it
   * (created when absent). A namespace another stack manages is never taken. Default false.
   */
  adopt?: pulumi.Input<boolean>;
}

/**
 * A named network namespace, as `ip netns add NAME` makes it: /run/netns/NAME, which `ip netns exec`, `ip -n`,
 * `nsenter --net=` and every resource's `netns` input take. Pass its `name` output as another resource's
 * `netns`, so that Pulumi creates the namespace first and deletes it last. Deleting it is refused while it
 * holds devices this stack did not put there.
 */
export class NetworkNamespace extends DynamicResource {
  declare readonly name: pulumi.Output<string>;
  /** /run/netns/NAME. */
  declare readonly path: pulumi.Output<string>;
  declare readonly loopbackUp: pulumi.Output<boolean>;
  declare readonly adopt: pulumi.Output<boolean>;
  /** The ownership stamp, an altname of the namespace's lo. */
  declare readonly stamp: pulumi.Output<string>;
  declare readonly managedBy: pulumi.Output<string>;

  constructor(name: string, args: NetworkNamespaceArgs = {}, opts?: pulumi.CustomResourceOptions) {
    const registration = new Registration();
    try {
      super(
        "NetworkNamespace",
        name,
        {
          name: args.name,
          loopbackUp: args.loopbackUp,
          adopt: args.adopt,
          managedBy: `${pulumi.getProject()}/${pulumi.getStack()}/${name}`,
          path: undefined,
          stamp: undefined,
        },
        opts,
        ["name"],
      );
    } catch (error) {
      throw registration.failed(error, new.target);
    } finally {
      registration.end();
    }
  }
}
