/**
 * The text layout of a tensor's `data` value in an nnport JSON document (docs/formats/json.md,
 * "Layout"), shared by the writer (which produces it) and the reader (which checks values against
 * the shape by the same rules).
 *
 * Values nest as the shape says, in C order (last index fastest). An array at depth d < rank − 1
 * puts each child on its own line, indented `indent + 2·(d + 1)` spaces; an array at depth
 * rank − 1 (an innermost row) is on one line, values separated by `", "`. A scalar is the bare
 * value. A tensor with no elements nests as far as its first zero dimension, each array there
 * written `[]`: shape [2, 0, 3] is `[[], []]` laid out over lines like any depth-0 array of rank 3.
 *
 * The text is a sequence of *leaves* (the values, or the `[]`s of an empty tensor) with separators
 * fixed by the shape: between leaf k − 1 and leaf k, when m trailing indices wrap to 0 at k, the
 * innermost m arrays close, a comma follows, and m arrays open again.
 */
import { NnportError } from '../../core/errors.js';
import { MAX_ELEMENTS } from '../../core/limits.js';

/** The fixed texts of one tensor's layout. */
export interface DataLayout {
  /** The dimensions the leaves nest in: the shape, or for an empty tensor its dimensions before the first 0. */
  readonly dims: readonly number[];
  /** Number of leaves: the product of `dims` (1 for none). */
  readonly leaves: number;
  /** True when the tensor has no elements and each leaf is the text `[]`. */
  readonly emptyLeaves: boolean;
  /** Text before the first leaf (`[`s and line breaks). */
  readonly open: Uint8Array;
  /** Text after the last leaf. */
  readonly close: Uint8Array;
  /** `seps[m]`: text between two leaves where m trailing indices wrap (m = 0 within an innermost row). */
  readonly seps: readonly Uint8Array[];
}

function ascii(s: string): Uint8Array {
  const b = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) b[i] = s.charCodeAt(i);
  return b;
}

/** The layout of `shape` for a `data` member whose key is indented `indent` spaces. */
export function dataLayout(shape: readonly number[], indent: number): DataLayout {
  const rank = shape.length;
  const zero = shape.indexOf(0);
  const dims = zero < 0 ? shape : shape.slice(0, zero);
  let leaves = 1;
  for (const d of dims) {
    if (leaves > MAX_ELEMENTS / d) {
      throw new NnportError('LIMIT_EXCEEDED', `shape [${shape.join(', ')}] nests more than 2^53 arrays`);
    }
    leaves *= d;
  }
  const depth = dims.length;
  const pad = (d: number): string => `\n${' '.repeat(indent + 2 * d)}`;
  /** Arrays above the innermost rows put each child on its own line. */
  const expanded = (d: number): boolean => d < rank - 1;
  const openAt = (d: number): string => (d === 0 ? '[' : `${pad(d)}[`);
  const closeAt = (d: number): string => (expanded(d) ? `${pad(d)}]` : ']');
  const leafPrefix = depth > 0 && expanded(depth - 1) ? pad(depth) : '';
  let open = '';
  for (let d = 0; d < depth; d++) open += openAt(d);
  let close = '';
  for (let d = depth - 1; d >= 0; d--) close += closeAt(d);
  const seps: Uint8Array[] = [ascii(`,${leafPrefix === '' ? ' ' : leafPrefix}`)];
  for (let m = 1; m < depth; m++) {
    let s = '';
    for (let d = depth - 1; d >= depth - m; d--) s += closeAt(d);
    s += ',';
    for (let d = depth - m; d < depth; d++) s += openAt(d);
    seps.push(ascii(s + leafPrefix));
  }
  return {
    dims,
    leaves,
    emptyLeaves: zero >= 0,
    open: ascii(open + leafPrefix),
    close: ascii(close),
    seps,
  };
}

/**
 * The multi-index of the current leaf, advanced one leaf at a time. Indices are kept in a
 * Float64Array: dimensions may exceed 2^31.
 */
export class Odometer {
  /** The current multi-index. */
  readonly idx: Float64Array;
  readonly #dims: readonly number[];

  /** Starts at leaf `start`. */
  constructor(dims: readonly number[], start: number) {
    this.#dims = dims;
    this.idx = new Float64Array(dims.length);
    let rest = start;
    for (let d = dims.length - 1; d >= 0; d--) {
      this.idx[d] = rest % dims[d];
      rest = Math.floor(rest / dims[d]);
    }
  }

  /** How many trailing indices are 0: the m of the separator before the current leaf (if not the first). */
  trailingZeros(): number {
    let m = 0;
    for (let d = this.idx.length - 1; d > 0 && this.idx[d] === 0; d--) m++;
    return m;
  }

  /** Moves to the next leaf; returns how many trailing indices wrapped to 0 (the separator's m). */
  next(): number {
    const idx = this.idx;
    const dims = this.#dims;
    let d = idx.length - 1;
    let m = 0;
    while (d > 0 && ++idx[d] === dims[d]) {
      idx[d--] = 0;
      m++;
    }
    if (d === 0) idx[0]++;
    return m;
  }

  /** The JSON path of the array at `depth` holding the current leaf (`depth` = dims.length: the leaf). */
  path(base: string, depth: number): string {
    let p = base;
    for (let d = 0; d < depth; d++) p += `[${this.idx[d]}]`;
    return p;
  }
}
