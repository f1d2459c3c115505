/** Why a connection could not be opened or was closed by the peer. `code` tells the caller whether to retry. */
export class ConnectionError extends Error {
  override readonly name = 'ConnectionError';
  constructor(
    message: string,
    /** REFUSED: authentication or version, do not retry; NETWORK: the peer is down or went away; PROTOCOL: it spoke nonsense. */
    readonly code: 'REFUSED' | 'NETWORK' | 'PROTOCOL',
  ) {
    super(message);
  }
}
