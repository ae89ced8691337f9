/**
 * nnport's public, browser-safe API. Node-only helpers (files, worker threads) are in `nnport/node`.
 */
export { type DiffOptions, diffModels, type ModelDiff, type TensorDiff } from './analysis/diff.js';
export { type TensorStats, tensorStats } from './analysis/stats.js';
export { formats, memoryInput, type ReadModelOptions, readModel, writeModel, writerFor } from './api.js';
export {
  byteLengthOf,
  DTYPES,
  type DType,
  type DTypeInfo,
  isDType,
  itemSize,
  type TypedArrayOf,
  viewAs,
} from './core/dtype.js';
export { type ErrorCode, type ErrorLocation, isNnportError, NnportError } from './core/errors.js';
export type { Detection, FormatPlugin, Probe, ReadInput, ReadOptions, WriteOptions } from './core/format.js';
export type { AttributeValue, Graph, GraphNode, ValueInfo } from './core/graph.js';
export * as limits from './core/limits.js';
export { findTensor, type JsonValue, type Model } from './core/model.js';
export { Registry } from './core/registry.js';
export {
  elementCount,
  readTensor,
  readTensorBytes,
  type Tensor,
  type TensorData,
  tensorFromArray,
  tensorFromBytes,
} from './core/tensor.js';
export { ALL_FORMATS } from './formats/all.js';
export { type ByteSink, MemoryTarget, type WriteTarget } from './io/byte-sink.js';
export { BlobSource, type ByteSource, BytesSource, SubSource } from './io/byte-source.js';
