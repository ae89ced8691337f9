/**
 * A pool of worker threads that format and parse text chunks (`io/text/chunk.ts`) off the main
 * thread, so text export and import use every core. The work functions are pure and the writers
 * put results back in order, so output bytes are the same with or without the pool.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { type ErrorCode, type ErrorLocation, NnportError } from '../core/errors.js';
import type { ParallelText } from '../core/format.js';

/** What a worker sends back. */
type Reply =
  | { readonly id: number; readonly ok: true; readonly out: Uint8Array }
  | {
      readonly id: number;
      readonly ok: false;
      readonly code?: ErrorCode;
      readonly detail: string;
      readonly at?: ErrorLocation;
    };

/** A worker pool; `close()` it when done so the process can exit. */
export interface TextPool extends ParallelText {
  /** Threads in the pool. */
  readonly threads: number;
  /**
   * Starts the workers now rather than on first use, so their start-up (a thread and the chunk
   * modules, tens of milliseconds each) overlaps with opening the model instead of delaying the
   * first chunk.
   */
  start(): void;
  /** Ends the workers. */
  close(): Promise<void>;
}

interface Pending {
  resolve(out: Uint8Array): void;
  reject(e: Error): void;
}

/**
 * The buffers a request lets the pool transfer rather than copy: the text or bytes of a request
 * that says it owns them (`owned`). Structured cloning 1 MiB of text costs the main thread about as much
 * as a worker spends parsing a tenth of it; a transfer costs nothing.
 */
function transferList(request: unknown): ArrayBuffer[] {
  const r = request as { readonly owned?: unknown; readonly text?: unknown; readonly bytes?: unknown };
  if (r.owned !== true) return [];
  const bytes = r.text ?? r.bytes;
  if (!(bytes instanceof Uint8Array)) return [];
  const buffer = bytes.buffer;
  return buffer instanceof ArrayBuffer && bytes.byteOffset === 0 && bytes.byteLength === buffer.byteLength
    ? [buffer]
    : [];
}

/** Makes a pool of `threads` workers (default: one per available core), started on first use. */
export function createTextPool(threads = Math.max(1, availableParallelism())): TextPool {
  const url = new URL('./text-worker.js', import.meta.url);
  const workers: Worker[] = [];
  const load: number[] = [];
  const pending = new Map<number, Pending & { worker: number }>();
  let nextId = 0;

  function start(): void {
    for (let w = 0; w < threads; w++) {
      const worker = new Worker(url);
      worker.unref(); // idle workers must not keep the process alive
      worker.on('message', (reply: Reply) => {
        const p = pending.get(reply.id);
        if (p === undefined) return;
        pending.delete(reply.id);
        load[w] = (load[w] ?? 1) - 1;
        if (reply.ok) p.resolve(reply.out);
        else if (reply.code !== undefined) {
          p.reject(new NnportError(reply.code, reply.detail, reply.at === undefined ? {} : { at: reply.at }));
        } else p.reject(new Error(reply.detail));
      });
      worker.on('error', (e) => {
        for (const [id, p] of pending) {
          if (p.worker === w) {
            pending.delete(id);
            p.reject(e);
          }
        }
      });
      workers.push(worker);
      load.push(0);
    }
  }

  function run(op: 'format' | 'parse', request: unknown): Promise<Uint8Array> {
    if (workers.length === 0) start();
    let w = 0;
    for (let i = 1; i < workers.length; i++) if ((load[i] as number) < (load[w] as number)) w = i;
    const id = nextId++;
    load[w] = (load[w] as number) + 1;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject, worker: w });
      (workers[w] as Worker).postMessage({ id, op, request }, transferList(request));
    });
  }

  return {
    threads,
    start(): void {
      if (workers.length === 0) start();
    },
    // two chunks per thread: one being worked on, one queued, so no worker waits on the main thread
    concurrency: threads * 2,
    format: (request) => run('format', request),
    parse: (request) => run('parse', request),
    async close(): Promise<void> {
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
