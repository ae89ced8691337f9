/**
 * Tensor names as people read them: a layer and a parameter. The CSV long layout has `layer` and
 * `param` columns so a spreadsheet can filter and pivot by them; the split is only a view, the
 * `tensor` column keeps the exact name.
 */

/** A tensor name split into the layer that owns it and the parameter's own name. */
export interface TensorNameParts {
  /** Everything before the last `.` or `/` (`''` when the name has neither). */
  readonly layer: string;
  /** The rest, with a trailing TensorFlow output suffix `:0` removed. */
  readonly param: string;
}

/**
 * Splits a tensor name at its last `.` or `/`: PyTorch state_dict keys use dots (`fc1.weight`),
 * TensorFlow and Keras variable names use slashes and end in the output index (`dense/kernel:0`).
 * `fc1.weight` → `fc1`,`weight`; `dense/kernel:0` → `dense`,`kernel`; `w` → ``,`w`.
 */
export function splitTensorName(name: string): TensorNameParts {
  const cut = Math.max(name.lastIndexOf('.'), name.lastIndexOf('/'));
  const layer = cut < 0 ? '' : name.slice(0, cut);
  let param = name.slice(cut + 1);
  if (param.endsWith(':0')) param = param.slice(0, -2);
  return { layer, param };
}
