// The validators must reject what they exist to catch: each case breaks one rule in an otherwise
// valid input and expects that rule's message.
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const manifests = require('../validate-manifests.js');
const dockerfile = require('../lint-dockerfile.js');
const monitoring = require('../check-monitoring.js');

const root = path.resolve(__dirname, '../../..');
const kube = path.join(root, 'deploy/kubernetes');
const secretTemplate = manifests.parseDocuments(fs.readFileSync(path.join(kube, 'base/secret.example.yaml'), 'utf8'), 'secret')[0];
const production = manifests.parseDocuments(execFileSync('kubectl', ['kustomize', path.join(kube, 'overlays/production')], { encoding: 'utf8' }), 'production');

function mutated(change) {
  const objects = structuredClone(production);
  change((kind, name) => objects.find((o) => o.kind === kind && (!name || o.metadata.name === name)), objects);
  return objects;
}
const policy = (objects, pinned = true) => manifests.policyErrors(objects, { secretTemplate, pinned });
const server = (find) => find('Deployment', 'clinchat').spec.template.spec;

test('production overlay passes schema, field and policy checks', () => {
  const { secretErrors, report } = manifests.validateRenderings([{ name: 'production', pinned: true, objects: production }], secretTemplate);
  assert.deepEqual(secretErrors, []);
  assert.deepEqual(report[0].errors, []);
});

test('a misspelt field is caught by the strict field check', () => {
  const objects = mutated((find) => { server(find).containers[0].securityContext.readOnlyRootFileSystem = true; });
  const errors = manifests.fieldErrors(objects.map((obj) => ({ obj })));
  assert.equal(errors.length, 1);
  assert.match(errors[0].message, /readOnlyRootFileSystem/);
});

test('a wrongly typed field is caught by the schema', () => {
  const objects = mutated((find) => { find('HorizontalPodAutoscaler').spec.maxReplicas = '20'; });
  assert.match(manifests.schemaErrors(objects.find((o) => o.kind === 'HorizontalPodAutoscaler')).join(), /maxReplicas must be integer/);
});

test('an unknown kind is refused', () => {
  assert.match(manifests.schemaErrors({ apiVersion: 'example.org/v1', kind: 'Widget', metadata: { name: 'w' } }).join(), /not a known Kubernetes type/);
});

const policyCases = [
  ['root user', (f) => { server(f).securityContext.runAsUser = 0; }, /runAsUser must be 1001/],
  ['writable root filesystem', (f) => { server(f).containers[0].securityContext.readOnlyRootFilesystem = false; }, /readOnlyRootFilesystem must be true/],
  ['capabilities kept', (f) => { server(f).containers[0].securityContext.capabilities = {}; }, /drop ALL/],
  ['token automounted', (f) => { f('ServiceAccount').automountServiceAccountToken = true; }, /automountServiceAccountToken must be false/],
  ['secret as literal variable', (f) => { server(f).containers[0].env.push({ name: 'CLINCHAT_JWT_KEY', value: 'x' }); }, /literal value/],
  ['secret key not in template', (f) => { server(f).containers[0].env.push({ name: 'CLINCHAT_LDAP_PASSWORD_FILE', value: '/run/secrets/clinchat/ldap-password' }); }, /missing from the Secret template/],
  ['rollout may drop pods', (f) => { f('Deployment').spec.strategy.rollingUpdate.maxUnavailable = 1; }, /maxUnavailable 0/],
  ['readiness on the liveness path', (f) => { server(f).containers[0].readinessProbe.httpGet.path = '/api/health'; }, /readinessProbe must GET \/api\/ready/],
  ['budget blocks drains', (f) => { f('PodDisruptionBudget').spec.minAvailable = 3; }, /node drains would hang/],
  ['headers ConfigMap missing', (f, objects) => { objects.splice(objects.indexOf(f('ConfigMap', 'clinchat-security-headers')), 1); }, /custom-headers must name a ConfigMap/],
  ['weak frame options', (f) => { f('ConfigMap', 'clinchat-security-headers').data['X-Frame-Options'] = 'SAMEORIGIN'; }, /X-Frame-Options missing or weak/],
  ['no rate limit', (f) => { delete f('Ingress').metadata.annotations['nginx.ingress.kubernetes.io/limit-rpm']; }, /limit-rpm/],
  ['open egress', (f) => { f('NetworkPolicy').spec.egress.push({ to: [{ ipBlock: { cidr: '0.0.0.0/0' } }] }); }, /allows every port/],
  ['unpinned image', (f) => { server(f).containers[0].image = 'registry.example.org/clinchat/clinchat:latest'; }, /not pinned/],
  ['Role grants access', (f) => { f('Role').rules = [{ apiGroups: [''], resources: ['secrets'], verbs: ['get'] }]; }, /grants nothing/],
  ['Secret rendered', (f, objects) => { objects.push({ ...secretTemplate }); }, /a Secret is rendered/],
];
for (const [name, change, expected] of policyCases) {
  test(`policy rejects: ${name}`, () => {
    assert.match(policy(mutated(change)).join('\n'), expected);
  });
}

