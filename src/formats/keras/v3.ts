/**
 * Keras 3's weights layout (`model.weights.h5` inside a `.keras` archive, or a standalone
 * `*.weights.h5` from `save_weights`): every object's variables sit in a `vars` group as
 * datasets `0`, `1` … in the object's variable order, under a path of attribute and container
 * names: `layers/dense/vars/0`, `layers/lstm/cell/vars/1`, `_layer_checkpoint_dependencies/…` in
 * some tf.keras versions, `optimizer/vars/…`, `metrics/…`. tf.keras 2.13–2.15 on Windows joined
 * paths with `\`, so a group may be literally named `layers\dense`; nnport reads `\` as `/`.
 *
 * Tensors are named by that normalized path (Keras stores no variable names here); the exact
 * stored path is kept in `meta.keras.path` and the layer's name in `meta.keras.layer`. Layers come
 * in config order: Keras names each layer's group by its class in snake_case with `_1`, `_2` …
 * per repeated class, which maps groups back to config layers; Keras 3.10+ also writes the layer
 * name as attribute `name` of the `vars` group, which wins when present.
 */
import { NnportError } from '../../core/errors.js';
import type { JsonValue } from '../../core/model.js';
import type { Tensor } from '../../core/tensor.js';
import { type Hdf5File, type Hdf5View, stringAttribute } from '../../io/hdf5/index.js';

import { type ConfigLayer, configLayers, containerNames } from './config.js';
import { joinPath, type KerasRead } from './legacy.js';
import { hdf5Tensor } from './tensors.js';

/** Top-level groups that hold training state rather than model weights. */
const NOT_MODEL = new Set(['optimizer', 'metrics', 'compile_metrics', 'loss']);

/** Containers whose children are layers. */
const LAYER_CONTAINERS = new Set(['layers', '_layer_checkpoint_dependencies']);

/** A dataset found in the file. */
interface Found {
  /** Exact HDF5 path. */
  readonly path: string;
  /** Path segments with `\` read as `/`, without the leading `/`. */
  readonly segments: readonly string[];
}

/** True when the root looks like a Keras 3 weights file. */
export function isV3Weights(view: Hdf5View): boolean {
  return view.children('/').some((n) => {
    const first = n.split('\\')[0] as string;
    return first === 'layers' || first === 'vars' || first === '_layer_checkpoint_dependencies';
  });
}

/** Reads the weights of a Keras 3 weights file; `config` (when known) orders and names the layers. */
export function readV3Weights(file: Hdf5File, view: Hdf5View, config: JsonValue | undefined): KerasRead {
  const found: Found[] = [];
  collect(view, '/', [], found, 0);
  const ignored = new Map<string, number>();
  const byLayer = new Map<string, Found[]>();
  for (const f of found) {
    const top = f.segments[0] as string;
    if (NOT_MODEL.has(top)) {
      ignored.set(top, (ignored.get(top) ?? 0) + 1);
      continue;
    }
    const key = LAYER_CONTAINERS.has(top) && f.segments.length > 2 ? f.segments.slice(0, 2).join('/') : top;
    const list = byLayer.get(key) ?? [];
    list.push(f);
    byLayer.set(key, list);
  }
  const fromConfig = containerNames(configLayers(config));
  const order = [...byLayer.keys()].sort(
    (a, b) => rank(a, fromConfig) - rank(b, fromConfig) || natural(a, b),
  );
  const tensors: Tensor[] = [];
  const layers: JsonValue[] = [];
  const seen = new Set<string>();
  for (const key of order) {
    const list = (byLayer.get(key) as Found[]).sort((a, b) => naturalSegments(a.segments, b.segments));
    const layer = layerName(view, key, list, fromConfig);
    const names: string[] = [];
    for (const f of list) {
      const name = f.segments.join('/');
      if (seen.has(name)) {
        // `layers/dense` and `layers\dense` side by side: two weights, one name
        throw new NnportError('INVALID_STRUCTURE', `two datasets are named '${name}' once \\ is read as /`, {
          at: { path: f.path },
        });
      }
      seen.add(name);
      names.push(name);
      tensors.push(hdf5Tensor(file, view.dataset(f.path), name, { path: f.path, layer }));
    }
    layers.push({ name: layer, group: key, weights: names });
  }
  const keras: Record<string, JsonValue> = { layers };
  if (ignored.size > 0) keras.ignored = [...ignored].map(([group, n]) => `${group} (${n} datasets)`);
  return { tensors, keras };
}

/** Every dataset under `path`, depth first. */
function collect(
  view: Hdf5View,
  path: string,
  segments: readonly string[],
  out: Found[],
  depth: number,
): void {
  if (depth > 64) {
    throw new NnportError('LIMIT_EXCEEDED', 'groups nested more than 64 deep', { at: { path } });
  }
  for (const child of view.children(path)) {
    const childPath = joinPath(path, child);
    const childSegments = [...segments, ...child.split('\\')];
    const kind = view.kind(childPath);
    if (kind === 'group') collect(view, childPath, childSegments, out, depth + 1);
    else if (kind === 'dataset') out.push({ path: childPath, segments: childSegments });
  }
}

/** Config position of a layer key (`layers/dense_1`), after all config layers when unknown. */
function rank(key: string, fromConfig: ReadonlyMap<string, ConfigLayer>): number {
  const slash = key.indexOf('/');
  const group = slash < 0 ? undefined : key.slice(slash + 1);
  if (group !== undefined && fromConfig.has(group)) return [...fromConfig.keys()].indexOf(group);
  return key === 'vars' ? -1 : fromConfig.size;
}

/** The layer's name: the `name` attribute Keras 3.10+ writes, else the config's, else the group. */
function layerName(
  view: Hdf5View,
  key: string,
  list: readonly Found[],
  fromConfig: ReadonlyMap<string, ConfigLayer>,
): string {
  const first = list[0] as Found;
  const varsAt = first.path.lastIndexOf('/');
  const fromAttr = varsAt > 0 ? stringAttribute(view, first.path.slice(0, varsAt), 'name') : undefined;
  const parent = first.segments.slice(0, -1).join('/');
  if (fromAttr !== undefined && (parent === `${key}/vars` || parent === key)) return fromAttr;
  const group = key.slice(key.indexOf('/') + 1);
  return fromConfig.get(group)?.name ?? group;
}

/** Compares strings with digit runs as numbers (`vars/2` before `vars/10`). */
function natural(a: string, b: string): number {
  const pa = a.split(/(\d+)/);
  const pb = b.split(/(\d+)/);
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    const x = pa[i] as string;
    const y = pb[i] as string;
    if (x === y) continue;
    const numeric = i % 2 === 1;
    if (numeric && x.length !== y.length) return x.length - y.length || (x < y ? -1 : 1);
    return x < y ? -1 : 1;
  }
  return pa.length - pb.length;
}

/** Natural order on path segments, segment by segment. */
function naturalSegments(a: readonly string[], b: readonly string[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const c = natural(a[i] as string, b[i] as string);
    if (c !== 0) return c;
  }
  return a.length - b.length;
}
