/**
 * The Import elements of the Wolfram Language's "MXNet" format
 * (https://reference.wolfram.com/language/ref/format/MXNet.html), which `nnport inspect --element`
 * answers for any model with the same names, so that Wolfram users find what they know.
 */
import { NnportError } from '../../core/errors.js';

/** The element names, spelled as Wolfram spells them, in the order its documentation lists them. */
export const ELEMENT_NAMES = [
  'ArrayAssociation',
  'ArrayList',
  'ArrayNames',
  'InputNames',
  'LayerAssociation',
  'Net',
  'NodeDataset',
  'NodeGraph',
  'NodeGraphPlot',
  'UninitializedNet',
] as const;

/** One element name. */
export type ElementName = (typeof ELEMENT_NAMES)[number];

/**
 * The canonical spelling of an element name. Wolfram matches element names exactly; nnport also
 * accepts any letter case (`nodegraph`) because a shell user types it, and answers with the
 * canonical spelling. Anything else is a USAGE error listing the valid names.
 */
export function resolveElement(name: string): ElementName {
  const exact = ELEMENT_NAMES.find((e) => e === name);
  if (exact !== undefined) return exact;
  const lower = name.toLowerCase();
  const loose = ELEMENT_NAMES.find((e) => e.toLowerCase() === lower);
  if (loose !== undefined) return loose;
  throw new NnportError('USAGE', `unknown element '${name}' (elements: ${ELEMENT_NAMES.join(', ')})`);
}
