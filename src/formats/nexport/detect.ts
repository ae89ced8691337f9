/**
 * Recognising nexport JSON, nexport TXT and Fiats network JSON from their first bytes (cheap,
 * pure, never throws). All three are claimed by content only; a `.json` or `.txt` name says too
 * little (nnport's own JSON and TXT use those extensions).
 */
import type { Detection, Probe } from '../../core/format.js';

/** The probe as Latin-1 text (enough for ASCII member names). */
function latin1(head: Uint8Array): string {
  let s = '';
  for (let i = 0; i < head.length; i += 4096) s += String.fromCharCode(...head.subarray(i, i + 4096));
  return s;
}

/** The text after a UTF-8 byte order mark and leading white space. */
function start(probe: Probe): string {
  return latin1(probe.head).replace(/^(?:\xef\xbb\xbf)?[ \t\r\n]*/, '');
}

/** The name of the root object's first member, when the probe starts with one. */
function firstMember(text: string): string | undefined {
  return /^\{[ \t\r\n]*"([^"\\]*)"[ \t\r\n]*:/.exec(text)?.[1];
}

/** Members that start a Fiats file: the tag line (current Fiats; builds before 0.15 and nexport's Fiats export). */
const FIATS_TAG_KEYS = ['minimum_acceptable_tag', 'acceptable_engine_tag'];

/** nnport's own JSON documents say so near the start (src/formats/json/detect.ts); never claim them. */
const NNPORT_JSON = /"format"[ \t\r\n]*:[ \t\r\n]*"nnport"/;

/** Fiats network JSON: the root object's first member is the tag line (line 2 in every Fiats file). */
export function detectFiats(probe: Probe): Detection {
  if (probe.isFolder) return undefined;
  const name = firstMember(start(probe));
  return name !== undefined && FIATS_TAG_KEYS.includes(name) ? 'content' : undefined;
}

/**
 * nexport JSON: a root object whose first member is `hidden_layers` or `output_layer`, or
 * nexport's `metadata` (older builds: `model`) followed by `hidden_layers` or nexport's metadata
 * members — never a document with a Fiats tag line or nnport's own `"format": "nnport"`.
 */
export function detectNexportJson(probe: Probe): Detection {
  if (probe.isFolder) return undefined;
  const text = start(probe);
  const name = firstMember(text);
  if (name === undefined || NNPORT_JSON.test(text)) return undefined;
  if (name === 'hidden_layers' || name === 'output_layer') return 'content';
  if (name !== 'metadata' && name !== 'model') return undefined;
  return /"(?:hidden_layers|output_layer|modelName|activationFunction)"[ \t\r\n]*:/.test(text)
    ? 'content'
    : undefined;
}

/**
 * nexport TXT: the first line opens a weight matrix, `[[` followed by a number (Python's
 * `str(list)` of the first neuron's weights) — and is not one line of JSON nested arrays
 * (`[[1, 2], [3, 4]]`), which nexport never writes.
 */
export function detectNexportTxt(probe: Probe): Detection {
  if (probe.isFolder) return undefined;
  const text = start(probe);
  if (!/^\[\[[ \t]*[-+0-9.nNiI]/.test(text)) return undefined;
  const newline = text.indexOf('\n');
  const firstLine = newline < 0 ? text : text.slice(0, newline);
  return /\][ \t]*,/.test(firstLine) ? undefined : 'content';
}
