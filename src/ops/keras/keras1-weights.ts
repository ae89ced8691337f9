/**
 * Keras 1 layer weights → the Keras 2 weights the importers expect, as graph nodes on the stored
 * tensors (which stay initializers bit for bit). Keras 2's loader did the same conversions on the
 * arrays (`preprocess_weights_for_loading`):
 * - LSTM's 12 arrays (W, U, b per gate, gates i, c, f, o) and GRU's 9 (z, r, h) become one
 *   kernel, recurrent kernel and bias each: Concat nodes, LSTM gates put in Keras 2's i, f, c, o;
 * - channels-first (`th`) conv kernels [out, in, k…] become [k…, in, out]: a Transpose node;
 *   Keras 1.2's Convolution1D kernel [k, 1, in, out] loses its axis 1 (Keras 1.1's [out, in, k, 1]
 *   is transposed first);
 * - kernels trained on Theano are flipped on every spatial axis: Theano convolves (the kernel
 *   reversed), TensorFlow and ONNX correlate. A Slice with step -1 per spatial axis;
 * - BatchNormalization's `running_std`: a variance from Keras 1.0.6 on (the name is historical),
 *   used as Keras 2's moving variance; before, a standard deviation σ used as (x − μ)/(σ + ε),
 *   which is the variance (σ + ε)² − ε under Keras 2's (x − μ)/√(v + ε): Add/Mul/Sub nodes;
 * - Deconvolution2D kernels [r, c, in, out] (`tf`) or [out, in, r, c] (`th`) become Keras 2's
 *   [r, c, out, in]: a Transpose node;
 * - Bidirectional holds the forward layer's arrays, then the backward's; TimeDistributed its inner
 *   layer's: each converted as that layer's.
 * The upgraded weights are values the nodes make (no data of their own: nothing reads it).
 */
import { NnportError } from '../../core/errors.js';
import type { JsonValue } from '../../core/model.js';
import type { Tensor } from '../../core/tensor.js';
import { isObject, type JsonObject, type KerasLayer } from './config.js';
import { attr, type KerasServices, LayerContext, WEIGHT_ERRORS } from './context.js';
import { upgradeLayer } from './keras1.js';

/** Rewrites one layer's stored weights (already declared initializers) into Keras 2's. */
export type WeightAdapter = (layer: string, stored: Tensor[], b: KerasServices) => Tensor[];

/** What the adapter needs of the original file. */
export interface Keras1Source {
  /** The Keras 1 model config as stored (layer classes and configs by name). */
  readonly config: JsonValue;
  /** `backend` of the file (`theano` flips conv kernels). */
  readonly backend: string;
  /** `keras_version` ('' when absent). */
  readonly version: string;
}

const NO_DATA = {
  byteLength: 0,
  read(): Promise<Uint8Array> {
    return Promise.reject(
      new NnportError('INVALID_STRUCTURE', 'an upgraded Keras 1 weight is a graph value'),
    );
  },
};

/** A value the adapter's nodes make, typed like a tensor for the importers. */
function value(name: string, like: Tensor, shape: readonly number[]): Tensor {
  return { name, dtype: like.dtype, shape, data: NO_DATA };
}

/** Keras 1 layers by name (wrappers' inner layers under the wrapper's name). */
function layersByName(config: JsonValue): Map<string, KerasLayer> {
  const out = new Map<string, KerasLayer>();
  const body = isObject(config) ? config.config : undefined;
  const list = Array.isArray(body) ? body : isObject(body) && Array.isArray(body.layers) ? body.layers : [];
  for (const l of list) {
    if (!isObject(l) || typeof l.class_name !== 'string' || !isObject(l.config)) continue;
    const name = typeof l.config.name === 'string' ? l.config.name : typeof l.name === 'string' ? l.name : '';
    out.set(name, { name, className: l.class_name, config: l.config });
  }
  return out;
}

