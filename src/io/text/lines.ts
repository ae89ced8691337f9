/**
 * Front-to-back scanning of a text file by lines, for the text readers' first pass (text-common:
 * "scan, then parse lazily"). The scanner reads the source in large chunks, hands out header lines
 * (bounded by a byte limit, zero-copy when a line sits inside one chunk), and skips runs of value
 * lines by finding line feeds only, so a multi-gigabyte file is scanned at memory speed without
 * being held. While skipping it records checkpoints (offset, line, row) every so many bytes; the
 * lazy parse later cuts a tensor's values at those checkpoints into independent chunk requests.
 *
 * Line endings: LF or CRLF (the CR is dropped from returned lines; value parsers skip it). A UTF-8
 * byte order mark at the start of the file is skipped (spreadsheets on Windows write one).
 */
import { NnportError } from '../../core/errors.js';
import type { ByteSource } from '../byte-source.js';
import { READ_CHUNK_BYTES } from '../reader.js';

/** ASCII line feed. */
const LF = 10;
/** ASCII carriage return. */
const CR = 13;

/**
 * Bytes of value text between two checkpoints: about 64K–256K values per parse chunk (text-common,
 * "Parallel work"), large enough that a worker round trip is cheap next to the parse.
 */
export const CHECKPOINT_BYTES = 1 << 20;

/** One line handed out by `LineScanner.next`. */
export interface Line {
  /** The line's bytes without its LF or CRLF (may share memory with the scanner's chunk). */
  readonly bytes: Uint8Array;
  /** 1-based line number. */
  readonly line: number;
  /** Absolute byte offset of the line's first byte. */
  readonly offset: number;
  /** True when the line ended in CRLF (the CR is not in `bytes`); quoted CSV fields need it back. */
  readonly crlf: boolean;
}

/** A place where a lazy parse may start: the start of a row. */
export interface Checkpoint {
  /** Absolute byte offset of the row's first byte. */
  readonly offset: number;
  /** 1-based line number of that row. */
  readonly line: number;
  /** Rows before it within the run being skipped. */
  readonly row: number;
}

/** How `LineScanner.skipRows` recognises rows. */
export interface SkipOptions {
  /** Physical lines per row (CSV rows whose quoted names hold line feeds take several). */
  readonly linesPerRow: number;
  /** Stop before a row that starts with these bytes (TXT: the next `tensor ` line). */
  readonly stopAt?: Uint8Array;
  /** Stop before a row that does not start with these bytes (CSV long: another tensor's rows). */
  readonly requirePrefix?: Uint8Array;
  /** Blank lines and `#` comment lines are not rows and are passed over (plain numeric tables). */
  readonly skipBlank?: boolean;
}

/** What `skipRows` found. */
export interface SkipResult {
  /** Rows skipped (fewer than asked when the file ended or a stop condition held). */
  readonly rows: number;
  /** Checkpoints: the first at the start, then one about every CHECKPOINT_BYTES, then the end. */
  readonly checkpoints: Checkpoint[];
}

/** The running state of one `skipRows` call. */
interface SkipState {
  /** Rows skipped so far. */
  rows: number;
  /** Offset at or after which the next checkpoint is recorded. */
  next: number;
  /** True once a `stopAt` / `requirePrefix` test stopped the run. */
  stopped: boolean;
  /** Checkpoints recorded so far. */
  readonly checkpoints: Checkpoint[];
}

/** Sequential line access over a byte source. */
export class LineScanner {
  readonly #source: ByteSource;
  readonly #chunkBytes: number;
  #chunk: Uint8Array = new Uint8Array(0);
  /** Absolute offset of #chunk[0]. */
  #base = 0;
  /** Position inside #chunk. */
  #p = 0;
  /** 1-based number of the line starting at the current position. */
  #line = 1;

  constructor(source: ByteSource, chunkBytes = READ_CHUNK_BYTES) {
    this.#source = source;
    this.#chunkBytes = chunkBytes;
  }

  /** The source being scanned. */
  get source(): ByteSource {
    return this.#source;
  }

  /** Absolute offset of the current position (the start of the next line). */
  get offset(): number {
    return this.#base + this.#p;
  }

  /** Number of the next line. */
  get line(): number {
    return this.#line;
  }

