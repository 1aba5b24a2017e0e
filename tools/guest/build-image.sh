#!/usr/bin/env bash
# Makes the test guest, reproducibly, into a cache outside the repository, and reuses it:
#   vmlinuz            Debian's kernel from linux-image-amd64, unpacked with apt-get download + dpkg -x
#                      (never installed on this host)
#   initramfs.cpio.gz  busybox-static, the virtio network modules in modules.dep order, and ./init
# The cache directory is ${PULUMI_TUNTAP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-tuntap}/guest-<key>,
# where <key> hashes this script, ./init and the versions of every package the image is made from, so a
# change to any of them makes a new image.
#
# Usage: tools/guest/build-image.sh
# Prints key=value lines on stdout (status=cached|built, key, directory, kernel, initramfs, kernel_sha256,
# initramfs_sha256); progress goes to stderr. Installs its Debian prerequisites when missing (as root).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
cache_root=${PULUMI_TUNTAP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-tuntap}
# qemu-system-x86 runs the guest; the others make the image (kmod for depmod, to read the dependencies).
prerequisites=(qemu-system-x86 busybox-static cpio kmod)
# The drivers a guest needs for virtio-net over PCI (pc, q35) and over MMIO (microvm).
network_modules=(virtio_pci virtio_mmio virtio_net)

log() { echo "build-image: $*" >&2; }
die() { log "$*"; exit 1; }

install_prerequisites() {
  local missing=() package
  for package in "${prerequisites[@]}"; do
    dpkg-query -W -f='${Status}' "${package}" 2>/dev/null | grep -q 'install ok installed' || missing+=("${package}")
  done
  [ "${#missing[@]}" -eq 0 ] && return
  [ "$(id -u)" -eq 0 ] || die "missing Debian packages: ${missing[*]}; install them as root: apt-get install --no-install-recommends ${missing[*]}"
  log "installing ${missing[*]}"
  apt-get update -q >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
}

# The kernel package linux-image-amd64 stands for, as "name version": its candidate's exact dependency.
kernel_package() {
  local depends
  if ! depends=$(apt-cache show --no-all-versions linux-image-amd64 2>/dev/null | sed -n 's/^Depends: //p'); then depends=""; fi
  if [ -z "${depends}" ]; then
    [ "$(id -u)" -eq 0 ] || die "apt knows no linux-image-amd64: run apt-get update as root"
    apt-get update -q >&2
    depends=$(apt-cache show --no-all-versions linux-image-amd64 | sed -n 's/^Depends: //p')
  fi
  # "linux-image-6.1.0-57-amd64 (= 6.1.192-3)"
  echo "${depends}" | sed -n 's/^\(linux-image-[^ ,]*\) (= \([^)]*\)).*/\1 \2/p'
}

installed_version() { dpkg-query -W -f='${Version}' "$1"; }

print_result() {
  local status=$1 directory=$2
  echo "status=${status}"
  echo "key=${key}"
  echo "directory=${directory}"
  echo "kernel=${directory}/vmlinuz"
  echo "initramfs=${directory}/initramfs.cpio.gz"
  echo "kernel_sha256=$(sha256sum "${directory}/vmlinuz" | cut -d' ' -f1)"
  echo "initramfs_sha256=$(sha256sum "${directory}/initramfs.cpio.gz" | cut -d' ' -f1)"
}

