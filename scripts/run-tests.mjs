#!/usr/bin/env node
// Runs every compiled test file (dist/test/**/*.test.js) with Node's test runner, after checking
// that the live peers the interop tests need are installed: a missing peer fails the run with the
// command that installs it (DESIGN §6: never silently skipped).
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const PEERS = [
  ['numpy', 'python3-numpy'],
  ['torch', 'python3-torch'],
  ['sklearn', 'python3-sklearn'],
  ['joblib', 'python3-joblib'],
  ['onnx', 'python3-onnx'],
  ['h5py', 'python3-h5py'],
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

function collect(dir, out, keep = (name) => name.endsWith('.test.js')) {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) collect(p, out, keep);
    else if (keep(name)) out.push(p);
  }
  return out;
}

// The shared fixtures are read-only inputs for every test; a peer with a side effect (onnx 1.12's
// check_model(path, full_check=True) rewrites the file it checks) once changed one in place and
// made later runs fail by chance. Every fixture's SHA-256 is taken before the run and checked after.
const FIXTURES = '../shared/fixtures';
function fixtureDigests() {
  if (!existsSync(FIXTURES)) return new Map();
  const files = collect(FIXTURES, [], () => true);
  return new Map(
    files.map((f) => [relative(FIXTURES, f), createHash('sha256').update(readFileSync(f)).digest('hex')]),
  );
}

const only = process.argv.slice(2);
const files = collect('dist/test', []).filter((f) => only.length === 0 || only.some((o) => f.includes(o)));
if (files.length === 0) {
  console.error('no test files found under dist/test');
  process.exit(1);
}
const before = fixtureDigests();
const r = spawnSync(process.execPath, ['--test', '--test-concurrency=2', ...files], { stdio: 'inherit' });
const after = fixtureDigests();
const changed = [...new Set([...before.keys(), ...after.keys()])].filter(
  (f) => before.get(f) !== after.get(f),
);
if (changed.length > 0) {
  console.error(`the tests changed files in ${FIXTURES}, which they must only read: ${changed.join(', ')}`);
  process.exit(1);
}
process.exit(r.status ?? 1);