  /** Skips a UTF-8 byte order mark at the very start of the file (call before the first `next`). */
  async skipBom(): Promise<void> {
    if (this.offset !== 0 || this.#source.size < 3) return;
    const head = await this.#source.read(0, 3);
    if (head[0] !== 0xef || head[1] !== 0xbb || head[2] !== 0xbf) return;
    this.#chunk = new Uint8Array(0);
    this.#base = 3;
    this.#p = 0;
  }

  /** True when every byte has been consumed. */
  async atEnd(): Promise<boolean> {
    return !(await this.#fill());
  }

  /**
   * Ensures the current position has a byte after it in #chunk; false at end of file. Chunks are
   * read whole and never joined, so memory stays at one chunk plus any line being assembled.
   */
  async #fill(): Promise<boolean> {
    if (this.#p < this.#chunk.length) return true;
    const next = this.#base + this.#chunk.length;
    const size = this.#source.size;
    if (next >= size) return false;
    this.#chunk = await this.#source.read(next, Math.min(this.#chunkBytes, size - next));
    this.#base = next;
    this.#p = 0;
    return this.#chunk.length > 0;
  }

  /**
   * The next line, or undefined at end of file. A line longer than `maxBytes` throws
   * LIMIT_EXCEEDED at its line number (headers are bounded; value lines are skipped, not read).
   */
  async next(maxBytes: number, what = 'line'): Promise<Line | undefined> {
    if (!(await this.#fill())) return undefined;
    const line = this.#line;
    const offset = this.offset;
    const first = this.#chunk.indexOf(LF, this.#p);
    let bytes: Uint8Array;
    if (first >= 0 && first - this.#p <= maxBytes + 1) {
      bytes = this.#chunk.subarray(this.#p, first);
      this.#p = first + 1;
    } else {
      bytes = await this.#assemble(maxBytes, line, what);
    }
    this.#line++;
    const hadLf = this.offset - offset > bytes.length;
    const cr = bytes.length > 0 && bytes[bytes.length - 1] === CR;
    if (cr) bytes = bytes.subarray(0, bytes.length - 1);
    const crlf = cr && hadLf;
    if (bytes.length > maxBytes) this.#tooLong(maxBytes, line, what);
    return { bytes, line, offset, crlf };
  }

  /** Collects a line that crosses chunk boundaries (or ends the file without a line feed). */
  async #assemble(maxBytes: number, line: number, what: string): Promise<Uint8Array> {
    const pieces: Uint8Array[] = [];
    let total = 0;
    for (;;) {
      if (!(await this.#fill())) break;
      const c = this.#chunk;
      const at = c.indexOf(LF, this.#p);
      const end = at < 0 ? c.length : at;
      total += end - this.#p;
      // +1 leaves room for the CR of a CRLF that is dropped afterwards.
      if (total > maxBytes + 1) this.#tooLong(maxBytes, line, what);
      pieces.push(c.slice(this.#p, end));
      this.#p = at < 0 ? c.length : at + 1;
      if (at >= 0) break;
    }
    const out = new Uint8Array(total);
    let pos = 0;
    for (const piece of pieces) {
      out.set(piece, pos);
      pos += piece.length;
    }
    return out;
  }

  #tooLong(maxBytes: number, line: number, what: string): never {
    throw new NnportError('LIMIT_EXCEEDED', `${what} is longer than ${maxBytes} bytes`, {
      at: { line, column: 1 },
    });
  }

  /**
   * Skips up to `maxRows` rows of `opts.linesPerRow` lines each and records checkpoints. Stops
   * early at end of file or before a row failing a `stopAt`/`requirePrefix` test (that row is not
   * consumed). Only line feeds are located, plus a prefix test at each row start.
   */
  async skipRows(maxRows: number, opts: SkipOptions): Promise<SkipResult> {
    const st: SkipState = {
      rows: 0,
      next: this.offset + CHECKPOINT_BYTES,
      stopped: false,
      checkpoints: [{ offset: this.offset, line: this.#line, row: 0 }],
    };
    while (st.rows < maxRows && !st.stopped) {
      if (!(await this.#fill())) break;
      this.#rowsInChunk(maxRows, opts, st);
      if (st.rows >= maxRows || st.stopped || this.#p >= this.#chunk.length) continue;
      // The next row crosses the chunk's end (or its tests need bytes past it): one row, carefully.
      if (opts.skipBlank === true && (await this.#isBlankAhead())) {
        await this.#skipLine();
        continue;
      }
      if (opts.stopAt !== undefined && (await this.#startsWith(opts.stopAt))) break;
      if (opts.requirePrefix !== undefined && !(await this.#startsWith(opts.requirePrefix))) break;
      let lines = 0;
      while (lines < opts.linesPerRow && (await this.#skipLine())) lines++;
      st.rows++;
      if (lines < opts.linesPerRow) break;
      this.#checkpoint(maxRows, st);
    }
    if (opts.skipBlank === true) {
      // Trailing blank and comment lines belong to no row; leave them consumed.
      while ((await this.#fill()) && (await this.#isBlankAhead())) await this.#skipLine();
    }
    st.checkpoints.push({ offset: this.offset, line: this.#line, row: st.rows });
    return { rows: st.rows, checkpoints: st.checkpoints };
  }

  /** Records a checkpoint at the current position when the last one is CHECKPOINT_BYTES behind. */
  #checkpoint(maxRows: number, st: SkipState): void {
    if (this.offset >= st.next && st.rows < maxRows) {
      st.checkpoints.push({ offset: this.offset, line: this.#line, row: st.rows });
      st.next = this.offset + CHECKPOINT_BYTES;
    }
  }

  /**
   * Skips the rows that lie wholly inside the current chunk without an `await` per row (the CSV
   * long layout has one row per element, so per-row promises would dominate the scan). Stops at
   * the first row that reaches the chunk's end or whose tests need bytes past it, leaving it to
   * `skipRows`' careful path; sets `st.stopped` when a stop condition holds.
   */
  #rowsInChunk(maxRows: number, opts: SkipOptions, st: SkipState): void {
    const c = this.#chunk;
    const n = c.length;
    const { stopAt, requirePrefix: need, linesPerRow: per } = opts;
    const blanks = opts.skipBlank === true;
    // The required prefix as little-endian words: compared four bytes at a time.
    const view = new DataView(c.buffer, c.byteOffset, c.byteLength);
    const words = need === undefined ? 0 : need.length >> 2;
    const needView = need === undefined ? view : new DataView(need.buffer, need.byteOffset, need.byteLength);
    // A one-line row whose prefix has no line feed ends after the prefix: search from there.
    const skipAhead = per === 1 && need !== undefined && !need.includes(LF) ? need.length : 0;
    let p = this.#p;
    let line = this.#line;
    while (st.rows < maxRows && p < n) {
      if (blanks) {
        let q = p;
        while (q < n && (c[q] === 32 || c[q] === 9)) q++;
        if (q + 1 >= n) break;
        const b = c[q];
        if (b === LF || b === 35 || (b === CR && c[q + 1] === LF)) {
          const at = c.indexOf(LF, q);
          if (at < 0) break;
          p = at + 1;
          line++;
          continue;
        }
      }
      if (stopAt !== undefined) {
        if (p + stopAt.length > n) break;
        let same = true;
        for (let k = 0; same && k < stopAt.length; k++) same = c[p + k] === stopAt[k];
        if (same) {
          st.stopped = true;
          break;
        }
      }
      if (need !== undefined) {
        if (p + need.length > n) break;
        let same = true;
        for (let k = 0; same && k < words; k++)
          same = view.getInt32(p + 4 * k, true) === needView.getInt32(4 * k, true);
        for (let k = words * 4; same && k < need.length; k++) same = c[p + k] === need[k];
        if (!same) {
          st.stopped = true;
          break;
        }
      }
      let q = p + skipAhead;
      let whole = true;
      for (let l = 0; l < per; l++) {
        // Short rows (CSV long: index and value after the prefix) end within a few bytes; a plain
        // loop finds their line feed faster than a native call. Long rows use indexOf.
        const stop = Math.min(n, q + 32);
        while (q < stop && c[q] !== LF) q++;
        const at = q < stop ? q : c.indexOf(LF, q);
        if (at < 0) {
          whole = false;
          break;
        }
        q = at + 1;
      }
      if (!whole) break;
      p = q;
      line += per;
      st.rows++;
      const offset = this.#base + p;
      if (offset >= st.next && st.rows < maxRows) {
        st.checkpoints.push({ offset, line, row: st.rows });
        st.next = offset + CHECKPOINT_BYTES;
      }
    }
    this.#p = p;
    this.#line = line;
  }

  /** True when the next line starts with `prefix` (nothing is consumed). */
  async peek(prefix: Uint8Array): Promise<boolean> {
    return (await this.#fill()) && (await this.#startsWith(prefix));
  }

  /** Skips to after the next line feed (or to the end of file); false if already at the end. */
  async #skipLine(): Promise<boolean> {
    if (!(await this.#fill())) return false;
    for (;;) {
      const at = this.#chunk.indexOf(LF, this.#p);
      if (at >= 0) {
        this.#p = at + 1;
        this.#line++;
        return true;
      }
      this.#p = this.#chunk.length;
      if (!(await this.#fill())) {
        this.#line++;
        return true;
      }
    }
  }

  /**
   * True when the line ahead is empty, only spaces/tabs, or a `#` comment. Usually decided inside
   * the current chunk; a run of blanks reaching the chunk's end is followed into the source.
   */
  async #isBlankAhead(): Promise<boolean> {
    let c = this.#chunk;
    let q = this.#p;
    let base = this.#base;
    for (;;) {
      while (q < c.length && (c[q] === 32 || c[q] === 9)) q++;
      if (q + 1 < c.length || (q < c.length && base + c.length >= this.#source.size)) break;
      const at = base + q;
      if (at >= this.#source.size) return true;
      c = await this.#source.read(at, Math.min(4096, this.#source.size - at));
      base = at;
      q = 0;
    }
    const b = c[q];
    return b === LF || b === 35 || (b === CR && (q + 1 >= c.length || c[q + 1] === LF));
  }

  /** True when the bytes at the current position start with `prefix` (reads across a chunk edge). */
  async #startsWith(prefix: Uint8Array): Promise<boolean> {
    const c = this.#chunk;
    const n = prefix.length;
    if (this.#p + n <= c.length) {
      for (let k = 0; k < n; k++) if (c[this.#p + k] !== prefix[k]) return false;
      return true;
    }
    const at = this.offset;
    if (at + n > this.#source.size) return false;
    const head = await this.#source.read(at, n);
    for (let k = 0; k < n; k++) if (head[k] !== prefix[k]) return false;
    return true;
  }
}
