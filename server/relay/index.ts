/** The LifeScore relay: durable, smee-compatible webhook relay (DESIGN.md §4). */
export { createRelay, type Relay, type RelayOptions, type EventStoredListener } from './relay';
export { loadRelayConfig, type RelayConfig } from './config';
export type { StoredEvent, RelayStore } from './store/types';
