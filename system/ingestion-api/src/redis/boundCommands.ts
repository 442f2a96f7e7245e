import type { Command, Redis } from 'ioredis';

/** The commands that have a deadline already: a resend (the offline queue on reconnect, a Cluster redirection) keeps the first. */
const armed = new WeakSet<Command>();

const unanswered = (command: Command) => {
  if (!command.isResolved) command.reject(new Error('Command timed out'));
};
/** Node runs the poll phase, which reads the sockets, between a timer's callback and the immediates it set. */
const afterNextRead = (command: Command) => setImmediate(unanswered, command);

/**
 * Fails each command `connection` sends that Redis has not answered within timeoutMs of its first
 * send ('Command timed out', as ioredis's commandTimeout), without charging Redis for a pause of the
 * API's own event loop. Node runs expired timers before it reads the sockets, so after the loop was
 * held past a deadline (a long GC, a CPU-starved or throttled container) ioredis's commandTimeout
 * failed commands whose answers had arrived meanwhile and waited unread in the socket. Here a passed
 * deadline fails its command only if the poll phase after it read no answer either.
 */
export function boundCommands(connection: Redis, timeoutMs: number): void {
  const send = connection.sendCommand.bind(connection);
  connection.sendCommand = (command, stream) => {
    if (!armed.has(command)) {
      armed.add(command);
      const timer = setTimeout(afterNextRead, timeoutMs, command);
      const clear = () => clearTimeout(timer);
      command.promise.then(clear, clear);
    }
    return send(command, stream);
  };
}
