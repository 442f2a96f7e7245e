import { containersProvider } from './containersProvider.ts';
import { localProvider } from './localProvider.ts';
import type { StackProvider } from './StackProvider.ts';

/** The stack providers by name: `local` (native processes, the default) and `containers` (Docker). */
export const stackProviders = { local: localProvider, containers: containersProvider } as const satisfies Record<string, StackProvider>;
export type StackProviderName = keyof typeof stackProviders;
export const stackProviderNames = Object.keys(stackProviders) as StackProviderName[];
