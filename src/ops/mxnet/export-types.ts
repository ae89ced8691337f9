/**
 * The contract between the MXNet exporter (export.ts) and its per-op converters (export-nn.ts,
 * export-tensor.ts): a converter sees one canonical (ONNX) node through an `ExportContext` and
 * emits MXNet op nodes with it. Kept apart so the tables and the driver do not import each other.
 */
import type { DType } from '../../core/dtype.js';
import { NnportError } from '../../core/errors.js';
import type { AttributeValue, GraphNode } from '../../core/graph.js';
import type { Tensor } from '../../core/tensor.js';
import type { Dim } from '../types.js';

/** One MXNet node of the symbol being built: an op, or a variable (`op === 'null'`). */
export interface MxNode {
  /** The MXNet operator, `'null'` for a variable. */
  readonly op: string;
  /** Unique node name; a variable's name is its argument (and parameter) name. */
  readonly name: string;
  /** Attributes as MXNet spells them (strings). */
  readonly attrs: Readonly<Record<string, string>>;
  /** Inputs, in the MXNet op's order. */
  readonly inputs: readonly MxEntry[];
  /** Every output the op has, hidden ones included (BatchNorm 3): what `node_row_ptr` counts. */
  readonly numOutputs: number;
  /** For a parameter variable: its data, and whether it is an auxiliary state (`aux:`). */
  readonly param?: { readonly tensor: Tensor; readonly aux: boolean };
}

/** One output of an MXNet node as an input of another (nnvm NodeEntry). */
export interface MxEntry {
  readonly node: MxNode;
  readonly index: number;
  /** Variable version: 1 for an auxiliary state the consuming op mutates (BatchNorm's moving stats). */
  readonly version: number;
}

/** Options of `ExportContext.op`. */
export interface OpOptions {
  /** Total outputs of the MXNet op (default 1). */
  readonly outputs?: number;
  /** Appended to the ONNX node's name for second and later MXNet nodes (default a counter). */
  readonly suffix?: string;
}

/** What a converter sees of one canonical node and how it emits MXNet nodes. */
export interface ExportContext {
  /** The canonical node. */
  readonly node: GraphNode;
  /** The default-domain opset the model imports. */
  readonly opset: number;
  /** The node's attributes with the ONNX schema's defaults applied. */
  readonly attrs: Readonly<Record<string, AttributeValue>>;
  /** True when input `i` is present (not omitted). */
  has(i: number): boolean;
  /** Input `i` as an MXNet entry (a variable for graph inputs and constants); `aux` marks an auxiliary state. */
  input(i: number, aux?: boolean): MxEntry;
  /** What is known of input `i`'s shape. */
  shape(i: number): readonly Dim[] | undefined;
  /** What is known of output `j`'s shape. */
  outShape(j: number): readonly Dim[] | undefined;
  /** Input `i`'s element type, when known. */
  dtype(i: number): DType | undefined;
  /** Input `i`'s values when it is a small constant (initializer, Constant or folded); it is then not written as a parameter. */
  values(i: number): readonly number[] | undefined;
  /** The model tensor input `i` names (an initializer or a Constant's value), when it is one. */
  tensor(i: number): Tensor | undefined;
  /** A model tensor by name (a tensor attribute's value). */
  modelTensor(name: string): Tensor | undefined;
  /** Marks input `i`'s tensor as represented by something derived from it (not written as it is). */
  consume(i: number): void;
  /** A new parameter variable holding `tensor` (a derived weight); its name is made unique. */
  param(tensor: Tensor): MxEntry;
  /** Emits an MXNet op node named after the canonical node. */
  op(
    op: string,
    attrs: Readonly<Record<string, string>>,
    inputs: readonly MxEntry[],
    options?: OpOptions,
  ): MxNode;
  /** Binds output `j` of the canonical node to an MXNet entry. */
  output(j: number, entry: MxEntry): void;
  /** True when output `j` exists and something (a node or the graph's outputs) uses it. */
  outputUsed(j: number): boolean;
  /** A one-line warning for the caller. */
  warn(message: string): void;
}

/** Converts one canonical node; throws UNREPRESENTABLE (via `refuse`) for forms MXNet lacks. */
export type Converter = (ctx: ExportContext) => void;

/** Output `index` of `node` as an entry. */
export function entryOf(node: MxNode, index = 0): MxEntry {
  return { node, index, version: 0 };
}

/** The node's name for messages (its outputs when it has none). */
export function nodeLabel(node: GraphNode): string {
  return node.name !== '' ? node.name : (node.outputs[0] ?? node.op);
}

/** Throws UNREPRESENTABLE about the node: a form of the op MXNet 1.x cannot express. */
export function refuse(ctx: ExportContext, detail: string): never {
  throw new NnportError('UNREPRESENTABLE', `${ctx.node.op}: ${detail}`, {
    format: 'mxnet',
    at: { node: nodeLabel(ctx.node) },
  });
}

/** An int attribute (with the schema's default), or `fallback`. */
export function intAttr(ctx: ExportContext, name: string, fallback: number): number;
export function intAttr(ctx: ExportContext, name: string): number | undefined;
export function intAttr(ctx: ExportContext, name: string, fallback?: number): number | undefined {
  const a = ctx.attrs[name];
  return a?.type === 'int' ? Number(a.value) : fallback;
}

/** An ints attribute, when present. */
export function intsAttr(ctx: ExportContext, name: string): number[] | undefined {
  const a = ctx.attrs[name];
  return a?.type === 'ints' ? a.value.map(Number) : undefined;
}

/** A float attribute (with the schema's default), or `fallback`. */
export function floatAttr(ctx: ExportContext, name: string, fallback: number): number {
  const a = ctx.attrs[name];
  return a?.type === 'float' ? a.value : a?.type === 'int' ? Number(a.value) : fallback;
}

/** A string attribute (with the schema's default), or `fallback`. */
export function stringAttr(ctx: ExportContext, name: string, fallback: string): string {
  const a = ctx.attrs[name];
  return a?.type === 'string' ? a.value : fallback;
}

/** The known rank of input `i`, or undefined. */
export function rankOf(ctx: ExportContext, i: number): number | undefined {
  return ctx.shape(i)?.length;
}

/** Input `i`'s shape when every dim is a number. */
export function staticShape(ctx: ExportContext, i: number): number[] | undefined {
  const s = ctx.shape(i);
  return s?.every((d) => typeof d === 'number') ? (s as number[]) : undefined;
}

/** Normalizes a possibly negative axis against `rank`, refusing when the rank is needed but unknown. */
export function normAxis(ctx: ExportContext, axis: number, rank: number | undefined, what = 'axis'): number {
  if (axis >= 0) return axis;
  if (rank === undefined) refuse(ctx, `a negative ${what} needs the input's rank, which is unknown`);
  return axis + rank;
}
