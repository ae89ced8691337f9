/**
 * MXNet layer ops → canonical ops: FullyConnected, Convolution, Deconvolution, BatchNorm,
 * InstanceNorm, LayerNorm, Embedding, UpSampling. Parameter semantics and defaults from MXNet 1.x's
 * operator docs (src/operator/nn/*-inl.h parameter structs); no code was copied.
 */

import type { Dim } from '../types.js';
import { attr, type OpContext } from './context.js';
import type { Importer } from './import-table.js';

function product(dims: readonly Dim[]): Dim {
  let p = 1;
  for (const d of dims) {
    if (typeof d !== 'number') return null;
    p *= d;
  }
  return p;
}

function required(ctx: OpContext, key: string): number {
  const v = ctx.int(key, Number.NaN);
  if (Number.isNaN(v)) throw ctx.error(`needs the parameter ${key}`);
  return v;
}

/** Spatial window parameters shared by Convolution, Deconvolution and Pooling. */
export function window(ctx: OpContext, nd: number, keys: { stride: string; dilate?: string; pad: string }) {
  const ones = Array<number>(nd).fill(1);
  const zeros = Array<number>(nd).fill(0);
  const fill = (v: number[], d: number[]): number[] => (v.length === 0 ? d : v);
  const stride = fill(ctx.tuple(keys.stride, []), ones);
  const dilate = keys.dilate === undefined ? ones : fill(ctx.tuple(keys.dilate, []), ones);
  const pad = fill(ctx.tuple(keys.pad, []), zeros);
  for (const [k, v] of [
    ['stride', stride],
    ['dilate', dilate],
    ['pad', pad],
  ] as const) {
    if (v.length !== nd) throw ctx.error(`${k} has ${v.length} entries for a ${nd}-d kernel`);
  }
  return { stride, dilate, pad };
}

function channelsFirst(ctx: OpContext): void {
  const layout = ctx.str('layout', 'None');
  if (layout !== 'None' && !/^NC[DHW]*$/.test(layout)) {
    throw ctx.error(`layout ${layout} is not supported (only channels-first layouts)`, 'UNSUPPORTED_OP');
  }
}

const fullyConnected: Importer = {
  run(ctx) {
    const x = ctx.data(0);
    const hidden = required(ctx, 'num_hidden');
    const noBias = ctx.bool('no_bias', false);
    const flatten = ctx.bool('flatten', true);
    const s = ctx.info(x)?.shape;
    const k = s === undefined ? null : flatten ? product(s.slice(1)) : (s[s.length - 1] ?? null);
    const w = ctx.param(1, [hidden, k]);
    const b = noBias ? undefined : ctx.param(2, [hidden]);
    if (flatten) {
      const x2 =
        s !== undefined && s.length === 2
          ? x
          : (ctx.emit('Flatten', [x], { axis: attr(1) }, ctx.tmp('flatten'))[0] as string);
      ctx.emit('Gemm', b === undefined ? [x2, w] : [x2, w, b], { transB: attr(1) });
      return;
    }
    const wt = ctx.emit('Transpose', [w], { perm: attr([1, 0]) }, ctx.tmp('weight_t'))[0] as string;
    if (b === undefined) ctx.emit('MatMul', [x, wt]);
    else ctx.emit('Add', [ctx.emit('MatMul', [x, wt], {}, ctx.tmp('matmul'))[0] as string, b]);
  },
};

const convolution: Importer = {
  run(ctx) {
    channelsFirst(ctx);
    const kernel = ctx.tuple('kernel', []);
    if (kernel.length === 0) throw ctx.error('needs the parameter kernel');
    const nd = kernel.length;
    const { stride, dilate, pad } = window(ctx, nd, { stride: 'stride', dilate: 'dilate', pad: 'pad' });
    const filters = required(ctx, 'num_filter');
    const group = ctx.int('num_group', 1);
    const noBias = ctx.bool('no_bias', false);
    const x = ctx.data(0);
    const c = ctx.info(x)?.shape?.[1];
    const w = ctx.param(1, [filters, typeof c === 'number' ? c / group : null, ...kernel]);
    const b = noBias ? undefined : ctx.param(2, [filters]);
    ctx.emit('Conv', b === undefined ? [x, w] : [x, w, b], {
      kernel_shape: attr(kernel),
      strides: attr(stride),
      dilations: attr(dilate),
      pads: attr([...pad, ...pad]),
      group: attr(group),
    });
  },
};

