/**
 * The ModelProto plan: IR version, producer, opset imports and metadata around the graph
 * (docs/formats/onnx.md "Writing"). A model read from ONNX keeps what `metadata.onnx` recorded;
 * a model from another format gets nnport's defaults: IR 8 and opset 17 (what Debian's onnx 1.12
 * checker accepts), raised when the opset or a dtype needs a later IR.
 */
import type { DType } from '../../core/dtype.js';
import type { Graph } from '../../core/graph.js';
import type { JsonValue, Model } from '../../core/model.js';
import { PbMessage } from '../../io/protobuf/writer.js';
import { ModelProtoField, OperatorSetIdProtoField } from './schema.js';
import { addMetadataProps, addRawField, asObject, asString, entry, jsonInt } from './write-json.js';

/** IR version for a model from another format (onnx 1.12 checker's maximum). */
export const DEFAULT_IR_VERSION = 8;
/** Default-domain opset for a model from another format (onnx 1.12's maximum). */
export const DEFAULT_OPSET = 17;
/** ai.onnx.ml version released with opset 17 (onnx helper.py VERSION_TABLE, onnx 1.12). */
export const DEFAULT_ML_OPSET = 3;

/**
 * Lowest IR version of each default-domain opset (onnx `helper.py` VERSION_TABLE: opset 9 came
 * with IR 4, 10 with 5, 11 with 6, 12–14 with 7, 15–18 with 8, 19–20 with 9, 21–22 with 10, 23
 * with 11, 24 with 12).
 */
export function irForOpset(opset: number): number {
  if (opset <= 8) return 3;
  if (opset <= 11) return opset - 5;
  if (opset <= 14) return 7;
  if (opset <= 18) return 8;
  if (opset <= 20) return 9;
  if (opset <= 22) return 10;
  if (opset === 23) return 11;
  return 12;
}

/** Lowest IR version that defines a dtype (onnx.proto DataType comments). */
export function irForDType(dtype: DType | string): number {
  if (dtype.startsWith('float8e8m0') || dtype === 'int2' || dtype === 'uint2') return 12;
  if (dtype === 'float4e2m1') return 11;
  if (dtype === 'int4' || dtype === 'uint4') return 10;
  if (dtype.startsWith('float8')) return 9;
  if (dtype === 'bfloat16') return 4;
  return 3;
}

/**
 * The opset imports to write: the graph's own (in its order), else the default domain at
 * `DEFAULT_OPSET` plus every other domain a node uses (ai.onnx.ml at its matching version,
 * others at 1). `opset` overrides the default domain's version.
 */
export function resolveOpsets(graph: Graph | undefined, opset: number | undefined): [string, number][] {
  const out: [string, number][] =
    graph?.opsets !== undefined ? Object.entries(graph.opsets) : [['', DEFAULT_OPSET]];
  if (graph?.opsets === undefined && graph !== undefined) {
    const domains = new Set<string>();
    const visit = (g: Graph): void => {
      for (const n of g.nodes) {
        if (n.domain !== undefined && n.domain !== '' && n.domain !== 'ai.onnx') domains.add(n.domain);
        for (const a of Object.values(n.attributes)) {
          if (a.type === 'graph') visit(a.value);
          else if (a.type === 'graphs') for (const s of a.value) visit(s);
        }
      }
    };
    visit(graph);
    for (const d of domains) out.push([d, d === 'ai.onnx.ml' ? DEFAULT_ML_OPSET : 1]);
  }
  if (opset !== undefined) {
    const i = out.findIndex(([d]) => d === '' || d === 'ai.onnx');
    if (i >= 0) out[i] = [out[i]?.[0] ?? '', opset];
    else out.unshift(['', opset]);
  }
  return out;
}

/** What the model-level plan needs besides the graph. */
export interface ModelFields {
  /** The IR version to write. */
  readonly irVersion: number | bigint;
  /** Opset imports. */
  readonly opsets: readonly (readonly [string, number])[];
  /** `metadata.onnx`, when the model came from ONNX. */
  readonly onnx: Readonly<Record<string, JsonValue>> | undefined;
  /** metadata_props to write after the source's own: other metadata keys as JSON text. */
  readonly extraProps: readonly (readonly [string, string])[];
}

