/**
 * Graph → Keras converters for dense layers, activations, merges and flattening (export-graph.ts).
 * Gemm and MatMul on a constant weight become Dense (kernel [in, out]), taking a following bias
 * Add and activation into the layer when nothing else uses the value between them. Image values
 * are channels-last in Keras, so ONNX's Flatten of an NCHW map becomes Permute to channels-first
 * then Flatten: the flattened order, and the Dense kernel after it, stay as in the graph.
 */
import type { GraphNode } from '../../core/graph.js';
import type { JsonValue } from '../../core/model.js';
import type { Dim } from '../../ops/types.js';
import type { ExportCtx, KLayer, KValue, NodeExporter } from './export-types.js';
import { Refusal } from './export-types.js';

/** An int attribute (default when absent). */
export function intAttr(node: GraphNode, name: string, def: number): number {
  const a = node.attributes[name];
  return a?.type === 'int' ? Number(a.value) : def;
}

/** A float attribute (default when absent). */
export function floatAttr(node: GraphNode, name: string, def: number): number {
  const a = node.attributes[name];
  return a?.type === 'float' ? a.value : a?.type === 'int' ? Number(a.value) : def;
}

/**
 * A float attribute as Keras's JSON would spell it: ONNX floats are float32, so the shortest
 * decimal that is the same float32 (1e-5, not 9.999999747378752e-6).
 */
export function configFloat(node: GraphNode, name: string, def: number): number {
  const v = floatAttr(node, name, def);
  if (!Number.isFinite(v)) return v;
  const f = Math.fround(v);
  for (let digits = 1; digits < 17; digits++) {
    const short = Number(v.toPrecision(digits));
    if (Math.fround(short) === f) return short;
  }
  return v;
}

/** An ints attribute, or undefined. */
export function intsAttr(node: GraphNode, name: string): number[] | undefined {
  const a = node.attributes[name];
  return a?.type === 'ints' ? a.value.map(Number) : undefined;
}

/** A string attribute (default when absent). */
export function strAttr(node: GraphNode, name: string, def: string): string {
  const a = node.attributes[name];
  return a?.type === 'string' ? a.value : def;
}

const close = (a: number, b: number): boolean => Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(b));

/**
 * The Keras activation name of a unary node applied to `v` (softmax only over the axis Keras
 * calls last), or undefined when it is none Keras has.
 */
function activationOf(ctx: ExportCtx, node: GraphNode, v: KValue): string | undefined {
  switch (node.op) {
    case 'Relu':
      return 'relu';
    case 'Sigmoid':
      return 'sigmoid';
    case 'Tanh':
      return 'tanh';
    case 'Softplus':
      return 'softplus';
    case 'Softsign':
      return 'softsign';
    case 'Exp':
      return 'exponential';
    case 'Elu':
      return close(floatAttr(node, 'alpha', 1), 1) ? 'elu' : undefined;
    case 'Selu':
      return close(floatAttr(node, 'alpha', 1.6732632423543772), 1.6732632423543772) &&
        close(floatAttr(node, 'gamma', 1.0507009873554805), 1.0507009873554805)
        ? 'selu'
        : undefined;
    case 'HardSigmoid':
      // Keras 2 and TF.js: max(0, min(1, 0.2x + 0.5)), ONNX's defaults
      return close(floatAttr(node, 'alpha', 0.2), 0.2) && close(floatAttr(node, 'beta', 0.5), 0.5)
        ? 'hard_sigmoid'
        : undefined;
    case 'Softmax': {
      const rank = v.shape?.length;
      if (rank === undefined) return undefined;
      const a0 = intAttr(node, 'axis', ctx.opset >= 13 ? -1 : 1);
      const a = a0 < 0 ? a0 + rank : a0;
      // before opset 13 Softmax flattens from `axis`: one axis only when it is the last
      if (ctx.opset < 13) return a === rank - 1 && !v.cl ? 'softmax' : undefined;
      return (v.cl ? a === 1 : a === rank - 1) ? 'softmax' : undefined;
    }
    default:
      return undefined;
  }
}

