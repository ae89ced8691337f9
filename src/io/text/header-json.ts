/**
 * The JSON helpers the CSV and TXT formats use for their metadata, graph and tensor-meta header
 * lines and the CSV matrix manifest: the shared model-json module (exact bigints and -0, the
 * documented graph encoding), re-exported here so the text formats name one place.
 */
export {
  graphFromJson,
  graphToJson,
  metadataFromJson,
  parseJsonExact,
  stringifyJson,
} from './model-json.js';
