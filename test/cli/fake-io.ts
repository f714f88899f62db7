/** In-memory stdin/stdout/stderr for running the CLI without a process. */
import { PassThrough, Readable, Writable } from 'node:stream';
import type { CliIo } from '../../src/cli/io.js';

export class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer | string, _encoding: BufferEncoding, callback: () => void): void {
    this.text += chunk.toString();
    callback();
  }
}

export function fakeIo(options: { stdin?: string; env?: Record<string, string> } = {}): CliIo & { stdout: Capture; stderr: Capture } {
  const stdin = options.stdin === undefined ? new PassThrough() : Readable.from([options.stdin]);
  return { stdin, stdout: new Capture(), stderr: new Capture(), env: options.env ?? {}, signal: new AbortController().signal };
}
