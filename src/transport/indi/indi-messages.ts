// What the parser hands over: one typed message per top-level INDI element a server sends, and
// the problems it met that cost one message but not the connection.
import type { IndiBlobData, IndiState, IndiVectorDefinition } from './indi-types.js';

interface IndiSetBase {
  readonly device: string;
  readonly name: string;
  /** Absent: unchanged. */
  readonly state?: IndiState;
  readonly timeout?: number;
  readonly timestamp?: string;
  readonly message?: string;
}

/** A `set*Vector`: new values for some (or all) elements of a defined vector. */
export type IndiVectorUpdate =
  | (IndiSetBase & { readonly type: 'Number'; readonly values: ReadonlyMap<string, number> })
  | (IndiSetBase & { readonly type: 'Switch'; readonly values: ReadonlyMap<string, boolean> })
  | (IndiSetBase & { readonly type: 'Text'; readonly values: ReadonlyMap<string, string> })
  | (IndiSetBase & { readonly type: 'Light'; readonly values: ReadonlyMap<string, IndiState> })
  | (IndiSetBase & { readonly type: 'BLOB'; readonly values: ReadonlyMap<string, IndiBlobData> });

/** One message from an INDI server. */
export type IndiInbound =
  | { readonly kind: 'define'; readonly vector: IndiVectorDefinition }
  | { readonly kind: 'update'; readonly update: IndiVectorUpdate }
  | {
      readonly kind: 'delete';
      readonly device: string;
      readonly name?: string;
      readonly timestamp?: string;
      readonly message?: string;
    }
  | { readonly kind: 'message'; readonly device?: string; readonly timestamp?: string; readonly text: string }
  /** indiserver answers a client's pingRequest itself, without asking any driver. */
  | { readonly kind: 'pingReply'; readonly uid: string }
  | { readonly kind: 'pingRequest'; readonly uid: string }
  /** A message dropped (over a limit, an unreadable value): the stream goes on. */
  | {
      readonly kind: 'problem';
      readonly reason: string;
      readonly device?: string;
      readonly property?: string;
    };
