/**
 * Shared pieces of the op tables: compact builders for schemas, attribute getters, and the shape
 * arithmetic several ops share — numpy broadcasting (onnx docs/Broadcasting.md), axis
 * normalisation, and the convolution / pooling output size (docs/Operators.md, Conv and
 * MaxPool: "output_spatial_shape").
 */
import type { DType } from '../core/dtype.js';
import { NnportError } from '../core/errors.js';
import type { AttributeValue } from '../core/graph.js';
import type {
  AttrSpec,
  AttrType,
  Dim,
  InferContext,
  InferFn,
  IoSpec,
  OpSchema,
  TensorInfo,
} from './types.js';

/** Parses a compact slot list: `'X W B?'` (optional `?`, variadic `*`). */
export function slots(list: string): IoSpec[] {
  return list
    .split(' ')
    .filter((s) => s !== '')
    .map((s) => {
      const variadic = s.endsWith('*');
      const optional = s.endsWith('?');
      return { name: variadic || optional ? s.slice(0, -1) : s, optional, variadic };
    });
}

/** An optional attribute, with a default when `value` is given. */
export function attr(name: string, type: AttrType, value?: AttributeValue['value']): AttrSpec {
  if (value === undefined) return { name, type, required: false };
  return { name, type, required: false, default: { type, value } as AttributeValue };
}

/** A required attribute. */
export function req(name: string, type: AttrType): AttrSpec {
  return { name, type, required: true };
}

/** What one group of versions shares. */
export interface SchemaSpec {
  /** Input slots (see `slots`). */
  readonly inputs: string;
  /** Output slots. */
  readonly outputs: string;
  /** Attributes. */
  readonly attributes?: readonly AttrSpec[];
  /** Shape inference. */
  readonly infer: InferFn;
  /** Deprecated in these versions. */
  readonly deprecated?: boolean;
}

/**
 * One schema per listed version. Versions that only widened the type constraints (e.g. bfloat16
 * at 13, int4 at 21) share attributes and slots with their predecessor; listing them keeps
 * `since` faithful to the Changelog.
 */
export function versions(op: string, since: readonly number[], spec: SchemaSpec): OpSchema[] {
  const inputs = slots(spec.inputs);
  const outputs = slots(spec.outputs);
  return since.map((v) => ({
    domain: '',
    op,
    since: v,
    deprecated: spec.deprecated === true,
    inputs,
    outputs,
    attributes: spec.attributes ?? [],
    infer: spec.infer,
  }));
}

/** An INVALID_STRUCTURE error naming the node. */
export function fail(ctx: InferContext, detail: string): never {
  const name = ctx.node.name !== '' ? ctx.node.name : (ctx.node.outputs[0] ?? ctx.node.op);
  throw new NnportError('INVALID_STRUCTURE', `${ctx.node.op}: ${detail}`, { at: { node: name } });
}

/** An integer attribute (defaults applied), or `undefined`. */
export function intAttr(ctx: InferContext, name: string): number | undefined {
  const a = ctx.attrs[name];
  return a?.type === 'int' ? Number(a.value) : undefined;
}

/** An ints attribute, or `undefined`. */
export function intsAttr(ctx: InferContext, name: string): number[] | undefined {
  const a = ctx.attrs[name];
  return a?.type === 'ints' ? a.value.map(Number) : undefined;
}

/** A float attribute, or `undefined`. */
export function floatAttr(ctx: InferContext, name: string): number | undefined {
  const a = ctx.attrs[name];
  return a?.type === 'float' ? a.value : undefined;
}

/** A floats attribute, or `undefined`. */
export function floatsAttr(ctx: InferContext, name: string): readonly number[] | undefined {
  const a = ctx.attrs[name];
  return a?.type === 'floats' ? a.value : undefined;
}

/** A string attribute, or `undefined`. */
export function stringAttr(ctx: InferContext, name: string): string | undefined {
  const a = ctx.attrs[name];
  return a?.type === 'string' ? a.value : undefined;
}

/** Input `i`'s shape, or `undefined` when its rank is unknown or the input is absent. */
export function shapeOf(ctx: InferContext, i: number): readonly Dim[] | undefined {
  return ctx.inputs[i]?.shape;
}

/** A TensorInfo from parts, leaving out what is unknown (exactOptionalPropertyTypes). */
export function info(dtype: TensorInfo['dtype'], shape: readonly Dim[] | undefined): TensorInfo {
  const out: { dtype?: DType; shape?: readonly Dim[] } = {};
  if (dtype !== undefined) out.dtype = dtype;
  if (shape !== undefined) out.shape = shape;
  return out;
}

/** Same type as input 0 (elementwise unary ops, Identity, Clip, normalisations). */
export const sameAsInput0: InferFn = (ctx) => [ctx.inputs[0]];

/** Normalises an axis in `[-rank, rank)` (or `[-rank, rank]` with `inclusive`); fails outside. */
export function normAxis(ctx: InferContext, axis: number, rank: number, inclusive = false): number {
  // Negative axes count from the rank in both forms (Flatten's axis -1 on rank 3 is 2).
  const top = inclusive ? rank + 1 : rank;
  const a = axis < 0 ? axis + rank : axis;
  if (!Number.isInteger(a) || a < 0 || a >= top) fail(ctx, `axis ${axis} is out of range for rank ${rank}`);
  return a;
}

/** The product of dims when all are numbers, else `null`. */
export function product(dims: readonly Dim[]): number | null {
  let p = 1;
  for (const d of dims) {
    if (typeof d !== 'number') return null;
    p *= d;
  }
  return p;
}