/** Whether this version's BatchNormalization stored a standard deviation (1.0.0 – 1.0.5). */
function bnStoresStd(version: string): boolean {
  const m = /^1\.0\.(\d+)/.exec(version);
  return m !== null && Number(m[1]) <= 5;
}

class Converter {
  readonly ctx: LayerContext;
  constructor(
    layer: KerasLayer,
    readonly b: KerasServices,
  ) {
    this.ctx = new LayerContext(layer, [], [], b);
  }

  fail(detail: string): never {
    const e = this.ctx.error(detail);
    WEIGHT_ERRORS.add(e);
    throw e;
  }

  /** Concat of `parts` on the last axis, as a value named `<layer>/<suffix>`. */
  concat(parts: readonly Tensor[], suffix: string): Tensor {
    const first = parts[0] as Tensor;
    const rank = first.shape.length;
    const lead = first.shape.slice(0, -1);
    for (const p of parts)
      if (p.shape.length !== rank || p.shape.slice(0, -1).some((d, i) => d !== lead[i]))
        this.fail(`weight '${p.name}' has shape [${p.shape.join(', ')}], unlike '${first.name}'`);
    const total = parts.reduce((n, p) => n + (p.shape.at(-1) ?? 0), 0);
    const name = this.ctx.emit(
      'Concat',
      parts.map((p) => p.name),
      { axis: attr(-1) },
      this.b.unique(`${this.ctx.layer.name}/${suffix}`),
    );
    return value(name, first, [...lead, total]);
  }

  transpose(t: Tensor, perm: readonly number[]): Tensor {
    const name = this.ctx.emit('Transpose', [t.name], { perm: attr(perm) });
    return value(
      name,
      t,
      perm.map((p) => t.shape[p] as number),
    );
  }

  /** Reverses axes `axes` (Theano's convolution = correlation with the reversed kernel). */
  flip(t: Tensor, axes: readonly number[]): Tensor {
    const n = axes.length;
    const name = this.ctx.emit('Slice', [
      t.name,
      this.ctx.int64('flip_starts', Array<number>(n).fill(-1)),
      this.ctx.int64('flip_ends', Array<number>(n).fill(Number.MIN_SAFE_INTEGER)),
      this.ctx.int64('flip_axes', axes),
      this.ctx.int64('flip_steps', Array<number>(n).fill(-1)),
    ]);
    return value(name, t, t.shape);
  }

  squeeze(t: Tensor, axis: number): Tensor {
    const name = this.ctx.emit('Squeeze', [t.name, this.ctx.int64('axis', [axis])]);
    return value(
      name,
      t,
      t.shape.filter((_, i) => i !== axis),
    );
  }
}

/** LSTM (12 → 3, gates i, f, c, o) or GRU (9 → 3) of one direction; other counts as they are. */
function recurrent(c: Converter, cls: string, ws: Tensor[], prefix: string): Tensor[] {
  const order =
    cls === 'LSTM' && ws.length === 12
      ? [0, 2, 1, 3]
      : cls === 'GRU' && ws.length === 9
        ? [0, 1, 2]
        : undefined;
  if (order === undefined) return ws;
  const pick = (k: number) => order.map((g) => ws[g * 3 + k] as Tensor);
  return [
    c.concat(pick(0), `${prefix}kernel`),
    c.concat(pick(1), `${prefix}recurrent_kernel`),
    c.concat(pick(2), `${prefix}bias`),
  ];
}

