#!/usr/bin/env node
// Checks deploy/prometheus and deploy/grafana beyond what promtool sees:
//   - every alert has a promtool test where it fires and one where it does not;
//   - rules and dashboard use only the metric names of the contract (issue 6, item 4);
//   - every alert has severity, category, summary, description and a runbook anchor that exists
//     as a heading in docs/operations.md;
//   - the dashboard has the required panels, and its PromQL is written out as a rule file
//     (Grafana variables replaced) so that `promtool check rules` parses every query.
// Usage: node check-monitoring.js REPO_ROOT DASHBOARD_RULES_OUT
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const YAML = require('yaml');

const METRICS = new Set([
  'clinchat_clinical_queries_total',
  'clinchat_clinical_query_duration_seconds_bucket',
  'clinchat_clinical_query_duration_seconds_sum',
  'clinchat_clinical_query_duration_seconds_count',
  'clinchat_clinical_accuracy_score',
  'clinchat_drug_interaction_checks_total',
  'clinchat_drug_interactions_detected_total',
  'clinchat_hipaa_compliance_score',
  'clinchat_phi_detection_failures_total',
  'clinchat_knowledge_base_last_update',
]);
const REQUIRED_PANELS = ['Query volume', 'Clinical accuracy', 'Interaction checks', 'HIPAA compliance',
  'Query latency (p50, p95)', 'PHI detection failures'];

// GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens.
function anchors(markdown) {
  return new Set(markdown.split('\n').filter((l) => /^#{1,6} /.test(l)).map((l) => l.replace(/^#+ /, '').trim()
    .toLowerCase().replace(/[^\p{L}\p{N} _-]/gu, '').replace(/ /g, '-')));
}

function metricNames(expr) {
  return [...expr.matchAll(/\bclinchat_[a-z0-9_]+/g)].map((m) => m[0]);
}

function check(root) {
  const errors = [];
  const rulesFile = path.join(root, 'deploy/prometheus/clinchat-alerts.yaml');
  const rules = YAML.parse(fs.readFileSync(rulesFile, 'utf8'));
  const docPath = path.join(root, 'docs/operations.md');
  const docAnchors = fs.existsSync(docPath) ? anchors(fs.readFileSync(docPath, 'utf8')) : new Set();
  const alerts = new Map();
  for (const group of rules.groups) {
    for (const rule of group.rules) {
      if (!rule.alert) continue;
      if (alerts.has(rule.alert)) errors.push(`alert ${rule.alert} defined twice`);
      alerts.set(rule.alert, rule);
      const labels = rule.labels || {};
      const ann = rule.annotations || {};
      if (!['critical', 'warning'].includes(labels.severity)) errors.push(`alert ${rule.alert}: severity must be critical or warning`);
      if (!['medical', 'security', 'performance'].includes(labels.category)) errors.push(`alert ${rule.alert}: category must be medical, security or performance`);
      for (const a of ['summary', 'description', 'runbook']) if (!ann[a]) errors.push(`alert ${rule.alert}: annotation ${a} missing`);
      const anchor = (ann.runbook || '').split('#')[1];
      if (ann.runbook && (!ann.runbook.startsWith('docs/operations.md#') || !docAnchors.has(anchor))) {
        errors.push(`alert ${rule.alert}: runbook ${ann.runbook} is not a heading of docs/operations.md`);
      }
      for (const m of metricNames(rule.expr)) if (!METRICS.has(m)) errors.push(`alert ${rule.alert}: unknown metric ${m}`);
    }
  }

  const testsDir = path.join(root, 'deploy/prometheus/tests');
  const firing = new Set();
  const quiet = new Set();
  for (const f of fs.readdirSync(testsDir).filter((n) => n.endsWith('.yaml'))) {
    const doc = YAML.parse(fs.readFileSync(path.join(testsDir, f), 'utf8'));
    for (const t of doc.tests || []) {
      for (const a of t.alert_rule_test || []) {
        if (!alerts.has(a.alertname)) errors.push(`tests/${f}: tests unknown alert ${a.alertname}`);
        ((a.exp_alerts || []).length ? firing : quiet).add(a.alertname);
      }
    }
  }
  for (const name of alerts.keys()) {
    if (!firing.has(name)) errors.push(`alert ${name}: no promtool test where it fires`);
    if (!quiet.has(name)) errors.push(`alert ${name}: no promtool test where it stays quiet`);
  }

  const dashPath = path.join(root, 'deploy/grafana/clinchat-dashboard.json');
  const dash = JSON.parse(fs.readFileSync(dashPath, 'utf8'));
  const panels = (dash.panels || []).flatMap((p) => [p, ...(p.panels || [])]);
  const ids = new Set();
  const recordings = [];
  for (const p of panels) {
    if (ids.has(p.id)) errors.push(`dashboard: panel id ${p.id} used twice`);
    ids.add(p.id);
    if (p.type === 'row') continue;
    if (!p.gridPos) errors.push(`dashboard: panel "${p.title}" has no gridPos`);
    if (!p.datasource || p.datasource.uid !== '${datasource}') errors.push(`dashboard: panel "${p.title}" does not use the $datasource variable`);
    if (!(p.targets || []).length) errors.push(`dashboard: panel "${p.title}" has no query`);
    for (const t of p.targets || []) {
      for (const m of metricNames(t.expr || '')) if (!METRICS.has(m)) errors.push(`dashboard: panel "${p.title}": unknown metric ${m}`);
      const expr = (t.expr || '').replace(/\$__rate_interval|\$__interval/g, '5m').replace(/\$__range/g, '1h').replace(/\$namespace/g, 'clinchat');
      if (/\$/.test(expr)) errors.push(`dashboard: panel "${p.title}": unknown variable in ${t.expr}`);
      recordings.push({ record: `dashboard:panel_${p.id}_${t.refId}`, expr });
    }
  }
  for (const title of REQUIRED_PANELS) if (!panels.some((p) => p.title === title)) errors.push(`dashboard: panel "${title}" missing`);
  return { errors, alerts: alerts.size, panels: panels.filter((p) => p.type !== 'row').length, recordings };
}

function main(argv) {
  const [root, out] = argv;
  if (!root || !out) {
    console.error('usage: check-monitoring.js REPO_ROOT DASHBOARD_RULES_OUT');
    return 2;
  }
  const { errors, alerts, panels, recordings } = check(root);
  fs.writeFileSync(out, YAML.stringify({ groups: [{ name: 'dashboard-queries', rules: recordings }] }));
  errors.forEach((e) => console.log(`  FAIL ${e}`));
  console.log(`  ${errors.length ? 'FAIL' : 'ok  '} ${alerts} alerts each tested firing and quiet, ${panels} dashboard panels, metric names within the contract`);
  return errors.length ? 1 : 0;
}

module.exports = { check, anchors };

if (require.main === module) process.exitCode = main(process.argv.slice(2));