/** Adds dims when both are numbers, else `null`. */
export function addDims(a: Dim, b: Dim): Dim {
  return typeof a === 'number' && typeof b === 'number' ? a + b : null;
}

/**
 * Multidirectional (numpy) broadcasting, docs/Broadcasting.md: shapes are right-aligned; in each
 * position the sizes must be equal or 1. Symbolic dims follow onnx's inference: a symbol beside 1s
 * stays; a number > 1 wins over a symbol; two different symbols give an unknown dim.
 */
export function broadcast(
  ctx: InferContext,
  shapes: readonly (readonly Dim[] | undefined)[],
): Dim[] | undefined {
  if (shapes.some((s) => s === undefined)) return undefined;
  const list = shapes as readonly (readonly Dim[])[];
  const rank = Math.max(0, ...list.map((s) => s.length));
  const out: Dim[] = [];
  for (let i = 0; i < rank; i++) {
    let num: number | undefined;
    let sym: string | null | undefined;
    let unknown = false;
    for (const s of list) {
      const d = s[i - (rank - s.length)];
      if (d === undefined) continue;
      if (typeof d === 'number') {
        if (d === 1) continue;
        if (num !== undefined && num !== d) {
          fail(ctx, `shapes [${list.map((x) => x.join(', ')).join('] and [')}] do not broadcast`);
        }
        num = d;
      } else if (d === null) unknown = true;
      else if (sym === undefined) sym = d;
      else if (sym !== d) sym = null;
    }
    if (num !== undefined) out.push(num);
    else if (unknown) out.push(null);
    else if (sym !== undefined) out.push(sym);
    else out.push(1);
  }
  return out;
}

/** True when `from` broadcasts to `to` in one direction (PRelu's slope, ONNX "unidirectional"). */
export function broadcastsTo(from: readonly Dim[], to: readonly Dim[]): boolean {
  if (from.length > to.length) return false;
  for (let i = 0; i < from.length; i++) {
    const f = from[from.length - 1 - i];
    const t = to[to.length - 1 - i];
    if (typeof f === 'number' && typeof t === 'number' && f !== 1 && f !== t) return false;
  }
  return true;
}

/** Window geometry of one spatial axis, the way Conv, ConvTranspose and the pools describe it. */
export interface Window {
  /** Kernel size. */
  readonly kernel: number;
  /** Stride (default 1). */
  readonly stride: number;
  /** Dilation (default 1). */
  readonly dilation: number;
  /** Padding at the start and the end (NOTSET only). */
  readonly padBegin: number;
  /** Padding at the end. */
  readonly padEnd: number;
}

/** The per-axis windows of a conv or pool node, with ONNX defaults (strides, dilations 1; pads 0). */
export function windows(ctx: InferContext, kernel: readonly number[]): Window[] {
  const n = kernel.length;
  const strides = intsAttr(ctx, 'strides') ?? new Array<number>(n).fill(1);
  const dilations = intsAttr(ctx, 'dilations') ?? new Array<number>(n).fill(1);
  const pads = intsAttr(ctx, 'pads') ?? new Array<number>(2 * n).fill(0);
  if (strides.length !== n) fail(ctx, `strides has ${strides.length} values for ${n} spatial axes`);
  if (dilations.length !== n) fail(ctx, `dilations has ${dilations.length} values for ${n} spatial axes`);
  if (pads.length !== 2 * n)
    fail(ctx, `pads has ${pads.length} values for ${n} spatial axes (needs ${2 * n})`);
  return kernel.map((k, i) => {
    const w = {
      kernel: k,
      stride: strides[i] as number,
      dilation: dilations[i] as number,
      padBegin: pads[i] as number,
      padEnd: pads[i + n] as number,
    };
    if (w.kernel < 1 || w.stride < 1 || w.dilation < 1 || w.padBegin < 0 || w.padEnd < 0) {
      fail(ctx, 'kernel, strides and dilations must be positive and pads non-negative');
    }
    return w;
  });
}

/**
 * Output size of one spatial axis of Conv and the pools (Operators.md, AveragePool/MaxPool
 * "output_spatial_shape"): SAME_* gives ceil(in / stride); VALID and NOTSET give
 * floor-or-ceil((in + pads - dilated kernel) / stride) + 1, with pads 0 for VALID. The ceil
 * form is onnx 1.12's (`ceil_mode`), without the later rule that drops a last window starting
 * in the padding.
 */
export function windowOutput(ctx: InferContext, size: Dim, w: Window, autoPad: string, ceil: boolean): Dim {
  if (typeof size !== 'number') return null;
  if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') return Math.ceil(size / w.stride);
  const dilated = (w.kernel - 1) * w.dilation + 1;
  const padded = autoPad === 'VALID' ? size : size + w.padBegin + w.padEnd;
  if (padded < dilated) fail(ctx, `kernel ${dilated} (dilated) is larger than the padded input ${padded}`);
  const q = (padded - dilated) / w.stride;
  return (ceil ? Math.ceil(q) : Math.floor(q)) + 1;
}

/** Checks `auto_pad` is one of ONNX's four values. */
export function autoPadOf(ctx: InferContext): string {
  const p = stringAttr(ctx, 'auto_pad') ?? 'NOTSET';
  if (!['NOTSET', 'SAME_UPPER', 'SAME_LOWER', 'VALID'].includes(p)) fail(ctx, `unknown auto_pad '${p}'`);
  return p;
}
