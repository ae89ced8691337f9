/**
 * Keras TimeDistributed → the wrapped layer applied to every time step at once: the input
 * [batch, time, …] is reshaped to [batch·time, …], the inner layer's importer runs on that, and
 * its output [batch·time, …out] is reshaped back to [batch, time, …out] — what Keras's own
 * TimeDistributed does when shapes are known. The inner layer's weights are the wrapper's (Keras
 * stores them under the TimeDistributed layer). The inner layer's nodes are named after the
 * wrapper and carry its `meta.keras`.
 */
import type { ValueInfo } from '../../core/graph.js';
import type { JsonValue } from '../../core/model.js';
import type { Tensor } from '../../core/tensor.js';
import { isObject, type KerasLayer } from './config.js';
import { type KerasServices, LayerContext } from './context.js';
import { type LayerImporter, layerImporter } from './import-table.js';

/**
 * Never used: a nested context sends everything to its outer context (below), so the services
 * it was built with are never reached. Any access is a bug and fails loudly.
 */
const UNREACHABLE = new Proxy(
  {},
  {
    get() {
      throw new Error('nested LayerContext used its own services');
    },
  },
) as KerasServices;

/** The context of a wrapped layer: its own config, inputs and outputs; the wrapper's graph. */
class NestedContext extends LayerContext {
  readonly #outer: LayerContext;

  constructor(outer: LayerContext, layer: KerasLayer, inputs: readonly string[], outputs: string[]) {
    super(layer, inputs, outputs, UNREACHABLE);
    this.#outer = outer;
  }

  override get keras3(): boolean {
    return this.#outer.keras3;
  }

  override tmp(suffix: string): string {
    return this.#outer.tmp(suffix);
  }

  override emit(
    op: string,
    inputs: readonly string[],
    attributes: Parameters<LayerContext['emit']>[2] = {},
    outputs: string | readonly string[] = this.tmp(op),
    domain?: string,
  ): string {
    return this.#outer.emit(op, inputs, attributes, outputs, domain);
  }

  override weights(min = 0): Tensor[] {
    const ws = this.#outer.weights();
    if (ws.length < min) throw this.error(`needs ${min} weights, the file has ${ws.length} for it`);
    return ws;
  }

  override info(value: string): ValueInfo | undefined {
    return this.#outer.info(value);
  }

  override assume(v: ValueInfo): void {
    this.#outer.assume(v);
  }
}

const timeDistributed: LayerImporter = (ctx) => {
  const inner = ctx.config.layer;
  if (!isObject(inner) || typeof inner.class_name !== 'string' || !isObject(inner.config))
    throw ctx.error('has no inner layer config');
  const className = inner.class_name;
  const importer = layerImporter(className);
  if (importer === undefined || className === 'TimeDistributed' || className === 'Bidirectional')
    throw ctx.error(`wraps ${className}, which nnport does not translate inside it`, 'UNSUPPORTED_OP');
  const x = ctx.input();
  const rest = ctx.shape(x).slice(2);
  if (rest.some((d) => typeof d !== 'number'))
    throw ctx.error('the per-step shape must be known', 'UNSUPPORTED_OP');
  const flat = ctx.emit('Reshape', [x, ctx.int64('steps_shape', [-1, ...(rest as number[])])]);
  const config: Record<string, JsonValue> = { ...inner.config, name: ctx.layer.name };
  const layer: KerasLayer = { name: ctx.layer.name, className, config };
  const y = ctx.tmp('step_out');
  importer(new NestedContext(ctx, layer, [flat], [y]));
  const outRest = ctx.shape(y).slice(1);
  if (outRest.some((d) => typeof d !== 'number')) throw ctx.error('the per-step output shape is unknown');
  // [batch, time] of the input, then the step's output dims
  const head = ctx.emit('Shape', [x], { start: { type: 'int', value: 0 }, end: { type: 'int', value: 2 } });
  const shape = ctx.emit('Concat', [head, ctx.int64('out_rest', outRest as number[])], {
    axis: { type: 'int', value: 0 },
  });
  ctx.emit('Reshape', [y, shape], {}, ctx.out());
};

/** Wrapper layers by class name. */
export const WRAP: ReadonlyMap<string, LayerImporter> = new Map([['TimeDistributed', timeDistributed]]);
