/**
 * Graph → Keras converters for convolutions, pools and batch normalization (export-graph.ts), all
 * `channels_last`. Kernels move OIHW → HWIO (depthwise [C·m, 1, kh, kw] → [kh, kw, C, m]) by
 * permuting their data. ONNX pads become `padding: 'same'` only when they equal TF's SAME pads for
 * the known input size (the extra pixel at the end); other pads become a ZeroPadding layer before
 * a `valid` layer where zeros are what ONNX pads with (convolutions, average pools counting pads,
 * max pools over values that cannot be negative). Anything else is refused, never approximated.
 */
import type { GraphNode } from '../../core/graph.js';
import type { JsonValue } from '../../core/model.js';
import { configFloat, floatAttr, fuseActivation, intAttr, intsAttr, strAttr } from './export-dense.js';
import type { ExportCtx, KValue, NodeExporter } from './export-types.js';
import { Refusal } from './export-types.js';

/** An image value (channels-last in Keras) of rank 3-5, and its number of spatial axes. */
function image(ctx: ExportCtx, node: GraphNode): { x: KValue; n: number } {
  const x = ctx.value(node.inputs[0] as string);
  const rank = x.shape?.length;
  if (!x.cl || rank === undefined || rank < 3 || rank > 5)
    throw new Refusal(node, 'input is not an image of rank 3-5');
  return { x, n: rank - 2 };
}

/** Input spatial sizes, undefined when one is unknown. */
function spatial(x: KValue): number[] | undefined {
  const s = x.shape?.slice(2);
  return s?.every((d) => typeof d === 'number') === true ? (s as number[]) : undefined;
}

/** TF's SAME pads [begins…, ends…] (extra pixel at the end). */
function samePads(
  sizes: readonly number[],
  k: readonly number[],
  s: readonly number[],
  d: readonly number[],
): number[] {
  const begin: number[] = [];
  const end: number[] = [];
  sizes.forEach((size, i) => {
    const eff = ((k[i] as number) - 1) * (d[i] as number) + 1;
    const out = Math.ceil(size / (s[i] as number));
    const total = Math.max((out - 1) * (s[i] as number) + eff - size, 0);
    begin.push(Math.floor(total / 2));
    end.push(total - Math.floor(total / 2));
  });
  return [...begin, ...end];
}

interface Window {
  readonly k: number[];
  readonly s: number[];
  readonly d: number[];
  /** Explicit pads [begins…, ends…], or 'same' for SAME_UPPER with unknown sizes. */
  readonly pads: number[] | 'same';
}

function windowOf(node: GraphNode, x: KValue, n: number, k: number[]): Window {
  const s = intsAttr(node, 'strides') ?? new Array<number>(n).fill(1);
  const d = intsAttr(node, 'dilations') ?? new Array<number>(n).fill(1);
  const auto = strAttr(node, 'auto_pad', 'NOTSET');
  const sizes = spatial(x);
  let pads: number[] | 'same';
  if (auto === 'VALID') pads = new Array<number>(2 * n).fill(0);
  else if (auto === 'SAME_UPPER') pads = sizes === undefined ? 'same' : samePads(sizes, k, s, d);
  else if (auto === 'SAME_LOWER') {
    if (sizes === undefined) throw new Refusal(node, 'SAME_LOWER needs known input sizes');
    const p = samePads(sizes, k, s, d);
    pads = [...p.slice(n), ...p.slice(0, n)];
  } else pads = intsAttr(node, 'pads') ?? new Array<number>(2 * n).fill(0);
  if (pads !== 'same' && intAttr(node, 'ceil_mode', 0) === 1) {
    if (sizes === undefined) throw new Refusal(node, 'ceil_mode needs known input sizes');
    const p = pads;
    sizes.forEach((size, i) => {
      const span =
        size + (p[i] as number) + (p[i + n] as number) - ((k[i] as number) - 1) * (d[i] as number) - 1;
      if (span % (s[i] as number) !== 0)
        throw new Refusal(node, 'ceil_mode rounds up here; Keras pools round down');
    });
  }
  return { k, s, d, pads };
}

/** 'same', 'valid' or the pads a ZeroPadding layer must add first. */
function paddingOf(w: Window, x: KValue): 'same' | 'valid' | number[] {
  if (w.pads === 'same') return 'same';
  if (w.pads.every((p) => p === 0)) return 'valid';
  const sizes = spatial(x);
  if (sizes !== undefined && samePads(sizes, w.k, w.s, w.d).every((p, i) => p === (w.pads as number[])[i])) {
    return 'same';
  }
  return w.pads;
}

