/**
 * GraphProto, NodeProto and AttributeProto → nnport Graph. Subgraphs (If/Loop/Scan bodies) are
 * read recursively as graph attributes; every TensorProto met (initializers, sparse initializers,
 * attribute tensors) becomes a model tensor or a graph string tensor. Depth is tracked per message
 * so a recursion bomb stops at MAX_PROTOBUF_DEPTH (LIMIT_EXCEEDED).
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
import { expectWire, type ProtoField, type Window } from '../../io/protobuf/reader.js';
import { float32FromBits, toInt64, WireType } from '../../io/protobuf/wire.js';
import {
  rawFieldJson,
  readEntry,
  readIntField,
  readRepeatedFloat,
  readRepeatedInt64,
  readStringField,
} from './read-common.js';
import { addTensor, countEntry, type ReadContext, uniqueName } from './read-context.js';
import { buildTensor, parseTensorProto } from './read-tensor.js';
import { readTypeJson, readValueInfo } from './read-type.js';
import {
  AttributeProtoField,
  AttributeType,
  GraphProtoField,
  NodeProtoField,
  SparseTensorProtoField,
  TensorAnnotationField,
} from './schema.js';

type JsonObject = Record<string, JsonValue>;

/** Per-graph collections a graph's tensors land in. */
interface GraphScope {
  readonly stringTensors: StringTensor[];
}

/** Reads a GraphProto. Initializers are read before nodes so generated names never take theirs. */
export async function readGraph(ctx: ReadContext, w: Window, path: string, depth: number): Promise<Graph> {
  const r = ctx.reader;
  const nodes: Window[] = [];
  const inits: Window[] = [];
  const sparse: Window[] = [];
  const inputs: ValueInfo[] = [];
  const outputs: ValueInfo[] = [];
  const valueInfo: ValueInfo[] = [];
  const meta: JsonObject = {};
  const quant: JsonValue[] = [];
  const props: [string, string][] = [];
  let name: string | undefined;
  for await (const f of r.fields(w, path, depth)) {
    switch (f.number) {
      case GraphProtoField.NODE:
        expectWire(f, WireType.LEN, `${path}.node[${nodes.length}]`);
        countEntry(ctx, path);
        nodes.push(f.window);
        break;
      case GraphProtoField.NAME:
        name = await readStringField(r, f, `${path}.name`);
        break;
      case GraphProtoField.INITIALIZER:
        expectWire(f, WireType.LEN, `${path}.initializer[${inits.length}]`);
        countEntry(ctx, path);
        inits.push(f.window);
        break;
      case GraphProtoField.SPARSE_INITIALIZER:
        expectWire(f, WireType.LEN, `${path}.sparse_initializer[${sparse.length}]`);
        countEntry(ctx, path);
        sparse.push(f.window);
        break;
      case GraphProtoField.DOC_STRING:
        meta.doc = await readStringField(r, f, `${path}.doc_string`);
        break;
      case GraphProtoField.INPUT:
      case GraphProtoField.OUTPUT:
      case GraphProtoField.VALUE_INFO: {
        const list =
          f.number === GraphProtoField.INPUT
            ? inputs
            : f.number === GraphProtoField.OUTPUT
              ? outputs
              : valueInfo;
        const key =
          f.number === GraphProtoField.INPUT
            ? 'input'
            : f.number === GraphProtoField.OUTPUT
              ? 'output'
              : 'value_info';
        const p = `${path}.${key}[${list.length}]`;
        expectWire(f, WireType.LEN, p);
        countEntry(ctx, path);
        list.push(await readValueInfo(r, f.window, p, depth + 1));
        break;
      }
      case GraphProtoField.QUANTIZATION_ANNOTATION:
        quant.push(
          await readAnnotation(ctx, f, `${path}.quantization_annotation[${quant.length}]`, depth + 1),
        );
        break;
      case GraphProtoField.METADATA_PROPS:
        props.push(await readEntry(r, f, `${path}.metadata_props[${props.length}]`, depth + 1));
        break;
      default:
        break;
    }
  }
  const scope: GraphScope = { stringTensors: [] };
  const initializers: string[] = [];
  for (const [i, iw] of inits.entries()) {
    const p = `${path}.initializer[${i}]`;
    const parts = await parseTensorProto(ctx, iw, p, depth + 1);
    if (parts.name === '')
      throw new NnportError('INVALID_STRUCTURE', `${p}: initializer without a name`, {
        at: { byte: iw.offset },
      });
    if (ctx.names.has(parts.name)) {
      throw new NnportError('INVALID_STRUCTURE', `${p}: tensor name '${parts.name}' is used twice`, {
        at: { tensor: parts.name },
      });
    }
    place(ctx, scope, await buildTensor(ctx, parts, parts.name));
    initializers.push(parts.name);
  }
  const sparseInitializers: SparseTensorRef[] = [];
  for (const [i, sw] of sparse.entries()) {
    sparseInitializers.push(
      await readSparse(ctx, scope, sw, `${path}.sparse_initializer[${i}]`, depth + 1, undefined),
    );
  }
  const graphNodes: GraphNode[] = [];
  for (const [i, nw] of nodes.entries()) {
    graphNodes.push(await readNode(ctx, scope, nw, `${path}.node[${i}]`, depth + 1));
  }
  if (quant.length > 0) meta.quantizationAnnotation = quant;
  if (props.length > 0) meta.metadataProps = props;
  const g: {
    -readonly [K in keyof Graph]: Graph[K];
  } = { nodes: graphNodes, inputs, outputs };
  if (name !== undefined) g.name = name;
  if (valueInfo.length > 0) g.valueInfo = valueInfo;
  g.initializers = initializers;
  if (sparseInitializers.length > 0) g.sparseInitializers = sparseInitializers;
  if (scope.stringTensors.length > 0) g.stringTensors = scope.stringTensors;
  if (Object.keys(meta).length > 0) g.meta = meta;
  return g;
}

