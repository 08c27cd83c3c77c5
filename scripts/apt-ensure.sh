#!/usr/bin/env bash
# Install the named Debian packages that are missing; apt-get update runs once, only if needed.
set -euo pipefail
missing=()
for package in "$@"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
    || missing+=("$package")
done
# PostgreSQL may already be there without the meta-package (any /usr/lib/postgresql/N/bin/initdb).
if [[ " ${missing[*]-} " == *" postgresql "* ]] && compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null; then
  missing=("${missing[@]/postgresql}")
fi
read -r -a missing <<< "${missing[*]-}"
[ "${#missing[@]}" -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "missing Debian packages: ${missing[*]}; install them as root:" >&2
  echo "  apt-get update && apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq "${missing[@]}" >/dev/null
# Debian starts the system broker on install; the app runs its own, so stop the system one.
if printf '%s\n' "${missing[@]}" | grep -qx mosquitto; then
  (systemctl stop mosquitto || service mosquitto stop) >/dev/null 2>&1 || true
fi