function conv(c: Converter, cls: string, config: JsonObject, ws: Tensor[], theano: boolean): Tensor[] {
  let w = ws[0];
  if (w === undefined) return ws;
  const n = cls.includes('1D') ? 1 : cls.includes('3D') ? 3 : 2;
  if (n === 1) {
    // Keras 1.2's [k, 1, in, out] → [k, in, out]; anything else of rank 4 is Keras 1.1's
    // [out, in, k, 1], first transposed to [k, 1, in, out] (as Keras 2's loader tells them apart)
    if (w.shape.length !== 4) c.fail(`kernel '${w.name}' has rank ${w.shape.length}, not 4`);
    const k2 = w.shape[0] === config.filter_length && w.shape[1] === 1 && w.shape[3] === config.nb_filter;
    if (!k2) w = c.transpose(w, [2, 3, 1, 0]);
    w = c.squeeze(w, 1);
  } else if (config.dim_ordering === 'th') {
    if (w.shape.length !== n + 2) c.fail(`kernel '${w.name}' has rank ${w.shape.length}, not ${n + 2}`);
    w = c.transpose(w, [...Array.from({ length: n }, (_, i) => i + 2), 1, 0]);
  }
  if (theano)
    w = c.flip(
      w,
      Array.from({ length: n }, (_, i) => i),
    );
  return [w, ...ws.slice(1)];
}

function batchNorm(c: Converter, config: JsonObject, ws: Tensor[]): Tensor[] {
  const std = ws[3];
  if (std === undefined) return ws;
  const eps = typeof config.epsilon === 'number' ? config.epsilon : 1e-6;
  const e = c.ctx.floats('eps', [], [eps]);
  const s = c.ctx.emit('Add', [std.name, e]);
  const sq = c.ctx.emit('Mul', [s, s]);
  const v = c.ctx.emit('Sub', [sq, e], {}, c.b.unique(`${c.ctx.layer.name}/moving_variance`));
  return [...ws.slice(0, 3), value(v, std, std.shape)];
}

const CONVS = new Set([
  'Convolution1D',
  'AtrousConvolution1D',
  'Convolution2D',
  'AtrousConvolution2D',
  'Convolution3D',
]);

/** The adapter for a Keras 1 file (see the module comment). */
export function keras1Weights(source: Keras1Source): WeightAdapter {
  const layers = layersByName(source.config);
  const theano = source.backend === 'theano';
  // A shared layer (called more than once) converts its weights once.
  const done = new Map<string, Tensor[]>();
  return (name, stored, b) => {
    const seen = done.get(name);
    if (seen !== undefined) return seen;
    const out = convert(name, stored, b);
    done.set(name, out);
    return out;
  };
  function convert(name: string, stored: Tensor[], b: KerasServices): Tensor[] {
    const layer = layers.get(name);
    if (layer === undefined || stored.length === 0) return stored;
    return convertAs(new Converter(layer, b), layer.className, layer.config, stored);
  }
  function convertAs(c: Converter, cls: string, config: JsonObject, stored: Tensor[]): Tensor[] {
    if (CONVS.has(cls)) return conv(c, cls, config, stored, theano);
    if (cls === 'Deconvolution2D' && upgradeLayer(cls, config, source.backend).className !== cls) {
      // [r, c, in, out] (tf) or [out, in, r, c] (th) → Keras 2's [r, c, out, in]
      const w = stored[0] as Tensor;
      const perm = config.dim_ordering === 'th' ? [2, 3, 0, 1] : [0, 1, 3, 2];
      if (w.shape.length !== 4) c.fail(`kernel '${w.name}' has rank ${w.shape.length}, not 4`);
      return [c.transpose(w, perm), ...stored.slice(1)];
    }
    if (cls === 'LSTM' || cls === 'GRU') return recurrent(c, cls, stored, '');
    if (cls === 'BatchNormalization' && bnStoresStd(source.version) && (config.mode ?? 0) === 0)
      return batchNorm(c, config, stored);
    const inner = config.layer;
    if (!isObject(inner) || typeof inner.class_name !== 'string' || !isObject(inner.config)) return stored;
    // TimeDistributed holds its inner layer's weights as they are; Bidirectional forward's, then backward's
    if (cls === 'TimeDistributed') return convertAs(c, inner.class_name, inner.config, stored);
    if (cls === 'Bidirectional' && stored.length % 2 === 0) {
      const half = stored.length / 2;
      return [
        ...recurrent(c, inner.class_name, stored.slice(0, half), 'forward_'),
        ...recurrent(c, inner.class_name, stored.slice(half), 'backward_'),
      ];
    }
    return stored;
  }
}
