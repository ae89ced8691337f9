/**
 * A one-file Emscripten file system whose reads and writes call back into a `RandomAccessFile`,
 * so the HDF5 library inside h5wasm writes the output straight into its (temporary) file on disk
 * instead of building it in memory: the write side of reader-fs.ts.
 *
 * Why: HDF5 places data and metadata at offsets it chooses and rewrites headers when the file
 * closes, so it cannot write into an append-only stream; without this file system the whole file
 * is built in Emscripten's MEMFS first (its size in memory, more while MEMFS grows its array).
 * Here HDF5's sec2 driver `pwrite`s and `pread`s through the callbacks, so memory stays bounded
 * by the one tensor being written. The callbacks are synchronous: HDF5 is C code, it cannot await.
 */
import type { RandomAccessFile } from '../byte-sink.js';
import type { EmscriptenFs, EmscriptenNode } from './module.js';

/** Emscripten errno values (its own numbering, musl's): EIO, EINVAL, EPERM, ENOENT. */
const EIO = 29;
const EINVAL = 28;
const EPERM = 63;
const ENOENT = 44;

/** Directory and regular file, read-write for the owner (POSIX mode bits with the type bits). */
const DIR_MODE = 0o40755;
const FILE_MODE = 0o100644;

/** A node of this file system (the field is prefixed so it cannot meet Emscripten's own). */
interface WriterNode extends EmscriptenNode {
  nnportFile: RandomAccessFile | undefined;
}

/** Emscripten's view of an open file. */
interface Stream {
  node: WriterNode;
  position: number;
}

let mounts = 0;

/** One mounted output file: its path for HDF5 and the error a callback raised, if any. */
export interface MountedOutput {
  /** The path to hand to `h5wasm.File` (mode 'w'). */
  readonly path: string;
  /** The first exception the file threw (HDF5 only saw EIO); rethrow it after the call. */
  ioError: unknown;
  /** Unmounts and removes the mount point (the file itself is the target's to close). */
  unmount(): void;
}

/** Mounts `file` at a fresh mount point. */
export function mountWriter(fs: EmscriptenFs, file: RandomAccessFile): MountedOutput {
  const dir = `/nnport-hdf5-out-${++mounts}`;
  const name = 'out.h5';
  const mounted: MountedOutput = {
    path: `${dir}/${name}`,
    ioError: undefined,
    unmount() {
      fs.unmount(dir);
      fs.rmdir(dir);
    },
  };

  /** Runs a file call, turning a JS exception into EIO for HDF5 (and keeping it to rethrow). */
  const io = <T>(work: () => T): T => {
    try {
      return work();
    } catch (e) {
      mounted.ioError ??= e;
      throw new fs.ErrnoError(EIO);
    }
  };

  const makeNode = (parent: WriterNode | null, nodeName: string, mode: number): WriterNode => {
    const node = fs.createNode(parent, nodeName, mode, 0) as WriterNode;
    node.mode = mode;
    node.node_ops = nodeOps;
    node.stream_ops = streamOps;
    node.nnportFile = undefined;
    return node;
  };

  const nodeOps = {
    getattr(node: WriterNode) {
      const size =
        node.nnportFile === undefined ? 4096 : io(() => (node.nnportFile as RandomAccessFile).size());
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
    setattr(node: WriterNode, attr: { size?: number }) {
      // open(O_TRUNC) and HDF5's ftruncate at close come here; times and modes are ignored
      const f = node.nnportFile;
      if (attr.size !== undefined && f !== undefined) io(() => f.truncate(attr.size as number));
    },
    lookup(parent: WriterNode, child: string) {
      const found = (parent.contents as Record<string, WriterNode>)[child];
      if (found === undefined) throw new fs.ErrnoError(ENOENT);
      return found;
    },
    readdir(node: WriterNode) {
      return ['.', '..', ...Object.keys(node.contents as Record<string, WriterNode>)];
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
      const f = stream.node.nnportFile;
      if (f === undefined) throw new fs.ErrnoError(EINVAL);
      if (length <= 0) return 0;
      const bytes = io(() => f.read(position, length));
      new Uint8Array(buffer.buffer, buffer.byteOffset + offset, bytes.length).set(bytes);
      return bytes.length;
    },
    write(stream: Stream, buffer: Int8Array, offset: number, length: number, position: number): number {
      const f = stream.node.nnportFile;
      if (f === undefined) throw new fs.ErrnoError(EINVAL);
      if (length <= 0) return 0;
      // a view of the WebAssembly heap: the write is synchronous, so the heap cannot move meanwhile
      io(() => f.write(position, new Uint8Array(buffer.buffer, buffer.byteOffset + offset, length)));
      return length;
    },
    llseek(stream: Stream, offset: number, whence: number): number {
      let position = offset;
      if (whence === 1) position += stream.position;
      else if (whence === 2) position += io(() => (stream.node.nnportFile as RandomAccessFile).size());
      if (position < 0) throw new fs.ErrnoError(EINVAL);
      return position;
    },
  };

  const fileSystem = {
    mount() {
      const root = makeNode(null, '/', DIR_MODE);
      root.contents = {};
      const node = makeNode(root, name, FILE_MODE);
      node.contents = null;
      node.nnportFile = file;
      (root.contents as Record<string, WriterNode>)[name] = node;
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
