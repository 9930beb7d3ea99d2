// Which prebuilt llama.cpp binaries each platform's .vsix carries, and where they come from: the
// installed node_modules when npm put them there (only the build machine's own platform), else a
// cache filled from the npm registry at package time (`npm pack`), never at test or run time.
// Run directly (`node scripts/prebuilt.mjs --fetch [--cuda]`), it fills that cache for every target,
// as the package test layer does before it packs everything offline.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * VS Code's platform names (vsce --target) → node-llama-cpp's binary packages. Metal on Apple
 * silicon (node-llama-cpp has no Metal build for Intel Macs: CPU there); Vulkan beside the CPU build
 * where there is one (it runs on NVIDIA, AMD and Intel GPUs). CUDA (0.5 GB per platform) only with
 * --cuda: the default packages use Vulkan on NVIDIA GPUs instead, with nothing to download.
 */
export const platforms = {
  'linux-x64': { binaries: ['linux-x64', 'linux-x64-vulkan'], cuda: ['linux-x64-cuda', 'linux-x64-cuda-ext'], usearch: 'linux-x64', os: 'linux', cpu: 'x64' },
  'linux-arm64': { binaries: ['linux-arm64'], cuda: [], usearch: 'linux-arm64', os: 'linux', cpu: 'arm64' },
  'win32-x64': { binaries: ['win-x64', 'win-x64-vulkan'], cuda: ['win-x64-cuda', 'win-x64-cuda-ext'], usearch: 'win32-x64', os: 'win32', cpu: 'x64' },
  // usearch has no Windows-on-Arm prebuild: the index falls back to keyword search there.
  'win32-arm64': { binaries: ['win-arm64'], cuda: [], usearch: undefined, os: 'win32', cpu: 'arm64' },
  'darwin-x64': { binaries: ['mac-x64'], cuda: [], usearch: 'darwin-arm64+x64', os: 'darwin', cpu: 'x64' },
  'darwin-arm64': { binaries: ['mac-arm64-metal'], cuda: [], usearch: 'darwin-arm64+x64', os: 'darwin', cpu: 'arm64' },
};

/** `linux-x64`, or the older `mac-arm64` / `win-x64` spellings, as a key of `platforms`. */
export function platformName(target) {
  const name = target.replace(/^mac-/, 'darwin-').replace(/^win-/, 'win32-');
  if (!(name in platforms)) throw new Error(`Unknown target "${target}". Targets: ${Object.keys(platforms).join(', ')}.`);
  return name;
}

/** The platform this machine packages for by default. */
export function hostPlatform() {
  return platformName(`${process.platform}-${process.arch}`);
}

/** The npm package names a target's .vsix carries. */
export function binaryPackages(target, { cuda = false, cpuOnly = false } = {}) {
  const { binaries, cuda: cudaBinaries } = platforms[target];
  const chosen = cpuOnly ? binaries.slice(0, 1) : [...binaries, ...(cuda ? cudaBinaries : [])];
  return chosen.map((name) => `@node-llama-cpp/${name}`);
}

export function prebuiltCache() {
  return path.join(process.env.PYLOT_CACHE ?? path.join(homedir(), '.cache', 'pylot'), 'prebuilt');
}

/**
 * The folder of `name@version`: node_modules' copy if it is that version, else the cache's, else
 * (unless offline) fetched from the registry into the cache. Throws with what is missing.
 */
export function binaryPackageDir(root, name, version, { offline }) {
  const installed = path.join(root, 'node_modules', name);
  if (versionOf(installed) === version) return installed;
  const cached = path.join(prebuiltCache(), `${name.replace('/', '+')}@${version}`);
  if (versionOf(cached) === version) return cached;
  if (offline) throw new Error(`${name}@${version} is neither installed nor cached in ${prebuiltCache()}, and --offline forbids fetching it.`);
  const scratch = `${cached}.partial`;
  rmSync(scratch, { recursive: true, force: true });
  mkdirSync(scratch, { recursive: true });
  try {
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const [packed] = JSON.parse(
      execFileSync(npm, ['pack', `${name}@${version}`, '--json', '--pack-destination', scratch], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
        shell: process.platform === 'win32',
      }),
    );
    execFileSync('tar', ['-xzf', path.join(scratch, packed.filename), '-C', scratch]);
  } catch (error) {
    rmSync(scratch, { recursive: true, force: true });
    const reason = String(error.stderr ?? error.message)
      .split('\n')
      .filter((line) => line.startsWith('npm error') && !line.includes('complete log'))
      .map((line) => line.replace(/^npm error\s*/, ''))
      .join(' ');
    throw new Error(`Could not fetch ${name}@${version} from the npm registry (${reason || error.message}).`, { cause: error });
  }
  rmSync(cached, { recursive: true, force: true });
  renameSync(path.join(scratch, 'package'), cached);
  rmSync(scratch, { recursive: true, force: true });
  return cached;
}

function versionOf(dir) {
  const manifest = path.join(dir, 'package.json');
  return existsSync(manifest) ? JSON.parse(readFileSync(manifest, 'utf8')).version : undefined;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  if (!process.argv.includes('--fetch')) {
    console.error('Usage: node scripts/prebuilt.mjs --fetch [--cuda]   (fills the prebuilt cache for every target)');
    process.exit(2);
  }
  const root = path.resolve(import.meta.dirname, '..');
  const version = versionOf(path.join(root, 'node_modules/node-llama-cpp'));
  const cuda = process.argv.includes('--cuda');
  for (const target of Object.keys(platforms)) {
    for (const name of binaryPackages(target, { cuda })) console.log(binaryPackageDir(root, name, version, { offline: false }));
  }
}
