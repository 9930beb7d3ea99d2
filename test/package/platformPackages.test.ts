// Every platform's .vsix, unpacked and checked: `npm run package -- --all --offline` must pack all six
// targets from the binaries on this machine (node_modules, and the prebuilt cache that
// `node scripts/prebuilt.mjs --fetch` fills before this layer runs). In each .vsix: exactly that
// platform's node-llama-cpp binary packages, no native file built for another OS or CPU, and
// node-llama-cpp's own resolution, run from inside the unpacked package, finds the binaries (it
// reads their headers and package files; nothing foreign is executed). A target whose binaries are
// missing, or that does not exist, is refused by name and leaves no file.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { nativeTarget } from './nativeFiles';

const root = path.resolve(import.meta.dirname, '../../..');
const version = JSON.parse(readFileSync(path.join(root, 'node_modules/node-llama-cpp/package.json'), 'utf8')).version as string;
const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string };

type Gpu = false | 'vulkan' | 'metal' | 'cuda';
interface Expected {
  readonly packages: readonly string[];
  /** node-llama-cpp's platform name and the GPU builds it must find; CUDA must not be there. */
  readonly platform: 'linux' | 'win' | 'mac';
  readonly arch: 'x64' | 'arm64';
  readonly gpus: readonly Gpu[];
  readonly os: 'linux' | 'win32' | 'darwin';
  readonly usearch: string | undefined;
}

const expected: Record<string, Expected> = {
  'linux-x64': { packages: ['linux-x64', 'linux-x64-vulkan'], platform: 'linux', arch: 'x64', gpus: [false, 'vulkan'], os: 'linux', usearch: 'linux-x64' },
  'linux-arm64': { packages: ['linux-arm64'], platform: 'linux', arch: 'arm64', gpus: [false], os: 'linux', usearch: 'linux-arm64' },
  'win32-x64': { packages: ['win-x64', 'win-x64-vulkan'], platform: 'win', arch: 'x64', gpus: [false, 'vulkan'], os: 'win32', usearch: 'win32-x64' },
  'win32-arm64': { packages: ['win-arm64'], platform: 'win', arch: 'arm64', gpus: [false], os: 'win32', usearch: undefined },
  'darwin-x64': { packages: ['mac-x64'], platform: 'mac', arch: 'x64', gpus: [false], os: 'darwin', usearch: 'darwin-arm64+x64' },
  'darwin-arm64': { packages: ['mac-arm64-metal'], platform: 'mac', arch: 'arm64', gpus: ['metal'], os: 'darwin', usearch: 'darwin-arm64+x64' },
};

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name));
}

describe('a .vsix for every platform', () => {
  const work = mkdtempSync(path.join(tmpdir(), 'pylot-platforms-'));
  let packager: { status: number | null; stderr: string; stdout: string };
  const sizes: string[] = [];

  before(() => {
    const run = spawnSync(process.execPath, ['scripts/package.mjs', '--all', '--offline', '--out-dir', work], { cwd: root, encoding: 'utf8' });
    packager = { status: run.status, stderr: run.stderr, stdout: run.stdout };
  });
  after(() => {
    console.log(`\n.vsix sizes (node-llama-cpp ${version}):\n${sizes.join('\n')}`);
    rmSync(work, { recursive: true, force: true });
  });

  it('packs all six platforms', () => {
    assert.equal(packager.status, 0, packager.stderr);
    assert.deepEqual(
      readdirSync(work)
        .filter((file) => file.endsWith('.vsix'))
        .sort(),
      Object.keys(expected)
        .map((target) => `pylot-${target}-${manifest.version}.vsix`)
        .sort(),
    );
  });

  for (const [target, want] of Object.entries(expected)) {
    it(`${target}: ${want.packages.join(' + ')}, nothing of any other platform`, async () => {
      const vsix = path.join(work, `pylot-${target}-${manifest.version}.vsix`);
      assert.ok(existsSync(vsix), `${target} was not packaged:\n${packager.stderr}`);
      sizes.push(`  ${target}: ${(statSync(vsix).size / 2 ** 20).toFixed(1)} MiB`);
      const unpacked = path.join(work, target);
      const unzip = spawnSync('unzip', ['-q', vsix, '-d', unpacked], { encoding: 'utf8' });
      assert.equal(unzip.status, 0, unzip.error ? `unpacking needs the unzip command (apt-get install unzip): ${unzip.error.message}` : unzip.stderr);
      const extension = path.join(unpacked, 'extension');
      assert.match(readFileSync(path.join(unpacked, 'extension.vsixmanifest'), 'utf8'), new RegExp(`TargetPlatform="${target}"`));

      // Exactly this platform's binary packages, each with its llama.cpp addon.
      const modules = path.join(extension, 'dist/node_modules');
      assert.deepEqual(readdirSync(path.join(modules, '@node-llama-cpp')).sort(), [...want.packages].sort());
      for (const name of want.packages) assert.ok(existsSync(path.join(modules, '@node-llama-cpp', name, 'bins', name, 'llama-addon.node')), name);
      assert.deepEqual(
        existsSync(path.join(modules, 'usearch/prebuilds')) ? readdirSync(path.join(modules, 'usearch/prebuilds')) : [],
        want.usearch ? [want.usearch] : [],
      );

      // Nothing only a compiler or linker reads: typings, source maps, Windows import libraries.
      assert.deepEqual(
        filesUnder(extension).filter((file) => /\.(lib|map)$|\.d\.[cm]?ts$/.test(file)),
        [],
      );

      // Every native file in the package is built for this OS and CPU.
      const natives = filesUnder(extension)
        .map((file) => ({ file: path.relative(extension, file), built: nativeTarget(file) }))
        .filter((entry) => entry.built);
      const foreign = natives.filter(({ built }) => built!.os !== want.os || !built!.cpus.includes(want.arch));
      assert.deepEqual(
        foreign.map(({ file, built }) => `${file}: ${built!.os}-${built!.cpus.join('+')}`),
        [],
      );
      for (const name of want.packages)
        assert.ok(
          natives.some(({ file }) => file.includes(`@node-llama-cpp/${name}/`)),
          `no native file in ${name}`,
        );

      // node-llama-cpp's own lookup, from inside the package: the sidecar's `import('node-llama-cpp')`
      // resolves dist/node_modules/node-llama-cpp, which imports @node-llama-cpp/<platform> beside it.
      const lib = path.join(modules, 'node-llama-cpp/dist');
      const load = (file: string) => import(pathToFileURL(path.join(lib, file)).href);
      const { getPrebuiltBinaryPath } = await load('bindings/utils/compileLLamaCpp.js');
      const { getBuildFolderNameForBuildOptions } = await load('bindings/utils/getBuildFolderNameForBuildOptions.js');
      const { builtinLlamaCppGitHubRepo } = await load('config.js');
      const { builtinLlamaCppRelease } = await load('bindings/utils/binariesGithubRelease.js');
      const lookup = async (gpu: Gpu) => {
        const options = {
          platform: want.platform,
          arch: want.arch,
          gpu,
          llamaCpp: { repo: builtinLlamaCppGitHubRepo, release: builtinLlamaCppRelease },
          customCmakeOptions: new Map(),
        };
        const folder = (await getBuildFolderNameForBuildOptions(options)).withoutCustomCmakeOptions;
        return (await getPrebuiltBinaryPath(options, folder)) as { binaryPath: string } | null;
      };
      for (const gpu of want.gpus) {
        const found = await lookup(gpu);
        assert.ok(found, `node-llama-cpp found no ${gpu || 'CPU'} binary for ${target}`);
        assert.ok(found.binaryPath.startsWith(path.join(modules, '@node-llama-cpp') + path.sep), found.binaryPath);
      }
      assert.equal(await lookup('cuda'), null, 'CUDA stays out of the default packages');
    });
  }
});

