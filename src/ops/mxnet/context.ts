/**
 * What an MXNet op importer works with: the MXNet node's parameters (parsed the way MXNet parses
 * them), its inputs as canonical values, the shapes known so far, and `emit` to add canonical
 * (ONNX) nodes. One context per MXNet node; the builder (import.ts) owns the graph being built.
 */
import type { DType } from '../../core/dtype.js';
import { NnportError } from '../../core/errors.js';
import type { AttributeValue, GraphNode, ValueInfo } from '../../core/graph.js';
import type { JsonValue } from '../../core/model.js';
import { type Tensor, tensorFromArray } from '../../core/tensor.js';
import { type MxNode, parseBool, parseTuple } from '../../formats/mxnet/symbol.js';
import type { ShapeState } from '../infer.js';
import type { Dim } from '../types.js';
import { tensorFromNumbers } from './constants.js';

/** How a node input is used: data flowing through the graph, a learned parameter, or an aux state. */
export type InputRole = 'data' | 'arg' | 'aux';

/** The builder services a context needs (implemented by import.ts). */
export interface BuilderServices {
  readonly shapes: ShapeState;
  /** The canonical value for input `i` of `node`, materializing a variable with `role` and `shape`. */
  input(node: MxNode, i: number, role: InputRole, shape?: readonly Dim[]): string;
  /** A variable the node does not list (MXNet 0.8's implicit aux states), made by name. */
  implicit(node: MxNode, name: string, role: InputRole, shape?: readonly Dim[]): string;
  /** What is known of input `i`'s shape without materializing it. */
  peekShape(node: MxNode, i: number): readonly Dim[] | undefined;
  /** A node name from `base`, unique among node names. */
  nodeName(base: string): string;
  /** A fresh value name from `base`. */
  unique(base: string): string;
  /** Adds a canonical node (and infers its outputs' shapes). */
  add(node: GraphNode): void;
  /** Adds an initializer the importer made (shape constants, fixed gammas), with its values when small. */
  addTensor(t: Tensor, values?: readonly number[]): void;
  /** Marks `node`'s outputs as deliberately unmade (see OpContext.defer). */
  defer(node: MxNode, reason: string): void;
  /** The node feeding input `i` of `node`. */
  sourceOf(node: MxNode, i: number): MxNode | undefined;
  /** Records a change for the conversion manifest (metadata.nnport.changes). */
  note(change: Record<string, JsonValue>): void;
  /** The file name, for errors. */
  readonly file: string;
}

/** A canonical attribute from a plain value. */
export function attr(
  v: number | string | readonly number[] | readonly string[],
  float = false,
): AttributeValue {
  if (typeof v === 'string') return { type: 'string', value: v };
  if (typeof v === 'number') return float ? { type: 'float', value: v } : { type: 'int', value: v };
  if (v.length > 0 && typeof v[0] === 'string') return { type: 'strings', value: v as readonly string[] };
  return float
    ? { type: 'floats', value: v as readonly number[] }
    : { type: 'ints', value: v as readonly number[] };
}

/** The context of one MXNet node's translation. */
export class OpContext {
  readonly node: MxNode;
  readonly #b: BuilderServices;
  /** Canonical names reserved for the node's outputs. */
  readonly #outputs: string[];

  constructor(node: MxNode, builder: BuilderServices, outputs: string[]) {
    this.node = node;
    this.#b = builder;
    this.#outputs = outputs;
  }

  /** An error about this node (INVALID_STRUCTURE unless said otherwise). */
  error(
    detail: string,
    code: 'INVALID_STRUCTURE' | 'UNSUPPORTED_OP' | 'USAGE' = 'INVALID_STRUCTURE',
  ): NnportError {
    return new NnportError(code, `${this.node.op} '${this.node.name}': ${detail}`, {
      file: this.#b.file,
      format: 'mxnet',
      at: { node: this.node.name },
    });
  }

  /** Number of inputs the node has. */
  get inputCount(): number {
    return this.node.inputs.length;
  }

  /** Input `i` as data (a variable there becomes a graph input). */
  data(i: number): string {
    if (i >= this.node.inputs.length)
      throw this.error(`needs at least ${i + 1} inputs, has ${this.node.inputs.length}`);
    return this.#b.input(this.node, i, 'data');
  }

