/**
 * Builds JSON values from the scanner's events (`json-scan.ts`), with JSON paths for errors and
 * hooks that let a reader skip chosen members (tensor data) and check the document early
 * (the nnport reader refuses a foreign document at its first member, not after reading it all).
 */
import { NnportError } from '../../core/errors.js';
import type { JsonEvents, JsonScalar, ValueRange } from './json-scan.js';

/** A member value the builder was told to skip: only its byte range is kept. */
export class SkippedValue {
  /** Where the value lies in the input. */
  readonly range: ValueRange;

  constructor(range: ValueRange) {
    this.range = range;
  }
}

/** A value built from the events: JSON with exact big integers, and skipped members. */
export type JsonTree = JsonScalar | SkippedValue | JsonTree[] | { [key: string]: JsonTree };

/** One open container while building: the container, and the member name or index being filled. */
export interface TreeFrame {
  /** The container being filled. */
  readonly value: JsonTree[] | { [key: string]: JsonTree };
  /** True for an object. */
  readonly isObject: boolean;
  /** In an object: the name of the member whose value comes next. */
  key: string;
  /** In an array: how many elements so far. In an object: how many members so far. */
  count: number;
}

/** Callbacks that steer a build. */
export interface TreeHooks {
  /** Called at each member name with the open containers (root first); true skips the member's value. */
  skip?(frames: readonly TreeFrame[], key: string): boolean;
  /** Called when the root value opens, with its kind. */
  root?(kind: 'object' | 'array' | 'scalar'): void;
  /** Called at each member name of the root object, with its position among the members. */
  rootKey?(key: string, index: number): void;
  /** Called when the scanner skipped a value (a member `skip` chose), before it is added to its container. */
  skipped?(frames: readonly TreeFrame[], range: ValueRange): void;
  /** Called when a member of the root object is complete. */
  rootMember?(key: string, value: JsonTree): void;
}

/** A `JsonEvents` handler that builds the document's value. */
export class JsonTreeBuilder implements JsonEvents {
  readonly #hooks: TreeHooks;
  readonly #frames: TreeFrame[] = [];
  #root: JsonTree | undefined;
  #done = false;

  constructor(hooks: TreeHooks = {}) {
    this.#hooks = hooks;
  }

  /** The built value (after the scanner finished). */
  get result(): JsonTree {
    if (!this.#done) throw new Error('JsonTreeBuilder: document not complete');
    return this.#root as JsonTree;
  }

  /** The JSON path of the value being filled, like `$.tensors[3].shape`. */
  path(): string {
    return pathOf(this.#frames);
  }

  beginObject(): void {
    this.#open({}, true);
  }

  beginArray(): void {
    this.#open([], false);
  }

  key(name: string): boolean {
    const frame = this.#frames[this.#frames.length - 1];
    if (Object.hasOwn(frame.value, name)) {
      frame.key = name;
      throw new NnportError('INVALID_STRUCTURE', `duplicate member name ${JSON.stringify(name)}`, {
        at: { path: this.path() },
      });
    }
    frame.key = name;
    if (this.#frames.length === 1) this.#hooks.rootKey?.(name, frame.count);
    return this.#hooks.skip?.(this.#frames, name) ?? false;
  }

  end(): void {
    const frame = this.#frames.pop() as TreeFrame;
    this.#add(frame.value);
  }

  scalar(value: JsonScalar): void {
    if (this.#frames.length === 0) this.#hooks.root?.('scalar');
    this.#add(value);
  }

  skipped(range: ValueRange): void {
    this.#hooks.skipped?.(this.#frames, range);
    this.#add(new SkippedValue(range));
  }

  #open(value: JsonTree[] | { [key: string]: JsonTree }, isObject: boolean): void {
    if (this.#frames.length === 0) this.#hooks.root?.(isObject ? 'object' : 'array');
    this.#frames.push({ value, isObject, key: '', count: 0 });
  }

  /** Puts a finished value into the open container (or makes it the root). */
  #add(value: JsonTree): void {
    const frames = this.#frames;
    if (frames.length === 0) {
      this.#root = value;
      this.#done = true;
      return;
    }
    const frame = frames[frames.length - 1];
    if (frame.isObject) {
      // defineProperty, not assignment: a member named "__proto__" must stay a member.
      Object.defineProperty(frame.value, frame.key, {
        value,
        enumerable: true,
        writable: true,
        configurable: true,
      });
      if (frames.length === 1) this.#hooks.rootMember?.(frame.key, value);
    } else {
      (frame.value as JsonTree[]).push(value);
    }
    frame.count++;
  }
}

/** `$` followed by `.name`, `["odd name"]` and `[index]` steps for the open frames. */
export function pathOf(frames: readonly TreeFrame[]): string {
  let path = '$';
  for (const f of frames) path += f.isObject ? memberStep(f.key) : `[${f.count}]`;
  return path;
}

/** One step of a JSON path for a member name: `.name` when it is an identifier, `["..."]` otherwise. */
export function memberStep(key: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}
