/**
 * TF.js graph-model GraphDef → canonical graph (ONNX ops, opset 17). Nodes are visited producers
 * first (graphdef.ts); each goes through its translator (import-*.ts), which emits ONNX nodes
 * carrying `meta.tfjs = {name, op}`. Placeholders are the graph inputs (shaped by the signature
 * when their `shape` attribute is missing); Consts are the manifest tensors of the same name
 * (graph initializers, stored bit for bit) or, for small tensors the converter left inline,
 * Constant nodes — both only when an op reads them as data (axes, perms and shapes become
 * attributes). Ops without a translator are kept as nodes of domain `tfjs`
 * (attributes as strings) and listed in `unsupported`. A reference `node:k` reads the k-th value
 * the node's translator made (Split, Unpack …: `ctx.outputs(n)`); a read of an output the
 * translation does not make (FusedBatchNorm's training statistics, `Relu:1`) leaves the model
 * without a graph. See docs/formats/tfjs.md.
 */
import type { DType } from '../../core/dtype.js';
import { NnportError } from '../../core/errors.js';
import type { AttributeValue, Graph, GraphNode, ValueInfo } from '../../core/graph.js';
import type { JsonValue } from '../../core/model.js';
import type { Tensor } from '../../core/tensor.js';
import { ShapeState } from '../infer.js';
import { NameSet } from '../names.js';
import { isObject, shapeOf } from './attrs.js';
import { inlineConst } from './consts.js';
import { attr, GRAPH_ERRORS, NodeContext, onnxType, type TfServices } from './context.js';
import { graphNodes, STRUCTURE_ERRORS, structureError, type TfNode, type TfRef } from './graphdef.js';
import { importerOf } from './import-table.js';

/** The opset the imported graph declares. */
export const TFJS_IMPORT_OPSET = 17;

/** What the importer needs besides the topology. */
export interface TfjsImportOptions {
  /** The model's tensors (the manifest's weights, named as their Const nodes). */
  readonly tensors: readonly Tensor[];
  /** Values of small manifest tensors (read beforehand), for Consts used as axes, perms, shapes. */
  readonly values: ReadonlyMap<string, readonly number[]>;
  /** The model's signature (`{inputs, outputs}` of `{name: "node:0"}`), when the file has one. */
  readonly signature?: JsonValue;
}

/** The translated graph and the ops kept as `tfjs` nodes. */
export interface TfjsImportResult {
  readonly graph: Graph;
  readonly unsupported: { readonly op: string; readonly node: string }[];
}

const PASS_THROUGH = new Set(['Identity', 'StopGradient', 'Snapshot']);

class Builder implements TfServices {
  readonly shapes: ShapeState;
  readonly nodes: GraphNode[] = [];
  readonly initializers: string[] = [];
  readonly values = new Map<string, string>();
  readonly #used = new NameSet();
  readonly #nodeNames = new NameSet();
  readonly #byName: ReadonlyMap<string, TfNode>;
  readonly #tensors: ReadonlyMap<string, Tensor>;
  readonly #options: TfjsImportOptions;

  constructor(nodes: readonly TfNode[], options: TfjsImportOptions) {
    this.#options = options;
    this.#byName = new Map(nodes.map((n) => [n.name, n]));
    this.#tensors = new Map(options.tensors.map((t) => [t.name, t]));
    for (const t of options.tensors) this.#used.add(t.name);
    this.shapes = new ShapeState({ opsets: { '': TFJS_IMPORT_OPSET }, inputs: [] }, undefined, (name) =>
      options.values.get(name),
    );
  }

  unique(base: string): string {
    return this.#used.take(base);
  }

  nodeName(base: string): string {
    return this.#nodeNames.take(base);
  }

  add(node: GraphNode): void {
    this.nodes.push(node);
    this.shapes.visit(node);
  }

