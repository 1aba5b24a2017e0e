// The resource options every link's class starts from.
import type * as pulumi from "@pulumi/pulumi";

/**
 * A link's name exists once in its namespace, so whatever replaces a link deletes the old device first: its own
 * diff says so, and this option says so for replacements the diff is not asked about (`pulumi up --replace`,
 * `replaceWith`). Created first instead, the new resource would take back the very device the old one still
 * holds (it carries the resource's stamp), and the old one's delete would then remove it. A program's own
 * `deleteBeforeReplace` wins.
 */
export function linkResourceOptions(opts: pulumi.CustomResourceOptions | undefined): pulumi.CustomResourceOptions {
  return { deleteBeforeReplace: true, ...opts };
}