test('a Secret template with a value is refused', () => {
  const withValue = structuredClone(secretTemplate);
  withValue.stringData['jwt-key'] = 'c2VjcmV0';
  assert.match(manifests.secretTemplateErrors(withValue).join(), /key jwt-key carries a value/);
});

const dockerContent = fs.readFileSync(path.join(root, 'Dockerfile'), 'utf8');
const dockerignore = fs.readFileSync(path.join(root, '.dockerignore'), 'utf8');

test('the Dockerfile passes the lint', () => {
  assert.deepEqual(dockerfile.lint(root, dockerContent, dockerignore), []);
});

const dockerCases = [
  ['a referenced project not copied before restore', (d) => d.replace(/^COPY src\/ClinChat\.Phi\/ClinChat\.Phi\.csproj .*\n/m, ''), /ClinChat\.Phi\.csproj is referenced/],
  ['running as root', (d) => d.replace('USER 1001:1001', 'USER root'), /USER 1001/],
  ['ADD', (d) => d.replace('COPY knowledge/ knowledge/', 'ADD knowledge/ knowledge/'), /not ADD/],
  ['a latest tag', (d) => d.replace('aspnet:10.0 AS runtime', 'aspnet:latest AS runtime'), /version tag/],
  ['build context copied into the runtime image', (d) => d.replace('USER 1001:1001', 'COPY knowledge/ /app/knowledge/\nUSER 1001:1001'), /copies only the published output/],
  ['no health check', (d) => d.replace(/^HEALTHCHECK[^\n]*\n[^\n]*\n/m, ''), /HEALTHCHECK/],
  ['a secret baked in', (d) => d.replace('DOTNET_NOLOGO=1', 'CLINCHAT_JWT_KEY=abc DOTNET_NOLOGO=1'), /no secrets in the image/],
  ['no PostgreSQL client for backups', (d) => d.replace(/"postgresql-client-\$\{PG_CLIENT_MAJOR\}"/, 'ca-certificates'), /postgresql-client/],
  ['a syntax error', (d) => d.replace('EXPOSE 3000', 'EXPOSE port3000'), /Invalid containerPort/],
];
for (const [name, change, expected] of dockerCases) {
  test(`Dockerfile lint rejects: ${name}`, () => {
    const changed = change(dockerContent);
    assert.notEqual(changed, dockerContent, 'the mutation must change the Dockerfile');
    assert.match(dockerfile.lint(root, changed, dockerignore).join('\n'), expected);
  });
}

test('a .dockerignore that leaves out the sources is refused', () => {
  assert.match(dockerfile.lint(root, dockerContent, dockerignore.replace('!src/\n', '')).join(), /does not re-include src\//);
});

test('runbook anchors follow GitHub heading slugs', () => {
  const a = monitoring.anchors('# Operations\n### Clinical accuracy\n#### PHI detection failures\n### Knowledge base stale (replicas)\n');
  assert.ok(a.has('clinical-accuracy'));
  assert.ok(a.has('phi-detection-failures'));
  assert.ok(a.has('knowledge-base-stale-replicas'));
});

test('the monitoring check passes on the repository', () => {
  const { errors, alerts } = monitoring.check(root);
  assert.deepEqual(errors, []);
  assert.ok(alerts >= 10);
});
