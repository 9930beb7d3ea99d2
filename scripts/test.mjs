// `npm test`: type-check, lint and build, then every layer in order — unit, sidecar (the real process
// and real node-llama-cpp on generated models), integration (the real VS Code extension host in
// code-server), package (every platform's .vsix unpacked and checked) and UI (Chromium driving
// code-server with the packaged .vsix).
// Usage: node scripts/test.mjs [unit|sidecar|integration|package|ui ...]   (default: all)
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const layers = ['unit', 'sidecar', 'integration', 'package', 'ui'];
const requested = process.argv.slice(2);
const unknown = requested.filter((layer) => !layers.includes(layer));
if (unknown.length) {
  console.error(`unknown test layer(s): ${unknown.join(', ')}; choose from ${layers.join(', ')}`);
  process.exit(2);
}
const selected = requested.length ? requested : layers;

const testFiles = (dir) =>
  readdirSync(path.join(root, dir))
    .filter((file) => file.endsWith('.test.mjs'))
    .map((file) => path.join(dir, file));

const steps = {
  unit: () => [['node', ['--test', ...testFiles('out/test/unit'), ...testFiles('out/test/fixtures')]]],
  // One at a time: each starts sidecars and loads models on a machine with two cores. The server
  // engines are tested against a real llama-server, built once from node-llama-cpp's llama.cpp source.
  sidecar: () => [
    ['bash', ['test/tools/build-llama-server.sh']],
    ['node', ['--test', '--test-concurrency=1', ...testFiles('out/test/sidecar')]],
  ],
  integration: () => [
    ['bash', ['test/tools/install-test-tools.sh']],
    ['bash', ['test/tools/build-llama-server.sh']],
    ['node', ['out/test/integration/runTests.mjs']],
  ],
  // Every platform's binaries are fetched first (once, into the prebuilt cache); the test packs offline.
  package: () => [
    ['bash', ['test/tools/install-test-tools.sh']],
    ['node', ['scripts/prebuilt.mjs', '--fetch']],
    ['node', ['--test', ...testFiles('out/test/package')]],
  ],
  ui: () => [
    ['bash', ['test/tools/install-test-tools.sh']],
    ['node', ['scripts/package.mjs', '--out', 'out/pylot.vsix']],
    ['node', ['--test', '--test-concurrency=1', ...testFiles('out/test/ui')]],
  ],
};

const started = Date.now();
run('npx', ['tsc', '-p', '.']);
run('npx', ['tsc', '-p', 'webview-ui']);
// Style and layers (eslint.config.mjs), formatting (Prettier), and package.json's settings against protocol/settings.ts.
run('npx', ['eslint', '.']);
run('npx', ['prettier', '--check', '.']);
run('node', ['scripts/settings.mjs', '--check']);
run('node', ['esbuild.mjs', '--tests']);
for (const layer of selected) {
  const layerStarted = Date.now();
  console.log(`\n── ${layer} tests ──`);
  for (const [command, args] of steps[layer]()) run(command, args);
  console.log(`── ${layer} tests passed in ${((Date.now() - layerStarted) / 1000).toFixed(0)} s ──`);
}
console.log(`\nAll ${selected.join(', ')} tests passed in ${((Date.now() - started) / 1000).toFixed(0)} s.`);

function run(command, args) {
  const result = spawnSync(command === 'node' ? process.execPath : command, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`\n✖ ${command} ${args.join(' ')} failed (${result.signal ?? `exit code ${result.status}`})`);
    process.exit(1);
  }
}
