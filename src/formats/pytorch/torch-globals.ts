/**
 * The globals a `torch.save` / `torch.jit.save` pickle may name, and the inert values they build:
 * storages (by persistent id) and tensors (views of storages). This is the same list
 * `torch.load(weights_only=True)` accepts (torch/_weights_only_unpickler.py: the rebuild
 * functions, storage classes, dtypes, `torch.Size`, `OrderedDict`), plus TorchScript's
 * `__torch__.*` module classes and `torch.jit._pickle` list helpers as plain data.
 */
import type { DType } from '../../core/dtype.js';
import {
  allowList,
  badArguments,
  type GlobalTable,
  PYTHON_GLOBALS,
  plainClass,
  tupleItems,
  VALUE_ONLY,
} from '../../io/pickle/allow-list.js';
import {
  asInt,
  asSequence,
  asText,
  type GlobalHandler,
  PyGlobal,
  PyHost,
  PyObject,
  type PyValue,
  pyTypeName,
} from '../../io/pickle/values.js';

/** A storage's element type: a dtype nnport has, or the torch name of one it does not. */
export type StorageDType = { readonly dtype: DType } | { readonly unsupported: string };

/** Legacy typed storage classes (torch/storage.py `_LegacyStorage` subclasses) and their dtypes. */
const STORAGE_CLASSES: Readonly<Record<string, StorageDType>> = {
  FloatStorage: { dtype: 'float32' },
  DoubleStorage: { dtype: 'float64' },
  HalfStorage: { dtype: 'float16' },
  BFloat16Storage: { dtype: 'bfloat16' },
  LongStorage: { dtype: 'int64' },
  IntStorage: { dtype: 'int32' },
  ShortStorage: { dtype: 'int16' },
  CharStorage: { dtype: 'int8' },
  ByteStorage: { dtype: 'uint8' },
  BoolStorage: { dtype: 'bool' },
  // Untyped storage holds bytes; `_rebuild_tensor_v3` then names the tensor's dtype.
  UntypedStorage: { dtype: 'uint8' },
  ComplexFloatStorage: { dtype: 'complex64' },
  ComplexDoubleStorage: { dtype: 'complex128' },
  QInt8Storage: { unsupported: 'qint8' },
  QUInt8Storage: { unsupported: 'quint8' },
  QInt32Storage: { unsupported: 'qint32' },
  QUInt4x2Storage: { unsupported: 'quint4x2' },
  QUInt2x4Storage: { unsupported: 'quint2x4' },
};

/** torch dtype objects (`torch.float32`, and their aliases) by attribute name. */
const TORCH_DTYPES: Readonly<Record<string, StorageDType>> = {
  float32: { dtype: 'float32' },
  float: { dtype: 'float32' },
  float64: { dtype: 'float64' },
  double: { dtype: 'float64' },
  float16: { dtype: 'float16' },
  half: { dtype: 'float16' },
  bfloat16: { dtype: 'bfloat16' },
  int8: { dtype: 'int8' },
  uint8: { dtype: 'uint8' },
  int16: { dtype: 'int16' },
  short: { dtype: 'int16' },
  int32: { dtype: 'int32' },
  int: { dtype: 'int32' },
  int64: { dtype: 'int64' },
  long: { dtype: 'int64' },
  uint16: { dtype: 'uint16' },
  uint32: { dtype: 'uint32' },
  uint64: { dtype: 'uint64' },
  bool: { dtype: 'bool' },
  complex64: { dtype: 'complex64' },
  cfloat: { dtype: 'complex64' },
  complex128: { dtype: 'complex128' },
  cdouble: { dtype: 'complex128' },
  complex32: { unsupported: 'complex32' },
  // torch's float8 types are ONNX's (torch/_C/_VariableFunctions, c10/util/Float8_*.h).
  float8_e4m3fn: { dtype: 'float8e4m3fn' },
  float8_e5m2: { dtype: 'float8e5m2' },
  float8_e4m3fnuz: { dtype: 'float8e4m3fnuz' },
  float8_e5m2fnuz: { dtype: 'float8e5m2fnuz' },
  float8_e8m0fnu: { dtype: 'float8e8m0' },
  // A packed pair per element (shape counted in pairs): not nnport's float4e2m1 element count.
  float4_e2m1fn_x2: { unsupported: 'float4_e2m1fn_x2' },
  qint8: { unsupported: 'qint8' },
  quint8: { unsupported: 'quint8' },
  qint32: { unsupported: 'qint32' },
};

