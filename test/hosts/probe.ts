// The operator's console on a host of a namespace test: a long-running process that asks the
// agents by message, publishes VOEvents over VTP and reads the dashboard's API, on the test's
// behalf (the test runs in the root namespace, which has no route to the hosts).
// Usage: node --import tsx probe.ts CONFIG; JSON lines in on stdin, one answer line each on stdout:
//   {"id":1,"op":"ask","agent":"majordome","message":"Execution","payload":{}} → {"id":1,"ok":true,"value":…}
//   {"id":2,"op":"send","agent":"scheduler","message":"SHUTDOWN"}
//   {"id":3,"op":"publish","host":"10.1.2.1","port":8098,"xml":"<?xml …"} → value: { role, sentAt }
//   {"id":4,"op":"http","url":"http://10.1.2.3:8080/api/images","token":"…"} → value: { status, body }
import { createInterface } from 'node:readline';
import { AgentConfig } from '../../src/config/agent-config.js';
import { Sender } from '../../src/sender/sender.js';
import { publishVoEvent } from '../../src/transport/vtp/vtp-publisher.js';

const [configPath] = process.argv.slice(2);
if (configPath === undefined) throw new Error('usage: probe.ts CONFIG');
const config = AgentConfig.load(configPath);
Sender.configure({
  from: 'probe',
  retry: { retries: 2, baseDelayMs: 50, maxDelayMs: 200, connectTimeoutMs: 1000 },
});

type Command =
  | { id: number; op: 'ask'; agent: string; message: string; payload?: unknown; timeout?: number }
  | { id: number; op: 'send'; agent: string; message: string; payload?: unknown; timeout?: number }
  | { id: number; op: 'publish'; host: string; port: number; xml: string }
  | { id: number; op: 'http'; url: string; token?: string };

async function run(c: Command): Promise<unknown> {
  if (c.op === 'ask' || c.op === 'send') {
    const options = { config, timeout: c.timeout ?? 5000 };
    return c.op === 'ask'
      ? Sender.request(c.agent, c.message, c.payload, options)
      : Sender.sendTo(c.agent, c.message, c.payload, options);
  }
  if (c.op === 'publish') {
    // When it left, by this machine's clock (the same in every namespace): what bench/alerts times from.
    const sentAt = Date.now();
    const { role } = await publishVoEvent({ host: c.host, port: c.port, xml: c.xml, timeoutMs: 10_000 });
    return { role, sentAt };
  }
  const response = await fetch(c.url, {
    headers: c.token === undefined ? {} : { authorization: `Bearer ${c.token}` },
  });
  return { status: response.status, body: await response.json() };
}

const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  const c = JSON.parse(line) as Command;
  run(c).then(
    (value) => process.stdout.write(`${JSON.stringify({ id: c.id, ok: true, value })}\n`),
    (err: Error) =>
      process.stdout.write(
        `${JSON.stringify({ id: c.id, ok: false, error: `${err.name}: ${err.message}` })}\n`,
      ),
  );
});
lines.on('close', () => {
  Sender.closeAll();
  process.exit(0);
});
process.stdout.write('ready\n');
