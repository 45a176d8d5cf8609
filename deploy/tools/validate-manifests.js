#!/usr/bin/env node
// Validates rendered kustomize output (kubectl kustomize OVERLAY) in three passes:
//   1. schema: every object against the Kubernetes OpenAPI schema (kubernetes-models' validate());
//   2. strict fields: every object type-checked by TypeScript against the same models' interfaces,
//      because the schema pass accepts unknown fields and a typo such as readOnlyRootFileSystem
//      would otherwise pass silently;
//   3. policy: the production contract of issue 6 (security contexts, probes, rollout, references
//      between objects, the Secret template's keys).
// Usage: node validate-manifests.js --secret-template FILE [--base NAME] NAME=RENDERED.yaml ...
// A NAME given with --base is checked for schema, fields and references but not for release
// pinning (the base leaves the image to the overlays).
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const YAML = require('yaml');

const NAMESPACE = 'clinchat';
const APP_UID = 1001;
const SERVER_LABELS = { 'app.kubernetes.io/name': 'clinchat', 'app.kubernetes.io/component': 'server' };
const REQUIRED_HEADERS = {
  'Strict-Transport-Security': /max-age=\d{8,}/,
  'X-Frame-Options': /^DENY$/,
  'X-Content-Type-Options': /^nosniff$/,
  'Content-Security-Policy': /default-src 'self'.*frame-ancestors 'none'|frame-ancestors 'none'.*default-src 'self'/,
  'Referrer-Policy': /^(no-referrer|strict-origin-when-cross-origin|same-origin|strict-origin)$/,
};
const CLUSTER_SCOPED = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'PersistentVolume', 'StorageClass']);

function parseDocuments(text, source) {
  const docs = YAML.parseAllDocuments(text);
  const objects = [];
  for (const doc of docs) {
    if (doc.errors.length) throw new Error(`${source}: YAML error: ${doc.errors[0].message}`);
    const value = doc.toJS();
    if (value !== null && value !== undefined) objects.push(value);
  }
  return objects;
}

function describe(obj) {
  return `${obj.kind}/${obj.metadata && obj.metadata.name}`;
}

function modelModule(obj) {
  const [group, version] = obj.apiVersion.includes('/') ? obj.apiVersion.split('/') : [null, obj.apiVersion];
  return group ? `kubernetes-models/${group}/${version}/${obj.kind}` : `kubernetes-models/${version}/${obj.kind}`;
}

// Pass 1: the schema.
function schemaErrors(obj) {
  if (!obj || typeof obj.apiVersion !== 'string' || typeof obj.kind !== 'string') {
    return ['object without apiVersion and kind'];
  }
  let Model;
  try {
    Model = require(modelModule(obj))[obj.kind];
  } catch {
    return [`${obj.apiVersion} ${obj.kind} is not a known Kubernetes type`];
  }
  if (typeof Model !== 'function') return [`${obj.apiVersion} ${obj.kind} is not a known Kubernetes type`];
  try {
    new Model(obj).validate();
    return [];
  } catch (e) {
    return [String(e.message || e).split('\n').join('; ')];
  }
}

