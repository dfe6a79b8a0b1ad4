// Coalescing a command's output into journal records: a chatty command must not cost one
// fsync per byte, yet the order of stdout and stderr is kept and nothing is lost when the
// command ends (the engine flushes before it writes step-finished).

export type Stream = 'stdout' | 'stderr';

export class OutputCoalescer {
  private stream: Stream | undefined;
  private data = '';
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly emit: (stream: Stream, data: string) => void,
    private readonly flushMs = 100,
    private readonly maxChars = 8192,
  ) {}

  push(stream: Stream, chunk: string): void {
    if (chunk === '') return;
    // A change of stream ends the record so stdout and stderr stay in the order they came.
    if (this.stream !== undefined && this.stream !== stream) this.flush();
    this.stream = stream;
    this.data += chunk;
    if (this.data.length >= this.maxChars) this.flush();
    else if (!this.timer) {
      this.timer = setTimeout(() => this.flush(), this.flushMs);
      this.timer.unref();
    }
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.stream !== undefined && this.data !== '') {
      const { stream, data } = this;
      this.data = '';
      this.stream = undefined;
      this.emit(stream, data);
    }
  }
}
