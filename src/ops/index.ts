/**
 * The canonical op set (DESIGN §2, `ops/`): ONNX default-domain operator schemas by version,
 * shape inference per op and over a graph, node checks, and the executable-op predicate the
 * executor (issue #5) implements.
 */
export { checkNode, type NodeProblem, type NodeProblemKind } from './check.js';
export { type ConstantValues, inferShapes, ShapeState } from './infer.js';
export { onnxDType, onnxTypeCode } from './onnx-dtypes.js';
export {
  ALL_SCHEMAS,
  applyDefaults,
  isDefaultDomain,
  isExecutableOp,
  knownOps,
  LATEST_OPSET,
  opSchema,
  opsetOf,
} from './registry.js';
export { broadcast } from './shape-math.js';
export type {
  AttrSpec,
  AttrType,
  Dim,
  InferContext,
  InferFn,
  IoSpec,
  OpSchema,
  TensorInfo,
} from './types.js';
