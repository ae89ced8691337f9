/**
 * MXNet symbol → canonical graph (DESIGN §2: canonical ops are ONNX's, opset 17). Each MXNet node
 * goes through its importer in the op table (import-*.ts), which emits one or more ONNX nodes that
 * carry `meta.mxnet = {name, op, attrs}` (the node's source op beside the canonical ones). Ops
 * without an importer are kept as nodes of domain `mxnet` with their parameters as string
 * attributes, so a same-format round trip loses nothing, and are listed in `unsupported`.
 *
 * Variables (`op: "null"`) become initializers when the parameters hold them, graph inputs
 * otherwise; a parameter's shape comes from the array, the op's own rule (FullyConnected weight
 * = num_hidden × input features …), the hidden `__shape__` (0 = unknown) and `--input`, and any
 * two that disagree are refused naming the array and the node.
 */
import type { DType } from '../../core/dtype.js';
import { NnportError } from '../../core/errors.js';
import type { Graph, GraphNode, ValueInfo } from '../../core/graph.js';
import type { JsonValue } from '../../core/model.js';
import { readTensor, type Tensor } from '../../core/tensor.js';
import { TYPE_FLAGS } from '../../formats/mxnet/params.js';
import { type MxNode, type MxSymbol, parseTuple } from '../../formats/mxnet/symbol.js';
import { ShapeState } from '../infer.js';
import { NameSet } from '../names.js';
import type { Dim } from '../types.js';
import { type BuilderServices, type InputRole, OpContext } from './context.js';
import { IMPORTERS } from './import-table.js';

/** The opset the imported graph declares. */
export const MXNET_IMPORT_OPSET = 17;

/** What the importer needs besides the symbol. */
export interface ImportOptions {
  /** The symbol file's name, for errors. */
  readonly file: string;
  /** Parameters by bare name (no `arg:`/`aux:` prefix). */
  readonly params: ReadonlyMap<string, Tensor>;
  /** Shapes given with `--input NAME=D1,...`, by variable name. */
  readonly inputShapes: ReadonlyMap<string, readonly number[]>;
}

/** One parameter variable of the symbol (for ArrayNames of an uninitialized net, and the manifest). */
export interface ArrayVariable {
  readonly name: string;
  readonly role: 'arg' | 'aux';
  readonly shape: readonly Dim[] | null;
}

/** The translated graph and what the translation found. */
export interface ImportResult {
  readonly graph: Graph;
  /** Parameters in use order, then parameters no node uses, then constants the import made. */
  readonly tensors: Tensor[];
  /** Changes for the manifest (fix_gamma, ignored labels ...). */
  readonly changes: Record<string, JsonValue>[];
  /** Ops kept as `mxnet`-domain nodes: node name and op. */
  readonly unsupported: { readonly name: string; readonly op: string }[];
  /** Every parameter variable. */
  readonly arrays: ArrayVariable[];
  /** Label variables of loss heads (SoftmaxOutput …), not graph inputs. */
  readonly labels: string[];
}

class Builder implements BuilderServices {
  readonly shapes: ShapeState;
  readonly file: string;
  readonly nodes: GraphNode[] = [];
  readonly inputs: ValueInfo[] = [];
  readonly made: Tensor[] = [];
  readonly used = new NameSet();
  readonly #nodeNames = new NameSet();
  readonly changes: Record<string, JsonValue>[] = [];
  readonly arrays = new Map<string, ArrayVariable>();
  readonly initializers: string[] = [];
  /** Nodes whose outputs were left unmade on purpose, with why. */
  readonly deferred = new Map<number, string>();
  /** Canonical value of (node, output). */
  readonly values = new Map<string, string>();
  readonly #sym: MxSymbol;
  readonly #options: ImportOptions;
  readonly #constants: Map<string, ArrayLike<number | bigint>>;

  constructor(sym: MxSymbol, options: ImportOptions, constants: Map<string, ArrayLike<number | bigint>>) {
    this.#sym = sym;
    this.#options = options;
    this.#constants = constants;
    this.file = options.file;
    this.shapes = new ShapeState({ opsets: { '': MXNET_IMPORT_OPSET }, inputs: [] }, undefined, (n) =>
      constants.get(n),
    );
    for (const n of sym.nodes) if (n.op === 'null') this.used.add(n.name);
  }

  unique(base: string): string {
    return this.used.take(base);
  }

  /** A node name from `base`, unique among node names (values have their own namespace). */
  nodeName(base: string): string {
    return this.#nodeNames.take(base);
  }

  add(node: GraphNode): void {
    this.nodes.push(node);
    this.shapes.visit(node);
  }

