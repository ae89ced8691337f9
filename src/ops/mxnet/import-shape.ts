/**
 * MXNet shape and data-movement ops → canonical ops: Reshape (its special codes resolved against
 * the known input shape), Flatten, transpose, expand_dims, squeeze, Concat, stack, SliceChannel,
 * slice_axis, slice, slice_like, Crop, Pad, broadcast_axis/to, batch_dot, dot, SequenceMask.
 */
import { attr, type OpContext } from './context.js';
import type { Importer } from './import-table.js';
import { mxnetReshape, onnxCompatible } from './reshape.js';

/** ONNX's "to the end" for Slice ends. */
const INT64_MAX = Number.MAX_SAFE_INTEGER;

const reshape: Importer = {
  run(ctx) {
    const x = ctx.data(0);
    const reverse = ctx.bool('reverse', false);
    let codes = ctx.tuple('shape', []);
    if (codes.length === 0) {
      // MXNet < 0.9: target_shape (0 = infer), keep_highest keeps the first dim.
      const target = ctx.tuple('target_shape', []);
      if (target.length === 0) throw ctx.error('needs the parameter shape');
      codes = target.map((d) => (d === 0 ? -1 : d));
      if (ctx.bool('keep_highest', false)) codes = [0, ...codes];
    }
    const s = ctx.staticShape(x);
    let out: readonly number[];
    if (s !== undefined) {
      const r = mxnetReshape(s, codes, reverse);
      if (typeof r === 'string') throw ctx.error(`shape ${ctx.str('shape', '')} on [${s.join(', ')}]: ${r}`);
      out = r;
    } else if (!reverse && onnxCompatible(codes)) out = codes;
    else
      throw ctx.error(
        `the codes in shape=${ctx.str('shape', '')} need the input shape; give --input NAME=D1,D2,...`,
        'USAGE',
      );
    ctx.emit('Reshape', [x, ctx.int64('shape', out)]);
  },
};

const flatten: Importer = { run: (ctx) => void ctx.emit('Flatten', [ctx.data(0)], { axis: attr(1) }) };

const transpose: Importer = {
  run(ctx) {
    const axes = ctx.tuple('axes', []);
    ctx.emit('Transpose', [ctx.data(0)], axes.length === 0 ? {} : { perm: attr(axes) });
  },
};

const expandDims: Importer = {
  run(ctx) {
    ctx.emit('Unsqueeze', [ctx.data(0), ctx.int64('axes', [ctx.int('axis', 0)])]);
  },
};

const squeeze: Importer = {
  run(ctx) {
    const s = ctx.str('axis', 'None').trim();
    const x = ctx.data(0);
    if (s === 'None' || s === '()') ctx.emit('Squeeze', [x]);
    else ctx.emit('Squeeze', [x, ctx.int64('axes', ctx.tuple('axis', []))]);
  },
};

const concat: Importer = {
  run(ctx) {
    const inputs = Array.from({ length: ctx.inputCount }, (_, i) => ctx.data(i));
    ctx.emit('Concat', inputs, { axis: attr(ctx.int('dim', ctx.int('axis', 1))) });
  },
};

const stack: Importer = {
  run(ctx) {
    const axis = ctx.int('axis', 0);
    const axes = ctx.int64('axes', [axis]);
    const inputs = Array.from(
      { length: ctx.inputCount },
      (_, i) => ctx.emit('Unsqueeze', [ctx.data(i), axes], {}, ctx.tmp(`unsqueeze${i}`))[0] as string,
    );
    ctx.emit('Concat', inputs, { axis: attr(axis) });
  },
};

const sliceChannel: Importer = {
  outputs: (node) => Number(node.attrs.num_outputs ?? 1),
  run(ctx) {
    const n = ctx.int('num_outputs', 1);
    const axis = ctx.int('axis', 1);
    const squeezeAxis = ctx.bool('squeeze_axis', false);
    const x = ctx.data(0);
    const outs = Array.from({ length: n }, (_, k) => (squeezeAxis ? ctx.tmp(`part${k}`) : ctx.out(k)));
    // Opset 13+: Split without a `split` input cuts the axis into equal parts, as SliceChannel does.
    ctx.emit('Split', [x], { axis: attr(axis) }, outs);
    if (squeezeAxis) {
      const axes = ctx.int64('axes', [axis]);
      outs.forEach((o, k) => {
        ctx.emit('Squeeze', [o, axes], {}, ctx.out(k));
      });
    }
  },
};

const sliceAxis: Importer = {
  run(ctx) {
    const axis = ctx.int('axis', 0);
    const begin = ctx.int('begin', 0);
    const end = ctx.str('end', 'None').trim() === 'None' ? INT64_MAX : ctx.int('end', INT64_MAX);
    ctx.emit('Slice', [
      ctx.data(0),
      ctx.int64('starts', [begin]),
      ctx.int64('ends', [end]),
      ctx.int64('axes', [axis]),
    ]);
  },
};

