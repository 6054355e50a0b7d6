// At most N write transactions at a time in this process; the rest wait their turn in order.
// Concurrent batches all insert at the right-hand edge of the same indexes (timestamps near now),
// so beyond a writer or two PostgreSQL spends its CPU contending for those pages, not storing rows.
export class WriteSlots {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly limit: number) {}

  async run<T>(write: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.active++;
    try {
      return await write();
    } finally {
      // Hand the slot straight to the next writer, or free it.
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }
}