const deconvolution: Importer = {
  run(ctx) {
    channelsFirst(ctx);
    const kernel = ctx.tuple('kernel', []);
    if (kernel.length === 0) throw ctx.error('needs the parameter kernel');
    const nd = kernel.length;
    const { stride, dilate } = window(ctx, nd, { stride: 'stride', dilate: 'dilate', pad: 'pad' });
    let { pad } = window(ctx, nd, { stride: 'stride', pad: 'pad' });
    let adj = ctx.tuple('adj', []);
    if (adj.length === 0) adj = Array<number>(nd).fill(0);
    const filters = required(ctx, 'num_filter');
    const group = ctx.int('num_group', 1);
    const noBias = ctx.bool('no_bias', true);
    const x = ctx.data(0);
    const target = ctx.tuple('target_shape', []);
    if (target.length > 0 && target.some((t) => t > 0)) {
      // MXNet derives pad and adj from the target size (deconvolution-inl.h InferPad).
      const s = ctx.needShape(x, 'target_shape').slice(2);
      pad = [];
      adj = [];
      s.forEach((n, i) => {
        const dk = ((kernel[i] as number) - 1) * (dilate[i] as number) + 1;
        const total = (stride[i] as number) * (n - 1) + dk - (target[i] as number);
        adj.push(total % 2);
        pad.push((total + 1) >> 1);
      });
    }
    const c = ctx.info(x)?.shape?.[1];
    const w = ctx.param(1, [typeof c === 'number' ? c : null, filters / group, ...kernel]);
    const b = noBias ? undefined : ctx.param(2, [filters]);
    const attributes = {
      kernel_shape: attr(kernel),
      strides: attr(stride),
      dilations: attr(dilate),
      pads: attr([...pad, ...pad]),
      group: attr(group),
      ...(adj.some((a) => a !== 0) ? { output_padding: attr(adj) } : {}),
    };
    ctx.emit('ConvTranspose', b === undefined ? [x, w] : [x, w, b], attributes);
  },
};

const batchNorm: Importer = {
  outputs: () => 1,
  run(ctx) {
    const x = ctx.data(0);
    const eps = ctx.float('eps', 1e-3);
    const momentum = ctx.float('momentum', 0.9);
    const fixGamma = ctx.bool('fix_gamma', true);
    const axis = ctx.int('axis', 1);
    const rank = ctx.rank(x);
    if (axis !== 1 && !(rank !== undefined && (axis + rank === 1 || (rank === 2 && axis === -1)))) {
      throw ctx.error(`axis ${axis} is not supported (the channel axis must be 1)`, 'UNSUPPORTED_OP');
    }
    const c = ctx.info(x)?.shape?.[1] ?? null;
    const gamma = ctx.param(1, [c]);
    const beta = ctx.param(2, [c]);
    const mean = ctx.aux(3, 'moving_mean', [c]);
    const variance = ctx.aux(4, 'moving_var', [c]);
    let scale = gamma;
    if (fixGamma) {
      // fix_gamma=True: MXNet multiplies by 1 whatever gamma holds; the stored gamma is kept, unused.
      const channels = ctx.info(gamma)?.shape?.[0] ?? c;
      if (typeof channels !== 'number') throw ctx.error('fix_gamma needs the channel count', 'USAGE');
      scale = ctx.scalar('gamma_fixed', 1, ctx.dtype(gamma), [channels]);
      ctx.note({
        change: 'fix_gamma',
        detail: `gamma '${gamma}' ignored (fix_gamma=True); scale is '${scale}', all ones`,
      });
    }
    ctx.emit('BatchNormalization', [x, scale, beta, mean, variance], {
      epsilon: attr(eps, true),
      momentum: attr(momentum, true),
    });
  },
};

