#!/bin/sh
# Installs the PostgreSQL 15 server and redis-server (Debian) for the storage, cache and replica tests. The packages'
# own services are never used: the test fixtures run throwaway servers on loopback, in temporary folders.
set -eu
need=""
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need="$need postgresql"
command -v redis-server >/dev/null 2>&1 || need="$need redis-server"
[ -z "$need" ] && exit 0
export DEBIAN_FRONTEND=noninteractive
SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo -n"; fi
# Several test assemblies may ask at once: one apt run at a time.
exec 9>/tmp/clinchat-install-services.lock
flock 9
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && command -v redis-server >/dev/null 2>&1 && exit 0
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends $need
# The packages start their own services; the tests do not use them.
$SUDO service postgresql stop >/dev/null 2>&1 || true
$SUDO service redis-server stop >/dev/null 2>&1 || true
