/**
 * A one-file Emscripten file system whose reads (and, for an output, writes) call back into
 * JavaScript, so the HDF5 library inside h5wasm works on nnport's own files in place instead of
 * on copies in Emscripten's in-memory file system (MEMFS).
 *
 * Why: h5wasm opens files by path on Emscripten's virtual file system. The usual way in is
 * `FS.writeFile` into MEMFS, which keeps a second whole copy of an input in JS memory for as long
 * as it is mounted; the usual way out builds the whole output there first (HDF5 places data at
 * offsets it chooses and rewrites headers at close, so it cannot write into a stream). Mounted
 * here, HDF5's sec2 driver `pread`s and `pwrite`s through the callbacks one metadata block or
 * data piece at a time, so memory stays bounded by what the callbacks themselves hold.
 *
 * The callbacks must be synchronous: HDF5 is C code calling `pread`, it cannot await a Promise.
 * An exception they throw reaches HDF5 as EIO and is kept in `ioError` to be reported instead.
 */
import type { EmscriptenFs, EmscriptenNode } from './module.js';

/** What the mounted file does; an input has no `write` or `truncate` (writes are EPERM). */
export interface OneFile {
  /** The file's current size. */
  size(): number;
  /** Reads `length` bytes at `position`, which the caller keeps inside the file. */
  read(position: number, length: number): Uint8Array;
  /** Writes all of `bytes` at `position` (an output file). */
  write?(position: number, bytes: Uint8Array): void;
  /** Cuts or extends the file to `size` bytes (an output file: open with O_TRUNC, HDF5's close). */
  truncate?(size: number): void;
}

/** Emscripten errno values (its own numbering, musl's): EIO, EINVAL, EPERM, ENOENT. */
const EIO = 29;
const EINVAL = 28;
const EPERM = 63;
const ENOENT = 44;

/** A node of this file system (the field is prefixed so it cannot meet Emscripten's own). */
interface OneFileNode extends EmscriptenNode {
  nnportFile: OneFile | undefined;
}

/** Emscripten's view of an open file. */
interface Stream {
  node: OneFileNode;
  position: number;
}

let mounts = 0;

/** One mounted file: its path for HDF5 and the error a callback raised, if any. */
export interface MountedFile {
  /** The path to hand to `h5wasm.File`. */
  readonly path: string;
  /** The first exception a callback threw (HDF5 only saw EIO); rethrow it after the call. */
  ioError: unknown;
  /** Unmounts and removes the mount point. */
  unmount(): void;
}

/** Mounts `file` as `name` at a fresh mount point. */
export function mountOneFile(fs: EmscriptenFs, name: string, file: OneFile): MountedFile {
  const dir = `/nnport-hdf5-${++mounts}`;
  const writable = file.write !== undefined;
  // directory and regular file with POSIX type bits; read-only inputs, owner-writable outputs
  const dirMode = writable ? 0o40755 : 0o40555;
  const fileMode = writable ? 0o100644 : 0o100444;
  const mounted: MountedFile = {
    path: `${dir}/${name}`,
    ioError: undefined,
    unmount() {
      fs.unmount(dir);
      fs.rmdir(dir);
    },
  };

  /** Runs a callback, turning its exception into EIO for HDF5 (and keeping it to rethrow). */
  const io = <T>(work: () => T): T => {
    try {
      return work();
    } catch (e) {
      mounted.ioError ??= e;
      throw new fs.ErrnoError(EIO);
    }
  };

  const deny = (): never => {
    throw new fs.ErrnoError(EPERM);
  };

  const makeNode = (parent: OneFileNode | null, nodeName: string, mode: number): OneFileNode => {
    const node = fs.createNode(parent, nodeName, mode, 0) as OneFileNode;
    node.mode = mode;
    node.node_ops = nodeOps;
    node.stream_ops = streamOps;
    node.nnportFile = undefined;
    return node;
  };

  const nodeOps = {
    getattr(node: OneFileNode) {
      const f = node.nnportFile;
      const size = f === undefined ? 4096 : io(() => f.size());
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
    setattr(node: OneFileNode, attr: { size?: number }) {
      // open(O_TRUNC) and ftruncate come here with a size; times and modes are ignored
      if (attr.size === undefined) return;
      const truncate = node.nnportFile?.truncate;
      if (truncate === undefined) deny();
      else io(() => truncate.call(node.nnportFile, attr.size as number));
    },
    lookup(parent: OneFileNode, child: string) {
      const found = (parent.contents as Record<string, OneFileNode>)[child];
      if (found === undefined) throw new fs.ErrnoError(ENOENT);
      return found;
    },
    readdir(node: OneFileNode) {
      return ['.', '..', ...Object.keys(node.contents as Record<string, OneFileNode>)];
    },
    mknod: deny,
    rename: deny,
    unlink: deny,
    rmdir: deny,
    symlink: deny,
  };

  const streamOps = {
    read(stream: Stream, buffer: Int8Array, offset: number, length: number, position: number): number {
      const f = stream.node.nnportFile;
      if (f === undefined) throw new fs.ErrnoError(EINVAL);
      const size = io(() => f.size());
      if (position >= size || length <= 0) return 0;
      const bytes = io(() => f.read(position, Math.min(length, size - position)));
      new Uint8Array(buffer.buffer, buffer.byteOffset + offset, bytes.length).set(bytes);
      return bytes.length;
    },
    write(stream: Stream, buffer: Int8Array, offset: number, length: number, position: number): number {
      const f = stream.node.nnportFile;
      if (f === undefined) throw new fs.ErrnoError(EINVAL);
      const write = f.write;
      if (write === undefined) return deny();
      if (length <= 0) return 0;
      // a view of the WebAssembly heap: the write is synchronous, so the heap cannot move meanwhile
      io(() => write.call(f, position, new Uint8Array(buffer.buffer, buffer.byteOffset + offset, length)));
      return length;
    },
    llseek(stream: Stream, offset: number, whence: number): number {
      let position = offset;
      if (whence === 1) position += stream.position;
      else if (whence === 2) position += io(() => (stream.node.nnportFile as OneFile).size());
      if (position < 0) throw new fs.ErrnoError(EINVAL);
      return position;
    },
  };

  const fileSystem = {
    mount() {
      const root = makeNode(null, '/', dirMode);
      root.contents = {};
      const node = makeNode(root, name, fileMode);
      node.contents = null;
      node.nnportFile = file;
      (root.contents as Record<string, OneFileNode>)[name] = node;
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
