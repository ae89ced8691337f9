/**
 * ReduceLogSumExp: log(Σ exp(x)) over axes (attribute before opset 18, input from 18) (ONNX
 * Operators.md ReduceLogSumExp), computed as m + log(Σ exp(x − m)) with m the slot's maximum so
 * that large inputs do not overflow.
 */
import type { Kernel } from '../kernel.js';
import { alloc, isBig, need } from '../tensors.js';
import { planReduce } from './reduce-fold.js';

/** The ReduceLogSumExp kernel. */
export const reduceLogSumExpKernel: Kernel = (inputs, ctx) => {
  const x = need(inputs, 0, ctx);
  const plan = planReduce(x, inputs[1], ctx);
  const n = x.data.length;
  const max = new Float64Array(plan.size).fill(Number.NEGATIVE_INFINITY);
  for (let k = 0; k < n; k++) {
    const s = plan.slot[k] as number;
    max[s] = Math.max(max[s] as number, Number(x.data[k]));
  }
  const sum = new Float64Array(plan.size);
  for (let k = 0; k < n; k++) {
    const s = plan.slot[k] as number;
    const m = max[s] as number;
    sum[s] = (sum[s] as number) + (Number.isFinite(m) ? Math.exp(Number(x.data[k]) - m) : 1);
  }
  const out = alloc(x.dtype, plan.shape);
  const isInt = x.dtype !== 'float32' && x.dtype !== 'float64';
  for (let i = 0; i < plan.size; i++) {
    const m = max[i] as number;
    const v = Number.isFinite(m) ? m + Math.log(sum[i] as number) : m;
    out.data[i] = isBig(x.dtype) ? BigInt(Math.trunc(v)) : isInt ? Math.trunc(v) : v;
  }
  return [out];
};
