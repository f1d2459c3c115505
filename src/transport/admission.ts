import type { Socket } from 'node:net';

/** Limits of {@link Admission}. */
export interface AdmissionLimits {
  /** Connections in all. */
  readonly maxConnections: number;
  /** Connections not yet trusted (handshake not done, or nothing useful sent yet), in all. */
  readonly maxPending: number;
  /** The same, from one remote address. */
  readonly maxPendingPerAddress: number;
  /**
   * Connections from one remote address, trusted or not (default: no limit): where trust proves
   * nothing (anyone may send a VOEvent), one address must not hold every slot.
   */
  readonly maxPerAddress?: number;
}

/** One admitted connection. */
export interface Admitted {
  readonly socket: Socket;
  /** The peer's address, taken at accept (a destroyed socket no longer has one). */
  readonly address: string;
  readonly since: number;
  /** It has sent something: a silent connection is closed first when room is needed. */
  heard: boolean;
  trusted: boolean;
}

/**
 * Who may hold a connection. A connection is pending until its owner trusts it (a framed session
 * after its handshake, a VTP author after a whole frame). Pending connections have a pool of their
 * own: when it is full, or one address holds its share, a pending connection is closed to make
 * room: the oldest that has sent nothing, else the oldest. A real peer speaks at once (a TLS
 * ClientHello, a HELLO, a VOEvent), so silent connections go before it. So silent or slow connections, however many an attacker opens, never keep out a peer
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
    const ours = [...this.#all].filter((c) => c.address === address);
    const mine = ours.filter((c) => !c.trusted);
    let victim: Admitted | undefined;
    let why = '';
    if (ours.length >= (this.limits.maxPerAddress ?? Number.POSITIVE_INFINITY)) {
      victim = mine.length > 0 ? worst(mine) : (ours[0] as Admitted);
      why = `${ours.length} connections from ${address}, its share: its oldest ${victim.trusted ? '' : 'pending '}one closed`;
    } else if (mine.length >= this.limits.maxPendingPerAddress) {
      victim = worst(mine);
      why = `${mine.length} connections from ${address} without a handshake: the oldest ${victim.heard ? '' : 'silent '}one closed`;
    } else if (this.#pending >= this.limits.maxPending) {
      victim = worst([...this.#all].filter((c) => !c.trusted));
      why = `${this.#pending} connections without a handshake: the oldest ${victim?.heard ? '' : 'silent '}one closed`;
    }
    if (victim !== undefined) {
      // Released now, not at its 'close' event: the room is needed for this connection.
      this.release(victim);
      evict(victim, why);
    }
    if (this.#all.size >= this.limits.maxConnections) return undefined;
    const admitted: Admitted = { socket, address, since: Date.now(), heard: false, trusted: false };
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

/** The pending connection to close first (in admission order): the oldest silent one, else the oldest. */
function worst(pending: readonly Admitted[]): Admitted {
  return (pending.find((c) => !c.heard) ?? pending[0]) as Admitted;
}
