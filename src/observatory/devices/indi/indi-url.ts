/** Where an INDI device is: `indi://HOST:PORT/DEVICE NAME`. */
export interface IndiAddress {
  readonly host: string;
  readonly port: number;
  /** The device's name as its driver defines it (`Telescope Simulator`). */
  readonly device: string;
}

/** INDI's own port, when the URL names none. */
export const INDI_PORT = 7624;

/**
 * The address an `indi:` URL names, or an Error (one line) saying what form it takes. The device
 * name is the URL's path, percent-decoded (a space may be written as is or as %20).
 */
export function parseIndiUrl(url: URL): IndiAddress {
  const form = 'expected indi://HOST:PORT/DEVICE NAME (e.g. indi://127.0.0.1:7624/Telescope Simulator)';
  if (url.protocol !== 'indi:' || url.hostname === '') throw new Error(form);
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '')
    throw new Error(form);
  let device: string;
  try {
    device = decodeURIComponent(url.pathname.replace(/^\//, ''));
  } catch {
    throw new Error(`the device name is not valid percent-encoding; ${form}`);
  }
  if (device.trim() === '' || device.includes('/')) throw new Error(`no device name; ${form}`);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return { host, port: url.port === '' ? INDI_PORT : Number(url.port), device };
}
