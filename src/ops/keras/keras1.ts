/**
 * Keras 1 model configs → the Keras 2 spelling the graph importer reads. Keras 1 (2015–2017)
 * named layers and arguments differently (`Convolution2D(nb_filter, nb_row, nb_col,
 * border_mode, subsample, dim_ordering)`, `Dense(output_dim)`, `Dropout(p)`, one `Merge` layer
 * with a `mode`); Keras 2's own loader renamed them on load (keras/legacy/interfaces.py). Doing
 * the same here keeps one importer for every version. Layers Keras 2 dropped or that mean
 * something else (MaxoutDense, Highway, BatchNormalization modes 1 and 2, Merge with a lambda or
 * `cos`, Theano's Deconvolution2D) keep a class name no importer knows, so they stay
 * `keras`-domain nodes. The weights are upgraded separately (keras1-weights.ts). See
 * docs/formats/keras1.md.
 */
import type { JsonValue } from '../../core/model.js';
import { isObject, type JsonObject } from './config.js';

/** Keras 1 argument names → Keras 2, for every layer (absent keys are skipped). */
const COMMON: Readonly<Record<string, string>> = {
  input_dtype: 'dtype',
  init: 'kernel_initializer',
  inner_init: 'recurrent_initializer',
  W_regularizer: 'kernel_regularizer',
  U_regularizer: 'recurrent_regularizer',
  b_regularizer: 'bias_regularizer',
  W_constraint: 'kernel_constraint',
  U_constraint: 'recurrent_constraint',
  b_constraint: 'bias_constraint',
  bias: 'use_bias',
  border_mode: 'padding',
  dim_ordering: 'data_format',
  nb_filter: 'filters',
  atrous_rate: 'dilation_rate',
};

/** Per-class renames on top of COMMON. */
const BY_CLASS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  Dense: { output_dim: 'units' },
  Dropout: { p: 'rate' },
  SpatialDropout1D: { p: 'rate' },
  SpatialDropout2D: { p: 'rate' },
  SpatialDropout3D: { p: 'rate' },
  GaussianDropout: { p: 'rate' },
  GaussianNoise: { sigma: 'stddev' },
  Embedding: {
    init: 'embeddings_initializer',
    W_regularizer: 'embeddings_regularizer',
    W_constraint: 'embeddings_constraint',
  },
  Conv1D: { filter_length: 'kernel_size', subsample_length: 'strides' },
  Conv2D: { subsample: 'strides' },
  Conv3D: { subsample: 'strides' },
  SeparableConv2D: { subsample: 'strides' },
  MaxPooling1D: { pool_length: 'pool_size', stride: 'strides' },
  AveragePooling1D: { pool_length: 'pool_size', stride: 'strides' },
  UpSampling1D: { length: 'size' },
  PReLU: { init: 'alpha_initializer' },
  BatchNormalization: { beta_init: 'beta_initializer', gamma_init: 'gamma_initializer' },
  LSTM: {},
  GRU: {},
  SimpleRNN: {},
};

/** Recurrent renames (Keras 2 `implementation` numbers for Keras 1 `consume_less`). */
const RECURRENT: Readonly<Record<string, string>> = {
  output_dim: 'units',
  inner_activation: 'recurrent_activation',
  dropout_W: 'dropout',
  dropout_U: 'recurrent_dropout',
  forget_bias_init: 'unit_forget_bias',
  consume_less: 'implementation',
};

/** Keras 1 class names → Keras 2. */
const CLASSES: Readonly<Record<string, string>> = {
  Convolution1D: 'Conv1D',
  AtrousConvolution1D: 'Conv1D',
  Convolution2D: 'Conv2D',
  AtrousConvolution2D: 'Conv2D',
  Convolution3D: 'Conv3D',
  SeparableConvolution2D: 'SeparableConv2D',
};

/** Merge modes → the Keras 2 merge layer class (`dot` needs a Dot importer; `cos` has none). */
const MERGE: Readonly<Record<string, string>> = {
  sum: 'Add',
  mul: 'Multiply',
  concat: 'Concatenate',
  ave: 'Average',
  max: 'Maximum',
  dot: 'Dot',
};

/** Argument values that are spelled differently in Keras 2. */
function dataFormat(v: JsonValue): JsonValue {
  return v === 'th' ? 'channels_first' : v === 'tf' || v === 'default' ? 'channels_last' : v;
}