  /** Checks a Const has data (a manifest tensor or an inline value). */
  checkConst(node: TfNode): void {
    if (this.#tensors.has(node.name)) return;
    if (inlineConst(node.attrs.tensor('value')) === undefined)
      throw structureError(node.name, `Const '${node.name}' has no data: no weight and no inline value`);
  }

  value(ref: TfRef): string {
    const key = `${ref.node}:${ref.index}`;
    const known = this.values.get(key);
    if (known !== undefined) return known;
    const node = this.#byName.get(ref.node);
    if (node?.op === 'Const' && ref.index === 0) return this.#materialize(node, key);
    throw new NnportError(
      'UNSUPPORTED_OP',
      `${node?.op ?? 'node'} '${ref.node}': output ${ref.index} is not translated`,
      { at: { node: ref.node } },
    );
  }

  constant(ref: TfRef): readonly number[] | undefined {
    let node = this.#byName.get(ref.node);
    for (let i = 0; node !== undefined && PASS_THROUGH.has(node.op) && i < 64; i++) {
      const r = node.inputs[0];
      node = r === undefined ? undefined : this.#byName.get(r.node);
    }
    if (node?.op !== 'Const') return undefined;
    return this.#options.values.get(node.name) ?? inlineConst(node.attrs.tensor('value'))?.values;
  }

  /** A Const as a graph value: its manifest tensor (an initializer) or Constant nodes. */
  #materialize(node: TfNode, key: string): string {
    const t = this.#tensors.get(node.name);
    if (t !== undefined) {
      this.initializers.push(t.name);
      this.shapes.declare({ name: t.name, dtype: t.dtype, shape: t.shape });
      this.values.set(key, t.name);
      return t.name;
    }
    const c = inlineConst(node.attrs.tensor('value'));
    if (c === undefined) throw structureError(node.name, `Const '${node.name}' has no data`);
    const out = this.unique(node.name);
    const ctx = new NodeContext(node, [out], this);
    const isFloat = c.dtype.startsWith('float') || c.dtype === 'bfloat16';
    const scalar = c.shape.length === 0;
    const key1 = `value_${isFloat ? 'float' : 'int'}${scalar ? '' : 's'}`;
    const v: AttributeValue = isFloat
      ? scalar
        ? { type: 'float', value: c.values[0] ?? 0 }
        : { type: 'floats', value: c.values }
      : scalar
        ? { type: 'int', value: c.values[0] ?? 0 }
        : { type: 'ints', value: c.values };
    const base = isFloat ? 'float32' : 'int64';
    const shaped = c.shape.length > 1;
    const needsCast = c.dtype !== base;
    let y = ctx.emit('Constant', [], { [key1]: v }, shaped || needsCast ? ctx.tmp('value') : out);
    if (shaped)
      y = ctx.emit('Reshape', [y, ctx.int64('shape', c.shape)], {}, needsCast ? ctx.tmp('shaped') : out);
    if (needsCast) ctx.emit('Cast', [y], { to: attr(onnxType(c.dtype)) }, out);
    this.values.set(key, out);
    return out;
  }
}

/** Output references of a signature section (`name:k`), in the signature's order. */
function signatureRefs(signature: JsonValue | undefined, section: 'inputs' | 'outputs'): TfRef[] {
  if (!isObject(signature) || !isObject(signature[section])) return [];
  const out: TfRef[] = [];
  for (const [key, v] of Object.entries(signature[section])) {
    const text = isObject(v) && typeof v.name === 'string' ? v.name : key;
    const m = /^(.*?)(?::(\d+))?$/.exec(text);
    if (m !== null) out.push({ node: m[1] as string, index: Number(m[2] ?? 0) });
  }
  return out;
}

/** Input shapes the signature gives (for Placeholders whose `shape` attribute is missing), by node. */
function signatureShapes(signature: JsonValue | undefined): Map<string, (number | null)[]> {
  const out = new Map<string, (number | null)[]>();
  if (!isObject(signature) || !isObject(signature.inputs)) return out;
  for (const [key, v] of Object.entries(signature.inputs)) {
    if (!isObject(v)) continue;
    const name = (typeof v.name === 'string' ? v.name : key).replace(/:0$/, '');
    const shape = shapeOf(v.tensorShape);
    if (shape !== undefined) out.set(name, shape);
  }
  return out;
}

const NOT_OUTPUTS = new Set(['Const', 'NoOp', 'Placeholder']);

