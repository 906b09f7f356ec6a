// The embedded twin's alert destination: one JSON line per alert appended to `alerts.jsonl` in its
// data directory, as rejected records go to `failures.jsonl`.
import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Alert, AlertSink } from '../contracts/alerts.ts';

export class FileAlertSink implements AlertSink {
  constructor(readonly path: string) {}

  async publish(alerts: readonly Alert[]): Promise<void> {
    if (alerts.length === 0) return;
    await mkdir(dirname(this.path), { recursive: true });
    // One append for the batch: the lines of one forecast's alerts stay together.
    await appendFile(this.path, alerts.map((a) => `${JSON.stringify(a)}\n`).join(''), 'utf8');
  }
}
