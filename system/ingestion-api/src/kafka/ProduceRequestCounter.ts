import { subscribe, unsubscribe } from 'node:diagnostics_channel';

/** The channel @platformatic/kafka publishes on as a connection is about to write a request to its socket. */
const requestWriteStarts = 'tracing:plt:kafka:connections:api:start';
/** Kafka's Produce API. */
const produceApiKey = 0;
/** A connection in these states writes the request; in any other it fails the request unwritten. */
const writingStatuses = new Set(['connected', 'authenticating', 'reauthenticating']);

interface RequestStart {
  apiKey: number;
  connection: { ownerId: number; status: string };
}

/**
 * Counts, per Kafka client (by its instance id), the Produce requests its connections handed to a
 * socket, from the client's diagnostics channel. A send that failed while its client's count did
 * not move wrote nothing, so its refusal is certain; any other failed send may have reached the
 * broker. Several sends on one client share the count, which errs towards "may have reached".
 */
export class ProduceRequestCounter {
  readonly #written = new Map<number, number>();
  readonly #onStart = (message: unknown) => {
    const { apiKey, connection } = message as RequestStart;
    if (apiKey !== produceApiKey || !writingStatuses.has(connection.status)) return;
    this.#written.set(connection.ownerId, (this.#written.get(connection.ownerId) ?? 0) + 1);
  };

  constructor() {
    subscribe(requestWriteStarts, this.#onStart);
  }

  /** Produce requests written so far by the client with this instance id. */
  written(clientInstanceId: number): number {
    return this.#written.get(clientInstanceId) ?? 0;
  }

  close(): void {
    unsubscribe(requestWriteStarts, this.#onStart);
  }
}
