/**
 * The worker-thread side of `text-pool.ts`: runs the pure chunk functions and sends the bytes back
 * (transferred, not copied).
 */
import { parentPort } from 'node:worker_threads';
import { NnportError } from '../core/errors.js';
import { type FormatRequest, formatChunk, type ParseRequest, parseChunk } from '../io/text/chunk.js';

const port = parentPort;
if (port === null) throw new Error('text-worker.js must run in a worker thread');

port.on('message', (msg: { id: number; op: 'format' | 'parse'; request: FormatRequest | ParseRequest }) => {
  try {
    const out =
      msg.op === 'format'
        ? formatChunk(msg.request as FormatRequest)
        : parseChunk(msg.request as ParseRequest);
    port.postMessage({ id: msg.id, ok: true, out }, [out.buffer as ArrayBuffer]);
  } catch (e) {
    if (e instanceof NnportError) {
      port.postMessage({ id: msg.id, ok: false, code: e.code, detail: e.detail, at: e.at });
    } else {
      port.postMessage({ id: msg.id, ok: false, detail: e instanceof Error ? e.message : String(e) });
    }
  }
});