/** `slice(begin, end, step)`: tuples with None entries (the whole axis). */
const slice: Importer = {
  run(ctx) {
    const read = (key: string): (number | null)[] => {
      const s = ctx.str(key, '()').trim();
      if (s === 'None' || s === '()' || s === '[]') return [];
      return s
        .replace(/^[([]|[)\]]$/g, '')
        .split(',')
        .map((v) => v.trim())
        .filter((v) => v !== '')
        .map((v) => (v === 'None' ? null : Number(v.replace(/[Ll]$/, ''))));
    };
    const begin = read('begin');
    const end = read('end');
    const step = read('step');
    const starts: number[] = [];
    const ends: number[] = [];
    const steps: number[] = [];
    begin.forEach((b, i) => {
      const st = step[i] ?? 1;
      starts.push(b ?? (st < 0 ? -1 : 0));
      ends.push(end[i] ?? (st < 0 ? -INT64_MAX : INT64_MAX));
      steps.push(st);
    });
    const axes = starts.map((_, i) => i);
    ctx.emit('Slice', [
      ctx.data(0),
      ctx.int64('starts', starts),
      ctx.int64('ends', ends),
      ctx.int64('axes', axes),
      ctx.int64('steps', steps),
    ]);
  },
};

const sliceLike: Importer = {
  run(ctx) {
    const x = ctx.data(0);
    const like = ctx.data(1);
    let axes = ctx.tuple('axes', []);
    const rank = ctx.rank(like) ?? ctx.rank(x);
    if (axes.length === 0) {
      if (rank === undefined) throw ctx.error('needs the rank of its inputs', 'USAGE');
      axes = Array.from({ length: rank }, (_, i) => i);
    }
    const shape = ctx.emit('Shape', [like], {}, ctx.tmp('shape'))[0] as string;
    const ends = ctx.emit(
      'Gather',
      [shape, ctx.int64('axes_like', axes)],
      { axis: attr(0) },
      ctx.tmp('ends'),
    )[0] as string;
    ctx.emit('Slice', [
      x,
      ctx.int64(
        'starts',
        axes.map(() => 0),
      ),
      ends,
      ctx.int64('axes', axes),
    ]);
  },
};

const crop: Importer = {
  run(ctx) {
    const x = ctx.data(0);
    const s = ctx.needShape(x, 'Crop');
    let [h, w] = ctx.tuple('h_w', [0, 0]) as [number, number];
    if (ctx.int('num_args', 1) > 1) {
      const like = ctx.needShape(ctx.data(1), 'Crop');
      [h, w] = [like[2] as number, like[3] as number];
    }
    let [oy, ox] = ctx.tuple('offset', [0, 0]) as [number, number];
    if (ctx.bool('center_crop', false)) {
      oy = Math.floor(((s[2] as number) - h) / 2);
      ox = Math.floor(((s[3] as number) - w) / 2);
    }
    ctx.emit('Slice', [
      x,
      ctx.int64('starts', [oy, ox]),
      ctx.int64('ends', [oy + h, ox + w]),
      ctx.int64('axes', [2, 3]),
    ]);
  },
};

const pad: Importer = {
  run(ctx) {
    const x = ctx.data(0);
    const widths = ctx.tuple('pad_width', []);
    const mode = ctx.str('mode', 'constant');
    if (!['constant', 'edge', 'reflect'].includes(mode))
      throw ctx.error(`mode ${mode} is not supported`, 'UNSUPPORTED_OP');
    const before = widths.filter((_, i) => i % 2 === 0);
    const after = widths.filter((_, i) => i % 2 === 1);
    const inputs = [x, ctx.int64('pads', [...before, ...after])];
    if (mode === 'constant') inputs.push(ctx.scalar('value', ctx.float('constant_value', 0), ctx.dtype(x)));
    ctx.emit('Pad', inputs, { mode: attr(mode) });
  },
};

/** broadcast_axis / broadcast_to: Expand to a shape of 1s except the new sizes (broadcasting keeps the rest). */
const broadcastAxis: Importer = {
  run(ctx) {
    const x = ctx.data(0);
    const rank = ctx.rank(x);
    if (rank === undefined) throw ctx.error('needs the rank of its input', 'USAGE');
    const target = Array<number>(rank).fill(1);
    const axes = ctx.tuple('axis', []);
    const sizes = ctx.tuple('size', []);
    axes.forEach((a, i) => {
      target[a < 0 ? a + rank : a] = sizes[i] ?? 1;
    });
    ctx.emit('Expand', [x, ctx.int64('shape', target)]);
  },
};

