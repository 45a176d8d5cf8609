#!/bin/sh
# Installs OpenLDAP's server and client tools (Debian) for the LDAP tests; the test fixture runs it when slapd is missing.
# The package's own service is never started: the fixture runs a throwaway slapd on loopback.
set -eu
if command -v slapd >/dev/null 2>&1 || [ -x /usr/sbin/slapd ]; then
  if command -v ldapadd >/dev/null 2>&1; then exit 0; fi
fi
export DEBIAN_FRONTEND=noninteractive
SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo -n"; fi
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends slapd ldap-utils
