import type { ContainerRuntimeClient } from 'testcontainers';

type Docker = ContainerRuntimeClient['container']['dockerode'];

/** Every container and network of a containers stack carries these labels. */
export const labelKeys = {
  /** Marks what this provider made; nothing without it is ever touched. */
  stack: 'dev.flux-gate.stack',
  /** One value per start: `docker ps -a --filter label=dev.flux-gate.run=<id>`. */
  run: 'dev.flux-gate.run',
  /** The process that started it: a leftover is one whose process is gone. */
  ownerPid: 'dev.flux-gate.owner-pid',
} as const;

export function runLabels(runId: string): Record<string, string> {
  return { [labelKeys.stack]: 'containers', [labelKeys.run]: runId, [labelKeys.ownerPid]: String(process.pid) };
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** Removes the containers (with their anonymous volumes), then the networks, that match every label given. */
export async function removeLabelled(docker: Docker, labels: Record<string, string>, keep: (labels: Record<string, string>) => boolean = () => false): Promise<number> {
  const filters = { label: Object.entries(labels).map(([k, v]) => `${k}=${v}`) };
  const containers = (await docker.listContainers({ all: true, filters })).filter((c) => !keep(c.Labels));
  await Promise.all(
    containers.map((c) =>
      docker
        .getContainer(c.Id)
        .remove({ force: true, v: true })
        .catch((err: Error) => {
          if (!/No such container|already in progress/.test(err.message)) throw err;
        }),
    ),
  );
  const networks = (await docker.listNetworks({ filters })).filter((n) => !keep(n.Labels ?? {}));
  for (const n of networks) {
    await docker
      .getNetwork(n.Id)
      .remove()
      .catch((err: Error) => {
        if (!/No such network|not found/.test(err.message)) throw err;
      });
  }
  return containers.length + networks.length;
}

/**
 * Removes what earlier runs of this provider left behind when their process was killed (Ryuk, which
 * would do it, cannot be pulled here): labelled containers and networks whose owner process is
 * gone. A live run's, and anything without the label, is kept.
 */
export function removeLeftovers(docker: Docker): Promise<number> {
  return removeLabelled(docker, { [labelKeys.stack]: 'containers' }, (labels) => {
    const pid = Number(labels[labelKeys.ownerPid]);
    return Number.isInteger(pid) && pid > 0 && alive(pid);
  });
}
