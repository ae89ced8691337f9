/**
 * Named resource limits (STYLE habit 6). Every count, length and size read from a file is checked
 * against the file's own size and against these before anything is allocated.
 */

/**
 * Largest header nnport parses as JSON or text (npy header dicts, safetensors JSON headers).
 * safetensors' reference implementation caps its header at 100 MB for the same reason: a
 * hostile 8-byte length must not make us allocate gigabytes before reading a byte.
 */
export const MAX_HEADER_BYTES = 100_000_000;

/** Most dimensions a tensor may have. ONNX and NumPy allow 64 (NPY_MAXDIMS in NumPy 2); more is an attack. */
export const MAX_RANK = 64;

/**
 * Most elements one tensor may declare: 2^53 - 1, the largest count JS arithmetic holds exactly.
 * Shapes whose product exceeds it are refused before any multiplication can lose precision.
 */
export const MAX_ELEMENTS = Number.MAX_SAFE_INTEGER;

/**
 * Most bytes one tensor is read into memory at once. Typed arrays in V8 stop near 2^32 elements and
 * ArrayBuffers near 2^53 bytes on 64-bit, but a single allocation over 4 GiB fails on most hosts;
 * larger tensors are streamed in chunks instead.
 */
export const MAX_TENSOR_BYTES_IN_MEMORY = 2 ** 32;

/** Most tensors in one model: a zip bomb of millions of empty members must not exhaust memory. */
export const MAX_TENSORS = 10_000_000;

/** Most members a zip directory may list (npz, torch zip); same reason as MAX_TENSORS. */
export const MAX_ZIP_ENTRIES = 10_000_000;

/**
 * Most bytes a deflated member may inflate to when it must be held in memory (npz members).
 * Its declared size is checked against this before inflating, and the inflater stops there too:
 * a 1 KB deflate stream can claim gigabytes (zip bomb).
 */
export const MAX_INFLATED_BYTES = 2 ** 32;

/** Longest tensor or member name: names are printed and used as file names; 64 KiB is beyond any real model. */
export const MAX_NAME_LENGTH = 65_536;

/** Deepest nesting of JSON arrays or objects nnport's streaming JSON reader follows (rank + document levels). */
export const MAX_JSON_DEPTH = 256;

/** Longest single token (number, string) the text readers buffer: no real number or name is longer. */
export const MAX_TOKEN_BYTES = 1_048_576;

/** Shard files one sharded safetensors index may name: real sets have tens to hundreds. */
export const MAX_SHARDS = 100_000;

/**
 * Deepest nesting of Python literals nnport parses (npy header dicts, whose structured dtypes
 * nest lists and tuples a few levels): a header of 100 MB of `[` must not overflow the stack.
 */
export const MAX_LITERAL_DEPTH = 64;

/**
 * Most bytes of pickle opcodes nnport interprets (a torch `data.pkl`, a scikit-learn pickle):
 * the object graph, not tensor data, lives there, so 1 GiB is generous and stops a crafted
 * stream from keeping the machine busy or its stack growing without end.
 */
export const MAX_PICKLE_BYTES = 2 ** 30;

/** Most values on the pickle machine's stack plus memo; every opcode adds at most one, so this caps memory. */
export const MAX_PICKLE_VALUES = 50_000_000;

/**
 * Deepest container nesting nnport walks when it turns a pickled object into tensors and a
 * structure (recursion bombs: a list nested a million deep would overflow the JS stack).
 */
export const MAX_PICKLE_DEPTH = 1000;

/**
 * Most container items visited while walking one pickled object: shared references (memo GET)
 * let a few hundred bytes describe an exponentially large tree ("billion laughs").
 */
export const MAX_PICKLE_NODES = 20_000_000;

/**
 * Longest single line of values a line-oriented reader assembles (nexport TXT writes each
 * neuron's weights on one line): 256 MiB is about 12 million weights into one neuron, far beyond
 * any real dense layer, while a file without line feeds must not be gathered whole into memory.
 */
export const MAX_ROW_LINE_BYTES = 268_435_456;

/**
 * Largest pickle or joblib file nnport reads: the pickle machine works on bytes in memory, so the
 * whole file (for joblib, with its array data) is loaded; 4 GiB is what one allocation reliably
 * holds (see MAX_TENSOR_BYTES_IN_MEMORY), and a clear error beats a host's RangeError.
 */
export const MAX_PICKLE_FILE_BYTES = 2 ** 32;

/**
 * Deepest nesting of protobuf messages nnport follows (ONNX: graph → node → attribute → subgraph
 * → …). Google's protobuf parsers stop at 100 by default (CodedInputStream recursion limit) for
 * the same reason: a file of nested If/Loop bodies 10,000 deep must not overflow the JS stack.
 */
export const MAX_PROTOBUF_DEPTH = 100;

/**
 * Longest protobuf string or bytes field nnport copies into memory (names, doc strings, attribute
 * strings, small messages): 64 MiB is far beyond any real name or doc_string, while raw tensor data
 * is never copied (it is kept as a window of the file).
 */
export const MAX_PROTOBUF_STRING_BYTES = 67_108_864;

/**
 * Most bytes of a packed repeated field (ONNX float_data, int64_data, dims, ints…) decoded into
 * memory at once; typed tensor fields past this must use raw_data or external data, which onnx
 * itself writes for any tensor above a few KiB. Equal to MAX_TENSOR_BYTES_IN_MEMORY's order.
 */
export const MAX_PROTOBUF_PACKED_BYTES = 2 ** 31;

/**
 * Most nodes, attributes, values and other repeated entries one ONNX graph may list (each costs a
 * JS object): real models have at most a few hundred thousand nodes.
 */
export const MAX_ONNX_ENTRIES = 10_000_000;
