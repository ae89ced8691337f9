/**
 * Checks every text writer makes before writing a byte: a model handed to a writer may come from
 * code, not a reader, so names and data sizes are not taken on trust.
 */
import { byteLengthOf } from '../../core/dtype.js';
import { NnportError } from '../../core/errors.js';
import type { Model } from '../../core/model.js';
import { elementCount } from '../../core/tensor.js';

/** Checks unique tensor names and data sized to the shape; UNREPRESENTABLE / INVALID_STRUCTURE otherwise. */
export function checkTensors(model: Model, format: string): void {
  const seen = new Set<string>();
  for (const t of model.tensors) {
    if (seen.has(t.name)) {
      throw new NnportError('UNREPRESENTABLE', `two tensors are named ${JSON.stringify(t.name)}`, { format });
    }
    seen.add(t.name);
    const expected = byteLengthOf(t.dtype, elementCount(t.shape));
    if (t.data.byteLength !== expected) {
      throw new NnportError(
        'INVALID_STRUCTURE',
        `${t.data.byteLength} bytes of data, the shape needs ${expected}`,
        {
          format,
          at: { tensor: t.name },
        },
      );
    }
  }
}
