/**
 * MXNet's Reshape shape codes (matrix_op-inl.h `InferReshapeShape`, as documented for
 * `mx.sym.Reshape`): 0 copies the current input dim, -1 infers one dim, -2 copies all remaining
 * dims, -3 merges the next two input dims, -4 splits one input dim into the next two codes (one of
 * them may be -1). `reverse` reverses the input shape and the codes, applies them, and reverses the result (as MXNet does, -4's two codes included).
 */

/** The output shape of Reshape `codes` on `input`, or a message saying why it is invalid. */
export function mxnetReshape(
  input: readonly number[],
  codes: readonly number[],
  reverse: boolean,
): number[] | string {
  const src = reverse ? [...input].reverse() : [...input];
  const spec = reverse ? [...codes].reverse() : [...codes];
  const out: number[] = [];
  let infer = -1;
  let i = 0; // index into src
  for (let k = 0; k < spec.length; k++) {
    const c = spec[k] as number;
    if (c > 0) {
      out.push(c);
      i++;
    } else if (c === 0) {
      if (i >= src.length) return `code 0 at position ${k} has no input dimension to copy`;
      out.push(src[i++] as number);
    } else if (c === -1) {
      if (infer >= 0) return 'more than one -1';
      infer = out.length;
      out.push(1);
      i++;
    } else if (c === -2) {
      while (i < src.length) out.push(src[i++] as number);
    } else if (c === -3) {
      if (i + 1 >= src.length) return `code -3 at position ${k} needs two input dimensions`;
      out.push((src[i] as number) * (src[i + 1] as number));
      i += 2;
    } else if (c === -4) {
      const d = src[i++];
      const a = spec[k + 1];
      const b = spec[k + 2];
      if (d === undefined || a === undefined || b === undefined)
        return `code -4 at position ${k} needs a dimension and two codes`;
      if (a === -1 && b === -1) return 'code -4 with two -1';
      const x = a === -1 ? d / b : a;
      const y = b === -1 ? d / a : b;
      if (!Number.isInteger(x) || !Number.isInteger(y) || x * y !== d)
        return `code -4 cannot split ${d} into ${a} × ${b}`;
      out.push(x, y);
      k += 2;
    } else return `unknown code ${c}`;
  }
  const total = input.reduce((p, d) => p * d, 1);
  if (infer >= 0) {
    const rest = out.reduce((p, d, j) => (j === infer ? p : p * d), 1);
    if (rest === 0 || total % rest !== 0)
      return `cannot infer -1: ${total} elements into [${out.join(', ')}]`;
    out[infer] = total / rest;
  }
  if (out.reduce((p, d) => p * d, 1) !== total)
    return `[${input.join(', ')}] cannot become [${out.join(', ')}]`;
  return reverse ? out.reverse() : out;
}

/** Whether ONNX Reshape means the same with these codes: only positives, 0 and -1 (positions align). */
export function onnxCompatible(codes: readonly number[]): boolean {
  return codes.every((c) => c >= -1);
}