function place(ctx: ReadContext, scope: GraphScope, built: Awaited<ReturnType<typeof buildTensor>>): void {
  if (built.kind === 'tensor') addTensor(ctx, built.tensor);
  else {
    ctx.names.add(built.tensor.name);
    scope.stringTensors.push(built.tensor);
  }
}

async function readAnnotation(
  ctx: ReadContext,
  f: ProtoField,
  path: string,
  depth: number,
): Promise<JsonValue> {
  expectWire(f, WireType.LEN, path);
  let tensorName = '';
  const params: JsonValue[] = [];
  for await (const g of ctx.reader.fields(f.window, path, depth)) {
    if (g.number === TensorAnnotationField.TENSOR_NAME)
      tensorName = await readStringField(ctx.reader, g, path);
    else if (g.number === TensorAnnotationField.QUANT_PARAMETER_TENSOR_NAMES) {
      params.push(await readEntry(ctx.reader, g, `${path}.quant_parameter_tensor_names`, depth + 1));
    }
  }
  return { tensorName, params };
}

/** Reads a tensor met in an attribute or a sparse tensor: unnamed ones get `fallback`. */
async function attributeTensor(
  ctx: ReadContext,
  scope: GraphScope,
  w: Window,
  path: string,
  depth: number,
  fallback: string,
): Promise<string> {
  const parts = await parseTensorProto(ctx, w, path, depth);
  const name = uniqueName(ctx, parts.name === '' ? fallback : parts.name);
  place(ctx, scope, await buildTensor(ctx, parts, name));
  return name;
}

