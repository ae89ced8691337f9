/**
 * `npm run bench`: float32 tensors → CSV and JSON text and back, nnport against NumPy
 * `savetxt('%.9g')`/`loadtxt` and Python's `json`, measured in the same run on the same tensors.
 * Prints throughput (million parameters per second), peak RSS, and the ratios nnport/peer.
 *
 * Sizes: NNPORT_BENCH_SIZES (comma-separated parameter counts, default "25e6,100e6").
 * The Python peers are slow (savetxt runs about 1–5 Mparams/s); the 100M run takes minutes.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Model } from '../src/core/model.js';
import { tensorFromArray } from '../src/core/tensor.js';
import { saveModel } from '../src/node.js';

interface Run {
  seconds: number;
  maxRssKiB: number;
}

const MEASURE = resolve('dist/bench/measure.js');
const PEERS = resolve('bench/peers.py');

/** Tensors of 4M parameters each, like large linear layers, values like trained weights. */
function makeModel(params: number, seed: number): Model {
  const per = 4096 * 1024;
  const count = Math.max(1, Math.round(params / per));
  let s = seed >>> 0;
  const rand = (): number => {
    // xorshift32: deterministic, fast
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 4294967296;
  };
  const tensors = [];
  for (let t = 0; t < count; t++) {
    const v = new Float32Array(per);
    for (let i = 0; i < per; i += 2) {
      // Box–Muller normal(0, 0.05)
      const r = Math.sqrt(-2 * Math.log(rand() + 1e-12)) * 0.05;
      const a = 2 * Math.PI * rand();
      v[i] = r * Math.cos(a);
      v[i + 1] = r * Math.sin(a);
    }
    tensors.push(tensorFromArray(`layer${t}.weight`, 'float32', [4096, 1024], v));
  }
  return { format: 'memory', metadata: {}, tensors };
}

function nnport(...args: string[]): Run {
  const r = spawnSync(process.execPath, [MEASURE, ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`nnport ${args.join(' ')} failed: ${r.stderr}`);
  const last = r.stderr.trim().split('\n').pop() ?? '';
  return JSON.parse(last) as Run;
}

function python(mode: string, model: string, out: string): Run {
  const r = spawnSync('/usr/bin/python3', [PEERS, mode, model, out], {
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  if (r.status !== 0) throw new Error(`peers.py ${mode} failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop() ?? '') as Run;
}

function line(what: string, params: number, ours: Run, peer: Run | undefined, peerName: string): string {
  const mps = (r: Run): string => (params / r.seconds / 1e6).toFixed(1).padStart(7);
  const mib = (r: Run): string => `${(r.maxRssKiB / 1024).toFixed(0).padStart(6)} MiB`;
  const base = `${what.padEnd(26)} nnport ${mps(ours)} Mparam/s ${mib(ours)}`;
  if (peer === undefined) return base;
  const ratio = peer.seconds / ours.seconds;
  return `${base} | ${peerName.padEnd(14)} ${mps(peer)} Mparam/s ${mib(peer)} | ${ratio.toFixed(2)}x`;
}

/**
 * Writes the benchmark model in a child process. Made here, the model (400 MB at 100M parameters)
 * would raise this process's peak RSS, and Linux copies that high-water mark into every child
 * at fork, so each measured command would report at least the model's size.
 */
function makeModelFile(size: number, path: string): void {
  const r = spawnSync(process.execPath, [resolve('dist/bench/text-bench.js'), 'make', String(size), path], {
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`making the model failed: ${r.stderr}`);
}

async function main(): Promise<void> {
  const sizes = (process.env.NNPORT_BENCH_SIZES ?? '25e6,100e6').split(',').map(Number);
  console.log(
    `nnport text benchmark: float32, tensors of 4096x1024, ${(await import('node:os')).availableParallelism()} cores`,
  );
  for (const size of sizes) {
    const dir = await mkdtemp(join(tmpdir(), 'nnport-bench-'));
    try {
      const count = Math.max(1, Math.round(size / (4096 * 1024)));
      const params = count * 4096 * 1024;
      const st = join(dir, 'model.safetensors');
      makeModelFile(size, st);
      console.log(`\n${(params / 1e6).toFixed(1)}M parameters (${count} tensors)`);
      const writeMatrix = nnport('convert', st, join(dir, 'matrix'), '--to', 'csv-matrix');
      const savetxt = python('savetxt', st, join(dir, 'numpy-csv'));
      console.log(line('write CSV (matrix)', params, writeMatrix, savetxt, 'numpy savetxt'));
      const writeLong = nnport('convert', st, join(dir, 'long.csv'));
      console.log(line('write CSV (long)', params, writeLong, savetxt, 'numpy savetxt'));
      const readMatrix = nnport('convert', join(dir, 'matrix'), join(dir, 'from-matrix.safetensors'));
      const loadtxt = python('loadtxt', st, join(dir, 'numpy-csv'));
      console.log(line('read CSV (matrix)', params, readMatrix, loadtxt, 'numpy loadtxt'));
      const readLong = nnport('convert', join(dir, 'long.csv'), join(dir, 'from-long.safetensors'));
      console.log(line('read CSV (long)', params, readLong, loadtxt, 'numpy loadtxt'));
      const writeJson = nnport('convert', st, join(dir, 'model.json'));
      const dump = python('jsondump', st, join(dir, 'py.json'));
      console.log(line('write JSON', params, writeJson, dump, 'python json'));
      const readJson = nnport('convert', join(dir, 'model.json'), join(dir, 'from-json.safetensors'));
      const load = python('jsonload', st, join(dir, 'py.json'));
      console.log(line('read JSON', params, readJson, load, 'python json'));
      const single = nnport('convert', st, join(dir, 'one-thread.csv'), '--threads', '0');
      console.log(line('write CSV (long), 1 thread', params, single, savetxt, 'numpy savetxt'));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
}

if (process.argv[2] === 'make') {
  await saveModel(makeModel(Number(process.argv[3]), 12345), process.argv[4] as string);
} else {
  await main();
}