/** A torch storage named by a persistent id: where its bytes are and what they hold. */
export class TorchStorage extends PyHost {
  /** The record key (`data/<key>` in a zip, the storage key in a legacy file). */
  readonly key: string;
  /** Element type from the storage class. */
  readonly type: StorageDType;
  /** `cpu`, `cuda:0`... (the bytes are in the file either way). */
  readonly location: string;
  /** Elements the pickle says the storage has. */
  readonly numel: number;
  /** Legacy views: elements into the root storage where this one starts. */
  readonly viewOffset: number;

  constructor(key: string, type: StorageDType, location: string, numel: number, viewOffset = 0) {
    super();
    this.key = key;
    this.type = type;
    this.location = location;
    this.numel = numel;
    this.viewOffset = viewOffset;
  }

  describe(): string {
    return `torch storage '${this.key}'`;
  }
}

/** A tensor: a strided view of a storage. */
export class TorchTensor extends PyHost {
  constructor(
    /** The storage it views. */
    readonly storage: TorchStorage,
    /** Elements into the storage where element [0, 0, ...] is. */
    readonly offset: number,
    /** Dimensions. */
    readonly shape: readonly number[],
    /** Elements between neighbours along each dimension. */
    readonly stride: readonly number[],
    /** The element type when it is not the storage's (`_rebuild_tensor_v3`, untyped storages). */
    readonly dtype: StorageDType,
    /** True when the pickle wrapped it as an `nn.Parameter`. */
    public parameter = false,
  ) {
    super();
  }

  describe(): string {
    return `tensor of storage '${this.storage.key}'`;
  }
}

/** A storage class or torch dtype global's element type, if it is one. */
export function storageDTypeOf(v: PyValue | undefined): StorageDType | undefined {
  if (!(v instanceof PyGlobal)) return undefined;
  const dot = v.qualifiedName.lastIndexOf('.');
  const module = v.qualifiedName.slice(0, dot);
  const name = v.qualifiedName.slice(dot + 1);
  if (module === 'torch' && Object.hasOwn(TORCH_DTYPES, name)) return TORCH_DTYPES[name];
  if (
    (module === 'torch' || module === 'torch.cuda' || module === 'torch.storage') &&
    Object.hasOwn(STORAGE_CLASSES, name)
  ) {
    return STORAGE_CLASSES[name];
  }
  return undefined;
}

function intList(v: PyValue | undefined, what: string, at: number): number[] {
  const items = v instanceof PyObject && v.cls === 'torch.Size' ? asSequence(v.args[0]) : asSequence(v);
  if (items === undefined)
    return badArguments(what, `expected a tuple of ints, found a ${pyTypeName(v)}`, at);
  return items.map((x) => {
    const n = asInt(x);
    if (n === undefined || n < 0) return badArguments(what, `${String(x)} is not a size or stride`, at);
    return n;
  });
}