/** Keras 1 spellings that Keras 2 never wrote: config keys (any class) and class names. */
const KERAS1_KEYS = [
  'nb_filter',
  'border_mode',
  'dim_ordering',
  'input_dtype',
  'consume_less',
  'inner_activation',
  'pool_length',
  'W_regularizer',
];
const KERAS1_CLASSES = new Set([
  ...Object.keys(CLASSES),
  'Merge',
  'MaxoutDense',
  'Highway',
  'Deconvolution2D',
  'TimeDistributedDense',
]);

/** Every layer entry of a model config (Sequential list or functional `layers`), wrappers included. */
function layerEntries(model: JsonValue): JsonObject[] {
  if (!isObject(model)) return [];
  const body = model.config;
  const list = Array.isArray(body) ? body : isObject(body) && Array.isArray(body.layers) ? body.layers : [];
  const out: JsonObject[] = [];
  for (const l of list) {
    if (!isObject(l)) continue;
    out.push(l);
    if (isObject(l.config) && isObject(l.config.layer)) out.push(l.config.layer);
  }
  return out;
}

/**
 * Whether a model is Keras 1's: its `keras_version` starts with "1.", or it has none (Keras 1
 * before 1.2 wrote none; Keras 2 loaded such files as Keras 1 too) and uses Keras 1 spellings.
 */
export function isKeras1(version: string, config: JsonValue): boolean {
  if (/^1\./.test(version)) return true;
  if (version !== '') return false;
  return layerEntries(config).some(
    (l) =>
      (typeof l.class_name === 'string' && KERAS1_CLASSES.has(l.class_name)) ||
      (isObject(l.config) && KERAS1_KEYS.some((k) => (l.config as JsonObject)[k] !== undefined)),
  );
}

/** The Keras 2 (class, config) of one Keras 1 layer. */
export function upgradeLayer(
  className: string,
  config: JsonObject,
  backend = '',
): { className: string; config: JsonObject } {
  if (className === 'Merge') return upgradeMerge(config);
  if (className === 'Deconvolution2D') return upgradeDeconv(config, backend);
  if (className === 'BatchNormalization') {
    const mode = typeof config.mode === 'number' ? config.mode : 0;
    // Modes 1 (per sample) and 2 (batch statistics at inference) are not Keras 2's layer.
    if (mode !== 0) return { className: `BatchNormalization_mode${mode}`, config };
  }
  if (className === 'SeparableConvolution2D' && config.dim_ordering === 'th') {
    // Keras 1 only ran it on TensorFlow; a channels-first kernel layout is not known: kept.
    return { className, config };
  }
  const cls = CLASSES[className] ?? className;
  const renames: Record<string, string> = { ...COMMON, ...(BY_CLASS[cls] ?? {}) };
  const rnn = cls === 'LSTM' || cls === 'GRU' || cls === 'SimpleRNN';
  if (rnn) Object.assign(renames, RECURRENT);
  const out: Record<string, JsonValue> = {};
  for (const [k, v] of Object.entries(config)) {
    if (k === 'nb_row' || k === 'nb_col' || /^kernel_dim\d$/.test(k)) continue;
    const to = renames[k] ?? k;
    if (to === 'data_format') out[to] = dataFormat(v);
    else if (to === 'implementation') out[to] = v === 'gpu' ? 2 : v === 'mem' ? 1 : 0;
    else if (to === 'unit_forget_bias') out[to] = v === 'one';
    else out[to] = v;
  }
  if (config.nb_row !== undefined) out.kernel_size = [config.nb_row, config.nb_col ?? config.nb_row];
  if (config.kernel_dim1 !== undefined)
    out.kernel_size = [config.kernel_dim1, config.kernel_dim2 ?? null, config.kernel_dim3 ?? null];
  if (cls === 'BatchNormalization') {
    out.center = true;
    out.scale = true;
  }
  if (cls === 'ZeroPadding2D') out.padding = zeroPadding2d(config.padding);
  if (
    isObject(config.layer) &&
    typeof config.layer.class_name === 'string' &&
    isObject(config.layer.config)
  ) {
    const inner = upgradeLayer(config.layer.class_name, config.layer.config, backend);
    out.layer = { class_name: inner.className, config: inner.config };
  }
  if (out.batch_input_shape === undefined) {
    // Keras 1 let the first layer declare only `input_dim` (and `input_length` for sequences).
    const dim = config.input_dim;
    const seq = rnn || cls === 'Conv1D' || config.input_length !== undefined;
    if (typeof dim === 'number' && cls !== 'Embedding')
      out.batch_input_shape = seq ? [null, config.input_length ?? null, dim] : [null, dim];
  }
  return { className: cls, config: out };
}