async function readSparse(
  ctx: ReadContext,
  scope: GraphScope,
  w: Window,
  path: string,
  depth: number,
  fallback: string | undefined,
): Promise<SparseTensorRef> {
  let valuesW: Window | undefined;
  let indicesW: Window | undefined;
  const dims: (number | bigint)[] = [];
  for await (const f of ctx.reader.fields(w, path, depth)) {
    if (f.number === SparseTensorProtoField.VALUES) {
      expectWire(f, WireType.LEN, `${path}.values`);
      valuesW = f.window;
    } else if (f.number === SparseTensorProtoField.INDICES) {
      expectWire(f, WireType.LEN, `${path}.indices`);
      indicesW = f.window;
    } else if (f.number === SparseTensorProtoField.DIMS)
      await readRepeatedInt64(ctx.reader, f, `${path}.dims`, dims);
  }
  if (valuesW === undefined || indicesW === undefined) {
    throw new NnportError('INVALID_STRUCTURE', `${path}: sparse tensor without values or indices`, {
      at: { byte: w.offset },
    });
  }
  const numDims = dims.map((d) => {
    if (typeof d !== 'number' || d < 0)
      throw new NnportError('INVALID_STRUCTURE', `${path}.dims: bad dimension ${String(d)}`);
    return d;
  });
  const vparts = await parseTensorProto(ctx, valuesW, `${path}.values`, depth + 1);
  const sparseName = vparts.name !== '' ? vparts.name : (fallback ?? '');
  if (sparseName === '')
    throw new NnportError('INVALID_STRUCTURE', `${path}: sparse initializer without a name`);
  if (vparts.name !== '' && ctx.names.has(vparts.name) && fallback === undefined) {
    throw new NnportError('INVALID_STRUCTURE', `${path}: tensor name '${vparts.name}' is used twice`, {
      at: { tensor: vparts.name },
    });
  }
  const values = uniqueName(ctx, sparseName);
  place(ctx, scope, await buildTensor(ctx, vparts, values));
  const indices = await attributeTensor(
    ctx,
    scope,
    indicesW,
    `${path}.indices`,
    depth + 1,
    `${sparseName}:indices`,
  );
  return { name: sparseName, values, indices, dims: numDims };
}

async function readNode(
  ctx: ReadContext,
  scope: GraphScope,
  w: Window,
  path: string,
  depth: number,
): Promise<GraphNode> {
  const r = ctx.reader;
  const inputs: string[] = [];
  const outputs: string[] = [];
  let name = '';
  let op = '';
  let domain = '';
  const attrWindows: Window[] = [];
  const meta: JsonObject = {};
  const props: [string, string][] = [];
  const devices: JsonValue[] = [];
  for await (const f of r.fields(w, path, depth)) {
    switch (f.number) {
      case NodeProtoField.INPUT:
        countEntry(ctx, path);
        inputs.push(await readStringField(r, f, `${path}.input[${inputs.length}]`));
        break;
      case NodeProtoField.OUTPUT:
        countEntry(ctx, path);
        outputs.push(await readStringField(r, f, `${path}.output[${outputs.length}]`));
        break;
      case NodeProtoField.NAME:
        name = await readStringField(r, f, `${path}.name`);
        break;
      case NodeProtoField.OP_TYPE:
        op = await readStringField(r, f, `${path}.op_type`);
        break;
      case NodeProtoField.DOMAIN:
        domain = await readStringField(r, f, `${path}.domain`);
        break;
      case NodeProtoField.ATTRIBUTE:
        expectWire(f, WireType.LEN, `${path}.attribute[${attrWindows.length}]`);
        countEntry(ctx, path);
        attrWindows.push(f.window);
        break;
      case NodeProtoField.DOC_STRING:
        meta.doc = await readStringField(r, f, `${path}.doc_string`);
        break;
      case NodeProtoField.OVERLOAD:
        meta.overload = await readStringField(r, f, `${path}.overload`);
        break;
      case NodeProtoField.METADATA_PROPS:
        props.push(await readEntry(r, f, `${path}.metadata_props`, depth + 1));
        break;
      case NodeProtoField.DEVICE_CONFIGURATIONS:
        devices.push(await rawFieldJson(r, f, `${path}.device_configurations`));
        break;
      default:
        break;
    }
  }
  const label = name !== '' ? name : (outputs[0] ?? op);
  const attributes: Record<string, AttributeValue> = {};
  for (const [i, aw] of attrWindows.entries()) {
    const [aname, value] = await readAttribute(ctx, scope, aw, `${path}.attribute[${i}]`, depth + 1, label);
    if (Object.hasOwn(attributes, aname)) {
      throw new NnportError('INVALID_STRUCTURE', `${path}: attribute '${aname}' given twice`, {
        at: { node: label },
      });
    }
    attributes[aname] = value;
  }
  if (props.length > 0) meta.metadataProps = props;
  if (devices.length > 0) meta.deviceConfigurations = devices;
  const node: GraphNode = { name, op, domain, inputs, outputs, attributes };
  return Object.keys(meta).length > 0 ? { ...node, meta } : node;
}

