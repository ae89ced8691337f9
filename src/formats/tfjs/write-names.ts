/**
 * Which tensors a TF.js layers-model gets and under which manifest names. tfjs-layers'
 * `Container.loadWeights` finds each variable by its `originalName`, the layer's name scope plus
 * the weight's own name (`dense_Dense1/kernel`, `bidirectional_1/forward_lstm_4/kernel`), so the
 * manifest must use exactly those names.
 *
 * - Read from TF.js: the manifest's tensors (those with `meta.tfjs`) under their own names; what
 *   the graph translation added is left out.
 * - Read from a legacy Keras HDF5 file: each listed weight, its name cut to start at its layer's
 *   name (Keras 3 prefixes the model's name: `sequential_2/dense_6/kernel` → `dense_6/kernel`)
 *   and any `:0` suffix dropped.
 * - Read from Keras 3 (`layers/dense/vars/0`): the variables are numbered, so the names come from
 *   the layer's class and config (WEIGHT_NAMES); a class not listed there is refused.
 * - Anything else: every tensor under its own name.
 */
import { NnportError } from '../../core/errors.js';
import type { JsonValue, Model } from '../../core/model.js';
import type { Tensor } from '../../core/tensor.js';

/** One tensor of the manifest. */
export interface NamedTensor {
  readonly name: string;
  readonly tensor: Tensor;
}

type JsonObject = { readonly [key: string]: JsonValue };

function isObject(v: JsonValue | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function refuse(detail: string, tensor?: string): NnportError {
  return new NnportError('UNREPRESENTABLE', detail, {
    format: 'tfjs',
    ...(tensor === undefined ? {} : { at: { tensor } }),
  });
}

/** Whether a config flag is on (absent means on, as Keras defaults these flags). */
function on(config: JsonObject, key: string): boolean {
  return config[key] !== false;
}

/**
 * Weight names tfjs-layers gives each class's variables, in Keras's variable order, from the
 * layer's config (a bias only with `use_bias`, BatchNormalization's gamma/beta with scale/center).
 */
const WEIGHT_NAMES: ReadonlyMap<string, (c: JsonObject) => string[]> = new Map([
  ...['Dense', 'Conv1D', 'Conv2D', 'Conv3D', 'Conv2DTranspose', 'Conv3DTranspose'].map(
    (k) => [k, (c: JsonObject) => (on(c, 'use_bias') ? ['kernel', 'bias'] : ['kernel'])] as const,
  ),
  ['DepthwiseConv2D', (c) => (on(c, 'use_bias') ? ['depthwise_kernel', 'bias'] : ['depthwise_kernel'])],
  ...['SeparableConv1D', 'SeparableConv2D'].map(
    (k) =>
      [
        k,
        (c: JsonObject) => ['depthwise_kernel', 'pointwise_kernel', ...(on(c, 'use_bias') ? ['bias'] : [])],
      ] as const,
  ),
  ...['LSTM', 'GRU', 'SimpleRNN'].map(
    (k) =>
      [k, (c: JsonObject) => ['kernel', 'recurrent_kernel', ...(on(c, 'use_bias') ? ['bias'] : [])]] as const,
  ),
  ['Embedding', () => ['embeddings']],
  [
    'BatchNormalization',
    (c) => [
      ...(on(c, 'scale') ? ['gamma'] : []),
      ...(on(c, 'center') ? ['beta'] : []),
      'moving_mean',
      'moving_variance',
    ],
  ],
  ['LayerNormalization', (c) => [...(on(c, 'scale') ? ['gamma'] : []), ...(on(c, 'center') ? ['beta'] : [])]],
]);

/** Every `{class_name, config: {name}}` in a Keras config, by layer name (nested models too). */
function layerClasses(
  config: JsonValue | undefined,
  out = new Map<string, JsonObject>(),
): Map<string, JsonObject> {
  if (Array.isArray(config)) {
    for (const v of config) layerClasses(v, out);
  } else if (isObject(config)) {
    const c = config.config;
    if (
      typeof config.class_name === 'string' &&
      isObject(c) &&
      typeof c.name === 'string' &&
      !out.has(c.name)
    ) {
      out.set(c.name, config);
    }
    for (const v of Object.values(config)) layerClasses(v, out);
  }
  return out;
}

/** A legacy Keras weight name as tfjs-layers names the variable: from the layer's name on, no `:0`. */
function legacyName(layer: string, stored: string): string {
  const name = stored.replace(/:\d+$/, '');
  if (name.startsWith(`${layer}/`)) return name;
  const at = name.indexOf(`/${layer}/`);
  return at >= 0 ? name.slice(at + 1) : `${layer}/${name}`;
}

function fromKeras(model: Model, keras: JsonObject): NamedTensor[] {
  const byName = new Map(model.tensors.map((t) => [t.name, t]));
  const classes = layerClasses(keras.modelConfig);
  const out: NamedTensor[] = [];
  for (const entry of keras.layers as readonly JsonValue[]) {
    if (!isObject(entry) || typeof entry.name !== 'string' || !Array.isArray(entry.weights)) {
      throw refuse('metadata.keras.layers is not a list of {name, weights}');
    }
    const layer = entry.name;
    const weights = entry.weights.filter((w): w is string => typeof w === 'string');
    const numbered = weights.length > 0 && weights.every((w) => /\/vars\/\d+$/.test(w));
    let names: string[];
    if (numbered) {
      const cls = classes.get(layer);
      const className = typeof cls?.class_name === 'string' ? cls.class_name : undefined;
      const rule = className === undefined ? undefined : WEIGHT_NAMES.get(className);
      const config = cls !== undefined && isObject(cls.config) ? cls.config : {};
      const own = rule?.(config);
      if (own === undefined || own.length !== weights.length) {
        throw refuse(
          `layer ${JSON.stringify(layer)} (${className ?? 'class unknown'}) has ${weights.length} numbered Keras 3 variables; nnport does not know the names tfjs-layers gives them`,
          weights[0],
        );
      }
      names = own.map((w) => `${layer}/${w}`);
    } else {
      names = weights.map((w) => legacyName(layer, w));
    }
    weights.forEach((w, i) => {
      const tensor = byName.get(w);
      if (tensor === undefined)
        throw refuse(`layer ${JSON.stringify(layer)} lists weight ${w}, which is not among the tensors`, w);
      out.push({ name: names[i] as string, tensor });
    });
  }
  return out;
}

/** The tensors to write and their manifest names; UNREPRESENTABLE for a name used twice. */
export function planTfjsNames(model: Model): NamedTensor[] {
  const keras = model.metadata.keras;
  let out: NamedTensor[];
  if (isObject(model.metadata.tfjs) && keras === undefined) {
    out = model.tensors.filter((t) => isObject(t.meta?.tfjs)).map((t) => ({ name: t.name, tensor: t }));
  } else if (isObject(keras) && Array.isArray(keras.layers)) {
    out = fromKeras(model, keras);
  } else {
    out = model.tensors.map((t) => ({ name: t.name, tensor: t }));
  }
  const seen = new Set<string>();
  for (const n of out) {
    if (seen.has(n.name))
      throw refuse(`two weights would both be named ${JSON.stringify(n.name)}`, n.tensor.name);
    seen.add(n.name);
  }
  return out;
}
