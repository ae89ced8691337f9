/**
 * `metadata.tfjs`: everything in `model.json` besides the weight data, kept verbatim so that
 * nothing is lost and the graph translation (later) finds the topology where the reader put it.
 *
 * Layout (docs/formats/tfjs.md): `format`, `generatedBy`, `convertedBy` (null when absent),
 * `kind` (`layers-model` / `graph-model` / null, from `format` or the topology's shape), the
 * optional members `signature`, `userDefinedMetadata`, `modelInitializer`,
 * `initializerSignature`, `trainingConfig` as written, `other` for any unknown top-level member,
 * `quantized` (names of quantized weights), `skipped` (`{name, dtype}` of the string and
 * complex64 weights the reader option `skipUnsupported` left out, when any), `groups` (each group's shard `paths`) and
 * `modelTopology` (the Keras model config, or the GraphDef as JSON) last.
 */
import { NnportError } from '../../core/errors.js';
import type { JsonValue } from '../../core/model.js';
import { isJsonObject, jsonValueOf } from '../../io/text/model-json.js';
import { MODEL_JSON_KEYS } from './detect.js';
import type { ManifestGroup } from './manifest.js';

/** Optional members copied as they are, in this order. */
const VERBATIM = [
  'signature',
  'userDefinedMetadata',
  'modelInitializer',
  'initializerSignature',
  'trainingConfig',
];

function stringOrNull(root: { readonly [key: string]: unknown }, key: string): string | null {
  const v = root[key];
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string') {
    throw new NnportError('INVALID_STRUCTURE', `${key} must be a string`, { at: { path: `$.${key}` } });
  }
  return v;
}

/**
 * What kind of model the file holds: its `format` when that is one tfjs knows, else guessed from
 * the topology as tfjs-converter's loaders tell them apart (a GraphDef has `node`; a Keras config
 * has `class_name`, or `model_config` in tfjs-layers files before 1.0).
 */
function kindOf(format: string | null, topology: unknown): JsonValue {
  if (format === 'layers-model' || format === 'graph-model') return format;
  if (!isJsonObject(topology)) return null;
  if (Array.isArray(topology.node)) return 'graph-model';
  if (topology.class_name !== undefined || topology.model_config !== undefined) return 'layers-model';
  return null;
}

/** Builds `metadata.tfjs` from the parsed model.json root and its validated manifest. */
export function tfjsMetadata(
  root: { readonly [key: string]: unknown },
  groups: readonly ManifestGroup[],
): JsonValue {
  const format = stringOrNull(root, 'format');
  const out: Record<string, JsonValue> = {
    format,
    generatedBy: stringOrNull(root, 'generatedBy'),
    convertedBy: stringOrNull(root, 'convertedBy'),
    kind: kindOf(format, root.modelTopology),
  };
  for (const key of VERBATIM) {
    if (root[key] !== undefined) out[key] = jsonValueOf(root[key], `$.${key}`);
  }
  const other: Record<string, unknown> = Object.create(null);
  let hasOther = false;
  for (const key of Object.keys(root)) {
    if (MODEL_JSON_KEYS.includes(key)) continue;
    Object.defineProperty(other, key, {
      value: root[key],
      enumerable: true,
      writable: true,
      configurable: true,
    });
    hasOther = true;
  }
  if (hasOther) out.other = jsonValueOf(other, '$');
  out.quantized = groups.flatMap((g) =>
    g.entries.filter((e) => e.quantization !== undefined).map((e) => e.name),
  );
  const skipped = groups.flatMap((g) => g.entries.filter((e) => e.skipped !== undefined));
  if (skipped.length > 0) out.skipped = skipped.map((e) => ({ name: e.name, dtype: e.skipped ?? null }));
  out.groups = groups.map((g) => ({ paths: [...g.paths] }));
  out.modelTopology =
    root.modelTopology === undefined ? null : jsonValueOf(root.modelTopology, '$.modelTopology');
  return out;
}
