// Wire compatibility with the seed (the Python PyROS): its Sender opens a socket, sends the UTF-8
// bytes of the message and closes. Python runs that code literally here, and Node does the same.
process.env.PYROS_LOG_LEVEL = 'silent';

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { afterEach, test } from 'node:test';
import { promisify } from 'node:util';
import type { MessageMeta } from '../../src/agent/message.js';
import { waitFor } from '../helpers.js';
import {
  assertServing,
  configureAgent,
  portClosed,
  rawConnect,
  sendRawText,
  shutdownAgent,
  status,
  stopStartedAgents,
  TestAgent,
  within,
} from '../net-helpers.js';

const run = promisify(execFile);

// The seed's client code, word for word (agent.py's send_to), with the address and message as arguments.
const SEED_CLIENT = `
import socket, sys
ip, port, message = sys.argv[1], int(sys.argv[2]), sys.argv[3]
client_socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
client_socket.connect((ip, port))
client_socket.send(bytes(message, 'UTF-8'))
client_socket.close()
`;

function pythonSend(port: number, message: string): Promise<unknown> {
  return run('python3', ['-c', SEED_CLIENT, '127.0.0.1', String(port), message], { timeout: 10_000 });
}

afterEach(stopStartedAgents);

interface Seen {
  payload: unknown;
  meta: MessageMeta;
}

async function startRecorder(name: string): Promise<{ agent: TestAgent; port: number; seen: Seen[] }> {
  const { port } = await configureAgent(name);
  const seen: Seen[] = [];
  const agent = new TestAgent(name);
  for (const m of ['Observation finished', 'Hello', 'Été à 22h — ✓', 'line']) {
    agent.on(m, (payload, meta) => {
      seen.push({ payload, meta });
    });
  }
  await agent.start();
  return { agent, port, seen };
}

test('a message sent by the seed client in Python reaches the handler', async () => {
  const { agent, port, seen } = await startRecorder('scheduler');
  await pythonSend(port, 'Observation finished');
  await pythonSend(port, 'Été à 22h — ✓');
  await waitFor(() => seen.length === 2, 5000, 'two deliveries');
  assert.deepEqual(
    seen.map((s) => s.meta.message),
    ['Observation finished', 'Été à 22h — ✓'],
  );
  for (const s of seen) {
    assert.equal(s.payload, undefined, 'the text protocol carries no payload');
    assert.equal(s.meta.protocol, 'text');
    assert.match(s.meta.sender, /^127\.0\.0\.1:\d+$/);
    assert.match(s.meta.id, /^text:\d+$/);
  }
  assert.notEqual(seen[0]?.meta.id, seen[1]?.meta.id);
  const st = await status('scheduler');
  assert.equal(st.received, 2);
  assert.equal(st.handled, 2);
  assert.equal(st.rejectedConnections, 0);
  await shutdownAgent(agent);
});

test('SHUTDOWN from the seed client in Python stops the agent and closes its port', async () => {
  let shutdownCalled = 0;
  const { agent, port } = await startRecorder('majordome');
  agent.shutdownFn = () => {
    shutdownCalled++;
  };
  await assertServing('majordome');
  await pythonSend(port, 'SHUTDOWN');
  await within(agent.stopped, 5000, 'agent.stopped');
  assert.equal(shutdownCalled, 1);
  assert.equal(await portClosed(port), true, 'the port is closed');
});

test('a Node socket doing the same (connect, write, end) delivers, with a trailing newline stripped', async () => {
  const { agent, port, seen } = await startRecorder('analyzer');
  await sendRawText(port, 'Hello');
  await sendRawText(port, 'line\n'); // as `echo line | nc` sends it
  await sendRawText(port, Buffer.from('line\r\n', 'utf8'));
  await waitFor(() => seen.length === 3, 5000, 'three deliveries');
  assert.deepEqual(
    seen.map((s) => s.meta.message),
    ['Hello', 'line', 'line'],
  );
  // An empty message is ignored, not delivered; the agent goes on.
  await sendRawText(port, '');
  await sendRawText(port, '\n');
  await assertServing('analyzer');
  assert.equal(seen.length, 3);
  // A message split over many writes is one message.
  const c = await rawConnect(port);
  for (const part of ['Hel', 'l', 'o']) {
    c.socket.write(part);
    await new Promise((r) => setTimeout(r, 20));
  }
  c.socket.end();
  await c.closed;
  await waitFor(() => seen.length === 4, 5000, 'the split message');
  assert.equal(seen[3]?.meta.message, 'Hello');
  await sendRawText(port, 'SHUTDOWN');
  await within(agent.stopped, 5000, 'agent.stopped');
  assert.equal(await portClosed(port), true);
});