/** Keras 1 ZeroPadding2D: (rows, cols) symmetric, a 4-tuple (top, bottom, left, right) or a dict. */
function zeroPadding2d(p: JsonValue | undefined): JsonValue {
  if (Array.isArray(p) && p.length === 4)
    return [
      [p[0] ?? 0, p[1] ?? 0],
      [p[2] ?? 0, p[3] ?? 0],
    ];
  if (isObject(p))
    return [
      [p.top_pad ?? 0, p.bottom_pad ?? 0],
      [p.left_pad ?? 0, p.right_pad ?? 0],
    ];
  return p ?? [1, 1];
}

/**
 * Deconvolution2D → Conv2DTranspose. Keras 1 states the output size (`output_shape`); TensorFlow
 * accepts several sizes per input size (up to stride − 1 more), which Keras 2 spells as
 * `output_padding`: (out − k) mod stride for `valid`, out − (⌈out/stride⌉ − 1)·stride − k +
 * 2·⌊k/2⌋ for `same`. A size no `output_padding` reaches, and Theano's deconvolution (its own
 * padding rules), are kept.
 */
function upgradeDeconv(config: JsonObject, backend: string): { className: string; config: JsonObject } {
  const keep = { className: 'Deconvolution2D', config };
  if (backend === 'theano') return keep;
  const th = config.dim_ordering === 'th';
  const shape = Array.isArray(config.output_shape) ? config.output_shape : [];
  const sizes = th ? shape.slice(2, 4) : shape.slice(1, 3);
  const k = [config.nb_row, config.nb_col];
  const s = Array.isArray(config.subsample) ? config.subsample : [1, 1];
  const same = config.border_mode === 'same';
  const pads: number[] = [];
  for (let i = 0; i < 2; i++) {
    const out = sizes[i];
    const ki = k[i];
    const si = s[i];
    if (typeof out !== 'number' || typeof ki !== 'number' || typeof si !== 'number') break;
    const p = same ? out - (Math.ceil(out / si) - 1) * si - ki + 2 * Math.floor(ki / 2) : (out - ki) % si;
    if (!(p >= 0 && p < si)) return keep;
    pads.push(p);
  }
  const { output_shape: _, ...rest } = config;
  const up = upgradeLayer('Convolution2D', rest, backend).config;
  const out: Record<string, JsonValue> = { ...up };
  if (pads.length === 2) out.output_padding = pads;
  return { className: 'Conv2DTranspose', config: out };
}

function upgradeMerge(config: JsonObject): { className: string; config: JsonObject } {
  const mode = config.mode;
  const cls = typeof mode === 'string' && config.mode_type !== 'lambda' ? MERGE[mode] : undefined;
  // A lambda mode, `cos`, or a Sequential-style Merge of sub-models (`layers`) is kept.
  if (cls === undefined || config.layers !== undefined) return { className: 'Merge', config };
  const out: Record<string, JsonValue> = { name: config.name ?? null, trainable: config.trainable ?? true };
  if (cls === 'Concatenate') out.axis = typeof config.concat_axis === 'number' ? config.concat_axis : -1;
  if (cls === 'Dot') out.axes = config.dot_axes ?? -1;
  return { className: cls, config: out };
}

/** A Keras 1 model config in Keras 2 spelling; the structure (list or `layers`, inbound nodes) stays. */
export function upgradeKeras1Config(model: JsonValue, backend = ''): JsonValue {
  if (!isObject(model)) return model;
  const up = (l: JsonValue): JsonValue => {
    if (!isObject(l) || typeof l.class_name !== 'string' || !isObject(l.config)) return l;
    const { className, config } = upgradeLayer(l.class_name, l.config, backend);
    return { ...l, class_name: className, config };
  };
  const body = model.config;
  if (Array.isArray(body)) return { ...model, config: body.map(up) };
  if (isObject(body) && Array.isArray(body.layers))
    return { ...model, config: { ...body, layers: body.layers.map(up) } };
  return model;
}
