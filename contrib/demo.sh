#!/bin/bash
# The README's first command: on a fresh Debian 12 machine, as root, from the source tree:
#   bash contrib/demo.sh
# installs what the build needs (only what is missing), builds ocirt, makes a small busybox
# bundle in a temp dir and runs a container in it (uname, hostname, pid 1, mounts), then
# removes the bundle.  Nothing is installed outside apt; ocirt runs from the build tree.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(autoconf automake libtool pkg-config make gcc libyajl-dev libseccomp-dev libcap-dev
          libselinux1-dev criu go-md2man busybox-static jq)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2> /dev/null | grep -q '^install ok installed$' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "demo: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q < /dev/null
  apt-get install -y -q --no-install-recommends "${missing[@]}" < /dev/null
fi

if [ ! -x ./ocirt ]; then
  echo "demo: building"
  { ./autogen.sh && ./configure && make -j"$(nproc)"; } > demo-build.log 2>&1 \
    || { tail -30 demo-build.log; echo "demo: build failed (full log: demo-build.log)"; exit 1; }
fi

bundle=$(mktemp -d /tmp/ocirt-demo.XXXXXX)
trap 'rm -rf "$bundle"' EXIT
mkdir -p "$bundle/rootfs/bin" "$bundle/rootfs/proc" "$bundle/rootfs/sys" "$bundle/rootfs/dev"
cp /bin/busybox "$bundle/rootfs/bin/busybox"
for a in sh echo uname hostname cat grep ps sed; do ln -s busybox "$bundle/rootfs/bin/$a"; done
./ocirt spec --bundle "$bundle"
# the default config runs `sh` on a terminal: run a script without one instead
jq '.process.terminal = false | .process.args = ["sh", "-c",
  "echo \"hello from $(hostname) ($(uname -sr)), I am pid $$\"; ps -o pid,comm; echo \"$(grep -c . /proc/self/mountinfo) mounts\""]' \
  "$bundle/config.json" > "$bundle/config.json.new" && mv "$bundle/config.json.new" "$bundle/config.json"
echo "demo: ./ocirt run -b $bundle demo-$$"
rc=0
./ocirt run -b "$bundle" "demo-$$" || rc=$?
echo "demo: the container exited with status $rc"
exit "$rc"
