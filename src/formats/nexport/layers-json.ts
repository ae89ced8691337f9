/**
 * Reads the JSON layout nexport writes and Fiats reads: a root object with `hidden_layers` (an
 * array of layers, each an array of neurons) and `output_layer` (an array of neurons), a neuron
 * being `{"weights": [numbers], "bias": number}`, beside other members kept as JSON (`metadata`,
 * Fiats' tag line, `inputs_map`, `outputs_map`, ...).
 *
 * Sources of the layout: nexport/pytorch/exporting.py (v0.4.6) `create_model_object` /
 * `create_layer_object` (`json.dumps(indent=4)` in `export_to_json`, one neuron's weights per
 * line in `export_to_json_experimental`); fiats src/fiats/neural_network_s.F90 `from_json`,
 * layer_s.F90, neuron_s.F90.
 *
 * The file is scanned once, front to back, in chunks (io/text/json-scan.ts, with Python's
 * `NaN`/`Infinity` accepted since nexport writes through `json.dumps`); numbers go straight into
 * growing float64 arrays per layer. Unlike nnport's own JSON, tensor data cannot be left in place
 * to be parsed lazily: a layer's shape is only known once all of its neurons have been counted,
 * and each neuron's bias sits between two neurons' weights, so one pass does both. The values take
 * 8 bytes each, less than their text.
 */
import { NnportError } from '../../core/errors.js';
import type { ReadInput } from '../../core/format.js';
import type { JsonValue } from '../../core/model.js';
import { readAhead } from '../../io/reader.js';
import { type JsonEvents, type JsonScalar, JsonScanner } from '../../io/text/json-scan.js';
import { JsonTreeBuilder, memberStep } from '../../io/text/json-tree.js';
import { jsonValueOf } from '../../io/text/model-json.js';
import { Float64Growable, type ParsedLayer } from './model.js';

/** What a layers JSON document holds. */
export interface LayersDocument {
  /** The hidden layers, first to last (may be empty). */
  readonly hidden: readonly ParsedLayer[];
  /** The output layer. */
  readonly output: ParsedLayer;
  /** Every other member of the root object, in file order. */
  readonly members: ReadonlyMap<string, JsonValue>;
}

// Roles of the open containers the handler follows itself (plain numbers: isolatedModules).
const ROOT = 0;
const HIDDEN = 1; // the hidden_layers array
const LAYER = 2; // one layer: an array of neurons
const NEURON = 3;
const WEIGHTS = 4;

interface Frame {
  readonly role: number;
  /** The member whose value comes next (objects). */
  key: string;
  /** Elements or members so far. */
  count: number;
}

/** A layer being read. */
interface LayerBuilder {
  readonly weights: Float64Growable;
  readonly biases: Float64Growable;
  inputs: number;
  outputs: number;
  readonly path: string;
}

/** Builds the document from scanner events (JsonEvents), checking the layout as it goes. */
class LayersHandler implements JsonEvents {
  readonly members = new Map<string, JsonValue>();
  readonly hidden: ParsedLayer[] = [];
  readonly hiddenPaths: string[] = [];
  output: ParsedLayer | undefined;
  readonly #frames: Frame[] = [];
  readonly #structural = new Set<string>();
  #done = false;
  // A member of the root object other than the layers, built as a JSON value.
  #genericKey: string | undefined;
  #generic: JsonTreeBuilder | undefined;
  #genericDepth = 0;
  #layer: LayerBuilder | undefined;
  #neuronWeights = 0;
  #hasWeights = false;
  #hasBias = false;

  get done(): boolean {
    return this.#done;
  }

  /** True when the root object had member `name` as a layers member (`hidden_layers`, `output_layer`). */
  hasLayersMember(name: string): boolean {
    return this.#structural.has(name);
  }

