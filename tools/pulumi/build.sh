#!/usr/bin/env bash
# Builds the pinned Pulumi CLI from its Go modules (go.mod and go.sum beside this script pin every module by
# hash) into a cache outside the repository, and prints the directory to put first on PATH. Does nothing but
# print that directory when the pinned build is already there.
#
#   bin=$(tools/pulumi/build.sh) && PATH="$bin:$PATH" pulumi version
#
# The directory holds `pulumi` and a copy of `pulumi-resource-pulumi-nodejs`, the dynamic-provider host that
# @pulumi/pulumi ships (npm does not link it; the CLI looks for bundled plugins beside its own binary).
# Cache root: $PULUMI_TUNTAP_CACHE, else $XDG_CACHE_HOME/pulumi-tuntap, else ~/.cache/pulumi-tuntap.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repository=$(cd "$here/../.." && pwd)
say() { printf 'pulumi-tuntap: %s\n' "$*" >&2; }

version=$(awk '$1 == "github.com/pulumi/pulumi/pkg/v3" { print $2; exit }' "$here/go.mod")
[ -n "$version" ] || { say "cannot read the pinned version of github.com/pulumi/pulumi/pkg/v3 from $here/go.mod"; exit 1; }
# The flags of Pulumi's own release build (.goreleaser.yml): without the version stamp, `pulumi version`
# prints nothing and the Automation API refuses the CLI.
tags=osusergo,grpcnotrace
ldflags="-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$version"
# The key changes with any pinned module or flag, so a changed go.sum never reuses an old build.
key=$( (cat "$here/go.mod" "$here/go.sum"; echo "$tags $ldflags") | sha256sum | cut -c1-12)
cache=${PULUMI_TUNTAP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-tuntap}
root="$cache/pulumi-$version-$key"
bin="$root/bin"

# One build at a time: test files that start together wait for the first one's build instead of racing it.
mkdir -p "$cache"
exec 9>"$cache/.pulumi-build.lock"
flock 9

provider_host="$repository/node_modules/@pulumi/pulumi/pulumi-resource-pulumi-nodejs"
[ -f "$provider_host" ] || { say "$provider_host is missing: run \`npm ci\` first."; exit 1; }

if [ -x "$bin/pulumi" ] && [ "$("$bin/pulumi" version 2>/dev/null)" = "$version" ]; then
  install -m 0755 "$provider_host" "$bin/pulumi-resource-pulumi-nodejs"
  echo "$bin"
  exit 0
fi

if ! command -v go >/dev/null 2>&1; then
  say "building the Pulumi CLI $version needs Go (https://go.dev/dl/, or your distribution's golang package), or install the CLI yourself: https://www.pulumi.com/docs/install/"
  exit 1
fi

say "building the Pulumi CLI $version from its Go modules into $bin"
say "the first build downloads ~300 modules and compiles for 7–20 minutes on 2 cores; later builds reuse Go's caches"
staging=$(mktemp -d "$cache/.pulumi-build-XXXXXX")
trap 'rm -rf "$staging"' EXIT
(
  cd "$here"
  CGO_ENABLED=0 go build -trimpath -tags "$tags" -ldflags "$ldflags" -o "$staging/bin/pulumi" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
)
printed=$("$staging/bin/pulumi" version)
[ "$printed" = "$version" ] || { say "the build prints version '$printed', expected $version"; exit 1; }
install -m 0755 "$provider_host" "$staging/bin/pulumi-resource-pulumi-nodejs"
rm -rf "$root"
mv "$staging" "$root"
trap - EXIT
say "built $("$bin/pulumi" version) in $bin"
echo "$bin"
