/** What a background loop (lead worker, alert worker, Telegram poller) keeps so that others can cut its wait short. */
export interface Wakeable {
  stopping: boolean;
  /** Set while the loop waits: ends the wait now. */
  wake: (() => void) | null;
}

/**
 * Waits `ms` (an unref'd timer: it never keeps the process alive). `state.wake()` ends the wait early; with
 * `wakeOnSignal: false` only a stop does, so a loop waiting for another holder's lease is not woken by new work.
 */
export function pause(state: Wakeable, ms: number, { wakeOnSignal = true }: { wakeOnSignal?: boolean } = {}): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    timer.unref();
    function done() {
      clearTimeout(timer);
      state.wake = null;
      resolve();
    }
    state.wake = () => {
      if (wakeOnSignal || state.stopping) done();
    };
  });
}
