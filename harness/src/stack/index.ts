export { localProvider } from './localProvider.ts';
export { ManagedProcess, type ProcessSpec } from './ManagedProcess.ts';
export type { ProcessHandle } from './ProcessHandle.ts';
export { StackPartError } from './StackPartError.ts';
export { linkNames, type Link, type LinkName, type StackEndpoints, type StackOptions, type StackPart, type StackProvider, type StartedStack } from './StackProvider.ts';
export { freePort, freePorts } from './freePort.ts';
export { waitFor } from './waitFor.ts';
