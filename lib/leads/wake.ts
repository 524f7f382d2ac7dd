/**
 * A new lead wakes the delivery worker at once instead of waiting for its next poll, so a lead reaches amoCRM
 * within seconds of the 202. In-process only: another instance's worker finds it by polling.
 */

type Listener = () => void;
// On globalThis: Next may load this module more than once per process (instrumentation and route bundles).
const registry = globalThis as unknown as { amocrmLeadListeners?: Set<Listener> };

function listeners(): Set<Listener> {
  registry.amocrmLeadListeners ??= new Set();
  return registry.amocrmLeadListeners;
}

export function notifyLeadQueued(): void {
  for (const listener of listeners()) listener();
}

/** Calls `listener` for every lead queued in this process; returns the unsubscribe function. */
export function onLeadQueued(listener: Listener): () => void {
  listeners().add(listener);
  return () => listeners().delete(listener);
}
