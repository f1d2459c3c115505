// The INDI property model (protocol 1.7) as the client keeps it: vectors of named elements, one
// type per vector, plus the limits that bound what a server can make us hold and the error class
// the client throws. Names follow the protocol's own spelling (defNumberVector → type 'Number').

/** The five kinds of INDI property. */
export type IndiPropertyType = 'Number' | 'Switch' | 'Text' | 'Light' | 'BLOB';

/** A vector's (or a light's) state. */
export type IndiState = 'Idle' | 'Ok' | 'Busy' | 'Alert';

/** Who may write a vector: read-only, write-only, read-write. Lights have none. */
export type IndiPerm = 'ro' | 'wo' | 'rw';

/** How many switches of a vector may be On at once. */
export type IndiSwitchRule = 'OneOfMany' | 'AtMostOne' | 'AnyOfMany';

/** What an `enableBLOB` asks the server for: no BLOBs, BLOBs with everything else, only BLOBs. */
export type IndiBlobMode = 'Never' | 'Also' | 'Only';

interface IndiElementBase {
  readonly name: string;
  readonly label?: string;
}

/** A number; INDI's sexagesimal texts ("12:30:00") are already converted (12.5). */
export interface IndiNumberElement extends IndiElementBase {
  readonly value: number;
  /** printf-style, with INDI's %m for sexagesimal: how a GUI shows it. */
  readonly format?: string;
  readonly min?: number;
  readonly max?: number;
  readonly step?: number;
}

/** A switch: true is On. */
export interface IndiSwitchElement extends IndiElementBase {
  readonly value: boolean;
}

export interface IndiTextElement extends IndiElementBase {
  readonly value: string;
}

export interface IndiLightElement extends IndiElementBase {
  readonly value: IndiState;
}

/**
 * A BLOB element as cached: its last format and size, never its bytes (those come once, in a
 * `blob` event, so that the cache does not hold megabytes).
 */
export interface IndiBlobElement extends IndiElementBase {
  readonly format?: string;
  readonly size?: number;
}

export type IndiElement =
  | IndiNumberElement
  | IndiSwitchElement
  | IndiTextElement
  | IndiLightElement
  | IndiBlobElement;

/** What every vector carries, whatever its type. */
export interface IndiVectorBase {
  readonly device: string;
  readonly name: string;
  readonly label?: string;
  readonly group?: string;
  readonly state: IndiState;
  /** Absent on lights. */
  readonly perm?: IndiPerm;
  /** Seconds the driver expects a change to take at most (advisory). */
  readonly timeout?: number;
  /** The driver's timestamp of the last define/update, as sent (UTC, ISO 8601 without zone). */
  readonly timestamp?: string;
  /** The driver's message attached to the last define/update. */
  readonly message?: string;
}

/** A vector as a `def*Vector` message defines it (what the parser produces). */
export type IndiVectorDefinition =
  | (IndiVectorBase & { readonly type: 'Number'; readonly elements: ReadonlyMap<string, IndiNumberElement> })
  | (IndiVectorBase & {
      readonly type: 'Switch';
      readonly rule: IndiSwitchRule;
      readonly elements: ReadonlyMap<string, IndiSwitchElement>;
    })
  | (IndiVectorBase & { readonly type: 'Text'; readonly elements: ReadonlyMap<string, IndiTextElement> })
  | (IndiVectorBase & { readonly type: 'Light'; readonly elements: ReadonlyMap<string, IndiLightElement> })
  | (IndiVectorBase & { readonly type: 'BLOB'; readonly elements: ReadonlyMap<string, IndiBlobElement> });

/** When the client last heard of a vector: how fresh its values are. */
export interface IndiFreshness {
  /** ms (Date.now()) of the last def of this vector. */
  readonly definedAt: number;
  /** ms of the last def or set of this vector. */
  readonly updatedAt: number;
}

/** A vector in the client's cache. Immutable: each update makes a new one. */
export type IndiVector = IndiVectorDefinition & IndiFreshness;