# Modules to load for the targets, dependencies first, each once: modules.dep lists a module's
# dependencies so that loading them from last to first works (as modprobe does), e.g. virtio_ring before virtio.
load_order() {
  local modules_dep=$1; shift
  local target line index
  local -a order=() entries=()
  add() { [[ " ${order[*]} " == *" $1 "* ]] || order+=("$1"); }
  for target in "$@"; do
    line=$(grep -E "^[^:]*/${target}\.ko(\.[a-z]+)?:" "${modules_dep}") || die "${target} is not in ${modules_dep}"
    read -r -a entries <<<"${line/:/}" # the module, then its dependencies
    for ((index = ${#entries[@]} - 1; index >= 1; index--)); do add "${entries[index]}"; done
    add "${entries[0]}"
  done
  printf '%s\n' "${order[@]}"
}

build() {
  local work=$1 output=$2
  read -r kernel_name kernel_version <<<"${kernel}"
  local release=${kernel_name#linux-image-}
  log "downloading ${kernel_name}=${kernel_version} (unpacked only, not installed)"
  # As root apt downloads through its _apt sandbox user, which cannot write here; this is only a download.
  (cd "${work}" && apt-get download -q -o APT::Sandbox::User=root "${kernel_name}=${kernel_version}" >&2)
  dpkg -x "${work}"/"${kernel_name}"_*.deb "${work}/package"
  local modules=${work}/package/lib/modules/${release}
  # The package ships no modules.dep (its postinst makes it); make it for the unpacked tree.
  depmod -b "${work}/package" "${release}"
  mapfile -t order < <(load_order "${modules}/modules.dep" "${network_modules[@]}")
  log "module load order (from modules.dep): ${order[*]}"

  # Every file's timestamp is the kernel package's own build time, so the archive depends only on its inputs.
  local epoch
  epoch=$(stat -c %Y "${work}/package/boot/vmlinuz-${release}")
  export SOURCE_DATE_EPOCH=${epoch}

  local rootfs=${work}/rootfs
  mkdir -p "${rootfs}/bin" "${rootfs}/etc" "${rootfs}/lib/modules" "${rootfs}/dev" "${rootfs}/proc" "${rootfs}/sys" "${rootfs}/tmp"
  install -m 0755 /bin/busybox "${rootfs}/bin/busybox"
  install -m 0755 "${here}/init" "${rootfs}/init"
  local path
  for path in "${order[@]}"; do
    install -m 0644 "${modules}/${path}" "${rootfs}/lib/modules/"
    basename "${path}" >>"${rootfs}/etc/modules"
  done
  chmod 0644 "${rootfs}/etc/modules"
  find "${rootfs}" -type d -exec chmod 0755 {} +
  find "${rootfs}" -exec touch -h -d "@${epoch}" {} +
  (cd "${rootfs}" && find . -mindepth 1 -print0 | LC_ALL=C sort -z |
    cpio --null --create --format=newc --reproducible --owner=0:0 --quiet) | gzip -9 -n >"${output}/initramfs.cpio.gz"
  install -m 0644 "${work}/package/boot/vmlinuz-${release}" "${output}/vmlinuz"

  {
    echo "kernel package: ${kernel_name} ${kernel_version}"
    echo "busybox-static: $(installed_version busybox-static)"
    echo "modules, in load order: ${order[*]}"
    echo "SOURCE_DATE_EPOCH: ${epoch}"
  } >"${output}/manifest.txt"
  (cd "${output}" && sha256sum vmlinuz initramfs.cpio.gz >SHA256SUMS)
  chmod 0644 "${output}"/*
}

install_prerequisites
kernel=$(kernel_package)
[ -n "${kernel}" ] || die "cannot tell which kernel package linux-image-amd64 depends on"
key=$(
  {
    sha256sum "${here}/build-image.sh" "${here}/init" | cut -d' ' -f1
    echo "${kernel}"
    for package in busybox-static cpio gzip kmod; do echo "${package} $(installed_version "${package}")"; done
  } | sha256sum | cut -c1-16
)
directory=${cache_root}/guest-${key}

if [ -f "${directory}/SHA256SUMS" ] && (cd "${directory}" && sha256sum --quiet -c SHA256SUMS >/dev/null 2>&1); then
  print_result cached "${directory}"
  exit 0
fi

mkdir -p "${cache_root}"
# One build at a time per cache; a second caller waits, then finds the image made.
exec 9>"${cache_root}/.lock"
flock 9
if [ -f "${directory}/SHA256SUMS" ] && (cd "${directory}" && sha256sum --quiet -c SHA256SUMS >/dev/null 2>&1); then
  print_result cached "${directory}"
  exit 0
fi
work=$(mktemp -d "${cache_root}/.build-XXXXXX")
trap 'rm -rf "${work}"' EXIT
log "building the guest image ${key} into ${directory}"
mkdir -p "${work}/output"
build "${work}" "${work}/output"
rm -rf "${directory}"
chmod 0755 "${work}/output"
mv "${work}/output" "${directory}"
print_result built "${directory}"
