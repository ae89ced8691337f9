/**
 * GraphProto, NodeProto, AttributeProto and ValueInfoProto plans from nnport's Graph (the reverse
 * of the mapping in docs/formats/onnx.md). Every message lists its fields in onnx.proto number
 * order, repeated fields in model order, so the same model always gives the same bytes.
 */
import { NnportError } from '../../core/errors.js';
import type {
  AttributeValue,
  Graph,
  GraphNode,
  SparseTensorRef,
  StringTensor,
  ValueInfo,
} from '../../core/graph.js';
import type { JsonValue } from '../../core/model.js';
import type { Tensor } from '../../core/tensor.js';
import { PbMessage } from '../../io/protobuf/writer.js';
import { dtypeToOnnx } from './dtypes.js';
import {
  AttributeProtoField,
  AttributeType,
  GraphProtoField,
  NodeProtoField,
  TensorAnnotationField,
  TypeProtoField,
  ValueInfoProtoField,
} from './schema.js';
import {
  addMetadataProps,
  addRawField,
  asObject,
  asString,
  tensorTypeProto,
  typeProto,
} from './write-json.js';
import { type ExternalPlacement, sparseTensorProto, stringTensorProto, tensorProto } from './write-tensor.js';

/** What graph plans need from the whole model. */
export interface GraphContext {
  /** Model tensors by name. */
  readonly tensors: ReadonlyMap<string, Tensor>;
  /** String tensors of every graph, by name. */
  readonly strings: ReadonlyMap<string, StringTensor>;
  /** Tensors that go to external data, by name. */
  readonly external: ReadonlyMap<string, ExternalPlacement>;
  /** Initializer names of the main graph (resolved by the caller when the graph does not list them). */
  readonly mainInitializers: readonly string[];
}

/** Calls `visit` on `graph` and every subgraph in its nodes' attributes, depth first, in model order. */
export function walkGraphs(graph: Graph, visit: (g: Graph) => void): void {
  visit(graph);
  for (const node of graph.nodes) {
    for (const a of Object.values(node.attributes)) {
      if (a.type === 'graph') walkGraphs(a.value, visit);
      else if (a.type === 'graphs') for (const g of a.value) walkGraphs(g, visit);
    }
  }
}

/**
 * Names of tensors a graph tree uses other than as main-graph initializers: attribute tensors,
 * sparse tensors' parts, and subgraphs' own initializers. The rest of the model's tensors are
 * the main graph's initializers when it does not list them (contract: "every model tensor not
 * used by an attribute").
 */
export function tensorsUsedElsewhere(main: Graph): Set<string> {
  const used = new Set<string>();
  const addSparse = (r: SparseTensorRef): void => {
    used.add(r.values);
    used.add(r.indices);
  };
  walkGraphs(main, (g) => {
    if (g !== main) for (const n of g.initializers ?? []) used.add(n);
    for (const s of g.sparseInitializers ?? []) addSparse(s);
    for (const node of g.nodes) {
      for (const a of Object.values(node.attributes)) {
        if (a.type === 'tensor') used.add(a.value);
        else if (a.type === 'tensors') for (const n of a.value) used.add(n);
        else if (a.type === 'sparse_tensor') addSparse(a.value);
        else if (a.type === 'sparse_tensors') for (const r of a.value) addSparse(r);
      }
    }
  });
  return used;
}

/** The TensorProto of a model tensor or string tensor by name (INVALID_STRUCTURE when there is none). */
function namedTensorProto(ctx: GraphContext, name: string, path: string): PbMessage {
  const t = ctx.tensors.get(name);
  if (t !== undefined) return tensorProto(t, ctx.external.get(name));
  const s = ctx.strings.get(name);
  if (s !== undefined) return stringTensorProto(s);
  throw new NnportError('INVALID_STRUCTURE', `${path} names the tensor '${name}', which the model lacks`, {
    at: { path },
  });
}

function sparseProto(ctx: GraphContext, ref: SparseTensorRef, path: string): PbMessage {
  const values = ctx.tensors.get(ref.values);
  const indices = ctx.tensors.get(ref.indices);
  if (values === undefined || indices === undefined) {
    throw new NnportError(
      'INVALID_STRUCTURE',
      `${path}: sparse tensor '${ref.name}' names tensors the model lacks`,
      { at: { path } },
    );
  }
  return sparseTensorProto(ref, values, indices, (t) => ctx.external.get(t.name));
}

