/**
 * `--input` arguments shared by the commands that feed a graph (`run`, `inspect --shapes`,
 * `verify`): `NAME=VALUE`, or a bare `VALUE` when the graph has exactly one input to feed. VALUE
 * is a .npy path (`run`) or a dims list `D1,D2,...` (`inspect`), where a dim is a size, a
 * symbolic name (`batch`), or `-1`/`?` for unknown — ONNX's TensorShapeProto dims (dim_value,
 * dim_param, or neither), as issue #5 asks for files that do not say (MXNet's usually do not).
 */
import { NnportError } from '../core/errors.js';
import type { ReadInput, ReadOptions } from '../core/format.js';
import type { ValueInfo } from '../core/graph.js';
import type { Model } from '../core/model.js';
import { openInput } from '../node/file-source.js';

/** One `--input` argument split at its first `=`: `name` is undefined for a bare value. */
export interface InputArg {
  /** The graph input it names, as written. */
  readonly name: string | undefined;
  /** What follows the `=` (or the whole argument). */
  readonly value: string;
  /** The argument as given, for error messages. */
  readonly text: string;
}

/**
 * Splits `NAME=VALUE`. Only the first `=` separates, so a path may contain `=`; a name cannot
 * (ONNX names rarely do, and `--input a=b=c.npy` then reads as input `a`, file `b=c.npy`).
 */
export function splitInputArg(text: string): InputArg {
  const eq = text.indexOf('=');
  if (eq < 0) return { name: undefined, value: text, text };
  const name = text.slice(0, eq);
  const value = text.slice(eq + 1);
  if (name === '' || value === '') {
    throw new NnportError('USAGE', `--input '${text}': expected NAME=VALUE`);
  }
  return { name, value, text };
}

/**
 * The graph inputs a caller must feed: declared inputs that no initializer supplies (ONNX IR.md
 * "Graphs": an input with an initializer of the same name has a default value).
 */
export function feedableInputs(model: Model): ValueInfo[] {
  const graph = model.graph;
  if (graph === undefined) return [];
  const inits = new Set(graph.initializers ?? model.tensors.map((t) => t.name));
  return graph.inputs.filter((v) => !inits.has(v.name));
}

/**
 * Matches `--input` arguments to graph inputs. A named argument must name a graph input
 * (USAGE listing the inputs otherwise); a bare one is allowed only when exactly one input is to
 * be fed; an input given twice is a USAGE error.
 */
export function matchInputArgs(model: Model, args: readonly string[]): { input: ValueInfo; arg: InputArg }[] {
  const graph = model.graph;
  if (args.length === 0) return [];
  if (graph === undefined) throw new NnportError('USAGE', '--input needs a model with a graph');
  const feedable = feedableInputs(model);
  const listed = feedable.map((v) => v.name).join(', ') || '(none)';
  const seen = new Set<string>();
  return args.map((text) => {
    const arg = splitInputArg(text);
    let input: ValueInfo | undefined;
    if (arg.name === undefined) {
      if (feedable.length !== 1) {
        throw new NnportError(
          'USAGE',
          `--input '${text}' has no NAME=, which is allowed only for a graph with one input (inputs: ${listed})`,
        );
      }
      input = feedable[0];
    } else {
      input = graph.inputs.find((v) => v.name === arg.name);
      if (input === undefined) {
        throw new NnportError(
          'USAGE',
          `--input '${text}': the graph has no input '${arg.name}' (inputs: ${listed})`,
          {
            at: { tensor: arg.name },
          },
        );
      }
    }
    const v = input as ValueInfo;
    if (seen.has(v.name))
      throw new NnportError('USAGE', `input '${v.name}' is given twice`, { at: { tensor: v.name } });
    seen.add(v.name);
    return { input: v, arg };
  });
}

/** A symbolic dim: an identifier, as ONNX dim_param values usually are (`batch`, `seq_len`, `N`). */
const SYMBOL = /^[A-Za-z_][A-Za-z0-9_.:-]*$/;

/**
 * Parses `D1,D2,...` into a shape: sizes (non-negative safe integers), symbolic names, or null
 * for `-1`/`?` (unknown). An empty list (`NAME=`) is refused by `splitInputArg`; a scalar input
 * needs no `--input` since its shape is always `[]`.
 */
export function parseDims(arg: InputArg): (number | string | null)[] {
  return arg.value.split(',').map((raw) => {
    const d = raw.trim();
    if (d === '-1' || d === '?') return null;
    if (/^\d+$/.test(d)) {
      const n = Number(d);
      if (Number.isSafeInteger(n)) return n;
    } else if (SYMBOL.test(d)) {
      return d;
    }
    throw new NnportError(
      'USAGE',
      `--input '${arg.text}': '${d}' is not a dimension (a size, a symbolic name, or -1 or ? for unknown)`,
    );
  });
}

/** `[1, batch, ?]`. */
export function shapeText(shape: readonly (number | string | null)[]): string {
  return `[${shape.map((d) => (d === null ? '?' : String(d))).join(', ')}]`;
}

/**
 * Reader options from the shared `--input` and `--arrays` arguments: `NAME=D1,D2,...` shapes
 * (numbers only; files and bare values are for the command itself) for graph formats that need
 * them to translate (MXNet), and `--arrays PATH|none` (the Wolfram Language's ArrayPath).
 */
export async function readerOptions(values: {
  readonly input?: readonly string[] | undefined;
  readonly arrays?: string | undefined;
}): Promise<ReadOptions> {
  const shapes = new Map<string, readonly number[]>();
  for (const text of values.input ?? []) {
    const arg = splitInputArg(text);
    if (arg.name === undefined || !/^\s*\d+(\s*,\s*\d+)*\s*$/.test(arg.value)) continue;
    shapes.set(
      arg.name,
      arg.value.split(',').map((d) => Number(d.trim())),
    );
  }
  const out: { inputShapes?: ReadonlyMap<string, readonly number[]>; arrays?: ReadInput | 'none' } = {};
  if (shapes.size > 0) out.inputShapes = shapes;
  if (values.arrays === 'none') out.arrays = 'none';
  else if (values.arrays !== undefined) out.arrays = await openInput(values.arrays);
  return out;
}