/**
 * Takes the activation node after `out` into `layer` when it is the value's only use; returns
 * the value name that now stands for the layer's output and whether it is >= 0.
 */
export function fuseActivation(
  ctx: ExportCtx,
  layer: KLayer,
  out: string,
  v: KValue,
): KValue & { out: string } {
  const next = ctx.soleConsumer(out);
  const act = next === undefined ? undefined : activationOf(ctx, next, v);
  if (next === undefined || act === undefined || next.outputs[0] === undefined) return { ...v, out };
  layer.config.activation = act;
  layer.nodes.push(next.name);
  ctx.consume(next);
  return { ...v, out: next.outputs[0], nonNegative: act === 'relu' };
}

/** A rank-2, same-order value (Dense input). */
function plain2(ctx: ExportCtx, node: GraphNode, name: string): KValue {
  const v = ctx.value(name);
  if (v.cl || v.shape?.length !== 2) throw new Refusal(node, 'Dense takes a rank-2 input here');
  return v;
}

function dense(ctx: ExportCtx, node: GraphNode, x: KValue, w: string, transB: boolean, bias?: string): void {
  const kernel = ctx.tensor(w);
  if (kernel === undefined || kernel.shape.length !== 2)
    throw new Refusal(node, 'the weight is not a constant matrix');
  const units = kernel.shape[transB ? 0 : 1] as number;
  let biasName = bias;
  let out = node.outputs[0] as string;
  const layer = ctx.addLayer('Dense', { units, activation: 'linear', use_bias: false }, [x], node);
  // MatMul then Add of a constant [units] vector: the Dense bias
  if (biasName === undefined && node.op === 'MatMul') {
    const add = ctx.soleConsumer(out);
    const other = add?.op === 'Add' ? add.inputs.find((i) => i !== out) : undefined;
    const t = other === undefined ? undefined : ctx.tensor(other);
    if (add !== undefined && t !== undefined && t.shape.length === 1 && t.shape[0] === units) {
      biasName = other;
      out = add.outputs[0] as string;
      layer.nodes.push(add.name);
      ctx.consume(add);
    }
  }
  layer.weights.push(
    transB
      ? {
          weight: 'kernel',
          source: kernel,
          perm: [1, 0],
          detail: 'ONNX Gemm B [out, in] (transB) → Keras Dense kernel [in, out]',
        }
      : { weight: 'kernel', source: kernel },
  );
  if (biasName !== undefined) {
    const b = ctx.tensor(biasName);
    if (b === undefined || b.shape.reduce((n, d) => n * d, 1) !== units || b.shape.length > 2) {
      throw new Refusal(node, 'the bias is not a constant [units] vector');
    }
    layer.config.use_bias = true;
    layer.weights.push(
      b.shape.length === 1
        ? { weight: 'bias', source: b }
        : { weight: 'bias', source: b, viewShape: [units] },
    );
  }
  const shape: Dim[] = [x.shape?.[0] ?? null, units];
  const r = fuseActivation(ctx, layer, out, { layer: layer.name, cl: false, shape });
  ctx.bind(r.out, r);
}

const gemm: NodeExporter = (ctx, node) => {
  if (intAttr(node, 'transA', 0) !== 0) throw new Refusal(node, 'transA is not supported');
  if (!close(floatAttr(node, 'alpha', 1), 1) || !close(floatAttr(node, 'beta', 1), 1)) {
    throw new Refusal(node, 'alpha and beta must be 1 for Dense');
  }
  const x = plain2(ctx, node, node.inputs[0] as string);
  const c = node.inputs[2];
  dense(ctx, node, x, node.inputs[1] as string, intAttr(node, 'transB', 0) === 1, c === '' ? undefined : c);
};

const matmul: NodeExporter = (ctx, node) => {
  dense(ctx, node, plain2(ctx, node, node.inputs[0] as string), node.inputs[1] as string, false);
};