/** A ValueInfoProto: the full `type` JSON when present, else a tensor type from dtype and shape. */
export function valueInfoProto(v: ValueInfo, path: string): PbMessage {
  const m = new PbMessage().string(ValueInfoProtoField.NAME, v.name);
  if (v.type !== undefined) {
    m.message(ValueInfoProtoField.TYPE, typeProto(v.type, `${path}.type`));
  } else if (v.dtype !== undefined || v.shape !== undefined) {
    const elem = v.dtype === undefined ? undefined : dtypeToOnnx(v.dtype);
    if (v.dtype !== undefined && elem === undefined) {
      throw new NnportError('UNREPRESENTABLE', `ONNX has no element type for ${v.dtype}`, { at: { path } });
    }
    const type = new PbMessage().message(
      TypeProtoField.TENSOR_TYPE,
      tensorTypeProto(elem, v.shape as JsonValue | undefined, `${path}.shape`),
    );
    const denotation = asString(v.meta?.denotation);
    if (denotation !== undefined) type.string(TypeProtoField.DENOTATION, denotation);
    m.message(ValueInfoProtoField.TYPE, type);
  }
  const doc = asString(v.meta?.doc);
  if (doc !== undefined) m.string(ValueInfoProtoField.DOC_STRING, doc);
  addMetadataProps(
    m,
    ValueInfoProtoField.METADATA_PROPS,
    v.meta?.metadataProps,
    `${path}.meta.metadataProps`,
  );
  return m;
}

const ATTRIBUTE_TYPES: Readonly<Record<AttributeValue['type'], number>> = {
  float: AttributeType.FLOAT,
  int: AttributeType.INT,
  string: AttributeType.STRING,
  tensor: AttributeType.TENSOR,
  graph: AttributeType.GRAPH,
  floats: AttributeType.FLOATS,
  ints: AttributeType.INTS,
  strings: AttributeType.STRINGS,
  tensors: AttributeType.TENSORS,
  graphs: AttributeType.GRAPHS,
  sparse_tensor: AttributeType.SPARSE_TENSOR,
  sparse_tensors: AttributeType.SPARSE_TENSORS,
  type_proto: AttributeType.TYPE_PROTO,
  type_protos: AttributeType.TYPE_PROTOS,
};

/**
 * An AttributeProto: name, the value field its type uses, doc_string, type, ref_attr_name. In a
 * function body an attribute that refers to the caller's (`ref`) carries no value of its own.
 */
function attributeProto(ctx: GraphContext, name: string, a: AttributeValue, path: string): PbMessage {
  const F = AttributeProtoField;
  const m = new PbMessage().string(F.NAME, name);
  if (a.ref === undefined) {
    switch (a.type) {
      case 'float':
        m.float(F.F, a.value);
        break;
      case 'int':
        m.varint(F.I, a.value);
        break;
      case 'string':
        m.string(F.S, a.value);
        break;
      case 'tensor':
        m.message(F.T, namedTensorProto(ctx, a.value, path));
        break;
      case 'graph':
        m.message(F.G, graphProto(ctx, a.value, `${path}.g`, subgraphName(path, name)));
        break;
      case 'floats':
        for (const v of a.value) m.float(F.FLOATS, v);
        break;
      case 'ints':
        for (const v of a.value) m.varint(F.INTS, v);
        break;
      case 'strings':
        for (const v of a.value) m.string(F.STRINGS, v);
        break;
      case 'tensors':
        a.value.forEach((n, i) => {
          m.message(F.TENSORS, namedTensorProto(ctx, n, `${path}.tensors[${i}]`));
        });
        break;
      case 'graphs':
        a.value.forEach((g, i) => {
          m.message(F.GRAPHS, graphProto(ctx, g, `${path}.graphs[${i}]`, subgraphName(path, `${name}_${i}`)));
        });
        break;
      case 'type_proto':
        m.message(F.TP, typeProto(a.value, `${path}.tp`));
        break;
      case 'type_protos':
        a.value.forEach((t, i) => {
          m.message(F.TYPE_PROTOS, typeProto(t, `${path}.type_protos[${i}]`));
        });
        break;
      case 'sparse_tensor':
      case 'sparse_tensors':
        break; // fields 22/23 come after `type`, below
    }
  }
  if (a.doc !== undefined) m.string(F.DOC_STRING, a.doc);
  m.varint(F.TYPE, ATTRIBUTE_TYPES[a.type]);
  if (a.ref !== undefined) m.string(F.REF_ATTR_NAME, a.ref);
  if (a.ref === undefined && a.type === 'sparse_tensor') {
    m.message(F.SPARSE_TENSOR, sparseProto(ctx, a.value, `${path}.sparse_tensor`));
  } else if (a.ref === undefined && a.type === 'sparse_tensors') {
    a.value.forEach((r, i) => {
      m.message(F.SPARSE_TENSORS, sparseProto(ctx, r, `${path}.sparse_tensors[${i}]`));
    });
  }
  return m;
}

/** A name for a subgraph that has none (onnx.checker requires graph names). */
function subgraphName(path: string, attribute: string): string {
  return `${path.replace(/[^A-Za-z0-9_]+/g, '_')}_${attribute}`;
}