export type IndiNumberVector = Extract<IndiVector, { type: 'Number' }>;
export type IndiSwitchVector = Extract<IndiVector, { type: 'Switch' }>;
export type IndiTextVector = Extract<IndiVector, { type: 'Text' }>;
export type IndiLightVector = Extract<IndiVector, { type: 'Light' }>;
export type IndiBlobVector = Extract<IndiVector, { type: 'BLOB' }>;

/** One BLOB as a `setBLOBVector` delivers it, decoded from base64. */
export interface IndiBlobData {
  readonly name: string;
  /** As sent: ".fits", ".fits.z" (zlib-compressed), ".stream"... */
  readonly format: string;
  /** The `size` attribute: the uncompressed size the driver declared. */
  readonly size: number;
  readonly data: Buffer;
}

/** The events of an IndiClient, by name. */
export interface IndiClientEvents {
  /** A connection to the server is up (getProperties already sent). */
  connected: { readonly address: string };
  /** The connection dropped; the cache is empty; the client reconnects unless closed. */
  disconnected: { readonly reason: string };
  /** A vector was defined, or defined again (after a reconnect, a ping, a driver restart). */
  define: { readonly vector: IndiVector };
  update: { readonly vector: IndiVector; readonly previousState: IndiState };
  /** Without `name`: the whole device went (its driver died or disconnected it). */
  delete: { readonly device: string; readonly name?: string };
  message: { readonly device?: string; readonly text: string; readonly timestamp: string };
  blob: {
    readonly device: string;
    readonly vector: string;
    readonly element: string;
    readonly format: string;
    readonly size: number;
    readonly data: Buffer;
  };
  /** Something the server sent was refused or dropped (over a limit, unreadable); one line. */
  error: { readonly reason: string; readonly device?: string; readonly property?: string };
}

/** How much a server can make the client hold. Every field has a default (DEFAULT_INDI_LIMITS). */
export interface IndiLimits {
  /** UTF-8 bytes of one element's text (not BLOBs). Over it, the message is dropped with an error event. */
  readonly maxTextBytes: number;
  /** Decoded bytes of one BLOB (also checked against its declared size). Over it, the BLOB is dropped. */
  readonly maxBlobBytes: number;
  /** Elements of one vector. Over it, the message is dropped. */
  readonly maxElementsPerVector: number;
  /** Vectors the cache keeps for one device. Over it, new definitions are dropped. */
  readonly maxVectorsPerDevice: number;
  /** Devices the cache keeps. */
  readonly maxDevices: number;
  /** Characters of one attribute value (at most 65 536: sax's own buffer bound). Over it: malformed. */
  readonly maxAttributeLength: number;
  /** Attributes of one element. Over it: malformed. */
  readonly maxAttributes: number;
}

/**
 * Defaults sized for INDI as drivers write it: libindi bounds names and labels to 64 bytes and
 * messages to a few hundred, while a camera's FITS easily reaches tens of MiB.
 */
export const DEFAULT_INDI_LIMITS: IndiLimits = {
  maxTextBytes: 64 * 1024,
  maxBlobBytes: 64 * 1024 * 1024,
  maxElementsPerVector: 512,
  maxVectorsPerDevice: 1024,
  maxDevices: 256,
  maxAttributeLength: 4096,
  maxAttributes: 32,
};

/** Options of every wait of the client. */
export interface IndiWaitOptions {
  /** Default 10 000 ms. */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

/** Options of IndiClient.request(). */
export interface IndiRequestOptions extends IndiWaitOptions {
  /**
   * The states that end a request well, once the driver has handled it. Default ['Ok', 'Idle'].
   * Some properties stay Busy while an action goes on by INDI's convention (the telescope
   * simulator's TELESCOPE_TRACK_STATE is Busy while tracking): ['Busy', 'Ok'] ends such a
   * request as soon as the driver has taken it. Alert always rejects.
   */
  readonly accept?: readonly IndiState[];
}

/** An error of the INDI client: one line, naming the device and property it is about. */
export class IndiError extends Error {
  override readonly name = 'IndiError';
  readonly device: string | undefined;
  readonly property: string | undefined;

  constructor(message: string, where: { device?: string; property?: string } = {}) {
    super(message.split('\n')[0]);
    this.device = where.device;
    this.property = where.property;
  }
}