/** `x` after a ZeroPadding{n}D of explicit pads. */
function zeroPad(ctx: ExportCtx, node: GraphNode, x: KValue, n: number, pads: readonly number[]): KValue {
  const pairs = Array.from({ length: n }, (_, i) => [pads[i] as number, pads[i + n] as number]);
  const padding: JsonValue = n === 1 ? (pairs[0] as number[]) : pairs;
  const layer = ctx.addLayer(`ZeroPadding${n}D`, { padding, data_format: 'channels_last' }, [x], node);
  const padded = x.shape?.map((dim, i) =>
    i < 2 || typeof dim !== 'number' ? dim : dim + (pads[i - 2] as number) + (pads[i - 2 + n] as number),
  );
  return {
    layer: layer.name,
    cl: true,
    ...(padded === undefined ? {} : { shape: padded }),
    ...(x.nonNegative === true ? { nonNegative: true } : {}),
  };
}

const conv: NodeExporter = (ctx, node) => {
  const { x, n } = image(ctx, node);
  const w = ctx.tensor(node.inputs[1] as string);
  if (w === undefined || w.shape.length !== n + 2) throw new Refusal(node, 'the kernel is not a constant');
  const [out, perGroup] = w.shape as [number, number];
  const k = w.shape.slice(2) as number[];
  const group = intAttr(node, 'group', 1);
  const cin = perGroup * group;
  const depthwise = group > 1 && group === cin && perGroup === 1 && n === 2 && out % cin === 0;
  if (group !== 1 && !depthwise)
    throw new Refusal(node, `group ${group} (only 1, or depthwise 2-D) has a Keras layer`);
  const win = windowOf(node, x, n, intsAttr(node, 'kernel_shape') ?? k);
  if (win.s.some((s) => s > 1) && win.d.some((d) => d > 1)) {
    throw new Refusal(node, 'Keras convolutions cannot have both strides and dilations above 1');
  }
  let src = x;
  let padding = paddingOf(win, x);
  if (Array.isArray(padding)) {
    src = zeroPad(ctx, node, x, n, padding);
    padding = 'valid';
  }
  const common: Record<string, JsonValue> = {
    kernel_size: k,
    strides: win.s,
    padding,
    data_format: 'channels_last',
    dilation_rate: win.d,
  };
  const bias = node.inputs[2];
  const b = bias === undefined || bias === '' ? undefined : ctx.tensor(bias);
  if (bias !== undefined && bias !== '' && (b === undefined || b.shape.length !== 1)) {
    throw new Refusal(node, 'the bias is not a constant vector');
  }
  const layer = depthwise
    ? ctx.addLayer(
        'DepthwiseConv2D',
        { ...common, depth_multiplier: out / cin, activation: 'linear', use_bias: b !== undefined },
        [src],
        node,
      )
    : ctx.addLayer(
        `Conv${n}D`,
        { filters: out, ...common, activation: 'linear', use_bias: b !== undefined },
        [src],
        node,
      );
  if (depthwise) {
    layer.weights.push({
      weight: 'depthwise_kernel',
      source: w,
      viewShape: [cin, out / cin, ...k],
      perm: [2, 3, 0, 1],
      detail: 'ONNX depthwise Conv weight [C·m, 1, kh, kw] → Keras depthwise_kernel [kh, kw, C, m]',
    });
  } else {
    const perm = [...Array.from({ length: n }, (_, i) => i + 2), 1, 0];
    layer.weights.push({
      weight: 'kernel',
      source: w,
      perm,
      detail: 'ONNX Conv weight [out, in, k…] → Keras kernel [k…, in, out]',
    });
  }
  if (b !== undefined) layer.weights.push({ weight: 'bias', source: b });
  const o = node.outputs[0] as string;
  const shape = ctx.shape(o);
  const r = fuseActivation(ctx, layer, o, {
    layer: layer.name,
    cl: true,
    ...(shape === undefined ? {} : { shape }),
  });
  ctx.bind(r.out, r);
};

