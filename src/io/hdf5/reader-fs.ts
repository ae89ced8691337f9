/**
 * A one-file, read-only Emscripten file system whose reads call back into JavaScript, so the HDF5
 * library inside h5wasm reads the input in place instead of from a copy.
 *
 * Why: h5wasm opens files by path on Emscripten's virtual file system. The usual way in is
 * `FS.writeFile` into MEMFS, which keeps a second whole copy of the file in JS memory for as long
 * as it is mounted; for a multi-GB model that doubles the cost. Mounting this file system instead,
 * HDF5's sec2 driver `pread`s through `SyncReader` one metadata block or data chunk at a time, so
 * memory stays bounded by what the reader itself holds (nothing extra for a Node file descriptor
 * read with `readSync`; the bytes themselves for an in-memory source).
 *
 * The callback must be synchronous: HDF5 is C code calling `pread`, it cannot await a Promise.
 */
import type { EmscriptenFs, EmscriptenNode } from './module.js';

/** Reads `length` bytes at `offset` synchronously (the caller keeps the range inside the file). */
export type SyncReader = (offset: number, length: number) => Uint8Array;

/** Emscripten errno values (its own numbering, musl's): EIO, EINVAL, EPERM, ENOENT, EROFS. */
const EIO = 29;
const EINVAL = 28;
const EPERM = 63;
const ENOENT = 44;

/** Directory r-x and regular file r-- for everybody (POSIX mode bits with the type bits). */
const DIR_MODE = 0o40555;
const FILE_MODE = 0o100444;

/** A file node with its size and reader (fields prefixed so they cannot meet Emscripten's own). */
interface ReaderNode extends EmscriptenNode {
  nnportSize: number;
  nnportRead: SyncReader | undefined;
}

/** Emscripten's view of an open file. */
interface Stream {
  node: ReaderNode;
  position: number;
}

let mounts = 0;

/** One mounted file: its path for HDF5 and the error a read callback raised, if any. */
export interface MountedFile {
  /** The path to hand to `h5wasm.File`. */
  readonly path: string;
  /** The first exception the reader threw (HDF5 only saw EIO); rethrow it after the call. */
  readError: unknown;
  /** Unmounts and removes the mount point. */
  unmount(): void;
}

/** Mounts `read` as a file of `size` bytes at a fresh mount point. */
export function mountReader(fs: EmscriptenFs, size: number, read: SyncReader): MountedFile {
  const dir = `/nnport-hdf5-${++mounts}`;
  const name = 'file.h5';
  const mounted: MountedFile = {
    path: `${dir}/${name}`,
    readError: undefined,
    unmount() {
      fs.unmount(dir);
      fs.rmdir(dir);
    },
  };

  const makeNode = (parent: ReaderNode | null, nodeName: string, mode: number): ReaderNode => {
    const node = fs.createNode(parent, nodeName, mode, 0) as ReaderNode;
    node.mode = mode;
    node.node_ops = nodeOps;
    node.stream_ops = streamOps;
    node.nnportSize = 0;
    node.nnportRead = undefined;
    return node;
  };

  const nodeOps = {
    getattr(node: ReaderNode) {
      const size = node.nnportRead === undefined ? 4096 : node.nnportSize;
      const epoch = new Date(0);
      return {
        dev: 1,
        ino: node.id,
        mode: node.mode,
        nlink: 1,
        uid: 0,
        gid: 0,
        rdev: 0,
        size,
        atime: epoch,
        mtime: epoch,
        ctime: epoch,
        blksize: 4096,
        blocks: Math.ceil(size / 4096),
      };
    },
    setattr() {
      throw new fs.ErrnoError(EPERM);
    },
    lookup(parent: ReaderNode, child: string) {
      const found = (parent.contents as Record<string, ReaderNode>)[child];
      if (found === undefined) throw new fs.ErrnoError(ENOENT);
      return found;
    },
    readdir(node: ReaderNode) {
      return ['.', '..', ...Object.keys(node.contents as Record<string, ReaderNode>)];
    },
    mknod() {
      throw new fs.ErrnoError(EPERM);
    },
    rename() {
      throw new fs.ErrnoError(EPERM);
    },
    unlink() {
      throw new fs.ErrnoError(EPERM);
    },
    rmdir() {
      throw new fs.ErrnoError(EPERM);
    },
    symlink() {
      throw new fs.ErrnoError(EPERM);
    },
  };

  const streamOps = {
    read(stream: Stream, buffer: Int8Array, offset: number, length: number, position: number): number {
      const node = stream.node;
      if (node.nnportRead === undefined) throw new fs.ErrnoError(EINVAL);
      if (position >= node.nnportSize || length <= 0) return 0;
      const n = Math.min(length, node.nnportSize - position);
      let bytes: Uint8Array;
      try {
        bytes = node.nnportRead(position, n);
      } catch (e) {
        mounted.readError ??= e;
        throw new fs.ErrnoError(EIO);
      }
      new Uint8Array(buffer.buffer, buffer.byteOffset + offset, bytes.length).set(bytes);
      return bytes.length;
    },
    write() {
      throw new fs.ErrnoError(EPERM);
    },
    llseek(stream: Stream, offset: number, whence: number): number {
      let position = offset;
      if (whence === 1) position += stream.position;
      else if (whence === 2) position += stream.node.nnportSize;
      if (position < 0) throw new fs.ErrnoError(EINVAL);
      return position;
    },
  };

  const fileSystem = {
    mount() {
      const root = makeNode(null, '/', DIR_MODE);
      root.contents = {};
      const file = makeNode(root, name, FILE_MODE);
      file.contents = null;
      file.nnportSize = size;
      file.nnportRead = read;
      (root.contents as Record<string, ReaderNode>)[name] = file;
      return root;
    },
  };

  fs.mkdir(dir);
  try {
    fs.mount(fileSystem, {}, dir);
  } catch (e) {
    fs.rmdir(dir);
    throw e;
  }
  return mounted;
}
