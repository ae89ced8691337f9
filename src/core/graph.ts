/**
 * The optional computation graph of a model. Operators are ONNX's (DESIGN §2); an operator with no
 * ONNX meaning keeps its source format as `domain`. Later issues fill in the op set; this module
 * fixes the shape of the data so every format and the text formats carry graphs the same way.
 */
import type { DType } from './dtype.js';

/** A typed attribute value; types are explicit so that `1` (int) and `1.0` (float) stay distinct. */
export type AttributeValue =
  | { readonly type: 'int'; readonly value: number | bigint }
  | { readonly type: 'float'; readonly value: number }
  | { readonly type: 'string'; readonly value: string }
  | { readonly type: 'ints'; readonly value: readonly (number | bigint)[] }
  | { readonly type: 'floats'; readonly value: readonly number[] }
  | { readonly type: 'strings'; readonly value: readonly string[] }
  /** A tensor attribute, by the name of a tensor in the model. */
  | { readonly type: 'tensor'; readonly value: string }
  | { readonly type: 'graph'; readonly value: Graph };

/** A graph input, output or intermediate value with what is known of its type. */
export interface ValueInfo {
  /** The value's name. */
  readonly name: string;
  /** Element type, when known. */
  readonly dtype?: DType;
  /** Dimensions: a number, a symbolic name, or `null` for unknown. */
  readonly shape?: readonly (number | string | null)[];
}

/** One operator application. */
export interface GraphNode {
  /** Node name (may be empty in some formats). */
  readonly name: string;
  /** Operator name. */
  readonly op: string;
  /** Operator domain; `''` is the default ONNX domain. */
  readonly domain?: string;
  /** Input value names, in the operator's order; `''` for an omitted optional input. */
  readonly inputs: readonly string[];
  /** Output value names. */
  readonly outputs: readonly string[];
  /** Attributes by name. */
  readonly attributes: Readonly<Record<string, AttributeValue>>;
}

/** A computation graph. */
export interface Graph {
  /** Graph name. */
  readonly name?: string;
  /** Nodes in a topological order. */
  readonly nodes: readonly GraphNode[];
  /** Graph inputs (initializers excluded). */
  readonly inputs: readonly ValueInfo[];
  /** Graph outputs. */
  readonly outputs: readonly ValueInfo[];
  /** Operator set versions by domain. */
  readonly opsets?: Readonly<Record<string, number>>;
}
