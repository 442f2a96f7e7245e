import net from 'node:net';
import type { ISocketFactory } from 'kafkajs';

/** The Kafka protocol's API key of a Produce request. */
const produceApiKey = 0;
/** kafkajs's keep-alive delay on its sockets. */
const keepAliveMs = 60_000;

/**
 * A kafkajs socket factory (plain TCP) that calls onProduce whenever a Produce request is written
 * to a socket. kafkajs writes each request in one piece, starting with its size (int32) and its API
 * key (int16), so the request's kind is in its first six bytes.
 */
export function produceWatchingSockets(onProduce: () => void): ISocketFactory {
  return ({ host, port, onConnect }) => {
    const socket = net.connect({ host, port }, onConnect);
    socket.setKeepAlive(true, keepAliveMs);
    const write = socket.write.bind(socket) as (...args: unknown[]) => boolean;
    socket.write = ((chunk: unknown, ...rest: unknown[]) => {
      if (Buffer.isBuffer(chunk) && chunk.length >= 6 && chunk.readInt16BE(4) === produceApiKey) onProduce();
      return write(chunk, ...rest);
    }) as typeof socket.write;
    return socket;
  };
}