/** `_rebuild_tensor(storage, offset, size, stride)` and its v2/v3 successors (torch/_utils.py). */
function rebuildTensor(args: readonly PyValue[], at: number, dtypeArg?: PyValue): TorchTensor {
  const storage = args[0];
  if (!(storage instanceof TorchStorage)) {
    return badArguments('torch._utils._rebuild_tensor', `storage is a ${pyTypeName(storage)}`, at);
  }
  const offset = asInt(args[1]);
  if (offset === undefined || offset < 0)
    return badArguments('torch._utils._rebuild_tensor', 'bad storage offset', at);
  const shape = intList(args[2], 'tensor size', at);
  const stride = intList(args[3], 'tensor stride', at);
  if (stride.length !== shape.length) {
    return badArguments(
      'torch._utils._rebuild_tensor',
      `size has ${shape.length} dims but stride ${stride.length}`,
      at,
    );
  }
  let dtype = storage.type;
  if (dtypeArg !== undefined) {
    const d = storageDTypeOf(dtypeArg);
    if (d === undefined)
      return badArguments('torch._utils._rebuild_tensor_v3', `dtype is a ${pyTypeName(dtypeArg)}`, at);
    dtype = d;
  }
  return new TorchTensor(storage, offset + storage.viewOffset, shape, stride, dtype);
}

function asParameter(v: PyValue | undefined, what: string, at: number): TorchTensor {
  if (!(v instanceof TorchTensor)) return badArguments(what, `wraps a ${pyTypeName(v)}, not a tensor`, at);
  v.parameter = true;
  return v;
}

/** A handler that refuses a kind of tensor nnport cannot represent, naming it. */
function refuse(what: string): GlobalHandler {
  return {
    call: (_args, at) =>
      badArguments(
        what,
        'quantized, sparse and nested tensors are not supported (convert them to dense first)',
        at,
      ),
  };
}

/** TorchScript's `torch.jit._pickle` helpers: typed lists and a type tag, all plain data. */
function passFirst(args: readonly PyValue[]): PyValue {
  return args[0] ?? null;
}

/** The table for torch pickles (zip, legacy and TorchScript). */
export const TORCH_GLOBALS: GlobalTable = (() => {
  const t: Record<string, GlobalHandler> = {
    'torch._utils._rebuild_tensor': { call: (args, at) => rebuildTensor(args, at) },
    'torch._utils._rebuild_tensor_v2': { call: (args, at) => rebuildTensor(args, at) },
    'torch._utils._rebuild_tensor_v3': { call: (args, at) => rebuildTensor(args, at, args[6]) },
    'torch._utils._rebuild_parameter': {
      call: (args, at) => asParameter(args[0], 'torch._utils._rebuild_parameter', at),
    },
    'torch._utils._rebuild_parameter_with_state': {
      call: (args, at) => asParameter(args[0], 'torch._utils._rebuild_parameter_with_state', at),
    },
    'torch.nn.parameter.Parameter': {
      call: (args, at) => asParameter(args[0], 'torch.nn.parameter.Parameter', at),
      instantiate: (args, _kw, at) => asParameter(args[0], 'torch.nn.parameter.Parameter', at),
    },
    // Tensor subclasses: `_rebuild_from_type_v2(func, type, args, state)`; only plain tensors and parameters.
    'torch._tensor._rebuild_from_type_v2': {
      call: (args, at) => {
        const func = args[0];
        const type = args[1];
        if (!(func instanceof PyGlobal) || func.handler.call === undefined) {
          return badArguments(
            'torch._tensor._rebuild_from_type_v2',
            `rebuilds with a ${pyTypeName(func)}`,
            at,
          );
        }
        const name = type instanceof PyGlobal ? type.qualifiedName : pyTypeName(type);
        if (name !== 'torch.Tensor' && name !== 'torch.nn.parameter.Parameter') {
          return badArguments(
            'torch._tensor._rebuild_from_type_v2',
            `tensor subclass ${name} is not supported`,
            at,
          );
        }
        const tensor = func.handler.call(tupleItems(args[2], 'tensor arguments', at), at);
        return name === 'torch.nn.parameter.Parameter' ? asParameter(tensor, name, at) : tensor;
      },
    },
    'torch.Tensor': VALUE_ONLY,
    'torch.Size': plainClass('torch.Size'),
    'torch.device': plainClass('torch.device'),
    'torch.serialization._get_layout': plainClass('torch.layout'),
    'torch.strided': VALUE_ONLY,
    'torch._utils._rebuild_qtensor': refuse('torch._utils._rebuild_qtensor'),
    'torch._utils._rebuild_sparse_tensor': refuse('torch._utils._rebuild_sparse_tensor'),
    'torch._utils._rebuild_sparse_csr_tensor': refuse('torch._utils._rebuild_sparse_csr_tensor'),
    'torch._utils._rebuild_nested_tensor': refuse('torch._utils._rebuild_nested_tensor'),
    'torch._utils._rebuild_wrapper_subclass': refuse('torch._utils._rebuild_wrapper_subclass'),
    'torch._utils._rebuild_meta_tensor_no_storage': refuse('torch._utils._rebuild_meta_tensor_no_storage'),
    'torch.jit._pickle.build_intlist': { call: passFirst },
    'torch.jit._pickle.build_floatlist': { call: passFirst },
    'torch.jit._pickle.build_boollist': { call: passFirst },
    'torch.jit._pickle.build_doublelist': { call: passFirst },
    'torch.jit._pickle.build_tensorlist': { call: passFirst },
    'torch.jit._pickle.build_intlist_list': { call: passFirst },
    'torch.jit._pickle.restore_type_tag': { call: passFirst },
  };
  for (const name of Object.keys(STORAGE_CLASSES)) {
    t[`torch.${name}`] = VALUE_ONLY;
    t[`torch.cuda.${name}`] = VALUE_ONLY;
  }
  t['torch.storage.UntypedStorage'] = VALUE_ONLY;
  t['torch.storage.TypedStorage'] = VALUE_ONLY;
  for (const name of Object.keys(TORCH_DTYPES)) t[`torch.${name}`] = VALUE_ONLY;
  return t;
})();

