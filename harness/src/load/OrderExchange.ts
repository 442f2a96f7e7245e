import type { Dispatcher } from 'undici';

/**
 * One request on undici's dispatch API (POST /order, or a waiting buyer's GET /queue/<ticket>): the
 * answer's status and body bytes, or the error, handed to `done` once. No stream and no promise per
 * request, which keeps the engine's CPU per request low.
 */
export class OrderExchange implements Dispatcher.DispatchHandler {
  #status = 0;
  #chunks: Buffer[] = [];

  constructor(private readonly done: (status: number, body: string, error: Error | undefined) => void) {}

  onRequestStart(): void {}

  onResponseStart(_controller: Dispatcher.DispatchController, statusCode: number): void {
    this.#status = statusCode;
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.#chunks.push(chunk);
  }

  onResponseEnd(): void {
    const body = this.#chunks.length === 1 ? this.#chunks[0]!.toString() : Buffer.concat(this.#chunks).toString();
    this.done(this.#status, body, undefined);
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    this.done(0, '', error);
  }
}
