/**
 * Wraps `fn` so that concurrent calls share one pending promise: while a call is in
 * flight, further calls get the same result instead of starting another.
 */
export function singleFlight<T>(fn: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () => {
    pending ??= fn().finally(() => {
      pending = undefined;
    });
    return pending;
  };
}
