import { publishVoEvent as publish } from '../../../src/transport/vtp/vtp-publisher.js';

/** Submits one VOEvent to the observatory's VTP port as a publisher does; resolves with the answer's role. */
export async function publishVoEvent(port: number, xml: string): Promise<string> {
  const answer = await publish({ host: '127.0.0.1', port, xml, timeoutMs: 10_000 });
  return answer.role;
}