// Pass 2: unknown fields. Each object becomes a typed object literal; TypeScript's excess-property
// check reports any field the Kubernetes type does not declare, at any depth.
function fieldErrors(entries) {
  const ts = require('typescript');
  const lines = [];
  const owners = [];
  entries.forEach(({ obj }, i) => {
    if (schemaErrors(obj).some((e) => e.includes('not a known Kubernetes type'))) return;
    const mod = modelModule(obj);
    lines.push(`import type { I${obj.kind} as T${i} } from ${JSON.stringify(mod)};`);
  });
  entries.forEach(({ obj }, i) => {
    if (!lines.some((l) => l.includes(` as T${i} }`))) return;
    const start = lines.length + 1;
    const body = JSON.stringify(obj, null, 1).split('\n');
    lines.push(`export const o${i}: T${i} = ${body[0]}`, ...body.slice(1));
    lines[lines.length - 1] += ';';
    owners.push({ i, start, end: lines.length });
  });
  const dir = fs.mkdtempSync(path.join(require('node:os').tmpdir(), 'clinchat-manifests-'));
  const file = path.join(dir, 'objects.ts');
  fs.writeFileSync(file, lines.join('\n'));
  const program = ts.createProgram([file], {
    noEmit: true,
    strict: true,
    skipLibCheck: true,
    types: [],
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    baseUrl: __dirname,
    paths: { '*': [path.join(__dirname, 'node_modules', '*')] },
    target: ts.ScriptTarget.ES2020,
  });
  const errors = [];
  for (const d of ts.getPreEmitDiagnostics(program)) {
    if (!d.file || d.file.fileName !== file) continue;
    const line = d.file.getLineAndCharacterOfPosition(d.start).line + 1;
    const owner = owners.find((o) => line >= o.start && line <= o.end);
    const message = ts.flattenDiagnosticMessageText(d.messageText, ' ');
    const at = d.file.text.split('\n')[line - 1].trim();
    errors.push({ index: owner ? owner.i : -1, message: `${message} (at ${at.slice(0, 80)})` });
  }
  fs.rmSync(dir, { recursive: true, force: true });
  return errors;
}

// Pass 3: policy.
function labelsMatch(selector, labels) {
  return Object.entries(selector || {}).every(([k, v]) => labels && labels[k] === v);
}

function podSpecs(obj) {
  if (obj.kind === 'Deployment') return [obj.spec.template];
  if (obj.kind === 'CronJob') return [obj.spec.jobTemplate.spec.template];
  if (obj.kind === 'Job') return [obj.spec.template];
  return [];
}

