#!/usr/bin/env bash
# The three jobs of a pipeline for a host that runs its own stack, run on that host (a CI runner with
# CAP_NET_ADMIN there, in this directory's checkout, after `npm ci`):
#
#   pipeline.sh preview   on a proposed change (pull/merge request): `pulumi preview --diff`, what would change
#   pipeline.sh up        on merge to the main branch: `pulumi up --yes --refresh`, which reads every device
#                         first, so that the host ends as the stack declares even if someone changed it by hand
#   pipeline.sh drift     on a schedule: `pulumi preview --refresh --expect-no-changes --diff`, which reads every
#                         device, fails if the host no longer matches the stack, and shows what differs; this
#                         script then names each drifted device and property on its own lines
#
# From the CI's settings: PULUMI_BACKEND_URL (where the stack's state lives across jobs: a directory on the
# runner, file:///var/lib/pulumi/state, or an object store), PULUMI_CONFIG_PASSPHRASE (a secret), and PULUMI_STACK
# (default: the host's short name, so each host has a stack of its own). `pulumi` is the runner's full Pulumi
# installation (the CLI and its Node language host).
set -euo pipefail
cd "$(dirname "$0")"

export PULUMI_STACK=${PULUMI_STACK:-$(hostname -s)}
export PULUMI_SKIP_UPDATE_CHECK=true
: "${PULUMI_BACKEND_URL:?set PULUMI_BACKEND_URL to where the state of the stack of this host lives, e.g. file:///var/lib/pulumi/state}"

case ${1:-} in
  preview)
    pulumi stack select --create "$PULUMI_STACK" --non-interactive
    exec pulumi preview --diff --non-interactive
    ;;
  up)
    pulumi stack select --create "$PULUMI_STACK" --non-interactive
    exec pulumi up --yes --refresh --diff --non-interactive
    ;;
  drift)
    report=$(mktemp)
    trap 'rm -f "$report"' EXIT
    status=0
    pulumi preview --refresh --expect-no-changes --diff --non-interactive 2>&1 | tee "$report" || status=$?
    if [ "$status" -eq 0 ]; then
      echo "pulumi-tuntap: no drift: the host matches stack $PULUMI_STACK"
      exit 0
    fi
    # The refresh part of the preview lists each resource read back differently, `[id=<device>]` and its
    # `~ property : recorded => found` lines.
    drifted=$(sed -n '/ (refresh)$/,/ (same)$/p' "$report" | sed -n -e 's/^ *\[id=\(.*\)\]$/\1/p' -e 's/^ *~ \([A-Za-z]*\) *: \(.*\)$/  \1: \2/p')
    if [ -z "$drifted" ]; then
      echo "pulumi-tuntap: the drift check failed (exit $status) without finding drift: see above" >&2
      exit "$status"
    fi
    echo "pulumi-tuntap: DRIFT: the host no longer matches stack $PULUMI_STACK (recorded => found); \`pipeline.sh up\` puts it back:" >&2
    printf '%s\n' "$drifted" | sed 's/^[^ ]/device &/' >&2
    exit 1
    ;;
  *)
    echo "usage: $0 preview|up|drift" >&2
    exit 2
    ;;
esac
