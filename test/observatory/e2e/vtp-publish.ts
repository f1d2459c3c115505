import { connect } from 'node:net';
import { encodeVtpFrame, VtpFrameReader } from '../../../src/transport/vtp/vtp-frame.js';
import { transportRole } from '../../../src/transport/vtp/vtp-payload.js';

/** Submits one VOEvent to a VTP receiver as a publisher does; resolves with the receiver's answer. */
export function publishVoEvent(port: number, xml: string, timeoutMs = 10_000): Promise<'ack' | 'nak'> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const reader = new VtpFrameReader();
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no ack/nak within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.on('connect', () => socket.write(encodeVtpFrame(xml)));
    socket.on('data', (chunk) => {
      reader.push(chunk);
      for (let frame = reader.next(); frame !== undefined; frame = reader.next()) {
        const role = transportRole(frame.toString('utf8'));
        if (role === 'ack' || role === 'nak') {
          clearTimeout(timer);
          socket.end();
          resolve(role);
          return;
        }
      }
    });
    socket.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}