  /** The JSON path of the value being read, like `$.hidden_layers[0][3].weights[5]`. */
  path(): string {
    let path = '$';
    for (const f of this.#frames)
      path += f.role === ROOT || f.role === NEURON ? memberStep(f.key) : `[${f.count}]`;
    return path;
  }

  #fail(detail: string): never {
    throw new NnportError('INVALID_STRUCTURE', detail, { at: { path: this.path() } });
  }

  #top(): Frame | undefined {
    return this.#frames[this.#frames.length - 1];
  }

  /** Routes an event to the generic builder when one is active; true when it did. */
  #forward(event: (b: JsonTreeBuilder) => void, depthChange: number): boolean {
    if (this.#genericKey !== undefined && this.#generic === undefined) {
      this.#generic = new JsonTreeBuilder();
      this.#genericDepth = 0;
    }
    const builder = this.#generic;
    if (builder === undefined) return false;
    event(builder);
    this.#genericDepth += depthChange;
    if (this.#genericDepth === 0) {
      const key = this.#genericKey as string;
      this.members.set(key, jsonValueOf(builder.result, `$${memberStep(key)}`));
      this.#generic = undefined;
      this.#genericKey = undefined;
      this.#afterValue();
    }
    return true;
  }

  #afterValue(): void {
    const top = this.#top();
    if (top !== undefined) top.count++;
  }

  beginObject(): void {
    if (this.#forward((b) => b.beginObject(), 1)) return;
    const top = this.#top();
    if (top === undefined) {
      this.#frames.push({ role: ROOT, key: '', count: 0 });
      return;
    }
    if (top.role !== LAYER)
      this.#fail(top.role === ROOT ? 'expected an array' : 'expected a number or an array');
    this.#frames.push({ role: NEURON, key: '', count: 0 });
    this.#hasWeights = false;
    this.#hasBias = false;
  }

  beginArray(): void {
    if (this.#forward((b) => b.beginArray(), 1)) return;
    const top = this.#top();
    if (top === undefined) this.#fail('the document must be a JSON object');
    if (top.role === ROOT && top.key === 'hidden_layers') {
      this.#frames.push({ role: HIDDEN, key: '', count: 0 });
    } else if ((top.role === ROOT && top.key === 'output_layer') || top.role === HIDDEN) {
      this.#layer = {
        weights: new Float64Growable(),
        biases: new Float64Growable(),
        inputs: -1,
        outputs: 0,
        path: this.path(),
      };
      this.#frames.push({ role: LAYER, key: top.role === HIDDEN ? 'hidden' : 'output', count: 0 });
    } else if (top.role === NEURON && top.key === 'weights') {
      this.#frames.push({ role: WEIGHTS, key: '', count: 0 });
    } else {
      this.#fail(
        top.role === LAYER ? 'expected a neuron object {"weights": [...], "bias": ...}' : 'expected a number',
      );
    }
  }

  key(name: string): boolean {
    if (this.#forward((b) => b.key(name), 0)) return false;
    const top = this.#top() as Frame;
    if (top.role === ROOT) {
      if (this.members.has(name) || this.#structural.has(name)) {
        top.key = name;
        this.#fail(`duplicate member name ${JSON.stringify(name)}`);
      }
      top.key = name;
      if (name === 'hidden_layers' || name === 'output_layer') this.#structural.add(name);
      else this.#genericKey = name;
      return false;
    }
    top.key = name;
    if (name !== 'weights' && name !== 'bias')
      this.#fail(`a neuron has "weights" and "bias", not ${JSON.stringify(name)}`);
    if ((name === 'weights' && this.#hasWeights) || (name === 'bias' && this.#hasBias)) {
      this.#fail(`duplicate member name ${JSON.stringify(name)}`);
    }
    return false;
  }

  scalar(value: JsonScalar): void {
    if (this.#forward((b) => b.scalar(value), 0)) return;
    const top = this.#top();
    const layer = this.#layer;
    if (top === undefined) this.#fail('the document must be a JSON object');
    const number = typeof value === 'bigint' ? Number(value) : value;
    if (top.role === WEIGHTS && layer !== undefined) {
      if (typeof number !== 'number') this.#fail('a weight must be a number');
      layer.weights.push(number);
    } else if (top.role === NEURON && top.key === 'bias' && layer !== undefined) {
      if (typeof number !== 'number') this.#fail('a bias must be a number');
      layer.biases.push(number);
      this.#hasBias = true;
    } else {
      this.#fail(
        top.role === LAYER ? 'expected a neuron object {"weights": [...], "bias": ...}' : 'expected an array',
      );
    }
    top.count++;
  }

  skipped(): void {
    this.#fail('internal: no member is skipped');
  }

  end(): void {
    if (this.#forward((b) => b.end(), -1)) return;
    // Popped first: errors below are located at the closed container itself.
    const frame = this.#frames.pop() as Frame;
    const layer = this.#layer;
    switch (frame.role) {
      case WEIGHTS:
        if (frame.count === 0) this.#fail('a neuron with no weights');
        this.#neuronWeights = frame.count;
        this.#hasWeights = true;
        break;
      case NEURON:
        if (!this.#hasWeights) this.#fail('a neuron without "weights"');
        if (!this.#hasBias) this.#fail('a neuron without "bias"');
        if (layer !== undefined) {
          if (layer.inputs < 0) layer.inputs = this.#neuronWeights;
          else if (layer.inputs !== this.#neuronWeights) {
            this.#fail(
              `a neuron with ${this.#neuronWeights} weights in a layer whose first neuron has ${layer.inputs}`,
            );
          }
          layer.outputs++;
        }
        break;
      case LAYER:
        if (layer === undefined || layer.outputs === 0) this.#fail('a layer with no neurons');
        this.#finishLayer(layer, frame.key === 'output');
        break;
      case ROOT:
        this.#done = true;
        break;
    }
    this.#afterValue();
  }

  #finishLayer(layer: LayerBuilder, isOutput: boolean): void {
    const parsed: ParsedLayer = {
      weights: layer.weights.take(),
      biases: layer.biases.take(),
      inputs: layer.inputs,
      outputs: layer.outputs,
    };
    if (isOutput) this.output = parsed;
    else {
      this.hidden.push(parsed);
      this.hiddenPaths.push(layer.path);
    }
    this.#layer = undefined;
  }
}

/**
 * Reads a layers JSON document from `input` (see the module comment). Throws INVALID_STRUCTURE
 * with a JSON path or line:column, TRUNCATED, or LIMIT_EXCEEDED.
 */
export async function readLayersJson(input: ReadInput): Promise<LayersDocument> {
  const handler = new LayersHandler();
  const scanner = new JsonScanner(handler, { nonFinite: true });
  for await (const chunk of readAhead(input.source)) scanner.feed(chunk);
  scanner.finish();
  if (!handler.done)
    throw new NnportError('INVALID_STRUCTURE', 'the document must be a JSON object', { at: { path: '$' } });
  const output = handler.output;
  if (output === undefined) {
    throw new NnportError('INVALID_STRUCTURE', 'no "output_layer" member', { at: { path: '$' } });
  }
  if (!handler.hasLayersMember('hidden_layers')) {
    throw new NnportError('INVALID_STRUCTURE', 'no "hidden_layers" member', { at: { path: '$' } });
  }
  const layers = [...handler.hidden, output];
  for (let i = 1; i < layers.length; i++) {
    if (layers[i].inputs !== layers[i - 1].outputs) {
      throw new NnportError(
        'INVALID_STRUCTURE',
        `neurons with ${layers[i].inputs} weights after a layer of ${layers[i - 1].outputs} neurons`,
        { at: { path: i < handler.hidden.length ? handler.hiddenPaths[i] : '$.output_layer' } },
      );
    }
  }
  return { hidden: handler.hidden, output, members: handler.members };
}
