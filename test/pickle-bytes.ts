/** Byte builders for handcrafted pickles and torch files, shared by the pickle and pytorch tests. */

const enc = new TextEncoder();

/** Concatenates byte values, byte arrays, number lists and UTF-8 text into one array. */
export function bytesOf(...parts: (number | Uint8Array | string | readonly number[])[]): Uint8Array {
  const out: number[] = [];
  for (const p of parts) {
    if (typeof p === 'number') out.push(p);
    else if (typeof p === 'string') out.push(...enc.encode(p));
    else for (const b of p) out.push(b);
  }
  return Uint8Array.from(out);
}