describe('a target the packager cannot build is refused by name, leaving no file', () => {
  const work = mkdtempSync(path.join(tmpdir(), 'pylot-refused-'));
  after(() => rmSync(work, { recursive: true, force: true }));
  const pack = (args: string[], cache = path.join(work, 'no-cache')) =>
    spawnSync(process.execPath, ['scripts/package.mjs', ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, PYLOT_CACHE: cache } });

  it('says which command-line value is wrong, without a stack trace', () => {
    const shapes: [string[], RegExp][] = [
      [['--target'], /^--target needs a value\.$/m],
      [['--target', '--offline'], /^--target needs a value\.$/m],
      [['--target', 'freebsd-x64'], /^Unknown target "freebsd-x64"\. Targets: linux-x64, linux-arm64, win32-x64, win32-arm64, darwin-x64, darwin-arm64\.$/m],
      [['--target', 'linux-x64;rm -rf ~'], /^Unknown target "linux-x64;rm -rf ~"/m],
      [['--target', 'LINUX-X64'], /^Unknown target "LINUX-X64"/m],
      [['--target', 'darwin-arm64', '--all'], /^--all packs every target; leave out --target, or --all\.$/m],
      [['--all', '--out', path.join(work, 'one.vsix')], /^--out names one file; use --out-dir with --all\.$/m],
    ];
    for (const [args, message] of shapes) {
      const run = pack([...args, '--out-dir', work]);
      assert.equal(run.status, 2, args.join(' '));
      assert.match(run.stderr, message, args.join(' '));
      assert.doesNotMatch(run.stderr, /\n\s+at /, `a stack trace for ${args.join(' ')}`);
    }
    assert.deepEqual(readdirSync(work), []);
  });

  it('names the binary package that is missing, or cached at another version, and packs nothing', () => {
    // Three shapes of the one cache folder node-llama-cpp's version needs: absent, holding another
    // version (node-llama-cpp would ignore it), and half-written (no package.json).
    const name = '@node-llama-cpp/mac-arm64-metal';
    const folder = (cache: string) => path.join(cache, 'prebuilt', `${name.replace('/', '+')}@${version}`);
    const otherVersion = path.join(work, 'other-version');
    mkdirSync(folder(otherVersion), { recursive: true });
    writeFileSync(path.join(folder(otherVersion), 'package.json'), JSON.stringify({ name, version: `${version}-other` }));
    const halfWritten = path.join(work, 'half-written');
    mkdirSync(path.join(folder(halfWritten), 'bins'), { recursive: true });
    for (const cache of [path.join(work, 'empty'), otherVersion, halfWritten]) {
      const out = path.join(work, 'out', path.basename(cache), 'pylot.vsix');
      const run = pack(['--target', 'darwin-arm64', '--offline', '--out', out], cache);
      assert.equal(run.status, 1, run.stderr);
      assert.match(run.stderr, new RegExp(`^darwin-arm64: not packaged\\. ${name}@${version.replaceAll('.', '\\.')} is neither installed nor cached in `, 'm'));
      assert.match(run.stderr, /^Not packaged: darwin-arm64\.$/m);
      assert.ok(!existsSync(out), `${out} was left behind`);
      assert.ok(!existsSync(path.join(root, 'out/package/darwin-arm64')), 'a staging folder was left behind');
    }
  });
});
