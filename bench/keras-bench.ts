/**
 * `npm run bench` (Keras part): a Keras save_weights HDF5 file read into safetensors, and
 * safetensors written as a Keras HDF5 file, by nnport (through h5wasm, the HDF5 C library in
 * WebAssembly) and by h5py (the same C library, native, which Keras itself uses) in the same run.
 * Prints throughput (MB/s), peak RSS and the ratio (peer seconds / nnport seconds: above 1 means
 * nnport is faster).
 *
 * Reading streams each dataset from the file in place; writing builds the HDF5 file in memory
 * before it streams out (HDF5 rewrites headers at close: docs/formats/keras.md "Memory"), so the
 * writer's peak memory grows with the file. Sizes: NNPORT_BENCH_H5_MIB (comma-separated MiB of
 * float32 weights, default "256").
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

interface Run {
  seconds: number;
  maxRssKiB: number;
}

const MEASURE = resolve('dist/bench/measure.js');
const PEER = resolve('bench/h5py-peer.py');

function lastJson(text: string): Run {
  return JSON.parse(text.trim().split('\n').pop() ?? '') as Run;
}

function h5py(...args: string[]): Run {
  const r = spawnSync('/usr/bin/python3', [PEER, ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`h5py-peer.py ${args[0]} failed: ${r.stderr}`);
  return lastJson(r.stdout);
}

function nnport(...args: string[]): Run {
  const r = spawnSync(process.execPath, [MEASURE, ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`nnport ${args.join(' ')} failed: ${r.stderr}`);
  return lastJson(r.stderr);
}

function line(what: string, mib: number, ours: Run, peer: Run): string {
  const rate = (r: Run) => `${((mib * 2 ** 20) / r.seconds / 1e6).toFixed(0).padStart(6)} MB/s`;
  const rss = (r: Run) => `${(r.maxRssKiB / 1024).toFixed(0).padStart(6)} MiB`;
  return `${String(mib).padStart(5)} MiB ${what}  nnport ${rate(ours)} ${rss(ours)} | h5py ${rate(peer)} ${rss(peer)} | ${(peer.seconds / ours.seconds).toFixed(2)}x`;
}

async function main(): Promise<void> {
  const sizes = (process.env.NNPORT_BENCH_H5_MIB ?? '256').split(',').map(Number);
  console.log('\nnnport Keras benchmark: save_weights HDF5 (float32) ↔ safetensors, nnport (h5wasm) vs h5py');
  for (const mib of sizes) {
    const dir = await mkdtemp(join(tmpdir(), 'nnport-bench-h5-'));
    try {
      const h5 = join(dir, 'weights.h5');
      h5py('make', h5, String(mib));
      const st = join(dir, 'nnport.safetensors');
      console.log(
        line('read ', mib, nnport('convert', h5, st), h5py('read', h5, join(dir, 'h5py.safetensors'))),
      );
      console.log(
        line(
          'write',
          mib,
          nnport('convert', st, join(dir, 'nnport.h5'), '--to', 'keras'),
          h5py('write', st, join(dir, 'h5py.h5')),
        ),
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
}

await main();
