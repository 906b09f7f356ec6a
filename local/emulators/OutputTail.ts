// The last lines a child process wrote, kept so that an error can quote what the child said before it failed.

const TAIL_LINES = 5;

/** The last few non-empty lines of a stream of output chunks. */
export class OutputTail {
  private readonly lines: string[] = [];
  private partial = '';

  push(chunk: Buffer): void {
    const text = this.partial + chunk.toString('utf8');
    const parts = text.split(/\r?\n/);
    this.partial = parts.pop() ?? '';
    for (const line of parts) {
      if (line.trim() === '') continue;
      this.lines.push(line.trim());
      if (this.lines.length > TAIL_LINES) this.lines.shift();
    }
  }

  toString(): string {
    const all = this.partial.trim() === '' ? this.lines : [...this.lines, this.partial.trim()];
    return all.slice(-TAIL_LINES).join(' | ');
  }
}