/** A unary activation not fused into a layer: an Activation layer (or ReLU, LeakyReLU). */
const unary: NodeExporter = (ctx, node) => {
  const x = ctx.value(node.inputs[0] as string);
  const act = activationOf(ctx, node, x);
  if (act === undefined) throw new Refusal(node, 'no Keras activation has these attributes');
  const layer = ctx.addLayer('Activation', { activation: act }, [x], node);
  ctx.bind(node.outputs[0] as string, { ...x, layer: layer.name, nonNegative: act === 'relu' });
};

const leaky: NodeExporter = (ctx, node) => {
  const x = ctx.value(node.inputs[0] as string);
  const layer = ctx.addLayer('LeakyReLU', { alpha: configFloat(node, 'alpha', 0.01) }, [x], node);
  ctx.bind(node.outputs[0] as string, { ...x, layer: layer.name, nonNegative: false });
};

/** Clip(0, 6) → ReLU(max_value=6); Clip(0, ∞) → ReLU. */
const clip: NodeExporter = (ctx, node) => {
  const x = ctx.value(node.inputs[0] as string);
  const bound = (i: number, attr: string, def: number): number | undefined => {
    if (ctx.opset < 11) return floatAttr(node, attr, def);
    const n = node.inputs[i];
    if (n === undefined || n === '') return def;
    const v = ctx.numbers(n);
    return v?.length === 1 ? (v[0] as number) : undefined;
  };
  const lo = bound(1, 'min', -Infinity);
  const hi = bound(2, 'max', Infinity);
  if (lo !== 0 || hi === undefined || !(hi > 0)) throw new Refusal(node, 'only Clip(0, max) is a Keras ReLU');
  const config: Record<string, JsonValue> = {
    max_value: Number.isFinite(hi) ? hi : null,
    negative_slope: 0,
    threshold: 0,
  };
  const layer = ctx.addLayer('ReLU', config, [x], node);
  ctx.bind(node.outputs[0] as string, { ...x, layer: layer.name, nonNegative: true });
};

const passThrough: NodeExporter = (ctx, node) => {
  if (node.outputs.slice(1).some((o) => o !== '' && ctx.soleConsumer(o) !== undefined)) {
    throw new Refusal(node, 'the dropout mask is used');
  }
  ctx.bind(node.outputs[0] as string, ctx.value(node.inputs[0] as string));
};

function sameShapes(a: readonly Dim[] | undefined, b: readonly Dim[] | undefined): boolean {
  if (a === undefined || b === undefined || a.length !== b.length) return false;
  return a.every((d, i) => i === 0 || (d !== null && d === b[i]));
}

function merge(className: string, variadic: boolean): NodeExporter {
  return (ctx, node) => {
    if (
      node.inputs.length < 2 ||
      (!variadic && node.inputs.length !== 2) ||
      !node.inputs.every((i) => ctx.isValue(i))
    ) {
      throw new Refusal(
        node,
        `${className} takes ${variadic ? 'two or more' : 'two'} layer outputs (no constants)`,
      );
    }
    const xs = node.inputs.map((i) => ctx.value(i));
    const first = xs[0] as KValue;
    if (!xs.every((v) => v.cl === first.cl && sameShapes(v.shape, first.shape))) {
      throw new Refusal(node, `${className} needs inputs of one known shape (Keras merges do not broadcast)`);
    }
    const layer = ctx.addLayer(className, {}, xs, node);
    const nonNegative = className === 'Maximum' && xs.some((v) => v.nonNegative === true);
    ctx.bind(node.outputs[0] as string, {
      layer: layer.name,
      cl: first.cl,
      shape: ctx.shape(node.outputs[0] as string) ?? first.shape ?? [],
      nonNegative,
    });
  };
}

