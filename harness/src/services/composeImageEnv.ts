import type { InfraImages } from '@flux-gate/stack';
import type { SystemImages } from './systemImages.ts';

/** The docker-compose.yml variables that name each service's image. */
export function composeImageEnv(infra: InfraImages, system: Pick<SystemImages, 'api' | 'worker'>): Record<string, string> {
  return {
    FLUXGATE_REDIS_IMAGE: infra.redis,
    FLUXGATE_POSTGRES_IMAGE: infra.postgres,
    FLUXGATE_KAFKA_IMAGE: infra.kafka,
    FLUXGATE_TOXIPROXY_IMAGE: infra.toxiproxy,
    FLUXGATE_API_IMAGE: system.api,
    FLUXGATE_WORKER_IMAGE: system.worker,
  };
}
