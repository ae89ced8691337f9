/**
 * Recognising a TF.js `model.json` from its first bytes. Several model formats are JSON (nnport
 * documents, MXNet symbols, safetensors indexes, Fiats networks), so only content that shows a
 * TF.js member claims a file:
 *
 * - the root is an object whose first member is one of `ModelJSON`'s (tfjs-core io/types.ts):
 *   `modelTopology`, `weightsManifest`, `format`, `generatedBy`, `convertedBy`, ...;
 * - the probe shows `"format": "layers-model"` / `"graph-model"`, or a `"weightsManifest"` or
 *   `"modelTopology"` member (tfjs-layers before 1.0 wrote neither `format` nor the generator
 *   fields, and puts `modelTopology` first, so its manifest may lie past the probe);
 * - an nnport document (`"format": "nnport"`, which may keep a converted TF.js topology in its
 *   metadata) is never claimed.
 *
 * A folder is claimed by name when it holds a `model.json`.
 */
import type { Detection, Probe } from '../../core/format.js';

/** The members of a `model.json` (tfjs-core `ModelJSON`, plus the converter's `initializerSignature`). */
export const MODEL_JSON_KEYS: readonly string[] = [
  'modelTopology',
  'trainingConfig',
  'weightsManifest',
  'format',
  'generatedBy',
  'convertedBy',
  'signature',
  'userDefinedMetadata',
  'modelInitializer',
  'initializerSignature',
];

/** The file a TF.js model folder holds (tfjs `io.fileSystem` and the converter both write it). */
export const MODEL_JSON = 'model.json';

function latin1(head: Uint8Array): string {
  let s = '';
  for (let i = 0; i < head.length; i += 4096) s += String.fromCharCode(...head.subarray(i, i + 4096));
  return s;
}

/** `content` for a probe that shows a TF.js model.json; `name` for a folder holding one. Never throws. */
export function detectTfjs(probe: Probe): Detection {
  if (probe.isFolder) return (probe.entries ?? []).includes(MODEL_JSON) ? 'name' : undefined;
  const text = latin1(probe.head);
  const body = text.replace(/^(?:\xef\xbb\xbf)?[ \t\r\n]*/, '');
  const first = /^\{[ \t\r\n]*"([^"\\]*)"/.exec(body);
  if (first === null || !MODEL_JSON_KEYS.includes(first[1])) return undefined;
  // An nnport document whose metadata carries a converted TF.js topology is the JSON format's.
  if (/"format"[ \t\r\n]*:[ \t\r\n]*"nnport"/.test(body)) return undefined;
  if (/"format"[ \t\r\n]*:[ \t\r\n]*"(?:layers|graph)-model"/.test(body)) return 'content';
  return /"(?:weightsManifest|modelTopology)"[ \t\r\n]*:/.test(body) ? 'content' : undefined;
}
