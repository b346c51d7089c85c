/** What the real logger wrote: pino's destination, kept in memory. Each line is one JSON object. */
export class LogCapture {
  readonly lines: string[] = [];

  write(chunk: string): void {
    this.lines.push(...chunk.split('\n').filter(Boolean));
  }

  /** Every line, parsed. */
  entries(): Array<Record<string, any>> {
    return this.lines.map((line) => JSON.parse(line) as Record<string, any>);
  }

  text(): string {
    return this.lines.join('\n');
  }
}
