#!/usr/bin/env bash
# Validates everything under deploy/ and the Dockerfile, without a cluster or a container engine:
#   1. kustomize renders the base and every overlay (kubectl kustomize);
#   2. every rendered object passes the Kubernetes schema, a strict unknown-field check and the
#      production policy (deploy/tools/validate-manifests.js);
#   3. promtool checks the alert rules and runs their unit tests;
#   4. alerts, tests, dashboard and docs agree (deploy/tools/check-monitoring.js), and promtool
#      parses every dashboard query;
#   5. the Dockerfile is linted (deploy/tools/lint-dockerfile.js);
#   6. the validators' own tests show that they reject broken input.
# Installs what is missing (Debian's prometheus for promtool, the npm packages of deploy/tools).
# Exits non-zero if any step fails. Usage: bash deploy/validate.sh
set -uo pipefail

deploy_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$deploy_dir")"
tools="$deploy_dir/tools"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

apt_install() {
  if [ "$(id -u)" != 0 ]; then
    echo "validate: need root to apt-get install $*" >&2
    return 1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@" >"$tmp/apt.log" 2>&1 \
    || { DEBIAN_FRONTEND=noninteractive apt-get update >>"$tmp/apt.log" 2>&1 \
         && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@" >>"$tmp/apt.log" 2>&1; } \
    || { tail -20 "$tmp/apt.log" >&2; return 1; }
}

ensure_tools() {
  if ! command -v promtool >/dev/null; then
    echo "validate: installing promtool (Debian package prometheus)"
    apt_install prometheus || return 1
  fi
  if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    echo "validate: installing Node.js (Debian packages nodejs, npm)"
    apt_install nodejs npm || return 1
  fi
  # kubectl with kustomize v5 comes with this workplace's machine image. Debian 12's
  # kubernetes-client (1.20) embeds kustomize v2, which cannot render these overlays.
  if ! command -v kubectl >/dev/null; then
    echo "validate: kubectl not found; it must provide 'kubectl kustomize' with kustomize v5" >&2
    return 1
  fi
  if ! kubectl version --client 2>/dev/null | grep -q 'Kustomize Version: v5'; then
    echo "validate: kubectl's kustomize is not v5: $(kubectl version --client 2>&1 | tr '\n' ' ')" >&2
    return 1
  fi
  # npm ci again whenever the lock file changed since the last install.
  if [ ! -f "$tools/node_modules/.package-lock.json" ] || [ "$tools/package-lock.json" -nt "$tools/node_modules/.package-lock.json" ]; then
    echo "validate: npm ci in deploy/tools"
    (cd "$tools" && npm ci --no-audit --no-fund --loglevel=error) || return 1
  fi
}

render() {
  local name
  for dir in "$deploy_dir/kubernetes/base" "$deploy_dir"/kubernetes/overlays/*/; do
    name="$(basename "$dir")"
    kubectl kustomize "$dir" >"$tmp/$name.yaml" || { echo "  FAIL kustomize $dir"; return 1; }
    echo "  ok   $name: $(grep -c '^kind:' "$tmp/$name.yaml") objects"
  done
}

validate_manifests() {
  local args=(--secret-template "$deploy_dir/kubernetes/base/secret.example.yaml" --base base "base=$tmp/base.yaml")
  for dir in "$deploy_dir"/kubernetes/overlays/*/; do
    args+=("$(basename "$dir")=$tmp/$(basename "$dir").yaml")
  done
  node "$tools/validate-manifests.js" "${args[@]}"
}

check_dashboard_and_contract() {
  node "$tools/check-monitoring.js" "$root" "$tmp/dashboard-rules.yaml" || return 1
  promtool check rules "$tmp/dashboard-rules.yaml" >"$tmp/promtool-dashboard.log" 2>&1 \
    || { cat "$tmp/promtool-dashboard.log"; return 1; }
  echo "  ok   every dashboard query parses"
}

passed=0
failed=0
summary=()
step() {
  local name="$1" start=$SECONDS
  shift
  echo "== $name"
  if "$@"; then
    passed=$((passed + 1))
    summary+=("  ok   $name ($((SECONDS - start)) s)")
  else
    failed=$((failed + 1))
    summary+=("  FAIL $name ($((SECONDS - start)) s)")
  fi
}

begin=$SECONDS
step "tools installed" ensure_tools
if [ "$failed" -gt 0 ]; then
  echo "validate: cannot run without the tools above" >&2
  echo "deploy: 0 passed, 1 failed"
  exit 1
fi
step "kustomize renders base and overlays" render
step "Kubernetes schemas, fields and policy" validate_manifests
step "promtool check rules" promtool check rules "$deploy_dir/prometheus/clinchat-alerts.yaml"
step "promtool test rules" promtool test rules "$deploy_dir"/prometheus/tests/*.yaml
step "alerts, dashboard and metric contract" check_dashboard_and_contract
step "Dockerfile lint" node "$tools/lint-dockerfile.js" "$root"
step "validator self-tests" node --test --test-reporter=spec "$tools/test/"

echo "== summary ($((SECONDS - begin)) s)"
printf '%s\n' "${summary[@]}"
echo "deploy: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