/** TorchScript pickles name their module classes `__torch__.<path>.<Class>`: plain data here. */
function torchScriptClass(module: string, name: string): GlobalHandler | undefined {
  return module === '__torch__' || module.startsWith('__torch__.')
    ? plainClass(`${module}.${name}`)
    : undefined;
}

/** The allow-list for torch pickles: Python's plain globals, torch's, and TorchScript classes. */
export function torchResolve(
  extra: readonly GlobalTable[] = [],
): (module: string, name: string) => GlobalHandler | undefined {
  const base = allowList(PYTHON_GLOBALS, TORCH_GLOBALS, ...extra);
  return (module, name) => base(module, name) ?? torchScriptClass(module, name);
}

/** Reads a persistent id `('storage', storage_type, key, location, numel[, view_metadata])`. */
export function storageFromPid(pid: PyValue, at: number): TorchStorage {
  const items = asSequence(pid);
  const kind = items === undefined ? undefined : asText(items[0]);
  if (items === undefined || kind === undefined) {
    return badArguments('persistent id', `is a ${pyTypeName(pid)}, not a ('storage', ...) tuple`, at);
  }
  if (kind !== 'storage') {
    return badArguments(
      'persistent id',
      kind === 'module'
        ? 'the file stores a whole nn.Module with its source code; nnport reads only tensors and plain data (save the state_dict instead)'
        : `of kind '${kind}' (only 'storage' is known)`,
      at,
    );
  }
  const type = storageDTypeOf(items[1]);
  if (type === undefined)
    return badArguments('persistent id', `storage type is a ${pyTypeName(items[1])}`, at);
  const key = asText(items[2]) ?? (typeof items[2] === 'number' ? String(items[2]) : undefined);
  const location = asText(items[3]) ?? 'cpu';
  const numel = asInt(items[4]);
  if (key === undefined || numel === undefined || numel < 0) {
    return badArguments('persistent id', 'storage key or size is malformed', at);
  }
  return new TorchStorage(key, type, location, numel);
}