function pool(kind: 'Max' | 'Average'): NodeExporter {
  return (ctx, node) => {
    const { x, n } = image(ctx, node);
    if (node.outputs.length > 1 && node.outputs[1] !== '')
      throw new Refusal(node, 'the pool indices are used');
    const k = intsAttr(node, 'kernel_shape');
    if (k === undefined || k.length !== n) throw new Refusal(node, 'kernel_shape is missing');
    const win = windowOf(node, x, n, k);
    if (win.d.some((d) => d !== 1)) throw new Refusal(node, 'Keras pools have no dilations');
    let padding = paddingOf(win, x);
    const countPads = intAttr(node, 'count_include_pad', 0) === 1;
    let src = x;
    // TF's SAME average leaves the pads out of the count: with count_include_pad 1 pad with zeros
    if (kind === 'Average' && padding === 'same' && countPads) {
      if (win.pads === 'same') throw new Refusal(node, 'count_include_pad 1 with SAME pads of unknown size');
      padding = win.pads;
    }
    if (Array.isArray(padding)) {
      const zerosAreRight = kind === 'Average' ? countPads : x.nonNegative === true;
      if (!zerosAreRight) {
        throw new Refusal(
          node,
          kind === 'Average'
            ? 'pads that are not SAME with count_include_pad 0 have no Keras equivalent'
            : 'max pool pads that are not SAME over values that may be negative have no Keras equivalent',
        );
      }
      src = zeroPad(ctx, node, x, n, padding);
      padding = 'valid';
    }
    const layer = ctx.addLayer(
      `${kind}Pooling${n}D`,
      { pool_size: k, padding, strides: win.s, data_format: 'channels_last' },
      [src],
      node,
    );
    const shape = ctx.shape(node.outputs[0] as string);
    ctx.bind(node.outputs[0] as string, {
      layer: layer.name,
      cl: true,
      ...(shape === undefined ? {} : { shape }),
      ...(kind === 'Max' && x.nonNegative === true ? { nonNegative: true } : {}),
    });
  };
}

function globalPool(kind: 'Max' | 'Average'): NodeExporter {
  return (ctx, node) => {
    const { x, n } = image(ctx, node);
    const layer = ctx.addLayer(
      `Global${kind}Pooling${n}D`,
      { data_format: 'channels_last', keepdims: true },
      [x],
      node,
    );
    const out = node.outputs[0] as string;
    const shape = ctx.shape(out);
    ctx.bind(out, { layer: layer.name, cl: true, pooled: out, ...(shape === undefined ? {} : { shape }) });
  };
}

const batchNorm: NodeExporter = (ctx, node) => {
  const x = ctx.value(node.inputs[0] as string);
  if (!x.cl && x.shape?.length !== 2) throw new Refusal(node, 'input is neither an image nor a rank-2 value');
  if (intAttr(node, 'training_mode', 0) !== 0 || node.outputs.slice(1).some((o) => o !== '')) {
    throw new Refusal(node, 'training-mode batch normalization');
  }
  const [scale, bias, mean, variance] = node.inputs.slice(1, 5).map((i) => ctx.tensor(i));
  if (scale === undefined || bias === undefined || mean === undefined || variance === undefined) {
    throw new Refusal(node, 'scale, bias, mean and variance must be constants');
  }
  const layer = ctx.addLayer(
    'BatchNormalization',
    {
      axis: -1,
      momentum: configFloat(node, 'momentum', 0.9),
      epsilon: configFloat(node, 'epsilon', 1e-5),
      center: true,
      scale: true,
    },
    [x],
    node,
  );
  layer.weights.push(
    { weight: 'gamma', source: scale },
    { weight: 'beta', source: bias },
    { weight: 'moving_mean', source: mean },
    { weight: 'moving_variance', source: variance },
  );
  ctx.bind(node.outputs[0] as string, { ...x, layer: layer.name, nonNegative: false });
};

/** Constant-zero Pad of the spatial axes: a ZeroPadding layer (no pads: nothing). */
const pad: NodeExporter = (ctx, node) => {
  const { x, n } = image(ctx, node);
  const rank = n + 2;
  if (strAttr(node, 'mode', 'constant') !== 'constant') throw new Refusal(node, 'only constant padding');
  const given = (i: number): readonly number[] | undefined => {
    const name = node.inputs[i];
    return name === undefined || name === '' ? undefined : ctx.numbers(name);
  };
  const pads = ctx.opset < 11 ? intsAttr(node, 'pads') : given(1);
  const value = ctx.opset < 11 ? floatAttr(node, 'value', 0) : (given(2)?.[0] ?? 0);
  if (pads === undefined || pads.length !== 2 * rank || (node.inputs[3] ?? '') !== '') {
    throw new Refusal(node, 'pads must be constant, for every axis');
  }
  if (pads.every((p) => p === 0)) {
    ctx.bind(node.outputs[0] as string, x);
    return;
  }
  if (value !== 0 || pads.some((p) => p < 0) || [0, 1, rank, rank + 1].some((i) => pads[i] !== 0)) {
    throw new Refusal(node, 'only zero padding of the spatial axes is a Keras ZeroPadding layer');
  }
  const spatialPads = [...pads.slice(2, rank), ...pads.slice(rank + 2)];
  ctx.bind(node.outputs[0] as string, zeroPad(ctx, node, x, n, spatialPads));
};

/** The converters of this file, by ONNX op. */
export const CONV_EXPORTERS: Readonly<Record<string, NodeExporter>> = {
  Conv: conv,
  MaxPool: pool('Max'),
  AveragePool: pool('Average'),
  GlobalAveragePool: globalPool('Average'),
  GlobalMaxPool: globalPool('Max'),
  BatchNormalization: batchNorm,
  Pad: pad,
};
