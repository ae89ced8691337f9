/**
 * Reading Keras files: legacy HDF5 (full model or weights only), Keras 3 weights files and
 * `.keras` archives. See docs/formats/keras.md.
 */
import { isNnportError, NnportError } from '../../core/errors.js';
import type { ReadInput } from '../../core/format.js';
import { MAX_HEADER_BYTES } from '../../core/limits.js';
import type { JsonValue, Model } from '../../core/model.js';
import type { ByteSource } from '../../io/byte-source.js';
import { Hdf5File, parseJson } from '../../io/hdf5/index.js';
import { openZip, type ZipArchive, type ZipEntry } from '../../io/zip/index.js';
import { attachKerasGraph } from '../../ops/keras/attach.js';
import { findLambdas } from './config.js';
import { type KerasRead, readLegacy } from './legacy.js';
import { isV3Weights, readV3Weights } from './v3.js';

/** The format id. */
export const KERAS = 'keras';

/** Reads any Keras file: a zip is a `.keras` archive, anything else must be HDF5. */
export async function readKeras(input: ReadInput): Promise<Model> {
  const head = await input.source.read(0, Math.min(4, input.source.size));
  if (head.length === 4 && head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04) {
    return attachKerasGraph(await readKerasArchive(input.source));
  }
  const { tensors, keras, nnport } = await readKerasHdf5(input.source);
  const metadata = nnport === undefined ? { keras } : { keras, nnport };
  return attachKerasGraph({ format: KERAS, metadata, tensors });
}

/** Reads a Keras HDF5 file of any layout; INVALID_STRUCTURE when it is HDF5 but not Keras. */
export async function readKerasHdf5(source: ByteSource, config?: JsonValue): Promise<KerasRead> {
  const file = await Hdf5File.open(source);
  return inFile(file.name, () =>
    file.session((view) => {
      if (view.kind('/model_weights') === 'group') return readLegacy(file, view, '/model_weights');
      if (view.attributeNames('/').some((n) => n === 'layer_names' || n === 'layer_names0')) {
        return readLegacy(file, view, '/');
      }
      if (isV3Weights(view)) {
        const read = readV3Weights(file, view, config);
        const keras: Record<string, JsonValue> = { format: 'keras-v3-weights', ...read.keras };
        return { tensors: read.tensors, keras };
      }
      throw new NnportError(
        'INVALID_STRUCTURE',
        'HDF5 file is not a Keras model: no model_weights group, layer_names attribute or layers group',
        { at: { path: '/' } },
      );
    }),
  );
}

/** Member names of a `.keras` archive. */
const CONFIG = 'config.json';
const METADATA = 'metadata.json';
const WEIGHTS = 'model.weights.h5';

/** Reads a Keras 3 `.keras` archive: `config.json`, `metadata.json`, `model.weights.h5`. */
async function readKerasArchive(source: ByteSource): Promise<Model> {
  const zip = await openZip(source);
  const configText = await memberText(zip, CONFIG);
  const metadataText = await memberText(zip, METADATA);
  const weights = member(zip, WEIGHTS);
  if (configText === undefined && weights === undefined) {
    throw new NnportError(
      'INVALID_STRUCTURE',
      `zip has neither ${CONFIG} nor ${WEIGHTS}: not a .keras archive`,
    );
  }
  if (configText === undefined) {
    // Keras always writes config.json; without it the weights cannot be matched to layers
    throw new NnportError('MISSING_FILE', `archive has no ${CONFIG} member`, { file: source.name });
  }
  const modelConfig = parseJson(configText, CONFIG);
  const meta = metadataText === undefined ? undefined : parseJson(metadataText, METADATA);
  const keras: Record<string, JsonValue> = { format: 'keras-v3' };
  const m =
    typeof meta === 'object' && meta !== null && !Array.isArray(meta)
      ? (meta as { readonly [k: string]: JsonValue })
      : undefined;
  if (typeof m?.keras_version === 'string') keras.kerasVersion = m.keras_version;
  if (typeof m?.backend === 'string') keras.backend = m.backend;
  // Lambda code before the (long) config, so one-line metadata views show it
  const lambdas = findLambdas(modelConfig);
  if (Object.keys(lambdas).length > 0) keras.lambdas = lambdas;
  if (m !== undefined) keras.archiveMetadata = m;
  if (modelConfig !== undefined) keras.modelConfig = modelConfig;
  const training = compileConfig(modelConfig);
  if (training !== undefined) keras.trainingConfig = training;
  if (weights === undefined) {
    throw new NnportError('MISSING_FILE', `archive has no ${WEIGHTS} member`, { file: source.name });
  }
  const read = await readKerasHdf5(await zip.open(weights), modelConfig);
  const { format: _format, ...rest } = read.keras;
  return { format: KERAS, metadata: { keras: { ...keras, ...rest } }, tensors: read.tensors };
}

/** Keras 3 keeps the compile arguments inside config.json as `compile_config`. */
function compileConfig(config: JsonValue | undefined): JsonValue | undefined {
  if (typeof config !== 'object' || config === null || Array.isArray(config)) return undefined;
  const c = (config as { readonly [k: string]: JsonValue }).compile_config;
  return c === undefined || c === null ? undefined : c;
}

/** A member by name, also when written with `\` separators (Windows). */
function member(zip: ZipArchive, name: string): ZipEntry | undefined {
  return zip.find(name) ?? zip.entries.find((e) => e.name.replace(/\\/g, '/') === name);
}

async function memberText(zip: ZipArchive, name: string): Promise<string | undefined> {
  const entry = member(zip, name);
  if (entry === undefined) return undefined;
  if (entry.size > MAX_HEADER_BYTES) {
    throw new NnportError(
      'LIMIT_EXCEEDED',
      `member ${name} is larger than MAX_HEADER_BYTES ${MAX_HEADER_BYTES}`,
    );
  }
  const bytes = await (await zip.open(entry)).read(0, entry.size);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (e) {
    throw new NnportError('INVALID_STRUCTURE', `member ${name} is not UTF-8 text`, { cause: e });
  }
}

/** Runs `work`, naming `file` in errors that do not name one yet. */
function inFile<T>(file: string, work: () => T): T {
  try {
    return work();
  } catch (e) {
    if (isNnportError(e) && e.file === undefined) e.locate(file, KERAS);
    throw e;
  }
}
