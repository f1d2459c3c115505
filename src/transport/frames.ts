/**
 * The framed protocol's constants: the connection preamble, frame types and limits.
 * docs/protocol.md is the reference; these numbers are the wire format, never change one in place.
 */

/** First bytes a framed client sends. A NUL first byte never starts a UTF-8 text message, so a server tells the two protocols apart by it. */
export const FRAMED_MAGIC = Buffer.from([0x00, 0x50, 0x59, 0x52]); // "\0PYR"

/** The framed protocol version this implementation speaks. */
export const PROTOCOL_VERSION = 1;

/** Bytes of the length prefix that starts every frame. */
export const LENGTH_BYTES = 4;

export const FrameType = {
  HELLO: 0x01,
  WELCOME: 0x02,
  AUTH: 0x03,
  READY: 0x04,
  MSG: 0x10,
  ACK: 0x11,
  REPLY: 0x12,
  REJECT: 0x13,
  ERROR: 0x7f,
} as const;
export type FrameType = (typeof FrameType)[keyof typeof FrameType];

/** MSG flag bits. */
export const MsgFlag = { WANTS_REPLY: 0x01 } as const;

/** WELCOME flag bits. */
export const WelcomeFlag = { AUTH_REQUIRED: 0x01 } as const;

/** REPLY status byte. */
export const ReplyStatus = {
  OK: 0,
  HANDLER_ERROR: 1,
  UNKNOWN_MESSAGE: 2,
} as const;
export type ReplyStatus = (typeof ReplyStatus)[keyof typeof ReplyStatus];

/**
 * Why a MSG was refused: an optional byte after a REJECT's reason (absent means REFUSED, so a
 * REJECT without it reads as before).
 */
export const RejectCode = {
  /** Refused as a whole: shutting down, misrouted, payload not JSON. */
  REFUSED: 0,
  /** The payload does not match the message's declared schema; the reason names the field. */
  INVALID_PAYLOAD: 1,
} as const;
export type RejectCode = (typeof RejectCode)[keyof typeof RejectCode];

/** ERROR codes, sent before the server closes the connection. */
export const ErrorCode = {
  PROTOCOL: 1,
  VERSION: 2,
  AUTH: 3,
  TOO_LARGE: 4,
  TIMEOUT: 5,
  SHUTTING_DOWN: 6,
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export const SESSION_ID_BYTES = 16;
export const NONCE_BYTES = 32;

/** Bytes a MSG frame adds around its message name and payload: type, seq, flags, time, three length fields. */
export const MSG_OVERHEAD = 1 + 4 + 1 + 8 + 1 + 1 + 2 + 4;
