/**
 * The ONNX plug-in: reads ModelProto files lazily (tensor data stays in the file or its external
 * data files) and writes them (write.ts). See docs/formats/onnx.md.
 */
import type { FormatPlugin, ReadInput } from '../../core/format.js';
import type { Model } from '../../core/model.js';
import { detectOnnx } from './detect.js';
import { readOnnx } from './read-model.js';
import { writeOnnx } from './write.js';

/** The ONNX format plug-in. */
export const onnxFormat: FormatPlugin = {
  id: 'onnx',
  title: 'ONNX',
  extensions: ['.onnx'],
  output: 'file',
  keeps: { metadata: true, graph: true },
  detect: detectOnnx,
  read: (input: ReadInput): Promise<Model> => readOnnx(input),
  write: (m, t, o) => writeOnnx(m, t, o),
};
