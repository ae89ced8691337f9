/**
 * ConvTranspose (Operators.md ConvTranspose, versions 1/11/22): the gradient of Conv. Each
 * group's [kernel · M/group, input positions] column matrix is Wᵀ × X (a blocked matrix multiply),
 * then scattered (col2im) into the output. Output size: `output_shape` when given (pads then
 * derived from it and auto_pad), else stride · (in − 1) + output_padding + dilated kernel − pads.
 */
import { attrInts, attrString } from '../attrs.js';
import { floatInput, groupOf, kernelFail, kernelShape, prod, stridesOf } from '../conv-window.js';
import { gemm } from '../gemm-core.js';
import type { ExecTensor, Kernel, KernelContext } from '../kernel.js';

/** Per-axis ints of `count` values, or `fill`. */
function ints(ctx: KernelContext, name: string, count: number, fill: number): number[] {
  const v = attrInts(ctx, name);
  if (v === undefined) return new Array<number>(count).fill(fill);
  if (v.length !== count) kernelFail(ctx, `${name} has ${v.length} values for ${count} axes`);
  return [...v];
}

/** ConvTranspose: X [N, C, D...], W [C, M/group, k...], optional B [M] → Y [N, M, out...]. */
export const convTransposeKernel: Kernel = (inputs, ctx) => {
  const x = floatInput(ctx, inputs, 0);
  const wt = floatInput(ctx, inputs, 1);
  const b = inputs[2] === undefined ? undefined : floatInput(ctx, inputs, 2);
  const rank = x.shape.length;
  if (rank < 3 || wt.shape.length !== rank)
    kernelFail(ctx, `X rank ${rank} and W rank ${wt.shape.length} must match and be ≥ 3`);
  const sp = rank - 2;
  const group = groupOf(ctx);
  const [n, c] = x.shape as [number, number];
  if (wt.shape[0] !== c) kernelFail(ctx, `X has ${c} channels, W has ${wt.shape[0]}`);
  if (c % group !== 0) kernelFail(ctx, `${c} input channels are not divisible by group ${group}`);
  const mg = wt.shape[1] as number;
  const m = mg * group;
  const cg = c / group;
  if (b !== undefined && (b.shape.length !== 1 || b.shape[0] !== m)) kernelFail(ctx, `B must be [${m}]`);
  const kernel = kernelShape(ctx, wt.shape.slice(2));
  const input = x.shape.slice(2);
  const strides = ints(ctx, 'strides', sp, 1);
  const dil = ints(ctx, 'dilations', sp, 1);
  const outPad = ints(ctx, 'output_padding', sp, 0);
  let pads = ints(ctx, 'pads', 2 * sp, 0);
  const autoPad = attrString(ctx, 'auto_pad', 'NOTSET');
  const given = attrInts(ctx, 'output_shape');
  const output: number[] = [];
  const padBegin: number[] = [];
  for (let i = 0; i < sp; i++) {
    const s = strides[i] as number;
    const span = ((kernel[i] as number) - 1) * (dil[i] as number) + 1;
    const full = s * ((input[i] as number) - 1) + (outPad[i] as number) + span;
    let out: number;
    let pb: number;
    if (given !== undefined) {
      // output_shape fixes the size; the pads it implies split as Operators.md says (SAME_UPPER: begin = total / 2; else begin = total − total / 2).
      const tail = given.length === rank ? given.slice(2) : given;
      if (tail.length !== sp) kernelFail(ctx, `output_shape has ${given.length} values for ${sp} axes`);
      out = tail[i] as number;
      // A negative total means the output extends past the last window: no padding, the tail is bias only.
      const total = Math.max(0, full - out);
      pb = autoPad === 'SAME_UPPER' ? Math.floor(total / 2) : total - Math.floor(total / 2);
    } else if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') {
      out = (input[i] as number) * s;
      const total = full - out;
      pb = autoPad === 'SAME_UPPER' ? Math.floor(total / 2) : total - Math.floor(total / 2);
    } else {
      if (autoPad === 'VALID') pads = new Array<number>(2 * sp).fill(0);
      pb = pads[i] as number;
      out = full - pb - (pads[i + sp] as number);
    }
    if (out < 1) kernelFail(ctx, `output size ${out} on spatial axis ${i} is not positive`);
    output.push(out);
    padBegin.push(pb);
  }
  const kSize = prod(kernel);
  const inSize = prod(input);
  const outSize = prod(output);
  const rows = mg * kSize;
  // Wᵀ per group: W[g·cg + ci, r] → wT[r, ci], so col = wT × X_g is one plain multiply.
  const wT = new Float32Array(group * rows * cg);
  for (let g = 0; g < group; g++) {
    for (let ci = 0; ci < cg; ci++) {
      for (let r = 0; r < rows; r++)
        wT[(g * rows + r) * cg + ci] = wt.data[(g * cg + ci) * rows + r] as number;
    }
  }
  const y = new Float64Array(n * m * outSize);
  const col = new Float32Array(rows * inSize);
  const outStrides = stridesOf(output);
  const kIdx = new Array<number>(sp).fill(0);
  const iIdx = new Array<number>(sp).fill(0);
  for (let bi = 0; bi < n; bi++) {
    for (let g = 0; g < group; g++) {
      gemm(rows, inSize, cg, wT, g * rows * cg, x.data, (bi * c + g * cg) * inSize, col, 0);
      for (let mo = 0; mo < mg; mo++) {
        const yBase = (bi * m + g * mg + mo) * outSize;
        kIdx.fill(0);
        for (let kk = 0; kk < kSize; kk++) {
          const rowBase = (mo * kSize + kk) * inSize;
          iIdx.fill(0);
          for (let p = 0; p < inSize; p++) {
            let off = yBase;
            let ok = true;
            for (let a = 0; a < sp; a++) {
              const pos =
                (iIdx[a] as number) * (strides[a] as number) +
                (kIdx[a] as number) * (dil[a] as number) -
                (padBegin[a] as number);
              if (pos < 0 || pos >= (output[a] as number)) {
                ok = false;
                break;
              }
              off += pos * (outStrides[a] as number);
            }
            if (ok) y[off] = (y[off] as number) + (col[rowBase + p] as number);
            for (let a = sp - 1; a >= 0; a--) {
              iIdx[a] = (iIdx[a] as number) + 1;
              if ((iIdx[a] as number) < (input[a] as number)) break;
              iIdx[a] = 0;
            }
          }
          for (let a = sp - 1; a >= 0; a--) {
            kIdx[a] = (kIdx[a] as number) + 1;
            if ((kIdx[a] as number) < (kernel[a] as number)) break;
            kIdx[a] = 0;
          }
        }
      }
    }
  }
  const data = new Float32Array(y.length);
  for (let bi = 0; bi < n; bi++) {
    for (let o = 0; o < m; o++) {
      const bias = b === undefined ? 0 : (b.data[o] as number);
      const start = (bi * m + o) * outSize;
      for (let p = start; p < start + outSize; p++) data[p] = (y[p] as number) + bias;
    }
  }
  const out: ExecTensor<'float32'> = { dtype: 'float32', shape: [n, m, ...output], data };
  return [out];
};
