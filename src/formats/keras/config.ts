/**
 * Facts nnport takes from a Keras model config (the JSON `model.to_json()` writes) without
 * interpreting layers: the Lambda layers' serialized functions, for display only (they are never
 * run), and the top-level layers in order, to match Keras 3 weight-file groups to layer names.
 */
import type { JsonValue } from '../../core/model.js';

type JsonObject = { readonly [key: string]: JsonValue };

function isObject(v: JsonValue | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Lambda layers anywhere in the config (inside wrappers and nested models too): layer name →
 * the function as Keras serialized it. Keras 2 stores `function` as a string (base64 of marshalled
 * bytecode, or source for `function_type: "raw"`) or as `[code, defaults, closure]`; Keras 3 as
 * `{class_name: "__lambda__", config: {code, …}}`. The text is shown as is, never decoded or run.
 */
export function findLambdas(config: JsonValue | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  const visit = (v: JsonValue, depth: number): void => {
    if (depth > 256) return;
    if (Array.isArray(v)) {
      for (const item of v) visit(item, depth + 1);
      return;
    }
    if (!isObject(v)) return;
    const inner = v.config;
    if (v.class_name === 'Lambda' && isObject(inner)) {
      const name =
        typeof inner.name === 'string' ? inner.name : typeof v.name === 'string' ? v.name : 'lambda';
      out[uniqueKey(out, name)] = functionText(inner.function);
    }
    for (const child of Object.values(v)) visit(child, depth + 1);
  };
  if (config !== undefined) visit(config, 0);
  return out;
}

function uniqueKey(record: Record<string, string>, name: string): string {
  if (!(name in record)) return name;
  let i = 2;
  while (`${name}#${i}` in record) i++;
  return `${name}#${i}`;
}

function functionText(fn: JsonValue | undefined): string {
  if (typeof fn === 'string') return fn;
  if (Array.isArray(fn) && typeof fn[0] === 'string') return fn[0];
  if (isObject(fn) && isObject(fn.config) && typeof fn.config.code === 'string') return fn.config.code;
  return JSON.stringify(fn ?? null);
}

/** One top-level layer of a model config. */
export interface ConfigLayer {
  /** The layer's name (`dense_6`). */
  readonly name: string;
  /** Its class name (`Dense`). */
  readonly className: string;
}

/**
 * The top-level layers of a Sequential or Functional config, in config order (Keras 1/2
 * Sequential configs are a bare list; later ones `{layers: [...]}`). Empty when there are none.
 */
export function configLayers(config: JsonValue | undefined): ConfigLayer[] {
  if (!isObject(config)) return [];
  const body = config.config;
  const list = Array.isArray(body) ? body : isObject(body) && Array.isArray(body.layers) ? body.layers : [];
  const out: ConfigLayer[] = [];
  for (const layer of list) {
    if (!isObject(layer) || typeof layer.class_name !== 'string') continue;
    const inner = layer.config;
    const name =
      isObject(inner) && typeof inner.name === 'string'
        ? inner.name
        : typeof layer.name === 'string'
          ? layer.name
          : '';
    out.push({ name, className: layer.class_name });
  }
  return out;
}

/**
 * Keras's snake_case of a class name (`BatchNormalization` → `batch_normalization`, `Conv2D` →
 * `conv2d`, `LSTM` → `lstm`), the rule Keras 3 uses to name a layer's group in a weights file.
 * A registered name's package prefix (`Custom>MyLayer`) is dropped first.
 */
export function snakeCase(className: string): string {
  const bare = className.slice(className.lastIndexOf('>') + 1).replace(/\W+/g, '');
  return bare
    .replace(/(.)([A-Z][a-z]+)/g, '$1_$2')
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .toLowerCase();
}

/**
 * The group name Keras 3 gives each config layer inside a layers container: its class in
 * snake_case, then `_1`, `_2` … for the second, third … layer of the same class.
 */
export function containerNames(layers: readonly ConfigLayer[]): Map<string, ConfigLayer> {
  const used = new Map<string, number>();
  const out = new Map<string, ConfigLayer>();
  for (const layer of layers) {
    const base = snakeCase(layer.className);
    const n = used.get(base);
    used.set(base, n === undefined ? 0 : n + 1);
    out.set(n === undefined ? base : `${base}_${n + 1}`, layer);
  }
  return out;
}
