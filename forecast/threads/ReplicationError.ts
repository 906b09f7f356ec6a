// The error of a replication that failed in a worker thread, in a module of its own: the commands
// that check for it do not load worker_threads until they start a thread.

/** A worker thread failed a task: its error's name and message, as the thread reported them. */
export class ReplicationError extends Error {
  override name = 'ReplicationError';
}