const broadcastTo: Importer = {
  run(ctx) {
    const shape = ctx.tuple('shape', []).map((d) => (d === 0 ? 1 : d));
    ctx.emit('Expand', [ctx.data(0), ctx.int64('shape', shape)]);
  },
};

/** Swaps the last two axes when `flag` (batch_dot / dot transposes). */
function maybeTranspose(
  ctx: OpContext,
  v: string,
  flag: boolean,
  fallbackRank: number,
  which: string,
): string {
  if (!flag) return v;
  const rank = ctx.rank(v) ?? fallbackRank;
  const perm = Array.from({ length: rank }, (_, i) => i);
  [perm[rank - 2], perm[rank - 1]] = [perm[rank - 1] as number, perm[rank - 2] as number];
  return ctx.emit('Transpose', [v], { perm: attr(perm) }, ctx.tmp(`${which}_t`))[0] as string;
}

const batchDot: Importer = {
  run(ctx) {
    const a = maybeTranspose(ctx, ctx.data(0), ctx.bool('transpose_a', false), 3, 'a');
    const b = maybeTranspose(ctx, ctx.data(1), ctx.bool('transpose_b', false), 3, 'b');
    ctx.emit('MatMul', [a, b]);
  },
};

const dot: Importer = {
  run(ctx) {
    const ra = ctx.rank(ctx.data(0));
    const rb = ctx.rank(ctx.data(1));
    if ((rb !== undefined && rb > 2) || ((ra ?? 2) > 2 && ctx.bool('transpose_a', false))) {
      throw ctx.error(
        'dot of tensors above rank 2 (beyond an N-d × 2-d product) is not supported',
        'UNSUPPORTED_OP',
      );
    }
    const a = maybeTranspose(ctx, ctx.data(0), ctx.bool('transpose_a', false), 2, 'a');
    const b = maybeTranspose(ctx, ctx.data(1), ctx.bool('transpose_b', false), 2, 'b');
    ctx.emit('MatMul', [a, b]);
  },
};

/** Positions past each sequence's length along `axis` (0 = time-major, 1 = batch-major) get `value`. */
const sequenceMask: Importer = {
  run(ctx) {
    const x = ctx.data(0);
    if (!ctx.bool('use_sequence_length', false) || ctx.inputCount < 2) {
      ctx.emit('Identity', [x]);
      return;
    }
    const axis = ctx.int('axis', 0);
    if (axis !== 0 && axis !== 1) throw ctx.error(`axis ${axis} is not supported`, 'UNSUPPORTED_OP');
    const s = ctx.needShape(x, 'SequenceMask');
    const steps = s[axis] as number;
    const dt = ctx.dtype(x);
    const positions = ctx.tensorOf(
      'positions',
      'float32',
      axis === 0 ? [steps, 1] : [1, steps],
      Array.from({ length: steps }, (_, i) => i),
    );
    const len = ctx.emit('Cast', [ctx.data(1)], { to: attr(1) }, ctx.tmp('length'))[0] as string;
    const lenShape = ctx.int64('length_shape', axis === 0 ? [1, -1] : [-1, 1]);
    const lenB = ctx.emit('Reshape', [len, lenShape], {}, ctx.tmp('length_b'))[0] as string;
    let mask = ctx.emit('Less', [positions, lenB], {}, ctx.tmp('mask'))[0] as string;
    if (s.length > 2) {
      const extra = ctx.int64(
        'mask_axes',
        Array.from({ length: s.length - 2 }, (_, i) => i + 2),
      );
      mask = ctx.emit('Unsqueeze', [mask, extra], {}, ctx.tmp('mask_nd'))[0] as string;
    }
    ctx.emit('Where', [mask, x, ctx.scalar('value', ctx.float('value', 0), dt)]);
  },
};

/** Shape-op importers by MXNet op name. */
export const SHAPE_IMPORTERS: readonly (readonly [string, Importer])[] = [
  ['Reshape', reshape],
  ['reshape', reshape],
  ['Flatten', flatten],
  ['flatten', flatten],
  ['transpose', transpose],
  ['expand_dims', expandDims],
  ['squeeze', squeeze],
  ['Concat', concat],
  ['concat', concat],
  ['stack', stack],
  ['SliceChannel', sliceChannel],
  ['split', sliceChannel],
  ['slice_axis', sliceAxis],
  ['slice', slice],
  ['crop', slice],
  ['slice_like', sliceLike],
  ['Crop', crop],
  ['Pad', pad],
  ['pad', pad],
  ['broadcast_axis', broadcastAxis],
  ['broadcast_axes', broadcastAxis],
  ['broadcast_to', broadcastTo],
  ['batch_dot', batchDot],
  ['dot', dot],
  ['SequenceMask', sequenceMask],
];
