/** What stack-process.ts reports on stdout once the sandbox and relay listen. */
export const STACK_READY_PREFIX = 'LIFESCORE_STACK ';

export interface StackInfo {
  /** The environment the Electron app needs to reach this stack (dev-stack's appEnv). */
  readonly appEnv: Record<string, string>;
  readonly sandboxUrl: string;
  readonly relayUrl: string;
  readonly mailDestination: string;
}
