/** Whether `host` is a loopback address (127.0.0.0/8, ::1, localhost): only this machine can connect. */
export function isLoopbackHost(host: string): boolean {
  const h = host
    .trim()
    .toLowerCase()
    .replace(/^\[|\]$/g, '');
  return (
    h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h) || /^::ffff:127(\.\d{1,3}){3}$/.test(h)
  );
}

/** The host name of an HTTP `Host` header, without its port (`[::1]:8080` → `::1`). */
export function hostOfHeader(header: string | undefined): string {
  if (header === undefined) return '';
  const bracket = /^\[([^\]]*)\]/.exec(header);
  if (bracket !== null) return bracket[1] as string;
  const colons = header.split(':').length - 1;
  return colons === 1 ? (header.split(':')[0] as string) : header;
}
