/**
 * NodeGraphPlot: the NodeGraph drawn as SVG. Layout is dagre's (the layered Sugiyama-style layout
 * Graphviz's `dot` also uses), so the picture reads top to bottom from inputs to outputs. The SVG
 * is built as text: the same graph gives the same bytes (dagre has no randomness; numbers are
 * rounded to 0.1 px), and every name is XML-escaped because names come from untrusted files.
 */
import { Graph, layout } from '@dagrejs/dagre';
import { NnportError } from '../../core/errors.js';
import type { NodeGraphData, NodeGraphNode } from './node-graph.js';

/** Glyph advance of the 12px monospace font the SVG asks for (0.6 em), for box widths. */
const CHAR_WIDTH = 7.2;
/** Longest label drawn in full; longer names are cut with an ellipsis (the full name is the box's tooltip). */
const MAX_LABEL_CHARS = 48;
const PADDING_X = 10;
const LAYER_HEIGHT = 40;
const PORT_HEIGHT = 26;
const MARGIN = 16;

/**
 * Text safe as XML 1.0 character data or attribute value: markup characters escaped, and the code
 * points XML 1.0 forbids even as references (C0 controls except tab/LF/CR, U+FFFE, U+FFFF, lone
 * surrogates) replaced by U+FFFD, so the document always parses.
 */
export function xmlEscape(text: string): string {
  let clean = '';
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const pair =
      c >= 0xd800 && c <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00;
    if (pair) {
      clean += text.slice(i, i + 2);
      i++;
    } else if (
      (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) ||
      (c >= 0xd800 && c <= 0xdfff) ||
      c === 0xfffe ||
      c === 0xffff
    ) {
      clean += '\ufffd';
    } else {
      clean += text[i];
    }
  }
  return clean
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** A label cut to MAX_LABEL_CHARS code points. */
function cut(text: string): string {
  const chars = [...text];
  return chars.length <= MAX_LABEL_CHARS ? text : `${chars.slice(0, MAX_LABEL_CHARS - 1).join('')}…`;
}

/** A coordinate rounded to 0.1 px, without a trailing `.0`. */
function num(x: number): string {
  return String(Math.round(x * 10) / 10);
}

function lines(n: NodeGraphNode): string[] {
  return n.kind === 'layer' ? [cut(n.name), cut(n.type ?? '')] : [cut(n.name)];
}

const STYLE = [
  'text{font:12px monospace;text-anchor:middle;dominant-baseline:central;fill:#1b1b1b}',
  'rect.layer{fill:#eef3fb;stroke:#35557f}',
  'rect.input,rect.output{fill:#f4f9ee;stroke:#4f7a28}',
  'rect.value{fill:#ffffff;stroke:#999999;stroke-dasharray:3 2}',
  'text.type{fill:#555555}',
  'path.edge{fill:none;stroke:#555555}',
].join('');

/** NodeGraphPlot: an SVG document (one `rect` per node, classed by kind; one `path.edge` per edge). */
export function nodeGraphPlot(g: NodeGraphData): string {
  const dg = new Graph();
  dg.setGraph({ rankdir: 'TB', nodesep: 24, ranksep: 36, marginx: MARGIN, marginy: MARGIN });
  dg.setDefaultEdgeLabel(() => ({}));
  // dagre keys nodes by id in plain objects: internal ids, never names from the file.
  const ids = new Map(g.nodes.map((n, i) => [n.id, `n${i}`]));
  g.nodes.forEach((n, i) => {
    const chars = Math.max(4, ...lines(n).map((l) => [...l].length));
    dg.setNode(`n${i}`, {
      width: chars * CHAR_WIDTH + 2 * PADDING_X,
      height: n.kind === 'layer' ? LAYER_HEIGHT : PORT_HEIGHT,
    });
  });
  for (const e of g.edges) dg.setEdge(ids.get(e.from) as string, ids.get(e.to) as string);
  try {
    layout(dg);
  } catch (e) {
    // dagre's ordering walks the graph recursively: a chain some 1,500 layers deep exhausts the stack.
    if (!(e instanceof RangeError)) throw e;
    throw new NnportError(
      'LIMIT_EXCEEDED',
      `the graph (${g.nodes.length} nodes) is too deep to lay out; use --element NodeGraph and Graphviz (dot -Tsvg)`,
    );
  }
  const label = dg.graph() as { width?: number; height?: number };
  const width = g.nodes.length === 0 ? 2 * MARGIN : (label.width ?? 0);
  const height = g.nodes.length === 0 ? 2 * MARGIN : (label.height ?? 0);
  const out: string[] = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<svg xmlns="http://www.w3.org/2000/svg" width="${num(width)}" height="${num(height)}" viewBox="0 0 ${num(width)} ${num(height)}">`,
    `<style>${STYLE}</style>`,
    '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto"><path d="M0,0L10,5L0,10z" fill="#555555"/></marker></defs>',
  ];
  for (const e of g.edges) {
    const points =
      (dg.edge(ids.get(e.from) as string, ids.get(e.to) as string) as { points?: { x: number; y: number }[] })
        .points ?? [];
    const d = points.map((p, k) => `${k === 0 ? 'M' : 'L'}${num(p.x)},${num(p.y)}`).join('');
    out.push(
      `<path class="edge" d="${d}" marker-end="url(#arrow)"><title>${xmlEscape(e.values.join(', '))}</title></path>`,
    );
  }
  g.nodes.forEach((n, i) => {
    const box = dg.node(`n${i}`) as { x: number; y: number; width: number; height: number };
    const x = box.x - box.width / 2;
    const y = box.y - box.height / 2;
    const rx = n.kind === 'layer' ? 3 : box.height / 2;
    const title = n.kind === 'layer' ? `${n.name} (${n.type ?? ''})` : `${n.kind} ${n.name}`;
    const text = lines(n);
    out.push(
      `<g><title>${xmlEscape(title)}</title>`,
      `<rect class="${n.kind}" x="${num(x)}" y="${num(y)}" width="${num(box.width)}" height="${num(box.height)}" rx="${num(rx)}"/>`,
    );
    if (text.length === 2) {
      out.push(
        `<text x="${num(box.x)}" y="${num(box.y - 8)}">${xmlEscape(text[0] as string)}</text>`,
        `<text class="type" x="${num(box.x)}" y="${num(box.y + 9)}">${xmlEscape(text[1] as string)}</text>`,
      );
    } else {
      out.push(`<text x="${num(box.x)}" y="${num(box.y)}">${xmlEscape(text[0] as string)}</text>`);
    }
    out.push('</g>');
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
