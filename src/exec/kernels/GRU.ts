/**
 * GRU (onnx docs/Operators.md#GRU, versions 1/3/7/14/22). Gates are stored in the order z, r, h
 * (update, reset, hidden) in W, R and both halves of B. Per step, with f, g the direction's two
 * activations (default Sigmoid, Tanh) and clip applied to every activation's input:
 *   z = f(Xt·Wz^T + H·Rz^T + Wbz + Rbz)
 *   r = f(Xt·Wr^T + H·Rr^T + Wbr + Rbr)
 *   linear_before_reset = 0: h = g(Xt·Wh^T + (r∘H)·Rh^T + Rbh + Wbh)
 *   linear_before_reset = 1: h = g(Xt·Wh^T + r∘(H·Rh^T + Rbh) + Wbh)
 *   H' = (1 - z)∘h + z∘H
 */
import { attrInt } from '../attrs.js';
import type { Kernel } from '../kernel.js';
import {
  activations,
  clamp,
  initialState,
  inputProjection,
  outputState,
  outputY,
  recurrentTerm,
  setup,
  stepOrder,
  wants,
  zeroEmpty,
} from './rnn-common.js';

/** The GRU kernel: inputs X W R B? sequence_lens? initial_h?; outputs Y? Y_h?. */
export const gruKernel: Kernel = (inputs, ctx) => {
  const s = setup(ctx, inputs, 3);
  const { seq, batch, hidden, dirs, clip, r, b } = s;
  const acts = activations(ctx, ['Sigmoid', 'Tanh'], dirs);
  const h = initialState(ctx, s, inputs[5], 'initial_h');
  const linearBeforeReset = attrInt(ctx, 'linear_before_reset', 0) !== 0;
  const rows = 3 * hidden;
  const y = new Float64Array(seq * dirs * batch * hidden);
  // rec holds H·R^T + Rb for all three gates; with linear_before_reset = 0 the h gate's part is
  // recomputed from r∘H below.
  const rec = new Float64Array(rows);
  const z = new Float64Array(hidden);
  const rh = new Float64Array(hidden);
  for (let d = 0; d < dirs; d++) {
    const [fa, ga] = acts[d] as [(x: number) => number, (x: number) => number];
    const xw = inputProjection(s, d, rows);
    const rOff = (d * rows + 2 * hidden) * hidden;
    const rbh = d * 2 * rows + rows + 2 * hidden;
    for (let n = 0; n < batch; n++) {
      const sOff = (d * batch + n) * hidden;
      for (const t of stepOrder(s.reversed[d] ?? false, s.lens[n] ?? seq)) {
        recurrentTerm(s, d, rows, h, sOff, rec);
        const xOff = (t * batch + n) * rows;
        for (let k = 0; k < hidden; k++) {
          z[k] = fa(clamp(xw[xOff + k] + rec[k], clip));
          const rg = fa(clamp(xw[xOff + hidden + k] + rec[hidden + k], clip));
          rh[k] = linearBeforeReset ? rg * rec[2 * hidden + k] : rg * h[sOff + k];
        }
        for (let k = 0; k < hidden; k++) {
          let hidTerm = rh[k];
          if (!linearBeforeReset) {
            // (r∘H)·Rh^T + Rbh
            let acc = b[rbh + k];
            const rr = rOff + k * hidden;
            for (let j = 0; j < hidden; j++) acc += rh[j] * r[rr + j];
            hidTerm = acc;
          }
          const cand = ga(clamp(xw[xOff + 2 * hidden + k] + hidTerm, clip));
          rec[k] = cand; // rec's z part is no longer needed: reuse it for the candidate.
        }
        for (let k = 0; k < hidden; k++) {
          const zk = z[k];
          h[sOff + k] = (1 - zk) * rec[k] + zk * h[sOff + k];
        }
        y.set(h.subarray(sOff, sOff + hidden), ((t * dirs + d) * batch + n) * hidden);
      }
    }
  }
  return [
    wants(ctx, 0) ? outputY(s, y) : undefined,
    wants(ctx, 1) ? outputState(s, zeroEmpty(s, h)) : undefined,
  ];
};
