/**
 * The one error class readers, writers and the CLI throw. Its `code` is stable (tests and scripts
 * match on it); its message is for people. DESIGN §5.
 */

/** Stable error codes. Add new ones at the end; never rename. */
export type ErrorCode =
  /** The file ends before a structure it announces. */
  | 'TRUNCATED'
  /** The file does not start with the format's magic bytes. */
  | 'BAD_MAGIC'
  /** A version of the format nnport does not read. */
  | 'UNSUPPORTED_VERSION'
  /** An element type nnport cannot represent (e.g. NumPy object arrays). */
  | 'UNSUPPORTED_DTYPE'
  /** A graph operator nnport does not support. */
  | 'UNSUPPORTED_OP'
  /** A count, length or size beyond a named `MAX_*` limit. */
  | 'LIMIT_EXCEEDED'
  /** An offset or length that points outside the file or overlaps other data. */
  | 'INVALID_OFFSET'
  /** Structurally wrong content: bad JSON, wrong column count, shape and values that disagree. */
  | 'INVALID_STRUCTURE'
  /** A sibling file the model names is missing. */
  | 'MISSING_FILE'
  /** The file asks to run code (pickle globals outside the allow-list, Lambda layers). */
  | 'UNSAFE'
  /** No format could read the input; the message lists every candidate's error. */
  | 'NO_READER'
  /** The model cannot be written in the requested format. */
  | 'NO_WRITER'
  /** The output exists and `--force` was not given. */
  | 'OUTPUT_EXISTS'
  /** A bad command line. */
  | 'USAGE'
  /** A path inside a model that would leave the model's folder. */
  | 'UNSAFE_PATH'
  /** A value that cannot be expressed in the target (e.g. a name a format cannot hold). */
  | 'UNREPRESENTABLE';

/** Where in the input the problem is. */
export type ErrorLocation =
  | { readonly byte: number }
  | { readonly path: string }
  | { readonly line: number; readonly column?: number }
  | { readonly node: string }
  | { readonly tensor: string };

/** Details of an error besides its message. */
export interface ErrorDetails {
  /** The file (or member path) the problem is in. */
  file?: string;
  /** The format id whose reader or writer found it. */
  format?: string;
  /** Where in the file. */
  at?: ErrorLocation;
  /** The error that caused this one. */
  cause?: unknown;
}

/** Renders a location the way the CLI contract prints it: `at byte N`, `at $.path`, `at line L:C`. */
export function describeLocation(at: ErrorLocation): string {
  if ('byte' in at) return `at byte ${at.byte}`;
  if ('path' in at) return `at ${at.path}`;
  if ('line' in at) return at.column === undefined ? `at line ${at.line}` : `at line ${at.line}:${at.column}`;
  if ('node' in at) return `in node ${at.node}`;
  return `in tensor ${at.tensor}`;
}

/** nnport's error: a stable code, the file, the format and a location. */
export class NnportError extends Error {
  /** The stable code. */
  readonly code: ErrorCode;
  /** The file the problem is in, when known. */
  file: string | undefined;
  /** The format id, when known. */
  format: string | undefined;
  /** Where in the file, when known. */
  readonly at: ErrorLocation | undefined;
  /** The message without file and format prefixes. */
  readonly detail: string;

  constructor(code: ErrorCode, detail: string, details: ErrorDetails = {}) {
    super(detail, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'NnportError';
    this.code = code;
    this.detail = detail;
    this.file = details.file;
    this.format = details.format;
    this.at = details.at;
    this.message = this.render();
  }

  /** `FILE: FORMAT: what is wrong (at byte N)`, the CLI's error line after `nnport: error: `. */
  render(): string {
    const parts: string[] = [];
    if (this.file !== undefined) parts.push(this.file);
    if (this.format !== undefined) parts.push(this.format);
    const where = this.at === undefined ? '' : ` (${describeLocation(this.at)})`;
    parts.push(this.detail + where);
    return parts.join(': ');
  }

  /** Fills in the file and format if the thrower did not know them, and refreshes the message. */
  locate(file: string | undefined, format: string | undefined): this {
    if (this.file === undefined) this.file = file;
    if (this.format === undefined) this.format = format;
    this.message = this.render();
    return this;
  }
}

/** True when `e` is an `NnportError` (optionally with the given code). */
export function isNnportError(e: unknown, code?: ErrorCode): e is NnportError {
  return e instanceof NnportError && (code === undefined || e.code === code);
}
