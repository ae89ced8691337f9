/**
 * The plug-in contract every format implements (DESIGN §2, STYLE habit 2): a cheap, pure `detect`
 * and a real `read` and/or `write`.
 */

import type { WriteTarget } from '../io/byte-sink.js';
import type { ByteSource } from '../io/byte-source.js';
import type { FormatRequest, ParseRequest } from '../io/text/chunk.js';
import type { Model } from './model.js';

/** What `detect` may look at: the name and the first bytes, nothing else. */
export interface Probe {
  /** The file or folder name (last path component is enough). */
  readonly name: string;
  /** The first bytes of the file (up to PROBE_BYTES); empty for a folder. */
  readonly head: Uint8Array;
  /** The whole size in bytes (0 for a folder). */
  readonly size: number;
  /** True when the input is a folder (CSV matrix layout, NNEF, ...). */
  readonly isFolder: boolean;
  /** For a folder: the names of the files directly inside it (so a plug-in can claim it by content). */
  readonly entries?: readonly string[];
}

/** How many leading bytes the registry hands to `detect`. */
export const PROBE_BYTES = 4096;

/** How sure `detect` is: the content matches (magic bytes, structure) or only the name does. */
export type Detection = 'content' | 'name' | undefined;

/** A model input: its bytes and a way to reach sibling files safely. */
export interface ReadInput {
  /** The file's bytes (a zero-size source for folders). */
  readonly source: ByteSource;
  /** The name the user gave (for messages and for sibling naming rules). */
  readonly name: string;
  /** True when the input is a folder. */
  readonly isFolder: boolean;
  /**
   * Opens a file relative to the input's folder (or inside the input folder when `isFolder`).
   * Paths are `/`-separated; the host refuses absolute paths, `..` and symlinks that leave the
   * folder with UNSAFE_PATH, and answers `undefined` when the file does not exist.
   */
  sibling(path: string): Promise<ByteSource | undefined>;
  /** Lists the names of files in the input's folder (or in the input folder). */
  list(): Promise<readonly string[]>;
}

/** Options every reader accepts; formats add their own keys. */
export interface ReadOptions {
  /** Parallel helpers the host offers (text readers parse tensor data in worker threads). */
  readonly parallel?: ParallelText;
  /**
   * Graph input shapes the caller gives (`--input NAME=D1,D2,...`), for graph formats that need
   * them to translate (MXNet Reshape codes, SliceChannel sizes ...). Readers of other formats ignore it.
   */
  readonly inputShapes?: ReadonlyMap<string, readonly number[]>;
  /**
   * The arrays (weights) to use instead of those found beside the model, or `'none'` for the
   * graph alone (MXNet `--arrays PATH|none`, the Wolfram Language's ArrayPath).
   */
  readonly arrays?: ReadInput | 'none';
  /** Format-specific options from the CLI or the caller, by name. */
  readonly [key: string]:
    | string
    | number
    | boolean
    | ParallelText
    | ReadInput
    | ReadonlyMap<string, readonly number[]>
    | undefined;
}

/** Options every writer accepts; formats add their own keys. */
export interface WriteOptions {
  /** Parallel helpers the host offers (worker threads in Node). */
  readonly parallel?: ParallelText;
  /** Progress callback: bytes of tensor data done, of total. */
  readonly onProgress?: (done: number, total: number) => void;
  /**
   * Receives a one-line warning about something the output cannot say exactly as the source did
   * (e.g. Fiats applies one activation to every layer, a linear output layer becomes activated);
   * the CLI prints it on stderr. Writers never print themselves.
   */
  readonly onWarning?: (message: string) => void;
  /** Format-specific options, by name. */
  readonly [key: string]: unknown;
}

/**
 * Formatting and parsing of tensor values as text on other threads. A text writer cuts its work
 * into chunk requests (plain, structured-cloneable objects) and either runs `formatChunk` /
 * `parseChunk` from `io/text/chunk.ts` itself or hands the requests here; Node implements this
 * with worker threads running the same pure functions, so the bytes are identical either way.
 * Callers keep at most `concurrency` requests in flight and consume results strictly in order.
 */
export interface ParallelText {
  /** How many chunks are worth keeping in flight. */
  readonly concurrency: number;
  /** Formats `request` exactly as `formatChunk(request)` would. */
  format(request: FormatRequest): Promise<Uint8Array>;
  /**
   * Parses `request` exactly as `parseChunk(request)` would. A malformed value rejects with the
   * same NnportError (code and line:column location) `parseChunk` throws.
   */
  parse(request: ParseRequest): Promise<Uint8Array>;
}

export type { FormatRequest, ParseRequest } from '../io/text/chunk.js';

/** A format plug-in. */
export interface FormatPlugin {
  /** Lower-case id used by `--to`/`--from` (`npy`, `safetensors`, `json`). */
  readonly id: string;
  /** Human title for `nnport formats`. */
  readonly title: string;
  /** File extensions with the dot, most usual first; the first names default outputs. */
  readonly extensions: readonly string[];
  /** Whether `write` produces one file or a folder. */
  readonly output?: 'file' | 'folder';
  /**
   * What of a model besides its tensors the format's writer keeps; absent means neither. The CLI
   * names what a conversion would drop, so nothing is lost silently.
   */
  readonly keeps?: {
    readonly metadata: boolean;
    readonly graph: boolean;
    /**
     * When `metadata` is false: the metadata keys the writer still carries over (Fiats keeps the
     * `fiats` section it was read with); every other key is named as dropped.
     */
    readonly metadataKeys?: readonly string[];
    /**
     * When `graph` is false: source formats whose graph the writer still carries, as their own
     * config (Keras's model_config goes into a Keras or TF.js layers-model file).
     */
    readonly graphFrom?: readonly string[];
  };
  /** Cheap, pure, never throws. */
  detect(probe: Probe): Detection;
  /** Reads a model. Throws NnportError with a code. */
  read?(input: ReadInput, options: ReadOptions): Promise<Model>;
  /** Writes a model through the target. Throws NnportError NO_WRITER/UNREPRESENTABLE for what it cannot hold. */
  write?(model: Model, target: WriteTarget, options: WriteOptions): Promise<void>;
}
