// The header reader the platform-package test relies on, on real binaries of four platforms that
// npm installed here (usearch ships prebuilds for all of them) and on files that are not binaries.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { nativeTarget } from './nativeFiles';

const modules = path.resolve(import.meta.dirname, '../../../node_modules');

describe('reading the platform of a native file', () => {
  it('names the OS and CPU of ELF, PE and universal Mach-O binaries', () => {
    const prebuild = (name: string) => nativeTarget(path.join(modules, 'usearch/prebuilds', name, 'usearch.node'));
    assert.deepEqual(prebuild('linux-x64'), { os: 'linux', cpus: ['x64'] });
    assert.deepEqual(prebuild('linux-arm64'), { os: 'linux', cpus: ['arm64'] });
    assert.deepEqual(prebuild('win32-x64'), { os: 'win32', cpus: ['x64'] });
    assert.deepEqual(new Set(prebuild('darwin-arm64+x64')!.cpus), new Set(['x64', 'arm64']));
    assert.equal(prebuild('darwin-arm64+x64')!.os, 'darwin');
    assert.deepEqual(nativeTarget(path.join(modules, '@node-llama-cpp/linux-arm64/bins/linux-arm64/llama-addon.node')), { os: 'linux', cpus: ['arm64'] });
  });

  it('says nothing about scripts, data, WASM, empty files or text that starts like a binary', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pylot-native-'));
    try {
      const shapes: Record<string, Buffer | string> = {
        'empty.node': '',
        'script.js': 'export const x = 1;\n',
        'mz.txt': 'MZ is how this text begins, but it is not a program',
        'elf.txt': '\x7fELF',
        'module.wasm': Buffer.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]),
        'java.class': Buffer.from([0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 52]),
      };
      for (const [name, content] of Object.entries(shapes)) {
        writeFileSync(path.join(dir, name), content);
        assert.equal(nativeTarget(path.join(dir, name)), undefined, name);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    assert.equal(nativeTarget(path.join(modules, 'web-tree-sitter/package.json')), undefined);
  });
});