/** Translates a graph-model's GraphDef (see the module comment). */
export function importTfjsGraph(topology: JsonValue, options: TfjsImportOptions): TfjsImportResult {
  const order = graphNodes(topology);
  const b = new Builder(order, options);
  const sigOut = signatureRefs(options.signature, 'outputs');
  for (const r of sigOut) {
    if (!order.some((n) => n.name === r.node))
      throw structureError(r.node, `the signature's output '${r.node}' names no node`);
  }
  const sigShapes = signatureShapes(options.signature);
  const consumed = new Map<string, number>();
  for (const r of [...order.flatMap((n) => n.inputs), ...sigOut])
    consumed.set(r.node, Math.max(consumed.get(r.node) ?? 1, r.index + 1));
  const inputs: ValueInfo[] = [];
  const unsupported: { op: string; node: string }[] = [];
  for (const node of order) {
    if (node.op === 'Const') {
      b.checkConst(node);
      continue;
    }
    if (node.op === 'Placeholder') {
      const name = b.unique(node.name);
      const dtype: DType = node.attrs.dtype('dtype') ?? 'float32';
      const dims = node.attrs.shape('shape') ?? sigShapes.get(node.name);
      const v: ValueInfo =
        dims === undefined
          ? { name, dtype }
          : { name, dtype, shape: dims.map((d, i) => d ?? `${node.name}_d${i}`) };
      inputs.push(v);
      b.shapes.declare(v);
      b.values.set(`${node.name}:0`, name);
      continue;
    }
    const n = consumed.get(node.name) ?? 1;
    const outs = Array.from({ length: n }, (_, k) => b.unique(k === 0 ? node.name : `${node.name}:${k}`));
    const ctx = new NodeContext(node, outs, b);
    const importer = importerOf(node.op);
    const mark = b.nodes.length;
    let keep = importer === undefined;
    if (importer !== undefined) {
      try {
        importer(ctx);
        outs.forEach((o, k) => {
          if (!b.shapes.known.has(o))
            throw ctx.fatal(`output ${k} is read by another node but only output 0 is translated`);
        });
      } catch (e) {
        const own = b.nodes.slice(mark).some((x) => (x.meta?.tfjs as { name?: string })?.name === node.name);
        // an unsupported form found before the node emitted anything: kept as a tfjs node
        if (
          !(e instanceof NnportError) ||
          e.code !== 'UNSUPPORTED_OP' ||
          STRUCTURE_ERRORS.has(e) ||
          GRAPH_ERRORS.has(e) ||
          own
        )
          throw e;
        keep = true;
      }
    }
    if (keep) {
      unsupported.push({ op: node.op, node: node.name });
      keepAsIs(ctx, outs);
    }
    outs.forEach((o, k) => {
      if (b.shapes.known.has(o)) b.values.set(`${node.name}:${k}`, o);
    });
  }
  const outRefs =
    sigOut.length > 0
      ? sigOut
      : order
          .filter((n) => !NOT_OUTPUTS.has(n.op) && !consumed.has(n.name))
          .map((n) => ({ node: n.name, index: 0 }));
  const outputs = outRefs.map((r) => {
    const v = b.value(r);
    return b.shapes.known.get(v) ?? { name: v };
  });
  const opsets: Record<string, number> = { '': TFJS_IMPORT_OPSET };
  if (unsupported.length > 0) opsets.tfjs = 1;
  const graph: Graph = { nodes: b.nodes, inputs, outputs, opsets, initializers: b.initializers };
  return { graph, unsupported };
}

/** An op without a translator: one `tfjs`-domain node, its attributes as strings. */
function keepAsIs(ctx: NodeContext, outs: readonly string[]): void {
  const ins = Array.from({ length: ctx.arity }, (_, i) => ctx.input(i));
  const attributes: Record<string, AttributeValue> = {};
  for (const [k, v] of Object.entries(ctx.attrs.asStrings())) attributes[k] = { type: 'string', value: v };
  ctx.emit(ctx.node.op, ins, attributes, outs, 'tfjs');
  const dtype = ctx.attrs.dtype('T') ?? (ins[0] === undefined ? 'float32' : ctx.dtype(ins[0]));
  for (const o of outs) ctx.assume({ name: o, dtype });
}
