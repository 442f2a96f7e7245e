import { Option } from 'commander';
import { stackProviderNames, stackProviders, topologyShapes, type StackProvider } from '@flux-gate/stack';

/**
 * `--stack local|containers`: where the stores run. `local` starts native processes; `containers`
 * runs them in Docker (an engine that answers, or root to start one; images from
 * `npm run setup -- --containers`). The API and the worker are host processes either way.
 */
export const stackOption = () =>
  new Option('--stack <provider>', 'where Redis, PostgreSQL, Kafka and Toxiproxy run: local (native processes) or containers (Docker, images built by `npm run setup -- --containers`)')
    .choices(stackProviderNames)
    .default('local');

export const providerOf = (name: string): StackProvider => stackProviders[name as keyof typeof stackProviders];

/** `--topology single|replicated`: one node per store, or 3 Kafka nodes, Redis with 2 replicas and 3 Sentinels (and the API instances behind nginx). */
export const topologyOption = () =>
  new Option('--topology <shape>', 'single (one node per store) or replicated (3 Kafka nodes, Redis primary + 2 replicas + 3 Sentinels; the system behind nginx)')
    .choices(topologyShapes)
    .default('single');
