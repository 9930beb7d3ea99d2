// Entry of the sidecar process: forked by the extension host, speaking JSON-RPC over the IPC channel.
import { createMessageConnection } from 'vscode-jsonrpc/node';
import { Endpoint } from '../protocol/endpoint';
import { ErrorCodes } from '../protocol/rpc';
import { describeError, log } from './log';
import { serve } from './server';
import { guardedChannel } from './transport';
import { keepEndingSignalsFatal, startWatchdog } from './watchdog';

if (!process.send) {
  log('error', 'The Pylot sidecar must be started by the extension with an IPC channel (child_process.fork).');
  process.exit(2);
}

// Not vscode-jsonrpc's IPC reader: every message passes the guard first (see guard.ts).
const channel = guardedChannel(process);
const connection = createMessageConnection(channel.reader, channel.writer, {
  error: (message) => log('error', message),
  warn: (message) => log('warn', message),
  info: (message) => log('info', message),
  log: (message) => log('debug', message),
});

// When the extension host goes away, so do we: an orphan would keep holding RAM and VRAM. The
// watchdog and the signals' default action cover the times this event loop cannot run.
process.on('disconnect', () => process.exit(0));
keepEndingSignalsFatal();
startWatchdog();
process.on('uncaughtException', (error) => {
  log('error', `Uncaught exception, exiting: ${error.stack ?? error.message}`);
  process.exit(1);
});
process.on('unhandledRejection', (reason) =>
  log('error', `Unhandled rejection: ${reason instanceof Error ? (reason.stack ?? reason.message) : String(reason)}`),
);

serve(
  new Endpoint(connection, 'sidecar', {
    // A request to the extension failing under us means the extension host is gone: the turn ends.
    lostCode: ErrorCodes.Cancelled,
    peer: 'the extension host',
    onHandlerBug: (method, error) => log('error', `${method} failed: ${error instanceof Error ? (error.stack ?? error.message) : describeError(error)}`),
    onMalformed: (method) => log('warn', `Dropped a malformed ${method} notification.`),
  }),
);
connection.listen();
log('info', `Sidecar ${process.pid} listening (node ${process.version})`);
