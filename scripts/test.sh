#!/usr/bin/env bash
# Runs every ClinChat test on a fresh Debian machine: installs and starts what the tests need, then the suites.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '\n== %s\n' "$*" >&2; }

log "services the tests start themselves: OpenLDAP slapd (LDAP sign-in tests), PostgreSQL 15 and redis-server"
sh tests/ClinChat.Identity.Tests/Ldap/install-slapd.sh
sh tests/ClinChat.Testing/install-services.sh

log "dotnet $(dotnet --version)"
dotnet restore ClinChat.sln --nologo -v quiet

log "build"
dotnet build ClinChat.sln --no-restore -c Release --nologo -v quiet

log "tests"
results="$(mktemp -d)"
status=0
dotnet test ClinChat.sln --no-build -c Release --nologo \
  --logger "trx" --results-directory "$results" -- RunConfiguration.TreatNoTestsAsError=true | tee "$results/console.log" || status=$?

# One plain closing line over all suites, read from the TRX files.
python3 - "$results" <<'PY'
import glob, sys, xml.etree.ElementTree as ET
passed = failed = skipped = 0
for trx in glob.glob(sys.argv[1] + "/*.trx"):
    counters = ET.parse(trx).getroot().find(".//{*}Counters")
    passed += int(counters.get("passed", 0))
    failed += int(counters.get("failed", 0)) + int(counters.get("error", 0))
    skipped += int(counters.get("notExecuted", 0))
print(f"{passed} passed, {failed} failed, {skipped} skipped")
PY
exit "$status"
