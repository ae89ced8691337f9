/**
 * Recognising an nnport JSON document from its first bytes. Many model files are JSON (MXNet
 * `-symbol.json`, TF.js `model.json`, safetensors shard indexes, Fiats networks, Core ML
 * manifests), so the name alone is a weak claim and content that shows another shape is refused.
 */
import type { Detection, Probe } from '../../core/format.js';

/** Member names the root object of an nnport document may have (docs/formats/json.md). */
export const ROOT_KEYS: readonly string[] = ['format', 'version', 'metadata', 'graph', 'tensors'];

/** Members that mark other JSON model formats even when the first member is one of ours. */
const FOREIGN = /"(?:weight_map|arg_nodes|weightsManifest|modelTopology|heads)"\s*:/;

/** The probe as Latin-1 text (enough to match ASCII member names; never throws). */
function latin1(head: Uint8Array): string {
  let s = '';
  for (let i = 0; i < head.length; i += 4096) s += String.fromCharCode(...head.subarray(i, i + 4096));
  return s;
}

/**
 * `content` when the root object's `format` member is `"nnport"` within the probe; `undefined`
 * when the probe shows another JSON shape (a first member nnport documents never start with, a
 * different `format`, members of known foreign formats) or is not a JSON object; `name` for a
 * `.json` file whose probe is inconclusive.
 */
export function detectJson(probe: Probe): Detection {
  if (probe.isFolder) return undefined;
  const text = latin1(probe.head);
  const start = /^(?:\xef\xbb\xbf)?[ \t\r\n]*/.exec(text)?.[0].length ?? 0;
  const named = probe.name.toLowerCase().endsWith('.json');
  if (start === text.length) return named && probe.size > text.length ? 'name' : undefined;
  if (text.charCodeAt(start) !== 0x7b) return undefined;
  if (/"format"[ \t\r\n]*:[ \t\r\n]*"nnport"/.test(text)) return 'content';
  const first = /^\{[ \t\r\n]*"([^"\\]*)"/.exec(text.slice(start));
  if (first !== null && !ROOT_KEYS.includes(first[1])) return undefined;
  if (/"format"[ \t\r\n]*:/.test(text) || FOREIGN.test(text)) return undefined;
  // The whole file is in the probe and has no nnport format member: not ours.
  if (probe.size <= probe.head.length) return undefined;
  return named ? 'name' : undefined;
}
