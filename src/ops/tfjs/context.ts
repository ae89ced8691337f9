/**
 * What a TF op translator works with: the GraphDef node, its data inputs as graph values, the
 * constant values of inputs that are Const nodes (axes, perms, shapes decide attributes), the
 * shapes known so far, and `emit` to add canonical (ONNX opset 17) nodes, each carrying
 * `meta.tfjs = {name, op}` of the TF node it comes from. One context per TF node.
 */
import type { DType } from '../../core/dtype.js';
import { NnportError } from '../../core/errors.js';
import type { AttributeValue, GraphNode, ValueInfo } from '../../core/graph.js';
import type { ShapeState } from '../infer.js';
import { onnxTypeCode } from '../onnx-dtypes.js';
import type { Dim } from '../types.js';
import type { TfAttrs } from './attrs.js';
import type { TfNode, TfRef } from './graphdef.js';

/**
 * Errors that give up the whole graph instead of keeping the node as a `tfjs` node: a form that
 * has a translator but cannot be translated faithfully where it stands (a training-only output
 * read by another node). import.ts rethrows them; attach.ts records them as `graphError`.
 */
export const GRAPH_ERRORS = new WeakSet<Error>();

/** The builder services a context needs (implemented by import.ts). */
export interface TfServices {
  readonly shapes: ShapeState;
  unique(base: string): string;
  nodeName(base: string): string;
  add(node: GraphNode): void;
  /** The graph value of a reference (a Const becomes an initializer or a Constant node on first use). */
  value(ref: TfRef): string;
  /** The values of a reference when it is a constant (through Identity), else undefined. */
  constant(ref: TfRef): readonly number[] | undefined;
}

/** A canonical attribute from a plain value (`float` for float kinds). */
export function attr(v: number | string | readonly number[], float = false): AttributeValue {
  if (typeof v === 'string') return { type: 'string', value: v };
  if (typeof v === 'number') return float ? { type: 'float', value: v } : { type: 'int', value: v };
  return float ? { type: 'floats', value: v } : { type: 'ints', value: v };
}

/** The ONNX type code of a dtype for Cast's `to`. */
export function onnxType(dtype: DType): number {
  return onnxTypeCode(dtype) ?? 1;
}

/** The context of one TF node. */
export class NodeContext {
  readonly node: TfNode;
  readonly #b: TfServices;
  readonly #outputs: readonly string[];

  constructor(node: TfNode, outputs: readonly string[], b: TfServices) {
    this.node = node;
    this.#outputs = outputs;
    this.#b = b;
  }

  get attrs(): TfAttrs {
    return this.node.attrs;
  }

  /** The number of data inputs. */
  get arity(): number {
    return this.node.inputs.length;
  }

  /** An error about this node. */
  error(detail: string, code: 'INVALID_STRUCTURE' | 'UNSUPPORTED_OP' = 'INVALID_STRUCTURE'): NnportError {
    return new NnportError(code, `${this.node.op} '${this.node.name}': ${detail}`, {
      at: { node: this.node.name },
    });
  }

  /** An UNSUPPORTED_OP error that leaves the model without a graph (see GRAPH_ERRORS). */
  fatal(detail: string): NnportError {
    const e = this.error(detail, 'UNSUPPORTED_OP');
    GRAPH_ERRORS.add(e);
    return e;
  }

  #ref(i: number): TfRef {
    const r = this.node.inputs[i];
    if (r === undefined) throw this.error(`needs at least ${i + 1} inputs, has ${this.arity}`);
    return r;
  }

  /** Data input `i` as a graph value. */
  input(i = 0): string {
    return this.#b.value(this.#ref(i));
  }

  /** Input `i`'s values when it is a Const (undefined otherwise). */
  constant(i: number): readonly number[] | undefined {
    return this.#b.constant(this.#ref(i));
  }

  /** Input `i`'s values, which must be a Const (axes, perm, shape …). */
  ints(i: number, what: string): number[] {
    const v = this.constant(i);
    if (v === undefined) throw this.error(`${what} must be a constant`, 'UNSUPPORTED_OP');
    return v.map((x) => Math.trunc(x));
  }

  /** The name reserved for output `k`. */
  out(k = 0): string {
    const v = this.#outputs[k];
    if (v === undefined) throw this.error(`has no output ${k}`);
    return v;
  }

  /**
   * Names for a translation with `n` outputs (Split, Unpack …): the reserved names of the outputs
   * consumers read, fresh names for the rest. A consumer reading output `n` or later reads an
   * output the op does not have.
   */
  outputs(n: number): string[] {
    if (this.#outputs.length > n)
      throw this.fatal(`has ${n} outputs, but output ${this.#outputs.length - 1} is read`);
    return Array.from({ length: n }, (_, k) => this.#outputs[k] ?? this.tmp(`output${k}`));
  }

  /** How many outputs consumers read (at least one). */
  get outputCount(): number {
    return this.#outputs.length;
  }

  /** A fresh value name. */
  tmp(suffix: string): string {
    return this.#b.unique(`${this.node.name}/${suffix}`);
  }

  /** Adds one node; returns its first output. */
  emit(
    op: string,
    inputs: readonly string[],
    attributes: Readonly<Record<string, AttributeValue>> = {},
    outputs: string | readonly string[] = this.tmp(op),
    domain?: string,
  ): string {
    const outs = typeof outputs === 'string' ? [outputs] : [...outputs];
    const main = outs.includes(this.#outputs[0] as string);
    const name = this.#b.nodeName(main ? this.node.name : `${this.node.name}/${op}`);
    const meta = { tfjs: { name: this.node.name, op: this.node.op } };
    const node: GraphNode = { name, op, inputs, outputs: outs, attributes, meta };
    this.#b.add(domain === undefined ? node : { ...node, domain });
    return outs[0] as string;
  }

  /** An int64 vector as a Constant node. */
  int64(suffix: string, values: readonly number[]): string {
    return this.emit('Constant', [], { value_ints: attr(values) }, this.tmp(suffix));
  }

  /** A float32 scalar as a Constant node. */
  float(suffix: string, value: number): string {
    return this.emit('Constant', [], { value_float: attr(value, true) }, this.tmp(suffix));
  }

  /** A value cast to `dtype` (no node when it already is). */
  cast(value: string, dtype: DType): string {
    if (this.info(value)?.dtype === dtype) return value;
    return this.emit('Cast', [value], { to: attr(onnxType(dtype)) });
  }

  info(value: string): ValueInfo | undefined {
    return this.#b.shapes.known.get(value);
  }

  /** A value's shape; an error when even the rank is unknown. */
  shape(value: string): readonly Dim[] {
    const s = this.info(value)?.shape;
    if (s === undefined) throw this.error(`the rank of '${value}' is unknown`, 'UNSUPPORTED_OP');
    return s;
  }

  rank(value: string): number {
    return this.shape(value).length;
  }

  /** A value's dimension `i` (negative from the end), which must be known. */
  dim(value: string, i: number): number {
    const s = this.shape(value);
    const d = s[i < 0 ? s.length + i : i];
    if (typeof d !== 'number') throw this.error(`dimension ${i} of '${value}' is unknown`, 'UNSUPPORTED_OP');
    return d;
  }

  dtype(value: string): DType {
    return this.info(value)?.dtype ?? 'float32';
  }

  /** Records what is assumed of a value inference cannot know (a kept `tfjs` node's output). */
  assume(v: ValueInfo): void {
    this.#b.shapes.declare(v);
  }
}
