#!/usr/bin/env node
// Lints the Dockerfile. hadolint is not packaged for Debian 12 and its releases are prebuilt
// binaries this workplace cannot fetch, so the syntax pass is dockerfile-utils (the validator of
// the Docker language server) with every optional check as an error, and the rules below cover
// the hadolint checks that matter here plus ClinChat's image contract (issue 6, item 7).
// Usage: node lint-dockerfile.js REPO_ROOT
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const { validate, ValidationSeverity } = require('dockerfile-utils');
const { DockerfileParser } = require('dockerfile-ast');

const RUNTIME_IMAGE = 'mcr.microsoft.com/dotnet/aspnet:10.0';
const SDK_IMAGE = /^mcr\.microsoft\.com\/dotnet\/sdk:10\.0/;
const APP_PROJECT = 'src/ClinChat/ClinChat.csproj';

// The projects a restore of ClinChat.csproj needs, following ProjectReference.
function projectClosure(root, start) {
  const seen = new Set();
  const visit = (rel) => {
    if (seen.has(rel)) return;
    seen.add(rel);
    const text = fs.readFileSync(path.join(root, rel), 'utf8');
    for (const m of text.matchAll(/<ProjectReference\s+Include="([^"]+)"/g)) {
      visit(path.posix.normalize(path.posix.join(path.posix.dirname(rel), m[1].replace(/\\/g, '/'))));
    }
  };
  visit(start);
  return [...seen];
}

