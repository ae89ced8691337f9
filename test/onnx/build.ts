/** A tiny protobuf encoder for building ONNX test inputs (good and malformed) in test code. */

/** Varint bytes of a non-negative number or bigint. */
export function varint(v: number | bigint): number[] {
  let x = BigInt.asUintN(64, BigInt(v));
  const out: number[] = [];
  while (x >= 0x80n) {
    out.push(Number(x & 0x7fn) | 0x80);
    x >>= 7n;
  }
  out.push(Number(x));
  return out;
}

/** A varint field. */
export function vf(field: number, v: number | bigint): number[] {
  return [...varint(field * 8), ...varint(v)];
}

/** A length-delimited field of bytes. */
export function lf(field: number, body: readonly number[] | Uint8Array): number[] {
  return [...varint(field * 8 + 2), ...varint(body.length), ...body];
}

/** A string field. */
export function sf(field: number, s: string): number[] {
  return lf(field, [...new TextEncoder().encode(s)]);
}

/** A fixed32 float field. */
export function ff(field: number, v: number): number[] {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setFloat32(0, v, true);
  return [...varint(field * 8 + 5), ...b];
}

/** float32 values as little-endian bytes. */
export function f32(values: readonly number[]): number[] {
  return [...new Uint8Array(new Float32Array(values).buffer)];
}

/** A TensorProto body: name, dims, data_type and either raw bytes or extra fields. */
export function tensor(name: string, dims: number[], dataType: number, extra: number[]): number[] {
  return [...dims.flatMap((d) => vf(1, d)), ...vf(2, dataType), ...sf(8, name), ...extra];
}

/** A ModelProto around a graph body, with ir_version 8 and opset 17. */
export function model(graph: number[], ir = 8): Uint8Array {
  return new Uint8Array([
    ...vf(1, ir),
    ...sf(2, 'test'),
    ...lf(7, graph),
    ...lf(8, [...sf(1, ''), ...vf(2, 17)]),
  ]);
}

/** A one-node graph (Add of x and w) with initializer body `init`. */
export function addGraph(init: number[]): number[] {
  const node = [...sf(1, 'x'), ...sf(1, 'w'), ...sf(2, 'y'), ...sf(3, 'add'), ...sf(4, 'Add')];
  return [...lf(1, node), ...sf(2, 'g'), ...lf(5, init)];
}
