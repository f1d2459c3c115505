/**
 * The highest message sequence number accepted per client session, so that a client that
 * reconnects and resends what it had not seen acknowledged never gets a message delivered twice.
 * Bounded: the oldest sessions are forgotten first.
 */
export class SessionLog {
  private readonly lastSeq = new Map<string, number>();

  constructor(private readonly capacity = 10_000) {}

  get(session: string): number {
    return this.lastSeq.get(session) ?? 0;
  }

  set(session: string, seq: number): void {
    if (!this.lastSeq.has(session) && this.lastSeq.size >= this.capacity) {
      const oldest = this.lastSeq.keys().next().value;
      if (oldest !== undefined) this.lastSeq.delete(oldest);
    }
    this.lastSeq.set(session, seq);
  }
}
