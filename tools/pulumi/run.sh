#!/usr/bin/env bash
# `npm run up|preview|refresh|destroy|pulumi`: the real `pulumi <arguments>`, run in the directory `npm run` was
# typed in (npm's INIT_CWD: the repository root for its root program, examples/vm-lab for that example), with the
# local-backend environment — no Pulumi account, no cloud:
#
#   PULUMI_BACKEND_URL                      file://<repository> (the state in <repository>/.pulumi/), unless you set one
#   PULUMI_CONFIG_PASSPHRASE                empty, unless you set it (or PULUMI_CONFIG_PASSPHRASE_FILE)
#   PULUMI_SKIP_UPDATE_CHECK                true
#   PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION  true: plugins come from the installation, never downloaded
#
# Every argument goes to pulumi untouched (`npm run up -- --diff --target <urn>`). When the directory's project has
# no stack selected, the stack `dev` is selected first (and created on this backend if new), so a bare
# `npm run up` works in a fresh clone; a stack you selected is left alone, and `npm run pulumi -- stack …` (where
# you choose stacks yourself) selects none.
#
# Which pulumi: a full installation on PATH (the CLI with the Node language host, pulumi-language-nodejs, beside
# it) if there is one; else the installation this repository pins, built and cached by build.sh beside this
# script. A `pulumi` without its language host is never used: it cannot run a TypeScript program.
set -euo pipefail

repository=$(cd "$(dirname "$0")/../.." && pwd)
say() { printf 'pulumi-tuntap: %s\n' "$*" >&2; }

# The directory of a full installation on PATH, or nothing. The language host sits beside the CLI in every
# Pulumi distribution (get.pulumi.com, the release archives, Homebrew's Cellar behind its bin/ link).
full_installation_on_path() {
  local cli
  cli=$(command -v pulumi) || return 1
  for directory in "$(dirname "$cli")" "$(dirname "$(readlink -f "$cli")")"; do
    if [ -x "$directory/pulumi-language-nodejs" ]; then
      echo "$directory"
      return 0
    fi
  done
  say "the pulumi on PATH ($cli) has no Node language host (pulumi-language-nodejs) beside it: using the pinned installation instead"
  return 1
}

if ! bin=$(full_installation_on_path); then
  if ! bin=$("$repository/tools/pulumi/build.sh"); then
    say "no full Pulumi installation is available: none on PATH, and the pinned one could not be built (see above)."
    say "Install Pulumi (https://www.pulumi.com/docs/install/, or: curl -fsSL https://get.pulumi.com | sh), then run this again."
    exit 1
  fi
  PATH="$bin:$PATH"
fi

export PULUMI_BACKEND_URL=${PULUMI_BACKEND_URL:-file://$repository}
if [ -z "${PULUMI_CONFIG_PASSPHRASE+set}" ] && [ -z "${PULUMI_CONFIG_PASSPHRASE_FILE:-}" ]; then
  export PULUMI_CONFIG_PASSPHRASE=""
fi
export PULUMI_SKIP_UPDATE_CHECK=true
export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true

cd "${INIT_CWD:-$PWD}"
state=$PULUMI_BACKEND_URL
case $state in
  file://*) state="${state#file://}/.pulumi" ;;
esac
say "pulumi $(pulumi version) from $bin, in $PWD; state in $state"
if [ "${1:-}" != stack ] && ! pulumi stack --show-name >/dev/null 2>&1; then
  say "no stack selected here: selecting dev (created if new)"
  pulumi stack select --create dev --non-interactive >&2
fi
exec pulumi "$@"
