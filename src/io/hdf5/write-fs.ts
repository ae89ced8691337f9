/**
 * The parts of Emscripten's in-memory file system (MEMFS) the HDF5 writer uses to hold the file
 * HDF5 builds and to read it back out. Typed here because h5wasm types `FS` loosely.
 */
import type { LoadedH5 } from './module.js';

/** An open Emscripten stream (opaque). */
export type MemFsStream = object;

/** MEMFS calls used by write.ts. */
export interface MemFs {
  mkdir(path: string): unknown;
  rmdir(path: string): void;
  unlink(path: string): void;
  stat(path: string): { size: number };
  open(path: string, flags: string): MemFsStream;
  read(stream: MemFsStream, buffer: Uint8Array, offset: number, length: number, position: number): number;
  close(stream: MemFsStream): void;
}

/** The loaded module's file system, seen through `MemFs`. */
export function memFsOf(h5: LoadedH5): MemFs {
  return h5.module.FS as unknown as MemFs;
}
