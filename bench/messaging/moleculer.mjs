// Moleculer 0.15 setup shared by both sides of the benchmark: the TCP transporter with a static node
// list on 127.0.0.1, no UDP discovery, no logger, and its TCP server bound to loopback only.

import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
let patched = false;

/**
 * Moleculer 0.15's TCP reader calls server.listen({ port, exclusive }) with no host, i.e. on every
 * interface, and has no option to change it. Replace its listen() with the same code plus
 * host: '127.0.0.1', so nothing of the benchmark is reachable from outside the machine.
 */
function bindTcpReaderToLoopback() {
  if (patched) return;
  patched = true;
  const root = dirname(require.resolve('moleculer'));
  const TcpReader = require(join(root, 'src/transporters/tcp/tcp-reader.js'));
  TcpReader.prototype.listen = function listen() {
    return new this.Promise((resolve, reject) => {
      const server = createServer((socket) => this.onTcpClientConnected(socket));
      let pending = reject;
      server.on('error', (err) => {
        this.logger.error('Server error.', err);
        pending?.(err);
      });
      server.listen({ port: this.opts.port, host: '127.0.0.1', exclusive: true }, () => {
        this.opts.port = server.address().port;
        this.connected = true;
        pending = undefined;
        resolve(this.opts.port);
      });
      this.server = server;
    });
  };
}

/** The ServiceBroker class (loopback-patched) and Moleculer's version. */
export function loadMoleculer() {
  bindTcpReaderToLoopback();
  const { ServiceBroker } = require('moleculer');
  return { ServiceBroker, version: ServiceBroker.MOLECULER_VERSION };
}

/** `urls`: every node as '127.0.0.1:PORT/nodeID'; a node takes its own port from its entry. */
export function brokerOptions(nodeID, urls) {
  return {
    nodeID,
    logger: false,
    transporter: { type: 'TCP', options: { udpDiscovery: false, urls } },
    metrics: false,
    tracing: false,
  };
}