const concat: NodeExporter = (ctx, node) => {
  if (!node.inputs.every((i) => ctx.isValue(i)))
    throw new Refusal(node, 'Concatenate takes layer outputs only');
  const xs = node.inputs.map((i) => ctx.value(i));
  const first = xs[0] as KValue;
  const rank = first.shape?.length;
  if (rank === undefined || !xs.every((v) => v.cl === first.cl && v.shape?.length === rank)) {
    throw new Refusal(node, 'inputs of unknown or different ranks');
  }
  const a0 = intAttr(node, 'axis', 1);
  const a = a0 < 0 ? a0 + rank : a0;
  if (a === 0) throw new Refusal(node, 'Keras does not concatenate along the batch axis');
  const axis = first.cl ? (a === 1 ? -1 : a - 1) : a === rank - 1 ? -1 : a;
  const layer = ctx.addLayer('Concatenate', { axis }, xs, node);
  ctx.bind(node.outputs[0] as string, {
    layer: layer.name,
    cl: first.cl,
    shape: ctx.shape(node.outputs[0] as string) ?? [],
  });
};

/** Flattening `x` into `out` ([N, everything]): ONNX's C-order of an NCHW map. */
function flattenTo(ctx: ExportCtx, node: GraphNode, x: KValue, out: string): void {
  const shape = ctx.shape(out) ?? [x.shape?.[0] ?? null, null];
  const rank = x.shape?.length;
  if (rank === undefined) throw new Refusal(node, 'unknown input rank');
  if (rank === 2 && !x.cl) {
    ctx.bind(out, x);
    return;
  }
  const spatialOnes = x.shape?.slice(2).every((d) => d === 1) === true;
  // A global pool flattened right away: the pool without keepdims
  const input = node.inputs[0] as string;
  if (x.pooled === input && ctx.soleConsumer(input) === node) {
    const producer = ctx.layer(x.layer);
    producer.config.keepdims = false;
    producer.nodes.push(node.name);
    ctx.bind(out, { layer: producer.name, cl: false, shape });
    return;
  }
  let src = x;
  if (!spatialOnes) {
    // Keras Permute dims leave out the batch axis: N,H,W,C → N,C,H,W is (3, 1, 2)
    const dims = [rank - 1, ...Array.from({ length: rank - 2 }, (_, i) => i + 1)];
    const p = ctx.addLayer('Permute', { dims }, [x], node);
    src = { layer: p.name, cl: false };
  }
  const f = ctx.addLayer('Flatten', { data_format: 'channels_last' }, [src], node);
  ctx.bind(out, {
    layer: f.name,
    cl: false,
    shape,
    ...(x.nonNegative === true ? { nonNegative: true } : {}),
  });
}

const flatten: NodeExporter = (ctx, node) => {
  if (intAttr(node, 'axis', 1) !== 1) throw new Refusal(node, 'only Flatten(axis=1) keeps the batch axis');
  flattenTo(ctx, node, ctx.value(node.inputs[0] as string), node.outputs[0] as string);
};

/** Reshape to [N, -1]-like rank 2 keeping the batch: a Flatten. */
const reshape: NodeExporter = (ctx, node) => {
  const x = ctx.value(node.inputs[0] as string);
  const out = ctx.shape(node.outputs[0] as string);
  const target = ctx.numbers(node.inputs[1] as string);
  const n = x.shape?.[0];
  if (target === undefined || out?.length !== 2 || n === undefined || n === null || out[0] !== n) {
    throw new Refusal(
      node,
      'only a Reshape that flattens all but the batch axis has a Keras equivalent here',
    );
  }
  flattenTo(ctx, node, x, node.outputs[0] as string);
};

/** The converters of this file, by ONNX op. */
export const DENSE_EXPORTERS: Readonly<Record<string, NodeExporter>> = {
  Gemm: gemm,
  MatMul: matmul,
  Relu: unary,
  Sigmoid: unary,
  Tanh: unary,
  Softplus: unary,
  Softsign: unary,
  Exp: unary,
  Elu: unary,
  Selu: unary,
  HardSigmoid: unary,
  Softmax: unary,
  LeakyRelu: leaky,
  Clip: clip,
  Dropout: passThrough,
  Identity: passThrough,
  Add: merge('Add', true),
  Sum: merge('Add', true),
  Sub: merge('Subtract', false),
  Mul: merge('Multiply', true),
  Max: merge('Maximum', true),
  Min: merge('Minimum', true),
  Concat: concat,
  Flatten: flatten,
  Reshape: reshape,
};
