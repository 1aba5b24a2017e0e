#!/usr/bin/env sh
# Runs a Pulumi CLI command on a program of this repository with a local file backend (.pulumi/ at the
# repository root) and an empty passphrase: no Pulumi account and no cloud.
#
#   examples/pulumi-local.sh up                       # the root program (the tutorial's tap0)
#   PROGRAM=examples/vm-lab examples/pulumi-local.sh preview
#   PULUMI_STACK=lab examples/pulumi-local.sh destroy --yes
#
# `npm run up|preview|refresh|destroy` call this after building the package.
set -eu

if ! command -v pulumi >/dev/null 2>&1; then
  cat >&2 <<'MESSAGE'
This needs the Pulumi CLI, which is not installed here (no `pulumi` on PATH).
Install it (https://www.pulumi.com/docs/install/), e.g.:
    curl -fsSL https://get.pulumi.com | sh && export PATH="$HOME/.pulumi/bin:$PATH"
then run the same command again. No Pulumi account is needed: the stack's state stays in .pulumi/ here.
(`npm test` does not need the CLI: it plays the engine's side itself.)
MESSAGE
  exit 1
fi

root=$(cd "$(dirname "$0")/.." && pwd)
program="$root/${PROGRAM:-.}"
mkdir -p "$root/.pulumi"
export PULUMI_BACKEND_URL="file://$root/.pulumi"
export PULUMI_CONFIG_PASSPHRASE="${PULUMI_CONFIG_PASSPHRASE-}"
export PULUMI_SKIP_UPDATE_CHECK=true

cd "$program"
pulumi stack select --create "${PULUMI_STACK:-dev}" >/dev/null
exec pulumi "$@"