const instanceNorm: Importer = {
  run(ctx) {
    const x = ctx.data(0);
    const c = ctx.info(x)?.shape?.[1] ?? null;
    ctx.emit('InstanceNormalization', [x, ctx.param(1, [c]), ctx.param(2, [c])], {
      epsilon: attr(ctx.float('eps', 1e-3), true),
    });
  },
};

const layerNorm: Importer = {
  outputs: () => 1,
  run(ctx) {
    const x = ctx.data(0);
    const axis = ctx.int('axis', -1);
    const s = ctx.info(x)?.shape;
    if (axis !== -1 && (s === undefined || axis !== s.length - 1)) {
      throw ctx.error(`axis ${axis} is not supported (LayerNorm over the last axis only)`, 'UNSUPPORTED_OP');
    }
    const c = s?.[s.length - 1] ?? null;
    ctx.emit('LayerNormalization', [x, ctx.param(1, [c]), ctx.param(2, [c])], {
      axis: attr(-1),
      epsilon: attr(ctx.float('eps', 1e-5), true),
    });
  },
};

const embedding: Importer = {
  run(ctx) {
    const x = ctx.data(0);
    const weight = ctx.param(1, [required(ctx, 'input_dim'), required(ctx, 'output_dim')]);
    // MXNet feeds indices as floats; ONNX Gather takes integers.
    const idx = ctx.emit('Cast', [x], { to: attr(7) }, ctx.tmp('indices'))[0] as string;
    ctx.emit('Gather', [weight, idx], { axis: attr(0) });
  },
};

const upSampling: Importer = {
  run(ctx) {
    const scale = required(ctx, 'scale');
    const type = ctx.str('sample_type', 'nearest');
    const args = ctx.int('num_args', 1);
    const x = ctx.data(0);
    if (type === 'nearest') {
      if (args !== 1)
        throw ctx.error('nearest UpSampling of several inputs is not supported', 'UNSUPPORTED_OP');
      const rank = ctx.rank(x) ?? 4;
      const scales = ctx.floats('scales', [1, 1, ...Array<number>(rank - 2).fill(scale)]);
      ctx.emit('Resize', [x, '', scales], {
        mode: attr('nearest'),
        coordinate_transformation_mode: attr('asymmetric'),
        nearest_mode: attr('floor'),
      });
      return;
    }
    if (type !== 'bilinear') throw ctx.error(`sample_type ${type} is not supported`, 'UNSUPPORTED_OP');
    // Bilinear UpSampling is a grouped Deconvolution with a (learned or fixed) bilinear kernel.
    const filters = required(ctx, 'num_filter');
    const k = 2 * scale - (scale % 2);
    const p = Math.ceil((scale - 1) / 2);
    const w = ctx.param(1, [filters, 1, k, k]);
    ctx.emit('ConvTranspose', [x, w], {
      kernel_shape: attr([k, k]),
      strides: attr([scale, scale]),
      pads: attr([p, p, p, p]),
      group: attr(filters),
    });
  },
};

/** The layer importers by MXNet op name. */
export const NN_IMPORTERS: readonly (readonly [string, Importer])[] = [
  ['FullyConnected', fullyConnected],
  ['Convolution', convolution],
  ['Convolution_v1', convolution],
  ['Deconvolution', deconvolution],
  ['BatchNorm', batchNorm],
  ['BatchNorm_v1', batchNorm],
  ['_contrib_SyncBatchNorm', batchNorm],
  ['InstanceNorm', instanceNorm],
  ['LayerNorm', layerNorm],
  ['Embedding', embedding],
  ['UpSampling', upSampling],
];
