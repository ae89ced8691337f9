/**
 * What the nexport and Fiats writers decide before writing a byte (a refused model writes
 * nothing): the chain of dense layers (analysis/dense-layers.ts), the one activation the layout
 * names, and the warnings about what the layout cannot say as the source did — nexport's metadata
 * and Fiats hold a single `activationFunction`, which Fiats applies to every layer, the output
 * layer included (fiats src/fiats/neural_network_s.F90 `infer`).
 */
import { canonicalActivation, type DenseChain } from '../../analysis/dense-layers.js';
import { NnportError } from '../../core/errors.js';
import type { WriteOptions } from '../../core/format.js';
import type { JsonValue, Model } from '../../core/model.js';

/** The five members of nexport's metadata object, in its order (exporting.py `create_model_metadata`), which Fiats requires all of. */
export const METADATA_KEYS: readonly string[] = [
  'modelName',
  'modelAuthor',
  'compilationDate',
  'activationFunction',
  'usingSkipConnections',
];

/** How to choose the activation. */
export interface ActivationRule {
  /** The format id, for messages. */
  readonly format: string;
  /** Refuse with USAGE when neither the options nor the model name one. */
  readonly required: boolean;
  /** The names the target accepts (canonical); undefined accepts any name. */
  readonly allowed?: readonly string[];
}

/** The activation given as `options.activation` (the CLI's `--activation NAME`), canonical, if any. */
function optionActivation(options: WriteOptions, format: string): string | undefined {
  const given = options.activation;
  if (given === undefined) return undefined;
  if (typeof given !== 'string' || given.trim() === '') {
    throw new NnportError('USAGE', '--activation needs a name (relu, sigmoid, gelu, ...)', { format });
  }
  return canonicalActivation(given);
}

/**
 * Chooses the activation to write: `options.activation`, else the model's own (the hidden
 * layers' shared activation), else none (or USAGE when `rule.required`). Refuses names the
 * target does not know (USAGE for an option, UNREPRESENTABLE for the model's). Reports through
 * `options.onWarning` every layer whose known activation differs from the chosen one — above all
 * a linear output layer, which the target will activate.
 */
export function chooseActivation(
  chain: DenseChain,
  options: WriteOptions,
  rule: ActivationRule,
): string | undefined {
  const given = optionActivation(options, rule.format);
  const own = chain.activation;
  const chosen = given ?? own;
  if (chosen === undefined) {
    if (!rule.required) return undefined;
    throw new NnportError(
      'USAGE',
      `--activation is needed: ${rule.format} names one activation for every layer and the model does not say which`,
      { format: rule.format },
    );
  }
  if (rule.allowed !== undefined && !rule.allowed.includes(chosen)) {
    const detail = `${rule.format} knows the activations ${rule.allowed.join(', ')}, not ${chosen}`;
    if (given !== undefined) throw new NnportError('USAGE', detail, { format: rule.format });
    throw new NnportError('UNREPRESENTABLE', `${detail} (the model's); choose one with --activation`, {
      format: rule.format,
    });
  }
  const warn = options.onWarning;
  if (warn !== undefined) {
    if (given !== undefined && own !== undefined && own !== given) {
      warn(`--activation ${given} replaces the model's ${own}`);
    }
    const last = chain.layers.length - 1;
    for (const layer of chain.layers) {
      if (layer.activation === undefined || layer.activation === chosen) continue;
      if (layer.index === last) {
        warn(
          `the source's output layer (${layer.weight.name}) is ${layer.activation === 'linear' ? 'linear' : `activated by ${layer.activation}`}, but ${rule.format} applies ${chosen} to every layer, the output layer included: outputs will differ from the source's`,
        );
      } else if (given === undefined || layer.activation !== own) {
        warn(
          `layer ${layer.index} (${layer.weight.name}) applies ${layer.activation} in the source, but ${rule.format} applies ${chosen} to every layer`,
        );
      }
    }
  }
  return chosen;
}

/** Reports (once) the tensors dense-layer discovery set aside as not part of the network. */
export function reportIgnored(chain: DenseChain, options: WriteOptions): void {
  const names = chain.ignored;
  if (names.length === 0 || options.onWarning === undefined) return;
  const shown = names.slice(0, 5).join(', ') + (names.length > 5 ? `, … (${names.length} in all)` : '');
  options.onWarning(`not part of the network, not written: ${shown}`);
}

/** A plain JSON object member of `value`, if it is one. */
export function objectMember(
  value: JsonValue | undefined,
  key: string,
): Readonly<Record<string, JsonValue>> | undefined {
  if (value === null || value === undefined || typeof value !== 'object' || Array.isArray(value))
    return undefined;
  const v = Object.hasOwn(value, key) ? (value as Record<string, JsonValue>)[key] : undefined;
  return v !== null && v !== undefined && typeof v === 'object' && !Array.isArray(v)
    ? (v as Record<string, JsonValue>)
    : undefined;
}

/**
 * The nexport-style metadata object the source carried: Fiats' (`fiats.metadata`) or nexport's
 * (`nexport.metadata`), when the model was read from one of them.
 */
export function sourceMetadata(model: Model): Readonly<Record<string, JsonValue>> | undefined {
  return objectMember(model.metadata.fiats, 'metadata') ?? objectMember(model.metadata.nexport, 'metadata');
}

/**
 * The five metadata members to write: a write option of the member's name (library API:
 * `modelName`, `modelAuthor`, `compilationDate` strings, `usingSkipConnections` boolean, as
 * nexport's `export` takes them), else the source's value, else `fallback[key]`;
 * `activationFunction` is the activation chosen, when there is one.
 */
export function metadataValues(
  model: Model,
  activation: string | undefined,
  options: WriteOptions,
  fallback: Readonly<Record<string, JsonValue>>,
  format: string,
): [string, JsonValue][] {
  const source = sourceMetadata(model);
  return METADATA_KEYS.map((key): [string, JsonValue] => {
    if (key === 'activationFunction' && activation !== undefined) return [key, activation];
    const given = options[key];
    if (given !== undefined) {
      const ok = key === 'usingSkipConnections' ? typeof given === 'boolean' : typeof given === 'string';
      if (!ok)
        throw new NnportError(
          'USAGE',
          `the ${key} option must be a ${key === 'usingSkipConnections' ? 'boolean' : 'string'}`,
          { format },
        );
      return [key, given as JsonValue];
    }
    const own = source !== undefined && Object.hasOwn(source, key) ? source[key] : undefined;
    return [key, own ?? fallback[key] ?? null];
  });
}

/** True when a write option names one of the metadata members. */
export function hasMetadataOption(options: WriteOptions): boolean {
  return METADATA_KEYS.some((key) => key !== 'activationFunction' && options[key] !== undefined);
}

/** Total bytes of the chain's tensors, for progress reports. */
export function chainBytes(chain: DenseChain): number {
  return chain.layers.reduce((n, l) => n + l.weight.data.byteLength + l.bias.data.byteLength, 0);
}
