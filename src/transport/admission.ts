import type { Socket } from 'node:net';

/** Limits of {@link Admission}. */
export interface AdmissionLimits {
  /** Connections in all. */
  readonly maxConnections: number;
  /** Connections not yet trusted (handshake not done, or nothing useful sent yet), in all. */
  readonly maxPending: number;
  /** The same, from one remote address. */
  readonly maxPendingPerAddress: number;
}

/** One admitted connection. */
export interface Admitted {
  readonly socket: Socket;
  /** The peer's address, taken at accept (a destroyed socket no longer has one). */
  readonly address: string;
  readonly since: number;
  trusted: boolean;
}

/**
 * Who may hold a connection. A connection is pending until its owner trusts it (a framed session
 * after its handshake, a VTP author after a whole frame). Pending connections have a pool of their
 * own: when it is full, or one address holds its share, the oldest pending connection is closed to
 * make room. So silent or slow connections, however many an attacker opens, never keep out a peer
 * that completes its handshake (`pyros status`, an agent with the secret), and trusted connections
 * have the rest of `maxConnections` to themselves.
 */
export class Admission {
  readonly #all = new Set<Admitted>();
  #pending = 0;

  constructor(private readonly limits: AdmissionLimits) {}

  get size(): number {
    return this.#all.size;
  }

  /**
   * Admits a new connection, evicting pending ones (`evict` closes them) when their pool is full;
   * undefined when even that leaves no room (every slot held by trusted connections).
   */
  admit(socket: Socket, evict: (victim: Admitted, why: string) => void): Admitted | undefined {
    const address = socket.remoteAddress ?? '?';
    const mine = [...this.#all].filter((c) => !c.trusted && c.address === address);
    let victim: Admitted | undefined;
    let why = '';
    if (mine.length >= this.limits.maxPendingPerAddress) {
      victim = mine[0];
      why = `${mine.length} connections from ${address} without a handshake: the oldest closed`;
    } else if (this.#pending >= this.limits.maxPending) {
      victim = [...this.#all].find((c) => !c.trusted);
      why = `${this.#pending} connections without a handshake: the oldest closed`;
    }
    if (victim !== undefined) {
      // Released now, not at its 'close' event: the room is needed for this connection.
      this.release(victim);
      evict(victim, why);
    }
    if (this.#all.size >= this.limits.maxConnections) return undefined;
    const admitted: Admitted = { socket, address, since: Date.now(), trusted: false };
    this.#all.add(admitted);
    this.#pending++;
    return admitted;
  }

  /** The connection has proved itself: it leaves the pending pool. */
  trust(c: Admitted): void {
    if (c.trusted || !this.#all.has(c)) return;
    c.trusted = true;
    this.#pending--;
  }

  /** The connection is gone. */
  release(c: Admitted): void {
    if (!this.#all.delete(c)) return;
    if (!c.trusted) this.#pending--;
  }
}
