/**
 * `nnport inspect MODEL --element E`: one Wolfram Language "MXNet" Import element of a model
 * (src/analysis/elements), printed for a terminal, as one JSON document with `--json`, or for
 * NodeGraphPlot as the SVG itself so that `> net.svg` works.
 */

import {
  computeElement,
  type ElementName,
  type ElementValue,
  type NetSummary,
  toDot,
  type ValueSummary,
} from '../../analysis/elements/index.js';
import type { ValueInfo } from '../../core/graph.js';
import type { Model } from '../../core/model.js';
import { type JsonExact, prettyJson, stringifyJson } from '../../io/text/model-json.js';
import { shapeText } from '../inputs.js';
import { groupDigits, plural, table } from '../output.js';

/** Help lines for inspect's usage text. */
export const ELEMENT_HELP = `  --element E      one Wolfram Language "MXNet" Import element instead of the overview:
                   ArrayNames, ArrayList, ArrayAssociation (tensors and values), InputNames,
                   LayerAssociation, NodeDataset (layers), Net, UninitializedNet (summaries),
                   NodeGraph (Graphviz DOT; --json gives nodes and edges), NodeGraphPlot (SVG)`;

/** `float32 [1, 3, ?]`, or `?` parts when unknown. */
function typeText(v: { dtype?: string | null; shape: readonly (number | string | null)[] | null }): string {
  return `${v.dtype ?? '?'} ${v.shape === null ? '?' : shapeText(v.shape)}`;
}

/** `k=v, k=v` with strings bare and other values as one-line JSON. */
function attributesText(attrs: Readonly<Record<string, JsonExact>>): string {
  return Object.entries(attrs)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : stringifyJson(v)}`)
    .join(', ');
}

function valuesTable(values: readonly ValueSummary[]): string {
  return table(
    ['name', 'dtype', 'shape'],
    values.map((v) => [v.name, v.dtype ?? '?', v.shape === null ? '?' : shapeText(v.shape)]),
  );
}

function netText(net: NetSummary, element: ElementName): string {
  const params =
    net.unknownShapes === 0
      ? plural(net.parameters, 'parameter')
      : `${plural(net.parameters, 'parameter')} (+ ${plural(net.unknownShapes, 'array')} of unknown shape)`;
  const head = `${element}: ${plural(net.inputs.length, 'input')}, ${plural(net.outputs.length, 'output')}, ${plural(net.layers.length, 'layer')}, ${params}${net.uninitialized ? ', uninitialized' : ''}`;
  const layers = table(
    ['layer', 'type', 'inputs', 'output', 'parameters'],
    net.layers.map((l) => [
      l.name,
      l.type,
      l.inputs.join(', '),
      l.outputs.map((o) => typeText(o)).join('; '),
      l.parameters === null ? '?' : groupDigits(l.parameters),
    ]),
    [false, false, false, false, true],
  );
  const arrays = table(
    element === 'Net' ? ['array', 'dtype', 'shape', 'values'] : ['array', 'shape'],
    net.arrays.map((a) => {
      const shape = a.shape === null ? '?' : shapeText(a.shape);
      return element === 'Net'
        ? [a.name, a.dtype ?? '?', shape, a.initialized === true ? 'yes' : 'missing']
        : [a.name, shape];
    }),
  );
  return [
    head,
    '',
    'inputs:',
    valuesTable(net.inputs),
    '',
    'outputs:',
    valuesTable(net.outputs),
    '',
    layers,
    ...(net.arrays.length === 0 ? [] : ['', arrays]),
  ].join('\n');
}

/** The terminal text of an element. */
function elementText(r: ElementValue): string {
  switch (r.element) {
    case 'ArrayNames':
    case 'InputNames':
      return r.value.join('\n');
    case 'ArrayList':
      return r.value
        .map((a) => `${a.name}: ${a.dtype} ${shapeText(a.shape)}\n${prettyJson(a.data, 0)}`)
        .join('\n\n');
    case 'ArrayAssociation':
      return Object.entries(r.value)
        .map(([name, a]) => `${name} -> ${a.dtype} ${shapeText(a.shape)}\n${prettyJson(a.data, 0)}`)
        .join('\n\n');
    case 'LayerAssociation':
      return Object.entries(r.value)
        .map(([name, l]) => {
          const lines = [`${name} (${l.type})`];
          if (l.inputs.length > 0) lines.push(`  inputs: ${l.inputs.join(', ')}`);
          for (const [a, shape] of Object.entries(l.arrays))
            lines.push(`  array ${a}: ${shape === null ? '?' : shapeText(shape)}`);
          for (const [k, v] of Object.entries(l.attributes))
            lines.push(`  ${k}: ${typeof v === 'string' ? v : stringifyJson(v)}`);
          return lines.join('\n');
        })
        .join('\n');
    case 'NodeDataset':
      return table(
        ['name', 'type', 'inputs', 'arrays', 'attributes'],
        r.value.map((row) => [
          row.name,
          row.type,
          row.inputs.join(', '),
          row.arrays.join(', '),
          attributesText(row.attributes),
        ]),
      );
    case 'Net':
    case 'UninitializedNet':
      return netText(r.value, r.element);
    case 'NodeGraph':
      return toDot(r.value).trimEnd();
    case 'NodeGraphPlot':
      return r.value.trimEnd();
  }
}

/** Prints one element of `model`; `given` are `--input` shapes (for the Net summaries). */
export async function printElement(
  path: string,
  model: Model,
  element: ElementName,
  given: readonly ValueInfo[],
  json: boolean,
): Promise<number> {
  const r = await computeElement(model, element, { given });
  if (json) {
    const doc = {
      file: path,
      format: model.format,
      element: r.element,
      value: r.value as unknown as JsonExact,
    };
    process.stdout.write(`${prettyJson(doc, 0, true)}\n`);
  } else {
    const text = elementText(r);
    process.stdout.write(text === '' ? '' : `${text}\n`);
  }
  return 0;
}
