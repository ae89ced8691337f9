/**
 * Reads an MXNet model: the symbol file, the parameters paired with it, and the translation into
 * the canonical graph (src/ops/mxnet/import.ts). Pairing, as MXNet and Wolfram Language users
 * expect (docs/formats/mxnet.md):
 *
 * - `X-symbol.json` takes `X-NNNN.params`, the newest epoch (MXNet `Module.save_checkpoint`,
 *   Gluon `HybridBlock.export`);
 * - otherwise the Wolfram Language's rule: `file.json` takes the one `file*.params` beside it;
 * - `arrays` (`--arrays PATH`) names the parameters; `'none'` gives the uninitialized net.
 *
 * A symbol with no parameters beside it reads as an uninitialized net: its parameters become graph
 * inputs whose shapes come from the ops' own rules.
 */
import { NnportError } from '../../core/errors.js';
import type { ReadInput, ReadOptions } from '../../core/format.js';
import { MAX_HEADER_BYTES } from '../../core/limits.js';
import type { JsonValue, Model } from '../../core/model.js';
import type { Tensor } from '../../core/tensor.js';
import type { ByteSource } from '../../io/byte-source.js';
import { importSymbol } from '../../ops/mxnet/import.js';
import { npzFormat } from '../npz/index.js';
import { readMxnetParams } from './params.js';
import { MXNET_FORMAT, parseSymbol } from './symbol.js';

/** The parameters chosen for a symbol, by bare name, with where they came from. */
interface Arrays {
  readonly file: string | null;
  readonly tensors: Map<string, Tensor>;
}

/** The stem pairing works from: `X` for `X-symbol.json`, `file` for `file.json`. */
function stems(name: string): { mxnet: string | undefined; wolfram: string } {
  const base = name.replace(/^.*[\\/]/, '');
  const wolfram = base.replace(/\.json$/i, '');
  const m = /^(.*)-symbol\.json$/i.exec(base);
  return { mxnet: m?.[1], wolfram };
}

/** Picks the parameter file for a symbol among the folder's files, or undefined when there is none. */
export function pairParams(symbolName: string, files: readonly string[]): string | undefined {
  const { mxnet, wolfram } = stems(symbolName);
  const params = files.filter((f) => f.toLowerCase().endsWith('.params'));
  if (mxnet !== undefined) {
    const epoch = new RegExp(`^${escapeRegExp(mxnet)}-(\\d+)\\.params$`);
    let best: { file: string; n: number } | undefined;
    for (const f of params) {
      const m = epoch.exec(f);
      if (m !== null && (best === undefined || Number(m[1]) > best.n)) best = { file: f, n: Number(m[1]) };
    }
    if (best !== undefined) return best.file;
  }
  // The Wolfram Language's rule, on the whole stem: `net.json` → `net*.params`,
  // `vgg-symbol.json` → `vgg-symbol*.params` (never `vgg16-0000.params`).
  const matches = params.filter((f) => f.startsWith(wolfram));
  if (matches.length > 1) {
    throw new NnportError(
      'USAGE',
      `several parameter files match ${symbolName}: ${matches.join(', ')}; choose one with --arrays PATH`,
      {
        file: symbolName,
        format: MXNET_FORMAT,
      },
    );
  }
  return matches[0];
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

async function readArrays(input: ReadInput, file: string): Promise<Map<string, Tensor>> {
  const head = await input.source.read(0, Math.min(4, input.source.size));
  let model: Model;
  try {
    // MXNet 2.x saves parameters with NumPy's savez: a zip.
    model =
      head[0] === 0x50 && head[1] === 0x4b
        ? await (npzFormat.read as NonNullable<typeof npzFormat.read>)(input, {})
        : await readMxnetParams(input);
  } catch (e) {
    if (e instanceof NnportError && e.file === undefined) {
      throw new NnportError(e.code, e.detail, {
        file,
        format: e.format ?? 'mxnet-params',
        ...(e.at ? { at: e.at } : {}),
      });
    }
    throw e;
  }
  const out = new Map<string, Tensor>();
  for (const t of model.tensors) {
    const m = /^(arg|aux):(.*)$/s.exec(t.name);
    const name = m === null ? t.name : (m[2] as string);
    if (out.has(name)) {
      throw new NnportError(
        'INVALID_STRUCTURE',
        `two arrays are named ${JSON.stringify(name)} once their arg:/aux: prefix is removed`,
        {
          file,
          format: 'mxnet-params',
          at: { tensor: t.name },
        },
      );
    }
    const meta: Record<string, JsonValue> = {
      ...(t.meta ?? {}),
      mxnet: { role: m?.[1] ?? 'arg', stored: t.name },
    };
    out.set(name, { ...t, name, meta });
  }
  return out;
}

async function chooseArrays(input: ReadInput, options: ReadOptions): Promise<Arrays> {
  const given = options.arrays;
  if (given === 'none') return { file: null, tensors: new Map() };
  if (given !== undefined) return { file: given.name, tensors: await readArrays(given, given.name) };
  if (input.isFolder) return { file: null, tensors: new Map() };
  const name = pairParams(input.name, await input.list());
  if (name === undefined) return { file: null, tensors: new Map() };
  const source = await input.sibling(name);
  if (source === undefined) return { file: null, tensors: new Map() };
  const display = input.name.replace(/[^\\/]*$/, '') + name;
  const paramsInput: ReadInput = { ...input, source, name: display, isFolder: false };
  return { file: display, tensors: await readArrays(paramsInput, display) };
}

async function readAll(source: ByteSource, file: string): Promise<Uint8Array> {
  if (source.size > MAX_HEADER_BYTES) {
    throw new NnportError('LIMIT_EXCEEDED', `symbol file of ${source.size} bytes exceeds MAX_HEADER_BYTES`, {
      file,
      format: MXNET_FORMAT,
    });
  }
  return source.read(0, source.size);
}

/** Reads `X-symbol.json` (and its parameters) into a Model with a canonical graph. */
export async function readMxnet(input: ReadInput, options: ReadOptions = {}): Promise<Model> {
  const sym = parseSymbol(await readAll(input.source, input.name), input.name);
  const arrays = await chooseArrays(input, options);
  const result = await importSymbol(sym, {
    file: input.name,
    params: arrays.tensors,
    inputShapes: options.inputShapes ?? new Map(),
  });
  const mxnet: Record<string, JsonValue> = {
    symbolFile: input.name.replace(/^.*[\\/]/, ''),
    paramsFile: arrays.file === null ? null : arrays.file.replace(/^.*[\\/]/, ''),
    version: sym.version,
    generation: sym.generation,
    arrays: result.arrays.map((a) => ({
      name: a.name,
      role: a.role,
      shape: a.shape === null ? null : [...a.shape],
    })),
  };
  if (result.labels.length > 0) mxnet.labels = result.labels;
  if (result.unsupported.length > 0) mxnet.unsupported = result.unsupported.map((u) => ({ ...u }));
  const metadata: Record<string, JsonValue> = { mxnet };
  if (result.changes.length > 0) metadata.nnport = { changes: result.changes };
  return { format: MXNET_FORMAT, metadata, graph: result.graph, tensors: result.tensors };
}
