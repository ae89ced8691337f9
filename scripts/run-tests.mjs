#!/usr/bin/env node
// Runs every compiled test file (dist/test/**/*.test.js) with Node's test runner, after checking
// that the live peers the interop tests need are installed: a missing peer fails the run with the
// command that installs it (DESIGN §6: never silently skipped).
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const PEERS = [
  ['numpy', 'python3-numpy'],
  ['torch', 'python3-torch'],
  ['sklearn', 'python3-sklearn'],
  ['joblib', 'python3-joblib'],
  ['onnx', 'python3-onnx'],
];
for (const [module, pkg] of PEERS) {
  try {
    execFileSync('/usr/bin/python3', ['-c', `import ${module}`], { stdio: 'ignore' });
  } catch {
    console.error(
      `missing test peer: Python module '${module}' for /usr/bin/python3; install it with: apt-get install -y ${pkg}`,
    );
    process.exit(1);
  }
}

function collect(dir, out) {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) collect(p, out);
    else if (name.endsWith('.test.js')) out.push(p);
  }
  return out;
}

const only = process.argv.slice(2);
const files = collect('dist/test', []).filter((f) => only.length === 0 || only.some((o) => f.includes(o)));
if (files.length === 0) {
  console.error('no test files found under dist/test');
  process.exit(1);
}
const r = spawnSync(process.execPath, ['--test', '--test-concurrency=2', ...files], { stdio: 'inherit' });
process.exit(r.status ?? 1);