  /**
   * Input `i` as a parameter of the given shape (an initializer when the params hold it, a graph
   * input of that shape otherwise). Unknown dims (null) are taken from the array or `__shape__`.
   */
  param(i: number, shape: readonly Dim[] | undefined, role: 'arg' | 'aux' = 'arg'): string {
    if (i >= this.node.inputs.length)
      throw this.error(`needs at least ${i + 1} inputs, has ${this.node.inputs.length}`);
    return this.#b.input(this.node, i, role, shape);
  }

  /**
   * Input `i` as an aux state, or — in MXNet 0.8 files, which did not list aux states among the
   * inputs — the variable `<node>_<suffix>` MXNet's upgrade pass would have added.
   */
  aux(i: number, suffix: string, shape: readonly Dim[] | undefined): string {
    if (i < this.node.inputs.length) return this.#b.input(this.node, i, 'aux', shape);
    return this.#b.implicit(this.node, `${this.node.name}_${suffix}`, 'aux', shape);
  }

  /** What is known of input `i`'s shape before it is used: its value's, its array's, or its `__shape__`. */
  inputShape(i: number): readonly Dim[] | undefined {
    return this.#b.peekShape(this.node, i);
  }

  /** The canonical name of output `k` (reserved for the node; an importer must produce it). */
  out(k = 0): string {
    const name = this.#outputs[k];
    if (name === undefined) throw this.error(`has no output ${k}`);
    return name;
  }

  /** How many outputs are reserved for the node. */
  get outputCount(): number {
    return this.#outputs.length;
  }

  /** A fresh intermediate value name. */
  tmp(suffix: string): string {
    return this.#b.unique(`${this.node.name}_${suffix}`);
  }

