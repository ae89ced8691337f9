/**
 * `npm run bench` (second part): binary → binary, a PyTorch `.pt` state_dict converted to
 * safetensors by nnport and by PyTorch itself (`torch.load` + writing the safetensors layout) in
 * the same run. Prints throughput (MB/s), peak RSS and the ratio; DESIGN §7 asks for at least
 * the peer's speed with memory independent of the model's size.
 *
 * Sizes: NNPORT_BENCH_PT_MIB (comma-separated MiB of float32 weights, default "256,1024").
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
const PEER = resolve('bench/torch-peer.py');

function lastJson(text: string): Run {
  return JSON.parse(text.trim().split('\n').pop() ?? '') as Run;
}

function torchPeer(...args: string[]): Run {
  const r = spawnSync('/usr/bin/python3', [PEER, ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`torch-peer.py ${args[0]} failed: ${r.stderr}`);
  return lastJson(r.stdout);
}

function nnport(...args: string[]): Run {
  const r = spawnSync(process.execPath, [MEASURE, ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`nnport ${args.join(' ')} failed: ${r.stderr}`);
  return lastJson(r.stderr);
}

async function main(): Promise<void> {
  const sizes = (process.env.NNPORT_BENCH_PT_MIB ?? '256,1024').split(',').map(Number);
  console.log('\nnnport binary benchmark: .pt (torch.save state_dict, float32) → safetensors');
  for (const mib of sizes) {
    const dir = await mkdtemp(join(tmpdir(), 'nnport-bench-pt-'));
    try {
      const pt = join(dir, 'model.pt');
      torchPeer('make', pt, String(mib));
      const ours = nnport('convert', pt, join(dir, 'nnport.safetensors'));
      const peer = torchPeer('convert', pt, join(dir, 'torch.safetensors'));
      const rate = (r: Run) => `${((mib * 2 ** 20) / r.seconds / 1e6).toFixed(0).padStart(6)} MB/s`;
      const rss = (r: Run) => `${(r.maxRssKiB / 1024).toFixed(0).padStart(6)} MiB`;
      console.log(
        `${String(mib).padStart(5)} MiB  nnport ${rate(ours)} ${rss(ours)} | torch.load+write ${rate(peer)} ${rss(peer)} | ${(peer.seconds / ours.seconds).toFixed(2)}x`,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
}

await main();
