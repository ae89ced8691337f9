/**
 * Pickle opcodes, protocols 0–5, by byte value. The facts come from CPython's
 * `Lib/pickletools.py` (the documented opcode table) and PEP 307 (protocol 2), PEP 3154
 * (protocol 4) and PEP 574 (protocol 5). Both the reading machine and the writer use these names.
 */

/** Opcode byte values, named as `pickletools` names them. */
export const OP = {
  // protocol 0 (text) and 1 (binary)
  MARK: 0x28, // '('
  STOP: 0x2e, // '.'
  POP: 0x30, // '0'
  POP_MARK: 0x31, // '1'
  DUP: 0x32, // '2'
  FLOAT: 0x46, // 'F' decimal text float, newline-terminated
  INT: 0x49, // 'I' decimal text int (or 00/01 for False/True), newline-terminated
  BININT: 0x4a, // 'J' int32
  BININT1: 0x4b, // 'K' uint8
  LONG: 0x4c, // 'L' decimal text long with optional 'L' suffix
  BININT2: 0x4d, // 'M' uint16
  NONE: 0x4e, // 'N'
  PERSID: 0x50, // 'P' text persistent id, newline-terminated
  BINPERSID: 0x51, // 'Q' persistent id from the stack
  REDUCE: 0x52, // 'R' callable(*args)
  STRING: 0x53, // 'S' quoted Python 2 str literal, newline-terminated
  BINSTRING: 0x54, // 'T' int32 length + bytes (Python 2 str)
  SHORT_BINSTRING: 0x55, // 'U' uint8 length + bytes
  UNICODE: 0x56, // 'V' raw-unicode-escape text, newline-terminated
  BINUNICODE: 0x58, // 'X' uint32 length + UTF-8
  APPEND: 0x61, // 'a'
  BUILD: 0x62, // 'b' obj.__setstate__(state) or obj.__dict__.update(state)
  GLOBAL: 0x63, // 'c' module\nname\n
  DICT: 0x64, // 'd' dict from the items since MARK
  EMPTY_DICT: 0x7d, // '}'
  APPENDS: 0x65, // 'e'
  GET: 0x67, // 'g' text memo index
  BINGET: 0x68, // 'h' uint8 memo index
  INST: 0x69, // 'i' module\nname\n, args since MARK: class instantiation
  LONG_BINGET: 0x6a, // 'j' uint32 memo index
  LIST: 0x6c, // 'l' list from the items since MARK
  EMPTY_LIST: 0x5d, // ']'
  OBJ: 0x6f, // 'o' class and args since MARK: instantiation
  PUT: 0x70, // 'p' text memo index
  BINPUT: 0x71, // 'q' uint8 memo index
  LONG_BINPUT: 0x72, // 'r' uint32 memo index
  SETITEM: 0x73, // 's'
  TUPLE: 0x74, // 't' tuple from the items since MARK
  EMPTY_TUPLE: 0x29, // ')'
  SETITEMS: 0x75, // 'u'
  BINFLOAT: 0x47, // 'G' big-endian float64
  // protocol 2 (PEP 307)
  PROTO: 0x80,
  NEWOBJ: 0x81, // cls.__new__(cls, *args)
  EXT1: 0x82, // extension registry code (copyreg), uint8
  EXT2: 0x83, // uint16
  EXT4: 0x84, // int32
  TUPLE1: 0x85,
  TUPLE2: 0x86,
  TUPLE3: 0x87,
  NEWTRUE: 0x88,
  NEWFALSE: 0x89,
  LONG1: 0x8a, // uint8 length + little-endian two's complement
  LONG4: 0x8b, // int32 length + little-endian two's complement
  // protocol 3
  BINBYTES: 0x42, // 'B' uint32 length + bytes
  SHORT_BINBYTES: 0x43, // 'C' uint8 length + bytes
  // protocol 4 (PEP 3154)
  SHORT_BINUNICODE: 0x8c, // uint8 length + UTF-8
  BINUNICODE8: 0x8d, // uint64 length + UTF-8
  BINBYTES8: 0x8e, // uint64 length + bytes
  EMPTY_SET: 0x8f,
  ADDITEMS: 0x90,
  FROZENSET: 0x91,
  NEWOBJ_EX: 0x92, // cls.__new__(cls, *args, **kwargs)
  STACK_GLOBAL: 0x93, // module and name from the stack
  MEMOIZE: 0x94, // store the top of the stack at the next memo index
  FRAME: 0x95, // uint64 frame length (a hint; the opcodes inside are ordinary)
  // protocol 5 (PEP 574)
  BYTEARRAY8: 0x96, // uint64 length + bytes
  NEXT_BUFFER: 0x97, // an out-of-band buffer (never present in a file)
  READONLY_BUFFER: 0x98,
} as const;

/** The name of an opcode by byte value, for messages and for `scan`. */
export const OP_NAMES: ReadonlyMap<number, string> = new Map(
  Object.entries(OP).map(([name, code]) => [code, name]),
);

/** The highest protocol nnport reads (PEP 574). */
export const HIGHEST_PROTOCOL = 5;