  /** Adds one canonical node; returns its outputs. */
  emit(
    op: string,
    inputs: readonly string[],
    attributes: Readonly<Record<string, AttributeValue>> = {},
    outputs: string | readonly string[] = this.out(0),
    domain?: string,
  ): string[] {
    const outs = typeof outputs === 'string' ? [outputs] : [...outputs];
    // The node that makes the MXNet node's (first) output carries its name; helpers get name/Op.
    const main = outs.includes(this.#outputs[0] as string);
    const name = this.#b.nodeName(main ? this.node.name : `${this.node.name}/${op}`);
    const mxnet: Record<string, JsonValue> = { name: this.node.name, op: this.node.op };
    if (Object.keys(this.node.attrs).length > 0) mxnet.attrs = { ...this.node.attrs };
    const node: GraphNode = { name, op, inputs, outputs: outs, attributes, meta: { mxnet } };
    this.#b.add(domain === undefined ? node : { ...node, domain });
    return outs;
  }

  /** An int64 initializer (shapes, axes, split sizes). */
  int64(suffix: string, values: readonly number[]): string {
    const name = this.tmp(suffix);
    const t = tensorFromArray(
      name,
      'int64',
      [values.length],
      BigInt64Array.from(values.map((v) => BigInt(v))),
    );
    this.#b.addTensor({ ...t, meta: { mxnet: { role: 'constant' } } }, values);
    return name;
  }

  /** A scalar (0-d, or of `shape`) initializer of `dtype` filled with `value`. */
  scalar(suffix: string, value: number, dtype: DType = 'float32', shape: readonly number[] = []): string {
    const count = shape.reduce((a, b) => a * b, 1);
    return this.tensorOf(suffix, dtype, shape, Array<number>(count).fill(value));
  }

  /** An initializer of any numeric dtype from plain values (an `_arange`'s result). */
  tensorOf(suffix: string, dtype: DType, shape: readonly number[], values: readonly number[]): string {
    const name = this.tmp(suffix);
    const t = tensorFromNumbers(name, dtype, shape, values);
    if (t === undefined) throw this.error(`dtype ${dtype} is not supported here`, 'UNSUPPORTED_OP');
    this.#b.addTensor({ ...t, meta: { mxnet: { role: 'constant' } } });
    return name;
  }

  /**
   * Leaves the node's outputs unmade: a consumer that can do without them (an RNN's zero initial
   * state) checks `sourceOp`; any other consumer gets an error that gives `reason`.
   */
  defer(reason: string): void {
    this.#b.defer(this.node, reason);
  }

  /** The MXNet op of the node feeding input `i` (`'null'` for a variable). */
  sourceOp(i: number): string | undefined {
    return this.#b.sourceOf(this.node, i)?.op;
  }

  /** A 1-d float32 initializer (Resize scales). */
  floats(suffix: string, values: readonly number[]): string {
    const name = this.tmp(suffix);
    const t = tensorFromArray(name, 'float32', [values.length], Float32Array.from(values));
    this.#b.addTensor({ ...t, meta: { mxnet: { role: 'constant' } } });
    return name;
  }

  /** Records a change for the manifest. */
  note(change: Record<string, JsonValue>): void {
    this.#b.note({ node: this.node.name, op: this.node.op, ...change });
  }

  /** What is known of a value. */
  info(value: string): ValueInfo | undefined {
    return this.#b.shapes.known.get(value);
  }

  /** Records what is assumed of a value inference cannot know (an untranslated op's output). */
  assume(v: ValueInfo): void {
    this.#b.shapes.declare(v);
  }

  /** A value's shape when every dim is a known number, else undefined. */
  staticShape(value: string): number[] | undefined {
    const s = this.info(value)?.shape;
    if (s === undefined || !s.every((d) => typeof d === 'number')) return undefined;
    return s as number[];
  }

  /** A value's shape, or an error naming the node that needs it (give `--input NAME=D1,...`). */
  needShape(value: string, why: string): number[] {
    const s = this.staticShape(value);
    if (s === undefined) {
      throw this.error(
        `${why} needs the shape of '${value}'; give the graph input shapes with --input NAME=D1,D2,...`,
        'USAGE',
      );
    }
    return s;
  }

  /** A value's rank when known. */
  rank(value: string): number | undefined {
    return this.info(value)?.shape?.length;
  }

  /** A value's dtype (float32 when unknown, as MXNet defaults). */
  dtype(value: string): DType {
    return this.info(value)?.dtype ?? 'float32';
  }

  // ---- parameters, parsed the way MXNet's dmlc parameter parser reads them ----

  has(key: string): boolean {
    return key in this.node.attrs;
  }

  str(key: string, fallback: string): string {
    return this.node.attrs[key] ?? fallback;
  }

  int(key: string, fallback: number): number {
    const s = this.node.attrs[key];
    if (s === undefined || s.trim() === 'None') return fallback;
    const m = /^\s*(-?\d+)[Ll]?\s*$/.exec(s);
    if (m === null) throw this.error(`parameter ${key}='${s}' is not an integer`);
    return Number(m[1]);
  }

  float(key: string, fallback: number): number {
    const s = this.node.attrs[key];
    if (s === undefined || s.trim() === 'None') return fallback;
    const t = s.trim().toLowerCase();
    const v = t === 'inf' ? Infinity : t === '-inf' ? -Infinity : t === 'nan' ? NaN : Number(t);
    if (t === '' || (Number.isNaN(v) && t !== 'nan'))
      throw this.error(`parameter ${key}='${s}' is not a number`);
    return v;
  }

  bool(key: string, fallback: boolean): boolean {
    const s = this.node.attrs[key];
    if (s === undefined) return fallback;
    try {
      return parseBool(s, key);
    } catch {
      throw this.error(`parameter ${key}='${s}' is not a boolean`);
    }
  }

  /** A tuple parameter; `None` entries and `None` itself count as absent (the fallback). */
  tuple(key: string, fallback: readonly number[]): number[] {
    const s = this.node.attrs[key];
    if (s === undefined) return [...fallback];
    let t: (number | null)[] | null;
    try {
      t = parseTuple(s, key);
    } catch {
      throw this.error(`parameter ${key}='${s}' is not a tuple of integers`);
    }
    if (t === null) return [...fallback];
    if (t.some((x) => x === null)) throw this.error(`parameter ${key}='${s}' has None entries`);
    return t as number[];
  }
}