function lint(root, content, dockerignore) {
  const errors = [];
  const all = Object.fromEntries(['deprecatedMaintainer', 'directiveCasing', 'emptyContinuationLine', 'instructionCasing',
    'instructionCmdMultiple', 'instructionEntrypointMultiple', 'instructionHealthcheckMultiple',
    'instructionJSONInSingleQuotes', 'instructionWorkdirRelative'].map((k) => [k, ValidationSeverity.ERROR]));
  for (const d of validate(content, all)) errors.push(`line ${d.range.start.line + 1}: ${d.message}`);

  const df = DockerfileParser.parse(content);
  const at = (i) => `line ${i.getRange().start.line + 1}`;
  const froms = df.getFROMs();
  if (froms.length < 2) errors.push('not a multi-stage build');
  for (const f of froms) {
    const image = f.getImage() || '';
    if (!/[:@]/.test(image.split('/').pop()) || /:latest$/.test(image)) errors.push(`${at(f)}: image ${image} must carry a version tag (DL3006/DL3007)`);
  }
  if (froms.length && !SDK_IMAGE.test(froms[0].getImage())) errors.push(`first stage must build with the .NET 10 SDK image`);
  const final = froms[froms.length - 1];
  if (final && final.getImage() !== RUNTIME_IMAGE) errors.push(`final stage must be ${RUNTIME_IMAGE}`);

  const instructions = df.getInstructions();
  const finalStart = final ? final.getRange().start.line : 0;
  const finalStage = instructions.filter((i) => i.getRange().start.line >= finalStart);
  const args = (i) => i.getArgumentsContent() || '';
  const stageNames = froms.map((f) => f.getBuildStage()).filter(Boolean);

  for (const i of instructions) {
    const kw = i.getKeyword();
    const a = args(i);
    if (kw === 'ADD') errors.push(`${at(i)}: use COPY, not ADD (DL3020)`);
    if (kw === 'MAINTAINER') errors.push(`${at(i)}: MAINTAINER is deprecated (DL4000)`);
    if (kw === 'RUN') {
      if (/(^|[;&|]\s*)sudo\s/.test(a)) errors.push(`${at(i)}: no sudo (DL3004)`);
      if (/(^|[;&|]\s*)cd\s/.test(a)) errors.push(`${at(i)}: use WORKDIR, not cd (DL3003)`);
      if (/(curl|wget)[^|]*\|\s*(ba)?sh/.test(a)) errors.push(`${at(i)}: no piping downloads into a shell`);
      if (/apt-get\s+(-\S+\s+)*install/.test(a)) {
        if (!/--no-install-recommends/.test(a)) errors.push(`${at(i)}: apt-get install without --no-install-recommends (DL3015)`);
        if (!/rm -rf \/var\/lib\/apt\/lists/.test(a)) errors.push(`${at(i)}: apt lists not removed (DL3009)`);
        if (!/\s-y\s|--yes|--assume-yes/.test(a)) errors.push(`${at(i)}: apt-get install without -y (DL3014)`);
      }
      if (/apt-get\s+upgrade|dist-upgrade/.test(a)) errors.push(`${at(i)}: no apt-get upgrade (DL3005)`);
    }
    if (kw === 'WORKDIR' && !a.startsWith('/')) errors.push(`${at(i)}: WORKDIR must be absolute (DL3000)`);
    if (kw === 'ENV' || kw === 'ARG') {
      for (const m of a.matchAll(/(?:^|\s)([A-Za-z_][A-Za-z0-9_]*)=/g)) {
        if (/(KEY|PASSWORD|SECRET|TOKEN|CONNECTION)$/i.test(m[1])) errors.push(`${at(i)}: ${m[1]}: no secrets in the image; use *_FILE at run time`);
      }
    }
    if (kw === 'COPY') {
      const from = i.getFlags().find((f) => f.getName() === 'from');
      if (from && !stageNames.includes(from.getValue())) errors.push(`${at(i)}: COPY --from=${from.getValue()} names no stage of this file`);
    }
  }

  // Only the published output reaches the runtime image.
  for (const i of finalStage.filter((x) => x.getKeyword() === 'COPY' || x.getKeyword() === 'ADD')) {
    const from = i.getFlags().find((f) => f.getName() === 'from');
    if (!from || args(i).split(/\s+/)[0] !== '/app') errors.push(`${at(i)}: the runtime stage copies only the published output (COPY --from=<build> /app)`);
  }
  const users = finalStage.filter((i) => i.getKeyword() === 'USER');
  const lastUser = users.length ? args(users[users.length - 1]) : '';
  if (lastUser !== '1001:1001' && lastUser !== '1001') errors.push(`runtime stage must end as USER 1001 (numeric, non-root; DL3002), is "${lastUser || 'root'}"`);
  const finalArgs = (kw) => finalStage.filter((i) => i.getKeyword() === kw).map(args);
  if (!finalArgs('HEALTHCHECK').some((a) => a.includes('/api/health'))) errors.push('runtime stage needs a HEALTHCHECK on /api/health');
  if (!finalArgs('ENTRYPOINT').some((a) => /^\[\s*"dotnet"\s*,\s*"clinchat\.dll"\s*\]$/.test(a))) errors.push('ENTRYPOINT must be ["dotnet","clinchat.dll"]');
  if (!finalArgs('CMD').some((a) => /^\[\s*"serve"\s*,\s*"--urls"\s*,\s*"http:\/\/0\.0\.0\.0:3000"\s*\]$/.test(a))) errors.push('CMD must be ["serve","--urls","http://0.0.0.0:3000"]');
  if (!finalArgs('ENV').some((a) => /CLINCHAT_DATA_DIR=\/data(\s|$)/.test(a))) errors.push('runtime stage must set CLINCHAT_DATA_DIR=/data');
  // clinchat backup / restore on a PostgreSQL store run pg_dump and pg_restore from the image.
  if (!finalArgs('RUN').some((a) => /apt-get\s+(-\S+\s+)*install[^&]*postgresql-client/.test(a))) errors.push('runtime stage must install postgresql-client (pg_dump, pg_restore for clinchat backup)');
  if (!finalArgs('VOLUME').some((a) => a.includes('/data'))) errors.push('runtime stage must declare VOLUME /data');
  if (!finalArgs('EXPOSE').some((a) => /^3000(\/tcp)?$/.test(a))) errors.push('runtime stage must EXPOSE 3000');

  // The restore layer must hold every project the app references, or restore fails in the image.
  const firstRestore = instructions.find((i) => i.getKeyword() === 'RUN' && /dotnet restore/.test(args(i)));
  if (!firstRestore) errors.push('no "dotnet restore" step');
  else {
    const copied = instructions.filter((i) => i.getKeyword() === 'COPY' && i.getRange().start.line < firstRestore.getRange().start.line)
      .flatMap((i) => args(i).split(/\s+/).slice(0, -1));
    for (const project of projectClosure(root, APP_PROJECT)) {
      if (!copied.includes(project)) errors.push(`${project} is referenced by ${APP_PROJECT} but not copied before "dotnet restore"`);
    }
    for (const f of ['global.json', 'Directory.Build.props', 'Directory.Packages.props']) {
      if (fs.existsSync(path.join(root, f)) && !copied.includes(f)) errors.push(`${f} is not copied before "dotnet restore"`);
    }
  }

  if (dockerignore === null) errors.push('.dockerignore missing');
  else {
    const lines = dockerignore.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
    if (!lines.some((l) => /^(\*\*\/)?obj\/?$/.test(l)) || !lines.some((l) => /^(\*\*\/)?bin\/?$/.test(l))) errors.push('.dockerignore must exclude bin/ and obj/');
    if (lines[0] === '*') {
      for (const need of ['src/', 'knowledge/', 'global.json', 'Directory.Build.props', 'Directory.Packages.props']) {
        if (!lines.includes(`!${need}`)) errors.push(`.dockerignore excludes everything but does not re-include ${need}`);
      }
    }
  }
  return errors;
}

function main(argv) {
  const root = argv[0];
  if (!root) {
    console.error('usage: lint-dockerfile.js REPO_ROOT');
    return 2;
  }
  const content = fs.readFileSync(path.join(root, 'Dockerfile'), 'utf8');
  const ignorePath = path.join(root, '.dockerignore');
  const errors = lint(root, content, fs.existsSync(ignorePath) ? fs.readFileSync(ignorePath, 'utf8') : null);
  errors.forEach((e) => console.log(`  FAIL Dockerfile: ${e}`));
  console.log(`  ${errors.length ? 'FAIL' : 'ok  '} Dockerfile: ${errors.length} problems`);
  return errors.length ? 1 : 0;
}

module.exports = { lint, projectClosure };

if (require.main === module) process.exitCode = main(process.argv.slice(2));
