/**
 * LayerNormalization (Operators.md LayerNormalization-17): X normalised over the axes from `axis`
 * on, then · Scale + B, both broadcast (numpy, right-aligned) to those axes. Optional outputs
 * Mean and InvStdDev keep X's leading dims and 1s for the normalised ones. Statistics are summed
 * in float64 whatever `stash_type` says (float32 is the only computation type here).
 */
import { attrFloat, attrInt } from '../attrs.js';
import { floatInput, kernelFail, prod, stridesOf } from '../conv-window.js';
import type { ExecTensor, Kernel } from '../kernel.js';

/** For each element of a block of `shape`, its index in `t` broadcast to that shape. */
function broadcastMap(t: ExecTensor, shape: readonly number[], fail: (d: string) => never): Int32Array {
  const rank = shape.length;
  if (t.shape.length > rank) fail(`Scale/B rank ${t.shape.length} exceeds the ${rank} normalised axes`);
  const lead = rank - t.shape.length;
  const tStrides = stridesOf(t.shape);
  const size = prod(shape);
  const map = new Int32Array(size);
  const idx = new Array<number>(rank).fill(0);
  for (let i = 0; i < size; i++) {
    let off = 0;
    for (let a = lead; a < rank; a++) {
      const d = t.shape[a - lead] as number;
      if (d !== 1 && d !== shape[a])
        fail(`Scale/B shape [${t.shape.join(', ')}] does not broadcast to [${shape.join(', ')}]`);
      if (d !== 1) off += (idx[a] as number) * (tStrides[a - lead] as number);
    }
    map[i] = off;
    for (let a = rank - 1; a >= 0; a--) {
      idx[a] = (idx[a] as number) + 1;
      if ((idx[a] as number) < (shape[a] as number)) break;
      idx[a] = 0;
    }
  }
  return map;
}

/** LayerNormalization: X, Scale, optional B → Y, optional Mean and InvStdDev (float32). */
export const layerNormalizationKernel: Kernel = (inputs, ctx) => {
  const x = floatInput(ctx, inputs, 0);
  const scale = floatInput(ctx, inputs, 1);
  const bias = inputs[2] === undefined ? undefined : floatInput(ctx, inputs, 2);
  const rank = x.shape.length;
  const raw = attrInt(ctx, 'axis', -1);
  const axis = raw < 0 ? raw + rank : raw;
  if (axis < 0 || axis >= rank) kernelFail(ctx, `axis ${raw} is out of range for rank ${rank}`);
  const eps = attrFloat(ctx, 'epsilon', 1e-5);
  const inner = x.shape.slice(axis);
  const size = prod(inner);
  const outer = prod(x.shape.slice(0, axis));
  const fail = (d: string): never => kernelFail(ctx, d);
  const sMap = broadcastMap(scale, inner, fail);
  const bMap = bias === undefined ? undefined : broadcastMap(bias, inner, fail);
  const y = new Float32Array(x.data.length);
  const means = new Float32Array(outer);
  const inv = new Float32Array(outer);
  for (let o = 0; o < outer; o++) {
    const start = o * size;
    let sum = 0;
    for (let i = 0; i < size; i++) sum += x.data[start + i] as number;
    const mean = sum / size;
    let sq = 0;
    for (let i = 0; i < size; i++) {
      const d = (x.data[start + i] as number) - mean;
      sq += d * d;
    }
    const r = 1 / Math.sqrt(sq / size + eps);
    means[o] = mean;
    inv[o] = r;
    for (let i = 0; i < size; i++) {
      const norm = ((x.data[start + i] as number) - mean) * r;
      const b = bias === undefined || bMap === undefined ? 0 : (bias.data[bMap[i] as number] as number);
      y[start + i] = norm * (scale.data[sMap[i] as number] as number) + b;
    }
  }
  const statShape = x.shape.map((d, i) => (i < axis ? d : 1));
  const out: (ExecTensor | undefined)[] = [{ dtype: 'float32', shape: x.shape, data: y }];
  const outs = ctx.node.outputs;
  if (outs.length > 1 && outs[1] !== '') out[1] = { dtype: 'float32', shape: statShape, data: means };
  if (outs.length > 2 && outs[2] !== '') out[2] = { dtype: 'float32', shape: statShape, data: inv };
  return out;
};
