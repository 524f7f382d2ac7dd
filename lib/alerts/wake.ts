/**
 * A queued alert wakes the alert worker at once instead of waiting for its next poll, so alerts leave within seconds
 * of the event. In-process only: another instance's worker finds them by polling.
 */

type Listener = () => void;
// On globalThis: Next may load this module more than once per process (instrumentation and route bundles).
const registry = globalThis as unknown as { amocrmAlertListeners?: Set<Listener> };

function listeners(): Set<Listener> {
  registry.amocrmAlertListeners ??= new Set();
  return registry.amocrmAlertListeners;
}

export function notifyAlertQueued(): void {
  for (const listener of listeners()) listener();
}

/** Calls `listener` for every alert queued in this process; returns the unsubscribe function. */
export function onAlertQueued(listener: Listener): () => void {
  listeners().add(listener);
  return () => listeners().delete(listener);
}