/** Adds fields the reader kept verbatim (`meta.<key>`: a list of `{"$protobuf", "field"}`). */
function addRawList(m: PbMessage, v: JsonValue | undefined, path: string): void {
  if (v === undefined) return;
  const list = Array.isArray(v) ? v : [v];
  list.forEach((item, i) => {
    addRawField(m, item, `${path}[${i}]`);
  });
}

/** A NodeProto. Empty name and default domain are omitted, as onnx's `make_node` leaves them unset. */
function nodeProto(ctx: GraphContext, node: GraphNode, path: string): PbMessage {
  const F = NodeProtoField;
  const m = new PbMessage();
  for (const i of node.inputs) m.string(F.INPUT, i);
  for (const o of node.outputs) m.string(F.OUTPUT, o);
  if (node.name !== '') m.string(F.NAME, node.name);
  m.string(F.OP_TYPE, node.op);
  for (const [name, a] of Object.entries(node.attributes)) {
    m.message(F.ATTRIBUTE, attributeProto(ctx, name, a, `${path}.attribute[${JSON.stringify(name)}]`));
  }
  const doc = asString(node.meta?.doc);
  if (doc !== undefined) m.string(F.DOC_STRING, doc);
  if (node.domain !== undefined && node.domain !== '') m.string(F.DOMAIN, node.domain);
  const overload = asString(node.meta?.overload);
  if (overload !== undefined) m.string(F.OVERLOAD, overload);
  addMetadataProps(m, F.METADATA_PROPS, node.meta?.metadataProps, `${path}.meta.metadataProps`);
  addRawList(m, node.meta?.deviceConfigurations, `${path}.meta.deviceConfigurations`);
  addRawList(m, node.meta?.unknownFields, `${path}.meta.unknownFields`);
  return m;
}

/**
 * TensorAnnotation list from `[{tensorName, params: [[k, v], ...]}]` (read-graph.ts), or a
 * verbatim `{"$protobuf"}` entry.
 */
function addQuantization(m: PbMessage, v: JsonValue | undefined, path: string): void {
  if (v === undefined) return;
  if (!Array.isArray(v)) {
    throw new NnportError('UNREPRESENTABLE', `${path} is not a list`, { at: { path } });
  }
  v.forEach((item, i) => {
    const o = asObject(item);
    if (o !== undefined && o.$protobuf !== undefined) {
      addRawField(m, item, `${path}[${i}]`);
      return;
    }
    const a = new PbMessage();
    const name = asString(o?.tensorName);
    if (name !== undefined && name !== '') a.string(TensorAnnotationField.TENSOR_NAME, name);
    addMetadataProps(a, TensorAnnotationField.QUANT_PARAMETER_TENSOR_NAMES, o?.params, `${path}[${i}]`);
    m.message(GraphProtoField.QUANTIZATION_ANNOTATION, a);
  });
}

/**
 * A GraphProto. The main graph's initializers come from `ctx.mainInitializers`; a subgraph's from
 * its own `initializers` list. A graph without a name gets `fallbackName`.
 */
export function graphProto(
  ctx: GraphContext,
  g: Graph,
  path: string,
  fallbackName: string,
  main = false,
): PbMessage {
  const F = GraphProtoField;
  const m = new PbMessage();
  g.nodes.forEach((n, i) => {
    m.message(F.NODE, nodeProto(ctx, n, `${path}.node[${i}]`));
  });
  m.string(F.NAME, g.name !== undefined && g.name !== '' ? g.name : fallbackName);
  const inits = main ? ctx.mainInitializers : (g.initializers ?? []);
  inits.forEach((n, i) => {
    m.message(F.INITIALIZER, namedTensorProto(ctx, n, `${path}.initializer[${i}]`));
  });
  const doc = asString(g.meta?.doc);
  if (doc !== undefined) m.string(F.DOC_STRING, doc);
  g.inputs.forEach((v, i) => {
    m.message(F.INPUT, valueInfoProto(v, `${path}.input[${i}]`));
  });
  g.outputs.forEach((v, i) => {
    m.message(F.OUTPUT, valueInfoProto(v, `${path}.output[${i}]`));
  });
  (g.valueInfo ?? []).forEach((v, i) => {
    m.message(F.VALUE_INFO, valueInfoProto(v, `${path}.value_info[${i}]`));
  });
  addQuantization(m, g.meta?.quantizationAnnotation, `${path}.meta.quantizationAnnotation`);
  (g.sparseInitializers ?? []).forEach((r, i) => {
    m.message(F.SPARSE_INITIALIZER, sparseProto(ctx, r, `${path}.sparse_initializer[${i}]`));
  });
  addMetadataProps(m, F.METADATA_PROPS, g.meta?.metadataProps, `${path}.meta.metadataProps`);
  addRawList(m, g.meta?.unknownFields, `${path}.meta.unknownFields`);
  return m;
}
