/**
 * The worker-thread side of `text-pool.ts`: runs the pure chunk functions and sends the bytes back
 * (transferred, not copied).
 */
import { parentPort } from 'node:worker_threads';
import { NnportError } from '../core/errors.js';
import { formatChunk, parseChunk } from '../io/text/chunk.js';

const port = parentPort;
if (port === null) throw new Error('text-worker.js must run in a worker thread');

port.on('message', (msg: { id: number; op: 'format' | 'parse'; request: Parameters<typeof formatChunk>[0] }) => {
  try {
    const out = msg.op === 'format' ? formatChunk(msg.request) : parseChunk(msg.request as Parameters<typeof parseChunk>[0]);
    port.postMessage({ id: msg.id, ok: true, out }, [out.buffer as ArrayBuffer]);
  } catch (e) {
    if (e instanceof NnportError) {
      port.postMessage({ id: msg.id, ok: false, code: e.code, detail: e.detail, at: e.at });
    } else {
      port.postMessage({ id: msg.id, ok: false, detail: e instanceof Error ? e.message : String(e) });
    }
  }
});