  addTensor(t: Tensor, values?: readonly number[]): void {
    this.made.push(t);
    this.initializers.push(t.name);
    if (values !== undefined) this.#constants.set(t.name, values);
    this.shapes.declare({ name: t.name, dtype: t.dtype, shape: t.shape });
  }

  note(change: Record<string, JsonValue>): void {
    this.changes.push(change);
  }

  defer(node: MxNode, reason: string): void {
    this.deferred.set(this.#sym.nodes.indexOf(node), reason);
  }

  sourceOf(node: MxNode, i: number): MxNode | undefined {
    const e = node.inputs[i];
    return e === undefined ? undefined : this.#sym.nodes[e.node];
  }

  input(node: MxNode, i: number, role: InputRole, shape?: readonly Dim[]): string {
    const entry = node.inputs[i] as { node: number; output: number };
    const src = this.#sym.nodes[entry.node] as MxNode;
    if (src.op !== 'null') {
      const v = this.values.get(`${entry.node}:${entry.output}`);
      const why = this.deferred.get(entry.node);
      if (v === undefined && why !== undefined) {
        throw new NnportError(
          'USAGE',
          `${node.op} '${node.name}': input ${i} comes from ${src.op} '${src.name}', whose value cannot be made: ${why}`,
          {
            file: this.file,
            format: 'mxnet',
            at: { node: node.name },
          },
        );
      }
      if (v === undefined) {
        throw new NnportError(
          'INVALID_STRUCTURE',
          `${node.op} '${node.name}': input ${i} refers to output ${entry.output} of '${src.name}', which ${src.op} does not have`,
          {
            file: this.file,
            format: 'mxnet',
            at: { node: node.name },
          },
        );
      }
      return v;
    }
    // Variables are keyed by name: two variable nodes of one name are one argument in MXNet.
    return this.#variable(src, `var:${src.name}`, role, node, shape);
  }

  /**
   * An aux state that MXNet 0.8 files leave out of the node's inputs (BatchNorm's moving mean and
   * variance were implicit then): the variable `name`, made as if the file listed it.
   */
  implicit(node: MxNode, name: string, role: InputRole, shape?: readonly Dim[]): string {
    const v: MxNode = { op: 'null', name, attrs: {}, hidden: {}, inputs: [] };
    this.used.add(name);
    return this.#variable(v, `var:${name}`, role, node, shape);
  }

  #variable(src: MxNode, key: string, role: InputRole, node: MxNode, shape?: readonly Dim[]): string {
    const done = this.values.get(key);
    if (done !== undefined) {
      if (shape !== undefined) this.#checkShape(src.name, node, shape);
      return done;
    }
    this.values.set(key, src.name);
    const tensor = this.#options.params.get(src.name);
    const hiddenShape = shapeAttr(src);
    if (role === 'data' && (tensor !== undefined || isParameterLike(src))) {
      // A parameter consumed as data (Gluon constants such as SSD anchors): still an array.
      this.arrays.set(src.name, { name: src.name, role: 'arg', shape: tensor?.shape ?? hiddenShape ?? null });
    }
    if (role !== 'data') {
      const merged = merge(
        merge(shape, hiddenShape, src.name, node, this.file),
        tensor?.shape,
        src.name,
        node,
        this.file,
      );
      this.arrays.set(src.name, { name: src.name, role, shape: merged ?? null });
    }
    if (tensor !== undefined) {
      if (role === 'data') merge(hiddenShape, tensor.shape, src.name, node, this.file);
      this.initializers.push(src.name);
      this.shapes.declare({ name: src.name, dtype: tensor.dtype, shape: tensor.shape });
      return src.name;
    }
    const given = this.#options.inputShapes.get(src.name);
    let dims: readonly Dim[] | undefined;
    if (role === 'data') dims = given ?? hiddenShape;
    else dims = merge(merge(given, shape, src.name, node, this.file), hiddenShape, src.name, node, this.file);
    const v: { name: string; dtype: DType; shape?: readonly Dim[] } = {
      name: src.name,
      dtype: dtypeAttr(src),
    };
    if (dims !== undefined) v.shape = dims;
    this.inputs.push(v);
    this.shapes.declare(v);
    return src.name;
  }

  peekShape(node: MxNode, i: number): readonly Dim[] | undefined {
    const entry = node.inputs[i];
    if (entry === undefined) return undefined;
    const src = this.#sym.nodes[entry.node] as MxNode;
    const value = this.values.get(src.op === 'null' ? `var:${src.name}` : `${entry.node}:${entry.output}`);
    if (value !== undefined) return this.shapes.known.get(value)?.shape;
    if (src.op !== 'null') return undefined;
    return this.#options.params.get(src.name)?.shape ?? shapeAttr(src);
  }

