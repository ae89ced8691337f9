/**
 * ModelProto → nnport Model (the mapping in docs/formats/onnx.md). Metadata goes to
 * `metadata.onnx`; FunctionProto, TrainingInfoProto, DeviceConfigurationProto and unknown fields are
 * kept verbatim as `{"$protobuf": base64, "field": N}` so a writer can reproduce them exactly.
 */
import { NnportError } from '../../core/errors.js';
import type { ReadInput } from '../../core/format.js';
import type { Graph } from '../../core/graph.js';
import type { JsonValue, Model } from '../../core/model.js';
import { expectWire, ProtoReader, type Window } from '../../io/protobuf/reader.js';
import { WireType } from '../../io/protobuf/wire.js';
import { int64Json, rawFieldJson, readEntry, readInt64Field, readStringField } from './read-common.js';
import type { ReadContext } from './read-context.js';
import { readGraph } from './read-graph.js';
import { ModelProtoField, OperatorSetIdProtoField } from './schema.js';

/** Reads an ONNX model from `input` (lazily: tensor data stays in the file). */
export async function readOnnx(input: ReadInput): Promise<Model> {
  const reader = new ProtoReader(input.source);
  const ctx: ReadContext = { reader, input, tensors: [], names: new Set(), external: new Map(), entries: 0 };
  const onnx: Record<string, JsonValue> = {};
  const opsets: Record<string, number> = {};
  const props: [string, string][] = [];
  const functions: JsonValue[] = [];
  const training: JsonValue[] = [];
  const configuration: JsonValue[] = [];
  const unknown: JsonValue[] = [];
  let graphWindow: Window | undefined;
  let sawIr = false;
  for await (const f of reader.fields(reader.root(), '', 0)) {
    switch (f.number) {
      case ModelProtoField.IR_VERSION:
        onnx.irVersion = int64Json(readInt64Field(f, 'ir_version'));
        sawIr = true;
        break;
      case ModelProtoField.PRODUCER_NAME:
        onnx.producerName = await readStringField(reader, f, 'producer_name');
        break;
      case ModelProtoField.PRODUCER_VERSION:
        onnx.producerVersion = await readStringField(reader, f, 'producer_version');
        break;
      case ModelProtoField.DOMAIN:
        onnx.domain = await readStringField(reader, f, 'domain');
        break;
      case ModelProtoField.MODEL_VERSION:
        onnx.modelVersion = int64Json(readInt64Field(f, 'model_version'));
        break;
      case ModelProtoField.DOC_STRING:
        onnx.docString = await readStringField(reader, f, 'doc_string');
        break;
      case ModelProtoField.GRAPH:
        expectWire(f, WireType.LEN, 'graph');
        graphWindow = f.window;
        break;
      case ModelProtoField.OPSET_IMPORT: {
        const path = `opset_import[${Object.keys(opsets).length}]`;
        expectWire(f, WireType.LEN, path);
        let domain = '';
        let version: number | bigint = 0;
        for await (const g of reader.fields(f.window, path, 1)) {
          if (g.number === OperatorSetIdProtoField.DOMAIN)
            domain = await readStringField(reader, g, `${path}.domain`);
          else if (g.number === OperatorSetIdProtoField.VERSION)
            version = readInt64Field(g, `${path}.version`);
        }
        if (typeof version !== 'number') {
          throw new NnportError('INVALID_STRUCTURE', `${path}: opset version out of range`, {
            at: { byte: f.start },
          });
        }
        opsets[domain] = version;
        break;
      }
      case ModelProtoField.METADATA_PROPS:
        props.push(await readEntry(reader, f, `metadata_props[${props.length}]`, 1));
        break;
      case ModelProtoField.FUNCTIONS:
        functions.push(await rawFieldJson(reader, f, `functions[${functions.length}]`));
        break;
      case ModelProtoField.TRAINING_INFO:
        training.push(await rawFieldJson(reader, f, `training_info[${training.length}]`));
        break;
      case ModelProtoField.CONFIGURATION:
        configuration.push(await rawFieldJson(reader, f, `configuration[${configuration.length}]`));
        break;
      default:
        unknown.push(await rawFieldJson(reader, f, `field ${f.number}`));
        break;
    }
  }
  if (!sawIr) {
    throw new NnportError('INVALID_STRUCTURE', 'not an ONNX model: ModelProto.ir_version is missing', {
      at: { byte: 0 },
    });
  }
  if (props.length > 0) onnx.metadataProps = props;
  if (functions.length > 0) onnx.functions = functions;
  if (training.length > 0) onnx.trainingInfo = training;
  if (configuration.length > 0) onnx.configuration = configuration;
  if (unknown.length > 0) onnx.unknownFields = unknown;
  const graph: Graph =
    graphWindow === undefined
      ? { nodes: [], inputs: [], outputs: [], opsets }
      : { ...(await readGraph(ctx, graphWindow, 'graph', 1)), opsets };
  return { format: 'onnx', metadata: { onnx }, graph, tensors: ctx.tensors };
}
