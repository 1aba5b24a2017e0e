#!/usr/bin/env bash
# Provides a full Pulumi installation, pinned and cached outside the repository, and prints the directory to put
# first on PATH:
#
#   bin=$(tools/pulumi/build.sh) && PATH="$bin:$PATH" pulumi up
#
# A full installation is what `pulumi up` typed in a stack's directory needs:
#   pulumi                          the CLI, built from Pulumi's Go modules (go.mod and go.sum beside this script)
#   pulumi-language-nodejs          the Node language host, which runs a `runtime: nodejs` program; bundled beside
#                                   the CLI, where the CLI looks for bundled plugins
#   pulumi-resource-pulumi-nodejs   the dynamic-provider host that @pulumi/pulumi ships (npm does not link it)
#   pulumi-resource-command         the plugin behind @pulumi/command, at the version package-lock.json asks for,
#                                   registered in $PULUMI_HOME (default ~/.pulumi) as users' plugins are:
#                                   `pulumi plugin install resource command <version> --file …`; and the same way
#                                   in <cache>/pulumi-home, whose plugins/ the test suite's stacks share (each
#                                   stack has a PULUMI_HOME of its own, so nothing else of a developer's
#                                   ~/.pulumi reaches the tests)
#
# The language host and the command plugin are Go modules that the Go module proxy does not serve; they are
# built from their published source archives, found in $PULUMI_TUNTAP_THIRD_PARTY (default: ../shared/third_party
# beside this checkout): pulumi-language-nodejs-<commit>.tar.gz (github.com/pulumi/pulumi,
# sdk/nodejs/cmd/pulumi-language-nodejs) and pulumi-command-v<version>.tar.gz (github.com/pulumi/pulumi-command,
# provider/). Each piece is cached under a key of its inputs (pinned modules, archive, flags) and rebuilt only
# when they change. Cache root: $PULUMI_TUNTAP_CACHE, else $XDG_CACHE_HOME/pulumi-tuntap, else ~/.cache/pulumi-tuntap.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repository=$(cd "$here/../.." && pwd)
third_party=${PULUMI_TUNTAP_THIRD_PARTY:-$repository/../shared/third_party}
cache=${PULUMI_TUNTAP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-tuntap}
pulumi_home=${PULUMI_HOME:-$HOME/.pulumi}
say() { printf 'pulumi-tuntap: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

# The language host pinned by language-nodejs/go.mod: the commit its archive was taken at.
language_host_commit=1b5949891b3c
language_host_version=v3.260.0
language_host_archive="$third_party/pulumi-language-nodejs-$language_host_commit.tar.gz"
command_version=$(cd "$repository" && node -p 'require("./package-lock.json").packages["node_modules/@pulumi/command"].version' 2>/dev/null) ||
  die "cannot read the version of @pulumi/command from $repository/package-lock.json"
command_archive="$third_party/pulumi-command-v$command_version.tar.gz"
provider_host="$repository/node_modules/@pulumi/pulumi/pulumi-resource-pulumi-nodejs"
[ -f "$provider_host" ] || die "$provider_host is missing: run \`npm ci\` first."

cli_version=$(awk '$1 == "github.com/pulumi/pulumi/pkg/v3" { print $2; exit }' "$here/go.mod")
[ -n "$cli_version" ] || die "cannot read the pinned version of github.com/pulumi/pulumi/pkg/v3 from $here/go.mod"
# The flags of Pulumi's own release builds (.goreleaser.yml): without the version stamp, `pulumi version`
# prints nothing and the Automation API refuses the CLI.
tags=osusergo,grpcnotrace
cli_ldflags="-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$cli_version"
language_host_ldflags="-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$language_host_version"
command_ldflags="-s -w -X github.com/pulumi/pulumi-command/provider/pkg/version.Version=$command_version"

# A key changes with any pinned module, archive or flag, so a change never reuses an old build.
key() { sha256sum "$@" | cut -c1-64 | sha256sum | cut -c1-12; }
cli_key=$( (cat "$here/go.mod" "$here/go.sum"; echo "$tags $cli_ldflags") | sha256sum | cut -c1-12)
bin="$cache/pulumi-$cli_version-$cli_key/bin"

# One build at a time: test files that start together wait for the first one's build instead of racing it.
mkdir -p "$cache"
exec 9>"$cache/.pulumi-build.lock"
flock 9

need_go() {
  command -v go >/dev/null 2>&1 ||
    die "building $1 needs Go (https://go.dev/dl/, or your distribution's golang package); or install Pulumi yourself: https://www.pulumi.com/docs/install/"
}

# $1: the archive; $2: what it builds; $3: where its source comes from; $4: how to get the piece without it.
need_archive() {
  [ -f "$1" ] && return
  die "$2 cannot be built: its source archive $1 is missing. Set PULUMI_TUNTAP_THIRD_PARTY to the directory that holds" \
    "$(basename "$1") ($3), or $4"
}

# Builds into a staging directory and moves it into place whole, so an interrupted build leaves no half entry.
# $1: the cache entry; $2: a function that builds into the staging directory given as its argument.
staging=""
build_entry() {
  local entry=$1 builder=$2
  staging=$(mktemp -d "$cache/.build-XXXXXX")
  chmod 755 "$staging"
  trap 'rm -rf "$staging"' EXIT
  "$builder" "$staging"
  rm -rf "$entry"
  mv "$staging" "$entry"
  trap - EXIT
}

build_cli() {
  say "building the Pulumi CLI $cli_version from its Go modules"
  say "the first build downloads ~300 modules and compiles for 7–20 minutes on 2 cores; later builds reuse Go's caches"
  (cd "$here" && CGO_ENABLED=0 go build -trimpath -tags "$tags" -ldflags "$cli_ldflags" -o "$1/bin/pulumi" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi)
  local printed
  printed=$("$1/bin/pulumi" version)
  [ "$printed" = "$cli_version" ] || die "the CLI build prints version '$printed', expected $cli_version"
}

build_language_host() {
  say "building the Node language host ($language_host_commit) from $language_host_archive"
  mkdir "$1/source"
  tar -xzf "$language_host_archive" -C "$1/source"
  local source="$1/source/pulumi-language-nodejs"
  cp "$here/language-nodejs/go.mod" "$here/language-nodejs/go.sum" "$source/"
  (cd "$source" && CGO_ENABLED=0 go build -trimpath -tags "$tags" -ldflags "$language_host_ldflags" -o "$1/pulumi-language-nodejs" .)
  rm -rf "$1/source"
}

build_command_plugin() {
  say "building pulumi-resource-command $command_version from $command_archive"
  mkdir "$1/source"
  tar -xzf "$command_archive" -C "$1/source"
  (cd "$1/source/pulumi-command/provider" && CGO_ENABLED=0 go build -trimpath -ldflags "$command_ldflags" -o "$1/pulumi-resource-command" ./cmd/pulumi-resource-command)
  rm -rf "$1/source"
}

# The archives first: without them no installation can be made, and the CLI's build takes minutes.
need_archive "$language_host_archive" "The Node language host (pulumi-language-nodejs)" "github.com/pulumi/pulumi at $language_host_commit, sdk/nodejs/cmd/pulumi-language-nodejs" \
  "install Pulumi (https://www.pulumi.com/docs/install/: \`curl -fsSL https://get.pulumi.com | sh\`), which carries it beside the CLI."
need_archive "$command_archive" "pulumi-resource-command $command_version (the plugin behind @pulumi/command)" "github.com/pulumi/pulumi-command at v$command_version, provider/" \
  "with a Pulumi installation that may download plugins: \`pulumi plugin install resource command $command_version\`."

if ! { [ -x "$bin/pulumi" ] && [ "$("$bin/pulumi" version 2>/dev/null)" = "$cli_version" ]; }; then
  need_go "the Pulumi CLI $cli_version"
  build_entry "$(dirname "$bin")" build_cli
  say "built $("$bin/pulumi" version) in $bin"
fi

language_host="$cache/language-nodejs-$(key "$language_host_archive" "$here/language-nodejs/go.mod" "$here/language-nodejs/go.sum")-$(echo "$tags $language_host_ldflags" | sha256sum | cut -c1-8)"
if [ ! -x "$language_host/pulumi-language-nodejs" ]; then
  need_go "the Node language host"
  build_entry "$language_host" build_language_host
fi

command_plugin="$cache/command-$command_version-$(key "$command_archive")-$(echo "$command_ldflags" | sha256sum | cut -c1-8)"
if [ ! -x "$command_plugin/pulumi-resource-command" ]; then
  need_go "pulumi-resource-command"
  build_entry "$command_plugin" build_command_plugin
fi

# Bundled plugins beside the CLI: the CLI finds them there without looking on PATH. Copied only when they
# differ: a CLI of this installation may be running them (install replaces a file, it never writes into it).
bundle() { cmp -s "$1" "$2" || install -m 0755 "$1" "$2"; }
bundle "$language_host/pulumi-language-nodejs" "$bin/pulumi-language-nodejs"
bundle "$provider_host" "$bin/pulumi-resource-pulumi-nodejs"

# Registered as `pulumi plugin install` registers a user's plugin, once per PULUMI_HOME and build.
register() {
  local home=$1
  cmp -s "$home/plugins/resource-command-v$command_version/pulumi-resource-command" "$command_plugin/pulumi-resource-command" && return
  PULUMI_HOME=$home PULUMI_SKIP_UPDATE_CHECK=true "$bin/pulumi" plugin install resource command "$command_version" \
    --file "$command_plugin/pulumi-resource-command" --reinstall >&2
}
register "$pulumi_home"
register "$cache/pulumi-home"
echo "$bin"
