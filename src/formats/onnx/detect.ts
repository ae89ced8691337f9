/**
 * Content detection for ONNX (pure, never throws). A serialized ModelProto starts with field 1,
 * ir_version, as protobuf writers emit fields in number order: tag 0x08 and a small varint. That
 * alone is two bytes any file may start with, so the next tag must also be a ModelProto field with
 * its declared wire type (and a length that fits the file) before the content is claimed.
 */
import type { Probe } from '../../core/format.js';
import { ModelProtoField } from './schema.js';

/** Highest ir_version accepted as plausible (12 is current; leave room for a few more). */
const MAX_PLAUSIBLE_IR = 20;

/** ModelProto fields that are length-delimited (strings and messages). */
const LEN_FIELDS: ReadonlySet<number> = new Set([
  ModelProtoField.PRODUCER_NAME,
  ModelProtoField.PRODUCER_VERSION,
  ModelProtoField.DOMAIN,
  ModelProtoField.DOC_STRING,
  ModelProtoField.GRAPH,
  ModelProtoField.OPSET_IMPORT,
  ModelProtoField.METADATA_PROPS,
  ModelProtoField.TRAINING_INFO,
  ModelProtoField.FUNCTIONS,
  ModelProtoField.CONFIGURATION,
]);

/** 'content' for a plausible ModelProto head, 'name' for `.onnx`, else undefined. */
export function detectOnnx(probe: Probe): 'content' | 'name' | undefined {
  if (probe.isFolder) return undefined;
  const byName = probe.name.toLowerCase().endsWith('.onnx') ? 'name' : undefined;
  const h = probe.head;
  if (h.length < 4 || h[0] !== 0x08) return byName;
  const ir = h[1] as number;
  if (ir < 1 || ir > MAX_PLAUSIBLE_IR) return byName;
  // next tag (one or two bytes: field numbers up to 26 fit two)
  let i = 2;
  let tag = h[i++] as number;
  if (tag >= 0x80) {
    if (i >= h.length) return byName;
    tag = (tag & 0x7f) | ((h[i++] as number) << 7);
  }
  const field = tag >> 3;
  const wire = tag & 7;
  if (field === ModelProtoField.MODEL_VERSION && wire === 0) return 'content';
  if (!LEN_FIELDS.has(field) || wire !== 2) return byName;
  // the length varint must fit the file
  let len = 0;
  let scale = 1;
  for (let n = 0; n < 5; n++) {
    if (i >= h.length) return byName;
    const b = h[i++] as number;
    len += (b & 0x7f) * scale;
    if (b < 0x80) return len <= probe.size - i ? 'content' : byName;
    scale *= 128;
  }
  return byName;
}
