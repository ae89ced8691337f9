/**
 * A Keras model config (what `model.to_json()` writes, Keras 1/2/3 and TF.js) as a list of layer
 * calls in a topological order: each call names its layer, the tensors it consumes and the
 * outputs it makes. Sequential models chain their layers; functional models (`Model`,
 * `Functional`) list `inbound_nodes` — Keras 2 as `[[layer, node, tensor, kwargs], …]` per call,
 * Keras 3 as `{args, kwargs}` with `__keras_tensor__` objects whose `keras_history` is
 * `[layer, node, tensor]`. A tensor is keyed `layer:node:tensor`, as Keras's own loader keys it.
 */
import { NnportError } from '../../core/errors.js';
import type { JsonValue } from '../../core/model.js';

/** A JSON object. */
export type JsonObject = { readonly [key: string]: JsonValue };

/** True for a JSON object. */
export function isObject(v: JsonValue | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** One layer of the config. */
export interface KerasLayer {
  readonly name: string;
  readonly className: string;
  readonly config: JsonObject;
}

/** One call of a layer: the tensor keys it reads (data first, then initial states) and makes. */
export interface LayerCall {
  readonly layer: KerasLayer;
  readonly inputs: readonly string[];
  /** Key prefix of the outputs: `layer:node:` (outputs append their index). */
  readonly outputPrefix: string;
}

/** A whole model as calls. */
export interface ModelCalls {
  readonly calls: readonly LayerCall[];
  /** Input layers: tensor key and the layer (for its shape and dtype). */
  readonly inputs: readonly { readonly key: string; readonly layer: KerasLayer }[];
  readonly outputs: readonly string[];
}

function fail(detail: string, path: string): NnportError {
  return new NnportError('INVALID_STRUCTURE', detail, { at: { path } });
}

function layerOf(v: JsonValue, path: string): KerasLayer {
  if (!isObject(v) || typeof v.class_name !== 'string') throw fail('layer without class_name', path);
  const config = isObject(v.config) ? v.config : {};
  const name =
    typeof config.name === 'string' ? config.name : typeof v.name === 'string' ? v.name : undefined;
  if (name === undefined) throw fail(`${v.class_name} layer without a name`, path);
  return { name, className: v.class_name, config };
}

/** The key of a tensor reference `[layer, node, tensor, …]`. */
function refKey(ref: JsonValue, path: string): string {
  if (!Array.isArray(ref) || typeof ref[0] !== 'string') throw fail('bad tensor reference', path);
  return `${ref[0]}:${Number(ref[1] ?? 0)}:${Number(ref[2] ?? 0)}`;
}

/** Keras 3 call arguments: every `__keras_tensor__` inside, in order. */
function kerasTensors(v: JsonValue | undefined, out: string[], path: string): void {
  if (Array.isArray(v)) {
    for (const x of v) kerasTensors(x, out, path);
    return;
  }
  if (!isObject(v)) return;
  if (v.class_name === '__keras_tensor__' && isObject(v.config)) {
    out.push(refKey(v.config.keras_history ?? null, path));
    return;
  }
  for (const x of Object.values(v)) kerasTensors(x, out, path);
}

/** The inputs of one Keras 2 or Keras 3 inbound node. */
function callInputs(node: JsonValue, path: string): string[] {
  const out: string[] = [];
  if (isObject(node)) {
    kerasTensors(node.args ?? null, out, path);
    if (isObject(node.kwargs)) kerasTensors(node.kwargs.initial_state ?? null, out, path);
    return out;
  }
  if (!Array.isArray(node)) throw fail('inbound node is neither a list nor {args, kwargs}', path);
  for (const ref of node) {
    out.push(refKey(ref, path));
    const kwargs = Array.isArray(ref) ? ref[3] : undefined;
    if (isObject(kwargs) && kwargs.initial_state !== undefined) {
      // Keras 2 passes initial states as kwargs of the data tensor's entry.
      for (const s of Array.isArray(kwargs.initial_state) ? kwargs.initial_state : [kwargs.initial_state])
        out.push(refKey(s, path));
    }
  }
  return out;
}

/** `[name, node, tensor]` or a list of them (Keras 3 writes one flat triple for a single tensor). */
function endpoints(v: JsonValue | undefined, path: string): string[] {
  if (!Array.isArray(v)) throw fail('missing input_layers/output_layers', path);
  if (typeof v[0] === 'string') return [refKey(v, path)];
  return v.map((r) => refKey(r, path));
}

/** The batch shape an InputLayer or a Sequential's first layer declares. */
export function batchShape(c: JsonObject): (number | null)[] | undefined {
  const s = c.batch_shape ?? c.batch_input_shape ?? c.batchInputShape;
  if (Array.isArray(s)) return s.map((d) => (typeof d === 'number' ? d : null));
  const i = c.input_shape ?? c.inputShape;
  if (Array.isArray(i)) return [null, ...i.map((d) => (typeof d === 'number' ? d : null))];
  return undefined;
}

function inputLayer(name: string, shape: (number | null)[], dtype: JsonValue | undefined): KerasLayer {
  const config: Record<string, JsonValue> = { name, batch_shape: shape };
  if (dtype !== undefined) config.dtype = dtype;
  return { name, className: 'InputLayer', config };
}

/** Reads a model config into calls; unknown model classes are INVALID_STRUCTURE. */
export function modelCalls(model: JsonValue): ModelCalls {
  if (!isObject(model)) throw fail('model config is not an object', '$');
  const cls = model.class_name;
  const body = model.config;
  if (cls === 'Sequential') {
    const list = Array.isArray(body) ? body : isObject(body) && Array.isArray(body.layers) ? body.layers : [];
    const layers = list.map((l, i) => layerOf(l, `$.config.layers[${i}]`));
    const inputs: { key: string; layer: KerasLayer }[] = [];
    const calls: LayerCall[] = [];
    let current: string | undefined;
    for (const layer of layers) {
      if (layer.className === 'InputLayer') {
        current = `${layer.name}:0:0`;
        inputs.push({ key: current, layer });
        continue;
      }
      if (current === undefined) {
        const shape = batchShape(layer.config);
        if (shape === undefined) throw fail(`Sequential model without an input shape`, '$.config.layers[0]');
        const name = `${layer.name}_input`;
        current = `${name}:0:0`;
        inputs.push({ key: current, layer: inputLayer(name, shape, layer.config.dtype) });
      }
      calls.push({ layer, inputs: [current], outputPrefix: `${layer.name}:0:` });
      current = `${layer.name}:0:0`;
    }
    if (current === undefined) throw fail('Sequential model without layers', '$.config');
    return { calls, inputs, outputs: [current] };
  }
  if (cls === 'Model' || cls === 'Functional') {
    if (!isObject(body) || !Array.isArray(body.layers))
      throw fail('functional model without layers', '$.config');
    const calls: LayerCall[] = [];
    const inputs: { key: string; layer: KerasLayer }[] = [];
    body.layers.forEach((l, i) => {
      const layer = layerOf(l, `$.config.layers[${i}]`);
      if (layer.className === 'InputLayer') {
        inputs.push({ key: `${layer.name}:0:0`, layer });
        return;
      }
      const inbound = isObject(l) && Array.isArray(l.inbound_nodes) ? l.inbound_nodes : [];
      inbound.forEach((node, k) => {
        const at = `$.config.layers[${i}].inbound_nodes[${k}]`;
        calls.push({ layer, inputs: callInputs(node, at), outputPrefix: `${layer.name}:${k}:` });
      });
    });
    const order = topological(calls, new Set(inputs.map((x) => x.key)));
    const declared = endpoints(body.input_layers, '$.config.input_layers');
    const sorted = declared.map((k) => inputs.find((x) => x.key === k)).filter((x) => x !== undefined);
    return { calls: order, inputs: sorted, outputs: endpoints(body.output_layers, '$.config.output_layers') };
  }
  throw new NnportError('UNSUPPORTED_OP', `model class '${String(cls)}' is not Sequential or Functional`, {
    at: { path: '$.class_name' },
  });
}

/** Calls ordered so each comes after the calls making its inputs (config order where free). */
function topological(calls: readonly LayerCall[], ready: Set<string>): LayerCall[] {
  const out: LayerCall[] = [];
  const made = new Set(ready);
  const pending = [...calls];
  while (pending.length > 0) {
    const i = pending.findIndex((c) => c.inputs.every((k) => made.has(k)));
    if (i < 0) {
      const c = pending[0] as LayerCall;
      const missing = c.inputs.filter((k) => !made.has(k));
      throw new NnportError(
        'INVALID_STRUCTURE',
        `layer '${c.layer.name}' reads ${missing.join(', ')}, which no layer makes`,
        { at: { node: c.layer.name } },
      );
    }
    const c = pending.splice(i, 1)[0] as LayerCall;
    out.push(c);
    // Outputs are not counted here: a call makes `prefix0`, `prefix1` … (up to 8 is plenty).
    for (let k = 0; k < 8; k++) made.add(`${c.outputPrefix}${k}`);
  }
  return out;
}
