/**
 * Loading h5wasm (the HDF5 C library compiled to WebAssembly, usnistgov/h5wasm) once, on first
 * use. The import is dynamic so that importing nnport does not compile ~4 MB of WebAssembly
 * unless an HDF5 file is actually opened.
 */
import type * as H5 from 'h5wasm';

/** The h5wasm module namespace (the high-level `File`/`Group`/`Dataset` classes). */
export type H5Wasm = typeof H5;

/** The low-level Emscripten module h5wasm wraps (raw dataset reads, the virtual file system). */
export type H5Module = Awaited<H5Wasm['ready']>;

/** The parts of Emscripten's `FS` object nnport uses (typed here: h5wasm types it loosely). */
export interface EmscriptenFs {
  mkdir(path: string): unknown;
  rmdir(path: string): void;
  mount(type: unknown, opts: Record<string, unknown>, mountpoint: string): unknown;
  unmount(mountpoint: string): void;
  createNode(parent: EmscriptenNode | null, name: string, mode: number, dev: number): EmscriptenNode;
  ErrnoError: new (errno: number) => Error;
}

/** An Emscripten file-system node (only the fields nnport sets or reads). */
export interface EmscriptenNode {
  id: number;
  mode: number;
  node_ops: unknown;
  stream_ops: unknown;
  contents: unknown;
}

/** h5wasm loaded and ready: the namespace, the module and its file system. */
export interface LoadedH5 {
  readonly h5: H5Wasm;
  readonly module: H5Module;
  readonly fs: EmscriptenFs;
}

let loading: Promise<LoadedH5> | undefined;

/**
 * Loads h5wasm once. HDF5's default error reporting prints its error stack on stderr and lets
 * calls fail with a negative id; h5wasm's throwing handler turns each failure into a JS `Error`
 * carrying that stack instead, which nnport catches and re-codes, so nothing is printed.
 */
export function loadH5wasm(): Promise<LoadedH5> {
  loading ??= (async () => {
    const h5 = await import('h5wasm');
    const module = await h5.ready;
    module.activate_throwing_error_handler();
    return { h5, module, fs: module.FS as unknown as EmscriptenFs };
  })();
  return loading;
}
