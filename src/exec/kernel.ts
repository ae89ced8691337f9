/**
 * The contract between the reference executor and its kernels (DESIGN §2 `exec/`, STYLE habit 13):
 * one kernel per ONNX op, a pure function from input tensors and attributes to output tensors,
 * registered in one explicit list (`kernels/all.ts`).
 */
import type { TypedArrayOf } from '../core/dtype.js';
import type { AttributeValue, GraphNode } from '../core/graph.js';

/** Element types the executor computes in. float16/bfloat16/float8 inputs are upcast to float32 at the graph boundary. */
export type ExecDType =
  | 'float32'
  | 'float64'
  | 'int8'
  | 'int16'
  | 'int32'
  | 'int64'
  | 'uint8'
  | 'uint16'
  | 'uint32'
  | 'uint64'
  | 'bool';

/** The typed array of each executor dtype (core's map: int64 as BigInt64Array, bool as 0/1 bytes). */
export type ExecArrayOf = Pick<TypedArrayOf, ExecDType>;

/** A value during execution: dense, C-order, in memory. */
export interface ExecTensor<D extends ExecDType = ExecDType> {
  /** Element type. */
  readonly dtype: D;
  /** Dimensions (`[]` for a scalar). */
  readonly shape: readonly number[];
  /** The elements, `shape` product of them. */
  readonly data: ExecArrayOf[D];
}

/** What a kernel knows besides its inputs. */
export interface KernelContext {
  /** The node being run (its name for errors, its raw attributes and input/output counts). */
  readonly node: GraphNode;
  /** Attributes with the op schema's defaults applied (src/ops `applyDefaults`). */
  readonly attrs: Readonly<Record<string, AttributeValue>>;
  /** The opset version of the node's domain. */
  readonly opset: number;
  /** The `since` version of the op schema in use (semantics changed between versions). */
  readonly since: number;
}

/**
 * A kernel: inputs by position (`undefined` for an omitted optional input) → outputs by position
 * (`undefined` for an optional output it does not produce). Throws NnportError (INVALID_STRUCTURE
 * or UNSUPPORTED_OP, `at: { node }`) for inputs it cannot take.
 */
export type Kernel = (
  inputs: readonly (ExecTensor | undefined)[],
  ctx: KernelContext,
) => (ExecTensor | undefined)[];
