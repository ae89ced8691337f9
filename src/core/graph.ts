/**
 * The optional computation graph of a model. Operators are ONNX's (DESIGN §2); an operator with no
 * ONNX meaning keeps its source format as `domain`. Later issues fill in the op set; this module
 * fixes the shape of the data so every format and the text formats carry graphs the same way.
 */
import type { DType } from './dtype.js';
import type { JsonValue } from './model.js';

/**
 * A typed attribute value; types are explicit so that `1` (int) and `1.0` (float) stay distinct.
 * The kinds are ONNX's AttributeProto types (onnx.proto `AttributeType`).
 */
export type AttributeValue = (
  | { readonly type: 'int'; readonly value: number | bigint }
  | { readonly type: 'float'; readonly value: number }
  | { readonly type: 'string'; readonly value: string }
  | { readonly type: 'ints'; readonly value: readonly (number | bigint)[] }
  | { readonly type: 'floats'; readonly value: readonly number[] }
  | { readonly type: 'strings'; readonly value: readonly string[] }
  /** A tensor attribute, by the name of a tensor in the model (or of a graph's string tensor). */
  | { readonly type: 'tensor'; readonly value: string }
  /** Several tensors, by name. */
  | { readonly type: 'tensors'; readonly value: readonly string[] }
  | { readonly type: 'graph'; readonly value: Graph }
  | { readonly type: 'graphs'; readonly value: readonly Graph[] }
  | { readonly type: 'sparse_tensor'; readonly value: SparseTensorRef }
  | { readonly type: 'sparse_tensors'; readonly value: readonly SparseTensorRef[] }
  /** An ONNX TypeProto, as the JSON `typeToJson` of the ONNX format gives (docs/formats/onnx.md). */
  | { readonly type: 'type_proto'; readonly value: JsonValue }
  | { readonly type: 'type_protos'; readonly value: readonly JsonValue[] }
) & {
  /** In a function body: the attribute takes the value of the caller's attribute of this name (ONNX `ref_attr_name`). */
  readonly ref?: string;
  /** Documentation the source attached. */
  readonly doc?: string;
};

/**
 * A sparse tensor (ONNX SparseTensorProto): its non-zero values and their indices are model
 * tensors (1-D values; indices [NNZ] linearized or [NNZ, rank]), `dims` the dense shape.
 */
export interface SparseTensorRef {
  /** The sparse tensor's name (the values tensor's name in ONNX). */
  readonly name: string;
  /** Name of the model tensor holding the values. */
  readonly values: string;
  /** Name of the model tensor holding the indices (int64). */
  readonly indices: string;
  /** The dense shape. */
  readonly dims: readonly number[];
}

/** A tensor of strings (ONNX STRING tensors), kept with the graph since tensor data is numeric. */
export interface StringTensor {
  /** Its name. */
  readonly name: string;
  /** Dimensions. */
  readonly shape: readonly number[];
  /** The elements in C order (ONNX strings are bytes; these are their UTF-8 or Latin-1 decoding). */
  readonly values: readonly string[];
}

/** A graph input, output or intermediate value with what is known of its type. */
export interface ValueInfo {
  /** The value's name. */
  readonly name: string;
  /** Element type, when known (tensors). */
  readonly dtype?: DType;
  /** Dimensions: a number, a symbolic name, or `null` for unknown; absent when the rank is unknown. */
  readonly shape?: readonly (number | string | null)[];
  /**
   * The full type when it is not a plain tensor of a known dtype (ONNX sequence, map, optional,
   * sparse tensor, string tensor), as the ONNX format's JSON encoding of a TypeProto.
   */
  readonly type?: JsonValue;
  /** Facts kept for round trips (ONNX doc_string, denotation, metadata_props). */
  readonly meta?: Readonly<Record<string, JsonValue>>;
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
  /** Facts kept for round trips (ONNX doc_string, overload, metadata_props). */
  readonly meta?: Readonly<Record<string, JsonValue>>;
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
  /** Types of intermediate values (ONNX value_info), as far as the source knows them. */
  readonly valueInfo?: readonly ValueInfo[];
  /**
   * Names of the model tensors that are this graph's initializers, in the source's order (ONNX
   * graphs and subgraphs each have their own). Absent: every model tensor not used by an
   * attribute is an initializer of the main graph.
   */
  readonly initializers?: readonly string[];
  /** Sparse initializers (ONNX sparse_initializer). */
  readonly sparseInitializers?: readonly SparseTensorRef[];
  /** String tensors this graph uses (initializers or attribute values), by name. */
  readonly stringTensors?: readonly StringTensor[];
  /** Facts kept for round trips (ONNX doc_string, quantization_annotation, metadata_props). */
  readonly meta?: Readonly<Record<string, JsonValue>>;
}
