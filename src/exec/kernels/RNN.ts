/**
 * RNN (onnx docs/Operators.md#RNN, versions 1/7/14/22): one gate, H' = f(Xt·Wi^T + H·Ri^T + Wbi +
 * Rbi) with f the direction's activation (default Tanh; the schema's default list is
 * ['Tanh', 'Tanh'], one per direction) and clip applied to its input.
 */
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

/** The RNN kernel: inputs X W R B? sequence_lens? initial_h?; outputs Y? Y_h?. */
export const rnnKernel: Kernel = (inputs, ctx) => {
  const s = setup(ctx, inputs, 1);
  const { seq, batch, hidden, dirs, clip } = s;
  const acts = activations(ctx, ['Tanh'], dirs);
  const h = initialState(ctx, s, inputs[5], 'initial_h');
  const y = new Float64Array(seq * dirs * batch * hidden);
  const rec = new Float64Array(hidden);
  for (let d = 0; d < dirs; d++) {
    const fa = (acts[d] as [(x: number) => number])[0];
    const xw = inputProjection(s, d, hidden);
    for (let n = 0; n < batch; n++) {
      const sOff = (d * batch + n) * hidden;
      for (const t of stepOrder(s.reversed[d] ?? false, s.lens[n] ?? seq)) {
        recurrentTerm(s, d, hidden, h, sOff, rec);
        const xOff = (t * batch + n) * hidden;
        for (let k = 0; k < hidden; k++) h[sOff + k] = fa(clamp(xw[xOff + k] + rec[k], clip));
        y.set(h.subarray(sOff, sOff + hidden), ((t * dirs + d) * batch + n) * hidden);
      }
    }
  }
  return [
    wants(ctx, 0) ? outputY(s, y) : undefined,
    wants(ctx, 1) ? outputState(s, zeroEmpty(s, h)) : undefined,
  ];
};