  #checkShape(name: string, node: MxNode, shape: readonly Dim[]): void {
    const known = this.shapes.known.get(name)?.shape;
    // `shape` is what this node needs, `known` what the array already has (merge's message order).
    merge(shape, known, name, node, this.file);
  }

  /** A variable used directly as a graph output. */
  variableValue(index: number): string {
    const src = this.#sym.nodes[index] as MxNode;
    return this.input(
      { op: '_head', name: src.name, attrs: {}, hidden: {}, inputs: [{ node: index, output: 0 }] },
      0,
      'data',
    );
  }
}

/**
 * Whether a variable carries the hidden keys Gluon gives its parameters (`__init__`, a storage
 * type) rather than data inputs, which have neither. Not the learning-rate and weight-decay
 * multipliers: MXNet 0.8 files put `lr_mult` on data variables too.
 */
function isParameterLike(v: MxNode): boolean {
  return ['__init__', '__storage_type__'].some((k) => k in v.hidden);
}

/** A variable's `__shape__`, 0 (unknown in MXNet 1.x) as null; undefined when absent or empty. */
function shapeAttr(v: MxNode): Dim[] | undefined {
  const s = v.hidden.__shape__;
  if (s === undefined) return undefined;
  const t = parseTuple(s, `${v.name}.__shape__`);
  if (t === null || t.length === 0) return undefined;
  return t.map((d) => (d === null || d <= 0 ? null : d));
}

function dtypeAttr(v: MxNode): DType {
  const s = v.hidden.__dtype__;
  if (s === undefined) return 'float32';
  const flag = Number(s);
  return TYPE_FLAGS[flag] ?? 'float32';
}

/** Merges two partial shapes, refusing known dims (or ranks) that disagree. */
function merge(
  a: readonly Dim[] | undefined,
  b: readonly Dim[] | undefined,
  name: string,
  node: MxNode,
  file: string,
): readonly Dim[] | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  const text = (s: readonly Dim[]): string =>
    `[${s.map((d) => (typeof d === 'number' ? d : '?')).join(', ')}]`;
  if (
    a.length !== b.length ||
    a.some((d, i) => typeof d === 'number' && typeof b[i] === 'number' && d !== b[i])
  ) {
    throw new NnportError(
      'INVALID_STRUCTURE',
      `array '${name}' has shape ${text(b)} where ${node.op} '${node.name}' needs ${text(a)}`,
      {
        file,
        format: 'mxnet',
        at: { node: node.name },
      },
    );
  }
  return a.map((d, i) => (typeof d === 'number' ? d : (b[i] ?? null)));
}

/** The nodes the heads depend on; MXNet drops the rest when it loads a symbol. */
function reachable(sym: MxSymbol): boolean[] {
  const live = sym.nodes.map(() => false);
  const stack = sym.heads.map((h) => h.node);
  while (stack.length > 0) {
    const i = stack.pop() as number;
    if (live[i]) continue;
    live[i] = true;
    for (const e of (sym.nodes[i] as MxNode).inputs) if (!live[e.node]) stack.push(e.node);
  }
  return live;
}

/** Outputs of each node that something refers to (heads and inputs): the count to reserve. */
function referencedOutputs(sym: MxSymbol): number[] {
  const count = sym.nodes.map(() => 0);
  const see = (e: { node: number; output: number }): void => {
    count[e.node] = Math.max(count[e.node] as number, e.output + 1);
  };
  for (const n of sym.nodes) n.inputs.forEach(see);
  sym.heads.forEach(see);
  return count;
}

/** Small integer parameters, which shape inference may need as constants (a Reshape's shape input). */
async function constantValues(tensors: readonly Tensor[]): Promise<Map<string, ArrayLike<number | bigint>>> {
  const out = new Map<string, ArrayLike<number | bigint>>();
  for (const t of tensors)
    if ((t.dtype === 'int64' || t.dtype === 'int32') && t.shape.length <= 1 && t.data.byteLength <= 64)
      out.set(t.name, await readTensor(t));
  return out;
}

/** Translates a parsed symbol into a canonical graph (see the module comment). */
export async function importSymbol(sym: MxSymbol, options: ImportOptions): Promise<ImportResult> {
  try {
    return await translate(sym, options);
  } catch (e) {
    // Shape inference errors name the node but not the file.
    if (e instanceof NnportError && e.file === undefined) {
      throw new NnportError(e.code, e.detail, {
        file: options.file,
        format: 'mxnet',
        ...(e.at ? { at: e.at } : {}),
      });
    }
    throw e;
  }
}

