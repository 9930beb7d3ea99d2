// Run as a child process by indexStore.test: writes an index record through the real ShardStore,
// but the process is killed half way through writing the bytes, as a crash or power cut would.
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { formatVersion, ShardStore } from '../../../sidecar/index/shardStore';

const [storeDir, relative] = process.argv.slice(2) as [string, string];
fs.writeFileSync = ((file: fs.PathOrFileDescriptor, data: string | NodeJS.ArrayBufferView) => {
  const fd = fs.openSync(file as fs.PathLike, 'w');
  fs.writeSync(fd, String(data).slice(0, 200));
  process.kill(process.pid, 'SIGKILL');
}) as typeof fs.writeFileSync;
syncBuiltinESMExports();
new ShardStore(storeDir).write({
  version: formatVersion,
  path: relative,
  mtimeMs: 2,
  size: 2,
  generation: 9,
  chunks: [{ key: 9 << 16, startLine: 1, endLine: 1, symbol: '', text: 'new text '.repeat(10_000) }],
});