/** AttributeType → nnport attribute kind. */
const KIND: Record<number, AttributeValue['type']> = {
  [AttributeType.FLOAT]: 'float',
  [AttributeType.INT]: 'int',
  [AttributeType.STRING]: 'string',
  [AttributeType.TENSOR]: 'tensor',
  [AttributeType.GRAPH]: 'graph',
  [AttributeType.FLOATS]: 'floats',
  [AttributeType.INTS]: 'ints',
  [AttributeType.STRINGS]: 'strings',
  [AttributeType.TENSORS]: 'tensors',
  [AttributeType.GRAPHS]: 'graphs',
  [AttributeType.SPARSE_TENSOR]: 'sparse_tensor',
  [AttributeType.SPARSE_TENSORS]: 'sparse_tensors',
  [AttributeType.TYPE_PROTO]: 'type_proto',
  [AttributeType.TYPE_PROTOS]: 'type_protos',
};

/** The kind a value field implies (IR 1 files have no `type` discriminator). */
const FIELD_KIND: Record<number, AttributeValue['type']> = {
  [AttributeProtoField.F]: 'float',
  [AttributeProtoField.I]: 'int',
  [AttributeProtoField.S]: 'string',
  [AttributeProtoField.T]: 'tensor',
  [AttributeProtoField.G]: 'graph',
  [AttributeProtoField.FLOATS]: 'floats',
  [AttributeProtoField.INTS]: 'ints',
  [AttributeProtoField.STRINGS]: 'strings',
  [AttributeProtoField.TENSORS]: 'tensors',
  [AttributeProtoField.GRAPHS]: 'graphs',
  [AttributeProtoField.SPARSE_TENSOR]: 'sparse_tensor',
  [AttributeProtoField.SPARSE_TENSORS]: 'sparse_tensors',
  [AttributeProtoField.TP]: 'type_proto',
  [AttributeProtoField.TYPE_PROTOS]: 'type_protos',
};

