/**
 * What a `.pt` file may name so that `torch.load(weights_only=True)` reads it on torch 1.13 and
 * every later version: the legacy storage class per dtype, and the allow-listed globals.
 *
 * Sources: torch 1.13 `torch/_weights_only_unpickler.py` (`_get_allowed_globals`: OrderedDict,
 * Parameter, `_get_layout`, `torch.Size`, `torch.Tensor`, ten dtypes, the tensor and storage
 * classes, the `_rebuild_*` functions) and the current one (the same plus `torch.device`, every
 * dtype, `builtins.set`, `_codecs.encode`, ...). nnport writes only what both allow.
 */
import type { DType } from '../../core/dtype.js';

/**
 * The legacy storage class `torch.save` names in a tensor's persistent id, by dtype
 * (`TypedStorage.pickle_storage_type()`, torch/storage.py). uint16/uint32/uint64 have none:
 * newer torch writes them (`torch.storage._new_dtypes()`, torch/_tensor.py `_reduce_ex_internal`)
 * as `_rebuild_tensor_v3` over an `UntypedStorage` with a `torch.uint16` dtype global, none of
 * which torch 1.13 has.
 */
export const STORAGE_CLASS: Readonly<Partial<Record<DType, string>>> = {
  float64: 'DoubleStorage',
  float32: 'FloatStorage',
  float16: 'HalfStorage',
  bfloat16: 'BFloat16Storage',
  int64: 'LongStorage',
  int32: 'IntStorage',
  int16: 'ShortStorage',
  int8: 'CharStorage',
  uint8: 'ByteStorage',
  bool: 'BoolStorage',
};

/** What to write instead of a dtype torch 1.13 cannot read, for the error message. */
export const WIDER_DTYPE: Readonly<Partial<Record<DType, DType>>> = {
  uint16: 'int32',
  uint32: 'int64',
  uint64: 'int64',
  // The ONNX-era dtypes (torch 1.13 has none of them; its weights_only unpickler allows no
  // ComplexFloatStorage either): each widens exactly to a type 1.13 has.
  float8e4m3fn: 'float32',
  float8e4m3fnuz: 'float32',
  float8e5m2: 'float32',
  float8e5m2fnuz: 'float32',
  float8e8m0: 'float32',
  float4e2m1: 'float32',
  int4: 'int8',
  int2: 'int8',
  uint4: 'uint8',
  uint2: 'uint8',
};

/** dtype globals torch 1.13's weights_only unpickler allows (`str(t)` of its list). */
const DTYPE_GLOBALS = [
  'complex32',
  'complex64',
  'complex128',
  'float16',
  'float32',
  'float64',
  'int8',
  'int16',
  'int32',
  'int64',
].map((n) => `torch.${n}`);

/** CPU tensor and storage type names both unpicklers list (`torch._tensor_classes`, `torch._storage_classes`). */
const TYPE_NAMES = ['Double', 'Float', 'Half', 'BFloat16', 'Long', 'Int', 'Short', 'Char', 'Byte', 'Bool'];

/**
 * Globals a `{"$global": ...}` value may name: allowed by torch 1.13's weights_only unpickler and
 * by today's. The `_rebuild_*` functions are left out on purpose: nnport writes tensors itself and
 * a bare rebuild function as a value means nothing.
 */
export const ALLOWED_GLOBALS: ReadonlySet<string> = new Set([
  'collections.OrderedDict',
  'torch.nn.parameter.Parameter',
  'torch.serialization._get_layout',
  'torch.Size',
  'torch.Tensor',
  ...DTYPE_GLOBALS,
  ...TYPE_NAMES.map((t) => `torch.${t}Tensor`),
  ...TYPE_NAMES.map((t) => `torch.${t}Storage`),
  'torch.ComplexFloatStorage',
  'torch.ComplexDoubleStorage',
]);

/**
 * Splits `module.name` at its last dot, the way GLOBAL names a global (every allow-listed
 * global's own name has no dot).
 */
export function splitGlobal(path: string): { readonly module: string; readonly name: string } {
  const dot = path.lastIndexOf('.');
  return { module: path.slice(0, dot), name: path.slice(dot + 1) };
}