async function translate(sym: MxSymbol, options: ImportOptions): Promise<ImportResult> {
  const constants = await constantValues([...options.params.values()]);
  const b = new Builder(sym, options, constants);
  const refs = referencedOutputs(sym);
  // Heads named by the file (nnport's writer keeps the canonical output names).
  const headNames = new Map<string, string>();
  sym.heads.forEach((h, i) => {
    const n = sym.outputNames?.[i];
    if (n !== undefined && (sym.nodes[h.node] as MxNode).op !== 'null')
      headNames.set(`${h.node}:${h.output}`, n);
  });
  const unsupported: { name: string; op: string }[] = [];
  const labels: string[] = [];
  const live = reachable(sym);
  sym.nodes.forEach((node, index) => {
    if (node.op === 'null' || !live[index]) return;
    const importer = IMPORTERS.get(node.op);
    const count = Math.max(refs[index] as number, importer?.outputs?.(node) ?? 1);
    const single = count === 1;
    const outputs = Array.from({ length: count }, (_, k) =>
      b.unique(headNames.get(`${index}:${k}`) ?? (single ? node.name : `${node.name}_output${k}`)),
    );
    const ctx = new OpContext(node, b, outputs);
    if (importer === undefined) {
      unsupported.push({ name: node.name, op: node.op });
      keepAsIs(ctx, node);
    } else {
      for (const l of importer.labels?.(node) ?? []) {
        const e = node.inputs[l];
        if (e !== undefined) labels.push((sym.nodes[e.node] as MxNode).name);
      }
      importer.run(ctx);
    }
    outputs.forEach((name, k) => {
      if (b.shapes.known.has(name)) b.values.set(`${index}:${k}`, name);
    });
  });
  const unknown = [...options.inputShapes.keys()].filter((n) => !b.values.has(`var:${n}`));
  if (unknown.length > 0) {
    const inputs = b.inputs.map((v) => v.name).join(', ') || 'none';
    throw new NnportError(
      'USAGE',
      `--input ${unknown.join(', ')}: the graph has no such input (its inputs: ${inputs})`,
      {
        file: options.file,
        format: 'mxnet',
      },
    );
  }
  const outputs: ValueInfo[] = sym.heads.map((h) => {
    const src = sym.nodes[h.node] as MxNode;
    const name = src.op === 'null' ? b.variableValue(h.node) : b.values.get(`${h.node}:${h.output}`);
    if (name === undefined) {
      throw new NnportError(
        'INVALID_STRUCTURE',
        `a head refers to output ${h.output} of '${src.name}', which ${src.op} does not have`,
        {
          file: options.file,
          format: 'mxnet',
          at: { path: '$.heads' },
        },
      );
    }
    return b.shapes.known.get(name) ?? { name };
  });
  const opsets: Record<string, number> = { '': MXNET_IMPORT_OPSET };
  if (unsupported.length > 0) opsets.mxnet = 1;
  const usedParams = b.initializers.filter((n) => options.params.has(n));
  const used = new Set(usedParams);
  const unused = [...options.params.keys()].filter((n) => !used.has(n));
  const tensors = [...usedParams, ...unused].map((n) => options.params.get(n) as Tensor).concat(b.made);
  for (const n of unused) b.note({ tensor: n, change: 'not used by the graph; kept' });
  const graph: Graph = {
    nodes: b.nodes,
    inputs: b.inputs,
    outputs,
    opsets,
    initializers: [...usedParams, ...b.made.map((t) => t.name)],
  };
  return { graph, tensors, changes: b.changes, unsupported, arrays: [...b.arrays.values()], labels };
}

/** An op without an importer: one `mxnet`-domain node, parameters as strings, inputs as data. */
function keepAsIs(ctx: OpContext, node: MxNode): void {
  const inputs = node.inputs.map((_, i) => ctx.data(i));
  const attributes: Record<string, { type: 'string'; value: string }> = {};
  for (const [k, v] of Object.entries(node.attrs)) attributes[k] = { type: 'string', value: v };
  const outs = Array.from({ length: ctx.outputCount }, (_, k) => ctx.out(k));
  ctx.emit(node.op, inputs, attributes, outs, 'mxnet');
  // Nothing is known of an untranslated op's results but MXNet's habit of keeping the dtype.
  const dtype = inputs[0] === undefined ? 'float32' : ctx.dtype(inputs[0]);
  for (const o of outs) ctx.assume({ name: o, dtype });
}
