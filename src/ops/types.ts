/**
 * The public contract of the canonical op set (DESIGN §2, `ops/`): what one version of one ONNX
 * operator takes (inputs, outputs, typed attributes with defaults) and how its output shapes
 * follow from its input shapes. The tables live in `defs-*.ts`; lookup in `registry.ts`; the
 * graph walk in `infer.ts`. Facts come from onnx/onnx docs/Operators.md and docs/Changelog.md
 * (one section per `Op-<since_version>`), cross-checked against the schemas of the onnx package.
 */
import type { DType } from '../core/dtype.js';
import type { AttributeValue, GraphNode } from '../core/graph.js';

/** One dimension: a size, a symbolic name (ONNX dim_param), or `null` when unknown. */
export type Dim = number | string | null;

/** What is known of one tensor value: element type and shape (absent = unknown rank). */
export interface TensorInfo {
  /** Element type, when known (absent for strings and unknown types). */
  readonly dtype?: DType;
  /** Dimensions; absent when even the rank is unknown. */
  readonly shape?: readonly Dim[];
}

/** An attribute kind, as in `AttributeValue['type']` (ONNX AttributeProto types). */
export type AttrType = AttributeValue['type'];

/** One attribute of one operator version. */
export interface AttrSpec {
  /** Attribute name. */
  readonly name: string;
  /** Its kind. */
  readonly type: AttrType;
  /** True when the node must carry it. */
  readonly required: boolean;
  /** The value ONNX assumes when the node omits it (absent: no default, the op decides). */
  readonly default?: AttributeValue;
}

/** One input or output slot. */
export interface IoSpec {
  /** The name ONNX's documentation gives the slot. */
  readonly name: string;
  /** May be omitted (`''` in a node's inputs, or left off the end). */
  readonly optional: boolean;
  /** Takes any number (≥ 1 unless optional) of values; only the last slot can be variadic. */
  readonly variadic: boolean;
}

/** What a shape-inference function sees of one node. */
export interface InferContext {
  /** The node (for its name, its input/output counts and its raw attributes). */
  readonly node: GraphNode;
  /** The opset version of the node's domain the model imports. */
  readonly opset: number;
  /** The `since` version of the schema in use (Upsample-7 and Upsample-9 take scales differently). */
  readonly since: number;
  /** Input types by position; `undefined` for an omitted optional input or an unknown value. */
  readonly inputs: readonly (TensorInfo | undefined)[];
  /** Attributes with the schema's defaults applied. */
  readonly attrs: Readonly<Record<string, AttributeValue>>;
  /** The values of input `i` when it is a known constant (initializer or folded), flattened; ints as numbers. */
  value(i: number): readonly number[] | undefined;
  /**
   * Input `i`'s value as dims when it is a small 1-D vector of sizes computed in the graph, with
   * symbolic or unknown entries allowed (`Shape` of [N, 3] is [N, 3]; `Gather` and `Concat` of
   * such vectors keep them); the same numbers as `value(i)` when that is known. Absent on contexts
   * that do not track it.
   */
  dims?(i: number): readonly Dim[] | undefined;
  /** Type of a model tensor named by a tensor attribute (Constant's `value`, ConstantOfShape's `value`). */
  tensorInfo(name: string): TensorInfo | undefined;
}

/** Shape inference of one op version: one entry per node output (`undefined` = unknown). */
export type InferFn = (ctx: InferContext) => readonly (TensorInfo | undefined)[];

/** One version of one operator: the schema `opSchema` returns. */
export interface OpSchema {
  /** Operator domain; `''` is the default ONNX domain (`ai.onnx`). */
  readonly domain: string;
  /** Operator name (op_type). */
  readonly op: string;
  /** The opset version this schema appeared in (ONNX `since_version`). */
  readonly since: number;
  /** Deprecated from this version on (ONNX keeps the name but models must not use it, e.g. Upsample-10). */
  readonly deprecated: boolean;
  /** Input slots in order. */
  readonly inputs: readonly IoSpec[];
  /** Output slots in order. */
  readonly outputs: readonly IoSpec[];
  /** Attributes this version knows. */
  readonly attributes: readonly AttrSpec[];
  /** Output types from input types. */
  readonly infer: InferFn;
}
