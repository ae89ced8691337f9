/**
 * The registry finds the format of an input by content first, then by name, tries candidates in
 * that order and, when all fail, reports every candidate's error (Netron's view.js habit).
 */
import { isNnportError, NnportError } from './errors.js';
import { type FormatPlugin, PROBE_BYTES, type Probe, type ReadInput, type ReadOptions } from './format.js';
import type { Model } from './model.js';

/** A set of format plug-ins. */
export class Registry {
  readonly #formats: readonly FormatPlugin[];

  constructor(formats: readonly FormatPlugin[]) {
    const ids = new Set<string>();
    for (const f of formats) {
      if (ids.has(f.id)) throw new Error(`duplicate format id ${f.id}`);
      ids.add(f.id);
    }
    this.#formats = formats;
  }

  /** Every plug-in, in registration order. */
  get formats(): readonly FormatPlugin[] {
    return this.#formats;
  }

  /** A plug-in by id (case-insensitive), or undefined. */
  get(id: string): FormatPlugin | undefined {
    const lower = id.toLowerCase();
    return this.#formats.find((f) => f.id === lower);
  }

  /** The plug-in whose extension list holds the end of `name` (longest match wins), for writing. */
  byExtension(name: string): FormatPlugin | undefined {
    const lower = name.toLowerCase();
    let best: FormatPlugin | undefined;
    let bestLength = 0;
    for (const f of this.#formats) {
      for (const ext of f.extensions) {
        if (lower.endsWith(ext) && ext.length > bestLength && f.write !== undefined) {
          best = f;
          bestLength = ext.length;
        }
      }
    }
    return best;
  }

  /** Readers that claim the probe: content matches first, then name matches. */
  candidates(probe: Probe): FormatPlugin[] {
    const content: FormatPlugin[] = [];
    const named: FormatPlugin[] = [];
    for (const f of this.#formats) {
      if (f.read === undefined) continue;
      let d: ReturnType<FormatPlugin['detect']>;
      try {
        d = f.detect(probe);
      } catch {
        d = undefined; // detect must not throw; a buggy one only loses its vote
      }
      if (d === 'content') content.push(f);
      else if (d === 'name') named.push(f);
    }
    return [...content, ...named];
  }

  /**
   * Reads a model. With `from`, only that format is tried. Otherwise every candidate in rank
   * order; the first to succeed wins. When all fail: the single candidate's error as is, or
   * NO_READER listing each candidate's error.
   */
  async read(input: ReadInput, options: ReadOptions = {}, from?: string): Promise<Model> {
    let candidates: FormatPlugin[];
    if (from !== undefined) {
      const f = this.get(from);
      if (f?.read === undefined) {
        throw new NnportError('USAGE', `unknown input format '${from}' (see 'nnport formats')`);
      }
      candidates = [f];
    } else {
      const head = input.isFolder
        ? new Uint8Array(0)
        : await input.source.read(0, Math.min(PROBE_BYTES, input.source.size));
      const probe: Probe = input.isFolder
        ? { name: input.name, head, size: 0, isFolder: true, entries: await input.list() }
        : { name: input.name, head, size: input.source.size, isFolder: false };
      candidates = this.candidates(probe);
    }
    if (candidates.length === 0) {
      throw new NnportError(
        'NO_READER',
        'no format recognises this file (see nnport formats; --from FORMAT forces one)',
        {
          file: input.name,
        },
      );
    }
    const failures: NnportError[] = [];
    for (const f of candidates) {
      try {
        // biome-ignore lint/style/noNonNullAssertion: candidates only holds plug-ins with read
        return await f.read!(input, options);
      } catch (e) {
        const err = isNnportError(e) ? e : wrapUnexpected(e);
        err.locate(input.name, f.id);
        failures.push(err);
      }
    }
    if (failures.length === 1) throw failures[0];
    const all = failures
      .map((e) => `${e.format}: ${e.detail}${e.at ? ` (${describeAt(e)})` : ''}`)
      .join('; ');
    throw new NnportError('NO_READER', `no format could read it: ${all}`, {
      file: input.name,
      cause: failures,
    });
  }
}

function describeAt(e: NnportError): string {
  return e.message.slice(e.message.lastIndexOf('(') + 1, -1);
}

/** A non-nnport exception from a reader is a bug or a host failure; keep it, coded as INVALID_STRUCTURE. */
function wrapUnexpected(e: unknown): NnportError {
  const msg = e instanceof Error ? e.message : String(e);
  return new NnportError('INVALID_STRUCTURE', `unreadable: ${msg}`, { cause: e });
}