function policyErrors(objects, { secretTemplate, pinned }) {
  const errors = [];
  const fail = (obj, msg) => errors.push(`${obj ? describe(obj) : 'rendering'}: ${msg}`);
  const find = (kind, name) => objects.find((o) => o.kind === kind && o.metadata && o.metadata.name === name);
  const ofKind = (kind) => objects.filter((o) => o.kind === kind);
  const secretKeys = new Set(Object.keys((secretTemplate && (secretTemplate.stringData || secretTemplate.data)) || {}));

  for (const kind of ['Namespace', 'ServiceAccount', 'Role', 'RoleBinding', 'ConfigMap', 'Deployment', 'Service', 'Ingress',
    'HorizontalPodAutoscaler', 'NetworkPolicy', 'PodDisruptionBudget', 'CronJob']) {
    if (!ofKind(kind).length) fail(null, `no ${kind}`);
  }
  if (objects.some((o) => o.kind === 'Secret')) fail(null, 'a Secret is rendered: secrets are created outside git');
  if (!find('Namespace', NAMESPACE)) fail(null, `no Namespace ${NAMESPACE}`);

  for (const obj of objects) {
    if (!CLUSTER_SCOPED.has(obj.kind) && obj.metadata.namespace !== NAMESPACE) fail(obj, `namespace is not ${NAMESPACE}`);
  }
  for (const sa of ofKind('ServiceAccount')) {
    if (sa.automountServiceAccountToken !== false) fail(sa, 'automountServiceAccountToken must be false');
  }
  for (const role of ofKind('Role')) {
    if ((role.rules || []).length) fail(role, 'ClinChat calls no Kubernetes API: the Role grants nothing');
  }
  for (const kind of ['ClusterRole', 'ClusterRoleBinding']) for (const o of ofKind(kind)) fail(o, 'no cluster-wide RBAC');
  for (const rb of ofKind('RoleBinding')) {
    if (!find(rb.roleRef.kind, rb.roleRef.name)) fail(rb, `binds missing ${rb.roleRef.kind} ${rb.roleRef.name}`);
    for (const s of rb.subjects || []) if (s.kind === 'ServiceAccount' && !find('ServiceAccount', s.name)) fail(rb, `binds missing ServiceAccount ${s.name}`);
  }

  for (const obj of objects) {
    for (const tpl of podSpecs(obj)) {
      const pod = tpl.spec;
      const psc = pod.securityContext || {};
      if (pod.automountServiceAccountToken !== false) fail(obj, 'pod automountServiceAccountToken must be false');
      if (pod.serviceAccountName && !find('ServiceAccount', pod.serviceAccountName)) fail(obj, `missing ServiceAccount ${pod.serviceAccountName}`);
      if (psc.runAsNonRoot !== true) fail(obj, 'pod securityContext.runAsNonRoot must be true');
      if (psc.runAsUser !== APP_UID) fail(obj, `pod securityContext.runAsUser must be ${APP_UID}`);
      if (!psc.seccompProfile || psc.seccompProfile.type !== 'RuntimeDefault') fail(obj, 'pod seccompProfile must be RuntimeDefault');
      if (pod.hostNetwork || pod.hostPID || pod.hostIPC) fail(obj, 'no host namespaces');
      const volumes = new Map((pod.volumes || []).map((v) => [v.name, v]));
      for (const v of volumes.values()) {
        if (v.hostPath) fail(obj, `volume ${v.name}: no hostPath`);
        if (v.secret) {
          if (v.secret.secretName !== (secretTemplate && secretTemplate.metadata.name)) fail(obj, `volume ${v.name}: Secret ${v.secret.secretName} has no template`);
          for (const item of v.secret.items || []) if (!secretKeys.has(item.key)) fail(obj, `volume ${v.name}: key ${item.key} missing from the Secret template`);
        }
        if (v.configMap && !find('ConfigMap', v.configMap.name)) fail(obj, `volume ${v.name}: missing ConfigMap ${v.configMap.name}`);
        if (v.persistentVolumeClaim && !find('PersistentVolumeClaim', v.persistentVolumeClaim.claimName)) fail(obj, `volume ${v.name}: missing PersistentVolumeClaim ${v.persistentVolumeClaim.claimName}`);
      }
      for (const c of [...(pod.initContainers || []), ...pod.containers]) {
        const where = `container ${c.name}`;
        const sc = c.securityContext || {};
        if (sc.readOnlyRootFilesystem !== true) fail(obj, `${where}: readOnlyRootFilesystem must be true`);
        if (sc.allowPrivilegeEscalation !== false) fail(obj, `${where}: allowPrivilegeEscalation must be false`);
        if (sc.privileged) fail(obj, `${where}: privileged`);
        if (!sc.capabilities || !(sc.capabilities.drop || []).includes('ALL')) fail(obj, `${where}: capabilities must drop ALL`);
        if (sc.capabilities && (sc.capabilities.add || []).length) fail(obj, `${where}: adds capabilities`);
        if (sc.runAsUser !== undefined && sc.runAsUser !== APP_UID) fail(obj, `${where}: runAsUser must be ${APP_UID}`);
        for (const res of ['requests', 'limits']) {
          for (const r of ['cpu', 'memory']) {
            if (!c.resources || !c.resources[res] || c.resources[res][r] === undefined) fail(obj, `${where}: resources.${res}.${r} missing`);
          }
        }
        if (pinned) {
          const image = c.image || '';
          const tag = image.includes('@') ? 'digest' : (image.split('/').pop().split(':')[1] || '');
          if (!tag || tag === 'latest') fail(obj, `${where}: image ${image} is not pinned to a tag or digest`);
          if (!image.includes('/')) fail(obj, `${where}: image ${image} names no registry (the overlay's images: did not apply)`);
        }
        const mounts = new Map((c.volumeMounts || []).map((m) => [m.mountPath, m]));
        for (const m of mounts.values()) if (!volumes.has(m.name)) fail(obj, `${where}: mount ${m.mountPath} names missing volume ${m.name}`);
        for (const dir of ['/tmp', '/data']) {
          const m = mounts.get(dir);
          if (!m || !volumes.get(m.name) || !(volumes.get(m.name).emptyDir)) fail(obj, `${where}: ${dir} must be an emptyDir (read-only root filesystem)`);
        }
        for (const e of c.env || []) {
          if (/(KEY|PASSWORD|SECRET|TOKEN|CONNECTION)$/.test(e.name) && e.value !== undefined) fail(obj, `${where}: ${e.name} carries a literal value; use ${e.name}_FILE`);
          if (e.name.endsWith('_FILE')) {
            const dir = path.posix.dirname(e.value || '');
            const m = mounts.get(dir);
            const v = m && volumes.get(m.name);
            if (!v || !v.secret) fail(obj, `${where}: ${e.name}=${e.value} is not inside a mounted Secret`);
            else if (!secretKeys.has(path.posix.basename(e.value))) fail(obj, `${where}: ${e.name} names key ${path.posix.basename(e.value)}, missing from the Secret template`);
          }
          if (e.valueFrom && e.valueFrom.secretKeyRef) fail(obj, `${where}: ${e.name} takes a secret as a variable; mount it and use ${e.name}_FILE`);
          if (e.valueFrom && e.valueFrom.configMapKeyRef) {
            const cm = find('ConfigMap', e.valueFrom.configMapKeyRef.name);
            if (!cm || !(e.valueFrom.configMapKeyRef.key in (cm.data || {}))) fail(obj, `${where}: ${e.name} refers to a missing ConfigMap key`);
          }
        }
        for (const ef of c.envFrom || []) {
          if (ef.configMapRef && !find('ConfigMap', ef.configMapRef.name)) fail(obj, `${where}: missing ConfigMap ${ef.configMapRef.name}`);
          if (ef.secretRef) fail(obj, `${where}: secrets come as files (*_FILE), not envFrom`);
        }
      }
    }
  }

  const deployments = ofKind('Deployment');
  const server = deployments.find((d) => labelsMatch(SERVER_LABELS, d.spec.template.metadata.labels));
  if (!server) {
    fail(null, 'no Deployment with the server labels');
    return errors;
  }
  const podLabels = server.spec.template.metadata.labels;
  const container = server.spec.template.spec.containers[0];
  const ru = server.spec.strategy && server.spec.strategy.rollingUpdate;
  if (!server.spec.strategy || server.spec.strategy.type !== 'RollingUpdate' || !ru || String(ru.maxUnavailable) !== '0' || !ru.maxSurge || String(ru.maxSurge) === '0') {
    fail(server, 'rolling update must have maxUnavailable 0 and a surge');
  }
  const probePath = (p) => p && p.httpGet && p.httpGet.path;
  if (probePath(container.livenessProbe) !== '/api/health') fail(server, 'livenessProbe must GET /api/health');
  if (probePath(container.readinessProbe) !== '/api/ready') fail(server, 'readinessProbe must GET /api/ready');
  if (probePath(container.startupProbe) !== '/api/health') fail(server, 'startupProbe must GET /api/health');
  for (const p of ['livenessProbe', 'readinessProbe', 'startupProbe']) {
    const port = container[p] && container[p].httpGet && container[p].httpGet.port;
    if (port !== undefined && !(container.ports || []).some((cp) => cp.name === port || cp.containerPort === port)) fail(server, `${p} port ${port} is not a container port`);
  }
  const anti = server.spec.template.spec.affinity && server.spec.template.spec.affinity.podAntiAffinity;
  const terms = anti ? [...(anti.requiredDuringSchedulingIgnoredDuringExecution || []),
    ...(anti.preferredDuringSchedulingIgnoredDuringExecution || []).map((t) => t.podAffinityTerm)] : [];
  if (!terms.some((t) => t.topologyKey === 'kubernetes.io/hostname' && labelsMatch(t.labelSelector.matchLabels, podLabels))) {
    fail(server, 'podAntiAffinity by kubernetes.io/hostname on its own pods is missing');
  }

  const services = ofKind('Service').filter((s) => labelsMatch(s.spec.selector, podLabels));
  if (!services.length) fail(null, 'no Service selects the server pods');
  for (const svc of ofKind('Service')) {
    if (!Object.keys(svc.spec.selector || {}).length) fail(svc, 'Service without selector');
    for (const p of svc.spec.ports) {
      if (typeof p.targetPort === 'string' && !(container.ports || []).some((cp) => cp.name === p.targetPort)) fail(svc, `targetPort ${p.targetPort} is not a container port name`);
    }
  }

  for (const ing of ofKind('Ingress')) {
    const ann = ing.metadata.annotations || {};
    const tlsHosts = new Set((ing.spec.tls || []).flatMap((t) => t.hosts || []));
    if (!tlsHosts.size) fail(ing, 'no TLS');
    for (const rule of ing.spec.rules || []) {
      if (!tlsHosts.has(rule.host)) fail(ing, `host ${rule.host} is not covered by TLS`);
      for (const p of rule.http.paths) {
        const b = p.backend.service;
        const svc = b && find('Service', b.name);
        if (!svc) fail(ing, `backend Service ${b && b.name} missing`);
        else if (!svc.spec.ports.some((sp) => sp.name === b.port.name || sp.port === b.port.number)) fail(ing, `backend port of Service ${b.name} missing`);
      }
    }
    if (ann['nginx.ingress.kubernetes.io/force-ssl-redirect'] !== 'true') fail(ing, 'force-ssl-redirect must be "true"');
    const rpm = Number(ann['nginx.ingress.kubernetes.io/limit-rpm']);
    if (!(rpm > 0 && rpm <= 120)) fail(ing, 'limit-rpm must be set to about 100');
    const ch = ann['nginx.ingress.kubernetes.io/custom-headers'] || '';
    const [chNamespace, chName] = ch.split('/');
    const headers = chNamespace === ing.metadata.namespace ? find('ConfigMap', chName) : undefined;
    if (!headers) fail(ing, `custom-headers must name a ConfigMap of this namespace (is "${ch}")`);
    else {
      for (const [name, re] of Object.entries(REQUIRED_HEADERS)) {
        const value = (headers.data || {})[name];
        if (value === undefined || !re.test(value)) fail(headers, `header ${name} missing or weak (${value})`);
      }
    }
  }

  const hpas = ofKind('HorizontalPodAutoscaler');
  for (const hpa of hpas) {
    const t = hpa.spec.scaleTargetRef;
    if (!find(t.kind, t.name)) fail(hpa, `scale target ${t.kind}/${t.name} missing`);
    if (!(hpa.spec.metrics || []).some((m) => m.type === 'Resource' && m.resource.name === 'cpu')) fail(hpa, 'no CPU metric');
    if (hpa.spec.minReplicas > hpa.spec.maxReplicas) fail(hpa, 'minReplicas > maxReplicas');
  }
  const hpa = hpas.find((h) => h.spec.scaleTargetRef.name === server.metadata.name);
  const minReplicas = hpa ? hpa.spec.minReplicas : server.spec.replicas;
  if (hpa && server.spec.replicas < hpa.spec.minReplicas) fail(server, `replicas ${server.spec.replicas} below the autoscaler's minimum ${hpa.spec.minReplicas}`);
  for (const pdb of ofKind('PodDisruptionBudget')) {
    if (!labelsMatch(pdb.spec.selector.matchLabels, podLabels)) fail(pdb, 'does not select the server pods');
    if (typeof pdb.spec.minAvailable === 'number' && pdb.spec.minAvailable >= minReplicas) {
      fail(pdb, `minAvailable ${pdb.spec.minAvailable} leaves no disruption at ${minReplicas} replicas: node drains would hang`);
    }
  }
  for (const np of ofKind('NetworkPolicy')) {
    if (!labelsMatch(np.spec.podSelector.matchLabels, podLabels)) fail(np, 'does not select the server pods');
    const types = np.spec.policyTypes || [];
    if (!types.includes('Ingress') || !types.includes('Egress')) fail(np, 'must restrict both Ingress and Egress');
    const allowed = new Set((np.spec.ingress || []).flatMap((r) => (r.ports || []).map((p) => p.port)));
    for (const p of allowed) if (p !== 3000 && p !== 'http') fail(np, `admits port ${p}`);
    if ((np.spec.ingress || []).some((r) => !r.from || !r.from.length)) fail(np, 'an ingress rule admits every source');
    const egressPorts = new Set((np.spec.egress || []).flatMap((r) => (r.ports || []).map((p) => p.port)));
    for (const p of egressPorts) if (![53, 5432, 6379].includes(p)) fail(np, `egress to port ${p}`);
    if ((np.spec.egress || []).some((r) => !r.ports || !r.ports.length)) fail(np, 'an egress rule allows every port');
  }
  for (const cj of ofKind('CronJob')) {
    if (cj.spec.concurrencyPolicy !== 'Forbid') fail(cj, 'concurrencyPolicy must be Forbid');
    const c = cj.spec.jobTemplate.spec.template.spec.containers[0];
    const cmd = [...(c.command || []), ...(c.args || [])].join(' ');
    if (!/clinchat\.dll backup --out "?\/backups\//.test(cmd)) fail(cj, 'must run "clinchat backup --out /backups/..."');
    if (!(c.env || []).some((e) => e.name === 'CLINCHAT_BACKUP_KEY_FILE')) fail(cj, 'no CLINCHAT_BACKUP_KEY_FILE');
  }
  return errors;
}

function secretTemplateErrors(secret) {
  const errors = schemaErrors(secret).map((e) => `secret template: ${e}`);
  if (!secret || secret.kind !== 'Secret') return [...errors, 'secret template: not a Secret'];
  const values = { ...(secret.data || {}), ...(secret.stringData || {}) };
  if (!Object.keys(values).length) errors.push('secret template: no keys');
  for (const [k, v] of Object.entries(values)) if (v !== '' && v !== null) errors.push(`secret template: key ${k} carries a value`);
  return errors;
}

function validateRenderings(renderings, secretTemplate) {
  const report = [];
  const secretErrors = secretTemplateErrors(secretTemplate);
  for (const r of renderings) {
    const errors = [];
    r.objects.forEach((obj) => schemaErrors(obj).forEach((e) => errors.push(`${describe(obj)}: schema: ${e}`)));
    const entries = r.objects.map((obj) => ({ obj }));
    for (const e of fieldErrors(entries)) errors.push(`${e.index >= 0 ? describe(r.objects[e.index]) : '?'}: field: ${e.message}`);
    policyErrors(r.objects, { secretTemplate, pinned: r.pinned }).forEach((e) => errors.push(`policy: ${e}`));
    report.push({ name: r.name, count: r.objects.length, errors });
  }
  return { secretErrors, report };
}

function main(argv) {
  let secretPath;
  const bases = new Set();
  const inputs = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--secret-template') secretPath = argv[++i];
    else if (argv[i] === '--base') bases.add(argv[++i]);
    else inputs.push(argv[i]);
  }
  if (!secretPath || !inputs.length) {
    console.error('usage: validate-manifests.js --secret-template FILE [--base NAME] NAME=RENDERED.yaml ...');
    return 2;
  }
  const secretTemplate = parseDocuments(fs.readFileSync(secretPath, 'utf8'), secretPath)[0];
  const renderings = inputs.map((arg) => {
    const [name, file] = arg.split('=');
    return { name, pinned: !bases.has(name), objects: parseDocuments(fs.readFileSync(file, 'utf8'), file) };
  });
  const { secretErrors, report } = validateRenderings(renderings, secretTemplate);
  let failed = secretErrors.length > 0;
  secretErrors.forEach((e) => console.log(`  FAIL ${e}`));
  for (const r of report) {
    console.log(`  ${r.errors.length ? 'FAIL' : 'ok  '} ${r.name}: ${r.count} objects, ${r.errors.length} problems`);
    r.errors.forEach((e) => console.log(`       ${e}`));
    failed ||= r.errors.length > 0;
  }
  return failed ? 1 : 0;
}

module.exports = { parseDocuments, schemaErrors, fieldErrors, policyErrors, secretTemplateErrors, validateRenderings };

if (require.main === module) process.exitCode = main(process.argv.slice(2));
