// The UI tests' locators, checked against text that differs from machine to machine: a substring
// locator that machine data can contain matches the wrong element somewhere else. Seen: `hasText:
// 'Process'` matched "Intel(R) Xeon(R) Processor, 1 of 2 threads" on another machine's CI.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';

const root = path.resolve(import.meta.dirname, '../../..');

/** Text Pylot shows that comes from the machine: CPU and GPU names, users, paths, counts, times. */
const machineText = [
  'Intel(R) Xeon(R) Processor, 1 of 2 threads',
  'Intel(R) Core(TM) i7-10750H CPU @ 2.60GHz, 12 threads',
  'AMD EPYC 7B13 64-Core Processor, 2 threads',
  'AMD Ryzen 9 7950X 16-Core Processor',
  'Apple M2 Max',
  'Neoverse-N1 (aarch64)',
  'Unknown CPU',
  'NVIDIA GeForce RTX 4090 Laptop GPU, 16,376 MiB',
  'AMD Radeon RX 7900 XTX (RADV NAVI31)',
  'Intel(R) UHD Graphics 630',
  'llvmpipe (LLVM 15.0.6, 256 bits)',
  'CUDA · Vulkan · Metal · CPU-AVX2 · CPU-AVX512 · CPU-NEON',
  '/home/runner/work/pylot/pylot/node_modules/node-llama-cpp',
  '/Users/Shared/models/qwen2.5-coder-1.5b-q8_0.gguf',
  'C:\\Users\\Administrator\\AppData\\Local\\Temp\\pylot-ui-chat-Ab12Cd',
  '/tmp/pylot-newcomer-XyZ123/workspace',
  '/var/folders/7x/k2_9vq0d3lb_t8ckm4lgn6dh0000gn/T/',
  'root · runner · ubuntu · vscode · node · admin · developer',
  'pid 123456 · 2 threads · 15.6 GiB free of 23.4 GiB · 1,234 ms · 12.5 tok/s · p95 987 ms',
  'Debian GNU/Linux 12 (bookworm) · linux x64 · Node.js v24.21.0',
];

interface Locator {
  file: string;
  line: number;
  text: string;
}

/** Every string a UI test hands to a substring locator: `hasText: '…'`, `getByText('…')` without `exact`. */
function substringLocators(): Locator[] {
  const dirs = ['test/ui', 'test/rig'];
  return dirs.flatMap((dir) =>
    readdirSync(path.join(root, dir))
      .filter((name) => name.endsWith('.ts'))
      .flatMap((name) => {
        const file = `${dir}/${name}`;
        return readFileSync(path.join(root, file), 'utf8')
          .split('\n')
          .flatMap((source, index) => {
            const found = [...source.matchAll(/hasText:\s*(['"`])((?:(?!\1).)*)\1/g)].map((m) => m[2]!);
            for (const m of source.matchAll(/getByText\(\s*(['"`])((?:(?!\1).)*)\1\s*(,[^)]*)?\)/g)) if (!/exact:\s*true/.test(m[3] ?? '')) found.push(m[2]!);
            return found.map((text) => ({ file, line: index + 1, text }));
          });
      }),
  );
}

describe('UI test locators', () => {
  it('finds the locators it checks', () => {
    // The scan itself must keep working: a rename of the helpers would make the next test vacuous.
    assert.ok(substringLocators().length >= 20, 'the UI tests use substring locators');
  });

  it('never match by a substring that text from the machine can contain', () => {
    const haystack = machineText.map((text) => text.toLowerCase());
    const risky = substringLocators().filter(({ text }) => haystack.some((machine) => machine.includes(text.toLowerCase())));
    assert.deepEqual(
      risky.map(({ file, line, text }) => `${file}:${line} matches by '${text}'`),
      [],
      'match such labels by role and exact name instead (see panelValue in test/ui/ghostText.test.ts)',
    );
  });

  it('would have caught the locator that broke CI', () => {
    const haystack = machineText.map((text) => text.toLowerCase());
    assert.ok(haystack.some((machine) => machine.includes('process')));
  });
});
