// Every platform's .vsix, unpacked and checked: `npm run package -- --all --offline` packs each
// target whose llama.cpp binaries are on this machine (node_modules, or the prebuilt cache that an
// online `npm run package` fills), and refuses the others by name. In each .vsix: exactly that
// platform's node-llama-cpp binary packages, no native file built for another OS or CPU, and
// node-llama-cpp's own resolution, run from inside the unpacked package, finds the binaries (it
// reads their headers and package files; nothing foreign is executed).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
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

const cache = path.join(process.env.PYLOT_CACHE ?? path.join(homedir(), '.cache', 'pylot'), 'prebuilt');
const versionAt = (dir: string) =>
  existsSync(path.join(dir, 'package.json')) ? JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')).version : undefined;
/** A binary package this machine has without the network, at node-llama-cpp's own version. */
const availableOffline = (name: string) =>
  versionAt(path.join(root, 'node_modules/@node-llama-cpp', name)) === version || versionAt(path.join(cache, `@node-llama-cpp+${name}@${version}`)) === version;

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

  it('packs the platform it runs on', () => {
    const host = `${process.platform}-${process.arch}`;
    if (!(host in expected)) return;
    assert.ok(existsSync(path.join(work, `pylot-${host}-${manifest.version}.vsix`)), packager.stderr);
  });

  for (const [target, want] of Object.entries(expected)) {
    it(`${target}: ${want.packages.join(' + ')}, nothing of any other platform`, async () => {
      const vsix = path.join(work, `pylot-${target}-${manifest.version}.vsix`);
      const missing = want.packages.filter((name) => !availableOffline(name));
      if (missing.length) {
        // Refused by name, and nothing half-made left behind.
        assert.ok(!existsSync(vsix));
        assert.match(
          packager.stderr,
          new RegExp(`${target}: not packaged\\. @node-llama-cpp/${missing[0]}@${version.replaceAll('.', '\\.')} is neither installed nor cached`),
        );
        assert.equal(packager.status, 1);
        sizes.push(`  ${target}: not packaged here (${missing.map((name) => `@node-llama-cpp/${name}@${version}`).join(', ')} not available offline)`);
        return;
      }
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