async function readAttribute(
  ctx: ReadContext,
  scope: GraphScope,
  w: Window,
  path: string,
  depth: number,
  node: string,
): Promise<[string, AttributeValue]> {
  const r = ctx.reader;
  let name = '';
  let type: number | undefined;
  let ref: string | undefined;
  let doc: string | undefined;
  let implied: AttributeValue['type'] | undefined;
  const floats: number[] = [];
  const ints: (number | bigint)[] = [];
  const strings: string[] = [];
  const tensorWs: Window[] = [];
  const graphWs: Window[] = [];
  const sparseWs: Window[] = [];
  const typeWs: Window[] = [];
  for await (const f of r.fields(w, path, depth)) {
    const kind = FIELD_KIND[f.number];
    if (kind !== undefined) implied ??= kind;
    switch (f.number) {
      case AttributeProtoField.NAME:
        name = await readStringField(r, f, `${path}.name`);
        break;
      case AttributeProtoField.TYPE:
        type = readIntField(f, `${path}.type`);
        break;
      case AttributeProtoField.REF_ATTR_NAME:
        ref = await readStringField(r, f, `${path}.ref_attr_name`);
        break;
      case AttributeProtoField.DOC_STRING:
        doc = await readStringField(r, f, `${path}.doc_string`);
        break;
      case AttributeProtoField.F:
        expectWire(f, WireType.I32, `${path}.f`);
        floats.push(float32FromBits(f.value as number));
        break;
      case AttributeProtoField.FLOATS:
        await readRepeatedFloat(r, f, `${path}.floats`, floats);
        break;
      case AttributeProtoField.I:
        expectWire(f, WireType.VARINT, `${path}.i`);
        ints.push(toInt64(f.value));
        break;
      case AttributeProtoField.INTS:
        await readRepeatedInt64(r, f, `${path}.ints`, ints);
        break;
      case AttributeProtoField.S:
      case AttributeProtoField.STRINGS: {
        expectWire(f, WireType.LEN, `${path}.s`);
        const b = await r.bytes(f.window, `${path}.s`);
        strings.push(decodeText(b));
        break;
      }
      case AttributeProtoField.T:
      case AttributeProtoField.TENSORS:
        expectWire(f, WireType.LEN, `${path}.t`);
        tensorWs.push(f.window);
        break;
      case AttributeProtoField.G:
      case AttributeProtoField.GRAPHS:
        expectWire(f, WireType.LEN, `${path}.g`);
        graphWs.push(f.window);
        break;
      case AttributeProtoField.SPARSE_TENSOR:
      case AttributeProtoField.SPARSE_TENSORS:
        expectWire(f, WireType.LEN, `${path}.sparse_tensor`);
        sparseWs.push(f.window);
        break;
      case AttributeProtoField.TP:
      case AttributeProtoField.TYPE_PROTOS:
        expectWire(f, WireType.LEN, `${path}.tp`);
        typeWs.push(f.window);
        break;
      default:
        break;
    }
  }
  const kind = type !== undefined && type !== AttributeType.UNDEFINED ? KIND[type] : implied;
  if (kind === undefined) {
    throw new NnportError(
      'INVALID_STRUCTURE',
      `${path}: attribute '${name}' has no value or an unknown type ${String(type)}`,
      {
        at: { node },
      },
    );
  }
  const p = `${path}(${name})`;
  const label = `${node}:${name}`;
  let value: AttributeValue;
  const one = <T>(list: readonly T[]): T => {
    const v = list[list.length - 1];
    if (v === undefined)
      throw new NnportError('INVALID_STRUCTURE', `${p}: ${kind} attribute without a value`, { at: { node } });
    return v;
  };
  switch (kind) {
    case 'float':
      value = { type: kind, value: one(floats) };
      break;
    case 'int':
      value = { type: kind, value: one(ints) };
      break;
    case 'string':
      value = { type: kind, value: one(strings) };
      break;
    case 'floats':
      value = { type: kind, value: floats };
      break;
    case 'ints':
      value = { type: kind, value: ints };
      break;
    case 'strings':
      value = { type: kind, value: strings };
      break;
    case 'tensor':
      value = {
        type: kind,
        value: await attributeTensor(ctx, scope, one(tensorWs), `${p}.t`, depth + 1, label),
      };
      break;
    case 'tensors': {
      const names: string[] = [];
      for (const [i, tw] of tensorWs.entries()) {
        names.push(await attributeTensor(ctx, scope, tw, `${p}.tensors[${i}]`, depth + 1, `${label}[${i}]`));
      }
      value = { type: kind, value: names };
      break;
    }
    case 'graph':
      value = { type: kind, value: await readGraph(ctx, one(graphWs), `${p}.g`, depth + 1) };
      break;
    case 'graphs': {
      const graphs: Graph[] = [];
      for (const [i, gw] of graphWs.entries())
        graphs.push(await readGraph(ctx, gw, `${p}.graphs[${i}]`, depth + 1));
      value = { type: kind, value: graphs };
      break;
    }
    case 'sparse_tensor':
      value = {
        type: kind,
        value: await readSparse(ctx, scope, one(sparseWs), `${p}.sparse_tensor`, depth + 1, label),
      };
      break;
    case 'sparse_tensors': {
      const list: SparseTensorRef[] = [];
      for (const [i, sw] of sparseWs.entries()) {
        list.push(await readSparse(ctx, scope, sw, `${p}.sparse_tensors[${i}]`, depth + 1, `${label}[${i}]`));
      }
      value = { type: kind, value: list };
      break;
    }
    case 'type_proto':
      value = { type: kind, value: await readTypeJson(r, one(typeWs), `${p}.tp`, depth + 1) };
      break;
    case 'type_protos': {
      const list: JsonValue[] = [];
      for (const [i, tw] of typeWs.entries())
        list.push(await readTypeJson(r, tw, `${p}.type_protos[${i}]`, depth + 1));
      value = { type: kind, value: list };
      break;
    }
  }
  if (ref !== undefined || doc !== undefined) {
    value = {
      ...value,
      ...(ref === undefined ? {} : { ref }),
      ...(doc === undefined ? {} : { doc }),
    } as AttributeValue;
  }
  return [name, value];
}

/** Attribute strings are bytes; UTF-8 when valid, else Latin-1 so nothing is refused. */
function decodeText(b: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(b);
  } catch {
    let s = '';
    for (const c of b) s += String.fromCharCode(c);
    return s;
  }
}
