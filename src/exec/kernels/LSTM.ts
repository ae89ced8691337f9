/**
 * LSTM (onnx docs/Operators.md#LSTM, versions 1/7/14/22). Gates are stored in the order i, o, f, c
 * (input, output, forget, cell) in W, R and both halves of B; peepholes P are [dirs, 3*hidden] in
 * the order i, o, f. Per step, with f, g, h the direction's three activations (default Sigmoid,
 * Tanh, Tanh) and clip applied to every activation's input:
 *   i = f(Xt·Wi^T + H·Ri^T + Pi∘C + Wbi + Rbi)
 *   f = f(Xt·Wf^T + H·Rf^T + Pf∘C + Wbf + Rbf)   (input_forget = 1: f = 1 - i)
 *   c = g(Xt·Wc^T + H·Rc^T + Wbc + Rbc)
 *   C' = f∘C + i∘c
 *   o = f(Xt·Wo^T + H·Ro^T + Po∘C' + Wbo + Rbo)
 *   H' = o∘h(C')
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
  rnnFail,
  setup,
  stepOrder,
  wants,
  zeroEmpty,
} from './rnn-common.js';

/** The LSTM kernel: inputs X W R B? sequence_lens? initial_h? initial_c? P?; outputs Y? Y_h? Y_c?. */
export const lstmKernel: Kernel = (inputs, ctx) => {
  const s = setup(ctx, inputs, 4);
  const { seq, batch, hidden, dirs, clip } = s;
  const acts = activations(ctx, ['Sigmoid', 'Tanh', 'Tanh'], dirs);
  const h = initialState(ctx, s, inputs[5], 'initial_h');
  const c = initialState(ctx, s, inputs[6], 'initial_c');
  const P = inputs[7];
  let p = new Float64Array(dirs * 3 * hidden);
  if (P !== undefined) {
    if (P.shape.length !== 2 || P.shape[0] !== dirs || P.shape[1] !== 3 * hidden) {
      rnnFail(ctx, `P has shape [${P.shape.join(', ')}], expected [${dirs}, ${3 * hidden}]`);
    }
    if (P.dtype !== 'float32' && P.dtype !== 'float64') rnnFail(ctx, `P must be float, got ${P.dtype}`);
    p = Float64Array.from(P.data as Float32Array | Float64Array);
  }
  const inputForget = attrInt(ctx, 'input_forget', 0) !== 0;
  const rows = 4 * hidden;
  const y = new Float64Array(seq * dirs * batch * hidden);
  const rec = new Float64Array(rows);
  for (let d = 0; d < dirs; d++) {
    const [fa, ga, ha] = acts[d] as [(x: number) => number, (x: number) => number, (x: number) => number];
    const xw = inputProjection(s, d, rows);
    const pOff = d * 3 * hidden;
    for (let n = 0; n < batch; n++) {
      const sOff = (d * batch + n) * hidden;
      for (const t of stepOrder(s.reversed[d] ?? false, s.lens[n] ?? seq)) {
        recurrentTerm(s, d, rows, h, sOff, rec);
        const xOff = (t * batch + n) * rows;
        for (let k = 0; k < hidden; k++) {
          const cPrev = c[sOff + k];
          const pre = (gate: number): number => xw[xOff + gate * hidden + k] + rec[gate * hidden + k];
          const i = fa(clamp(pre(0) + p[pOff + k] * cPrev, clip));
          const f = inputForget ? 1 - i : fa(clamp(pre(2) + p[pOff + 2 * hidden + k] * cPrev, clip));
          const cell = ga(clamp(pre(3), clip));
          const cNew = f * cPrev + i * cell;
          const o = fa(clamp(pre(1) + p[pOff + hidden + k] * cNew, clip));
          // H is read by recurrentTerm before this loop, so updating in place is safe.
          c[sOff + k] = cNew;
          h[sOff + k] = o * ha(cNew);
        }
        y.set(h.subarray(sOff, sOff + hidden), ((t * dirs + d) * batch + n) * hidden);
      }
    }
  }
  return [
    wants(ctx, 0) ? outputY(s, y) : undefined,
    wants(ctx, 1) ? outputState(s, zeroEmpty(s, h)) : undefined,
    wants(ctx, 2) ? outputState(s, zeroEmpty(s, c)) : undefined,
  ];
};