/**
 * Resolves the IR version, opsets and metadata_props for `model`. Non-onnx metadata keys become
 * metadata_props entries whose value is the key's JSON text; a key the source's own props already
 * use is skipped with a warning (onnx.checker refuses duplicate metadata_props keys).
 */
export function modelFields(model: Model, opset: number | undefined, warn: (m: string) => void): ModelFields {
  const onnx = asObject(model.metadata.onnx);
  const opsets = resolveOpsets(model.graph, opset);
  const defaultOpset = opsets.find(([d]) => d === '' || d === 'ai.onnx')?.[1] ?? DEFAULT_OPSET;
  let needed = irForOpset(defaultOpset);
  for (const t of model.tensors) needed = Math.max(needed, irForDType(t.dtype));
  let irVersion: number | bigint;
  if (onnx?.irVersion !== undefined) {
    const source = jsonInt(onnx.irVersion, '$.metadata.onnx.irVersion');
    // Keep the source's IR unless the requested opset needs a later one.
    irVersion = opset !== undefined && source < needed ? needed : source;
  } else {
    irVersion = Math.max(DEFAULT_IR_VERSION, needed);
  }
  const taken = new Set<string>();
  const own = onnx?.metadataProps;
  if (Array.isArray(own)) {
    for (const p of own) if (Array.isArray(p) && typeof p[0] === 'string') taken.add(p[0]);
  }
  const extraProps: [string, string][] = [];
  for (const [k, v] of Object.entries(model.metadata)) {
    if (k === 'onnx') continue;
    if (taken.has(k)) {
      warn(`metadata key '${k}' is already an ONNX metadata_props key; its nnport value is not written`);
      continue;
    }
    taken.add(k);
    extraProps.push([k, JSON.stringify(v)]);
  }
  return { irVersion, opsets, onnx, extraProps };
}

/** Adds the fields listed under `key` that the reader kept verbatim. */
function addRaw(m: PbMessage, onnx: Readonly<Record<string, JsonValue>> | undefined, key: string): void {
  const v = onnx?.[key];
  if (v === undefined) return;
  const list = Array.isArray(v) ? v : [v];
  list.forEach((item, i) => {
    addRawField(m, item, `$.metadata.onnx.${key}[${i}]`);
  });
}

/** The ModelProto plan around an already planned graph, fields in onnx.proto number order. */
export function modelProto(fields: ModelFields, graph: PbMessage): PbMessage {
  const F = ModelProtoField;
  const { onnx } = fields;
  const m = new PbMessage().varint(F.IR_VERSION, fields.irVersion);
  const producerName = onnx === undefined ? 'nnport' : asString(onnx.producerName);
  if (producerName !== undefined) m.string(F.PRODUCER_NAME, producerName);
  const producerVersion = asString(onnx?.producerVersion);
  if (producerVersion !== undefined) m.string(F.PRODUCER_VERSION, producerVersion);
  const domain = asString(onnx?.domain);
  if (domain !== undefined) m.string(F.DOMAIN, domain);
  if (onnx?.modelVersion !== undefined) {
    m.varint(F.MODEL_VERSION, jsonInt(onnx.modelVersion, '$.metadata.onnx.modelVersion'));
  }
  const doc = asString(onnx?.docString);
  if (doc !== undefined) m.string(F.DOC_STRING, doc);
  m.message(F.GRAPH, graph);
  for (const [d, v] of fields.opsets) {
    m.message(
      F.OPSET_IMPORT,
      new PbMessage().string(OperatorSetIdProtoField.DOMAIN, d).varint(OperatorSetIdProtoField.VERSION, v),
    );
  }
  addMetadataProps(m, F.METADATA_PROPS, onnx?.metadataProps, '$.metadata.onnx.metadataProps');
  for (const [k, v] of fields.extraProps) m.message(F.METADATA_PROPS, entry(k, v));
  addRaw(m, onnx, 'trainingInfo');
  addRaw(m, onnx, 'functions');
  addRaw(m, onnx, 'configuration');
  addRaw(m, onnx, 'unknownFields');
  return m;
}
