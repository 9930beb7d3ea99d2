// Packages Pylot as platform-specific .vsix files that work with no network: the production bundles
// plus the sidecar's runtime (node-llama-cpp, its dependencies, and exactly the target platform's
// prebuilt llama.cpp binaries, chosen in prebuilt.mjs) staged under dist/node_modules, where the
// sidecar resolves them. Nothing of another platform ships: packages whose package.json names other
// os/cpu values and usearch's other prebuilds are left out.
// Usage: node scripts/package.mjs [--target linux-x64 | --all] [--out file.vsix | --out-dir dir]
//                                 [--offline] [--cuda] [--cpu-only]
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { binaryPackageDir, binaryPackages, hostPlatform, platformName, platforms } from './prebuilt.mjs';

const root = path.resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);
/** A bad command line is told in one line, with no stack trace. */
const usage = (message) => {
  console.error(message);
  process.exit(2);
};
const option = (name, fallback) => {
  if (!args.includes(name)) return fallback;
  const value = args[args.indexOf(name) + 1];
  return value === undefined || value.startsWith('--') ? usage(`${name} needs a value.`) : value;
};
if (args.includes('--all') && args.includes('--target')) usage('--all packs every target; leave out --target, or --all.');
const targets = (() => {
  try {
    return args.includes('--all') ? Object.keys(platforms) : [platformName(option('--target', hostPlatform()))];
  } catch (error) {
    return usage(error.message);
  }
})();
if (targets.length > 1 && args.includes('--out')) usage('--out names one file; use --out-dir with --all.');
const choice = { cuda: args.includes('--cuda'), cpuOnly: args.includes('--cpu-only') };
const offline = args.includes('--offline');
const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const llamaVersion = JSON.parse(readFileSync(path.join(root, 'node_modules/node-llama-cpp/package.json'), 'utf8')).version;
const outDir = path.resolve(option('--out-dir', root));
mkdirSync(outDir, { recursive: true });

// What node-llama-cpp needs at run time; build sources, the llama.cpp git bundle and typings stay behind,
// as do the Windows binaries' import libraries (.lib: read by a linker, never by a running program).
const unneeded =
  /(\.map|\.d\.[cm]?ts|\.md)$|^@node-llama-cpp\/[^/]+\/bins\/.+\.lib$|^node-llama-cpp\/(llama\/(gitRelease\.bundle|addon|cmake|toolchains|patches|xpack|profiles|CMakeLists\.txt)|templates)(\/|$)|^usearch\/(c|cpp|cmake|numkong|include|javascript\/dist\/esm)(\/|$)/;
// usearch ships its C++ sources (14 MB, left out above) and N-API prebuilds for every platform: keep the target's.
const usearchPrebuild = /^usearch\/prebuilds\/([^/]+)/;

execFileSync(process.execPath, ['esbuild.mjs', '--production'], { cwd: root, stdio: 'inherit' });
const failed = [];
for (const target of targets) {
  try {
    const out = path.resolve(
      targets.length === 1
        ? option('--out', path.join(outDir, `pylot-${target}-${manifest.version}.vsix`))
        : path.join(outDir, `pylot-${target}-${manifest.version}.vsix`),
    );
    mkdirSync(path.dirname(out), { recursive: true });
    const shipped = packageTarget(target, out);
    console.log(`${out} (${(statSync(out).size / 2 ** 20).toFixed(1)} MiB; ${shipped.join(', ')})`);
  } catch (error) {
    failed.push(target);
    console.error(`${target}: not packaged. ${error.message}`);
  }
}
if (failed.length) {
  console.error(`Not packaged: ${failed.join(', ')}.`);
  process.exit(1);
}

/** Stages and packs one target; returns the binary packages it carries. */
function packageTarget(target, out) {
  const platform = platforms[target];
  const binaries = binaryPackages(target, choice);
  // First, so a missing binary package stops this target before any work.
  const binaryDirs = binaries.map((name) => [name, binaryPackageDir(root, name, llamaVersion, { offline })]);
  const stage = path.join(root, 'out/package', target);
  rmSync(stage, { recursive: true, force: true });
  mkdirSync(stage, { recursive: true });

  const { scripts, devDependencies, allowScripts, ...published } = manifest;
  writeFileSync(path.join(stage, 'package.json'), `${JSON.stringify(published, null, 2)}\n`);
  for (const file of [
    'README.md',
    'LICENSE',
    'CHANGELOG.md',
    'media',
    'grammars',
    'dist/extension.js',
    'dist/mcp.js',
    'dist/sidecar.mjs',
    'dist/webview.js',
    'dist/chat.js',
    'dist/codicon.css',
    'dist/codicon.ttf',
  ]) {
    if (existsSync(path.join(root, file))) cpSync(path.join(root, file), path.join(stage, file), { recursive: true });
  }

  const modules = path.join(stage, 'dist/node_modules');
  const copyPackage = (from, name) =>
    cpSync(from, path.join(modules, name), {
      recursive: true,
      filter: (source) => {
        const inner = path.relative(from, source);
        if (inner.split(path.sep).includes('node_modules')) return false; // nested packages are copied on their own
        const shippedPath = path.join(name, inner).split(path.sep).join('/');
        const prebuild = usearchPrebuild.exec(shippedPath)?.[1];
        return inner === '' || (!unneeded.test(shippedPath) && (prebuild === undefined || prebuild === platform.usearch));
      },
    });
  for (const dir of new Set([
    ...runtimeClosure('node-llama-cpp', platform),
    ...runtimeClosure('web-tree-sitter', platform),
    ...runtimeClosure('usearch', platform),
  ])) {
    copyPackage(dir, path.relative(path.join(root, 'node_modules'), dir));
  }
  for (const [name, dir] of binaryDirs) copyPackage(dir, name);

  writeFileSync(path.join(stage, '.vscodeignore'), '**/*.map\n');
  const vsce = path.join(root, 'node_modules/@vscode/vsce/vsce');
  execFileSync(process.execPath, [vsce, 'package', '--no-dependencies', '--target', target, '--allow-missing-repository', '--skip-license', '--out', out], {
    cwd: stage,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  rmSync(stage, { recursive: true, force: true });
  return binaries;
}

/**
 * Directories of `name` and everything it needs at run time, resolved the way Node resolves them,
 * less node-llama-cpp's binary packages (added per target) and packages made for another os or cpu.
 */
function runtimeClosure(name, platform) {
  const seen = new Set();
  const visit = (dependency, from) => {
    if (dependency.startsWith('@node-llama-cpp/')) return;
    const dir = resolvePackage(dependency, from);
    if (!dir || seen.has(dir)) return;
    const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
    if (!fitsPlatform(pkg, platform)) return;
    seen.add(dir);
    for (const child of Object.keys({ ...pkg.dependencies, ...pkg.optionalDependencies })) visit(child, dir);
  };
  visit(name, root);
  return [...seen];
}

/** npm's own rule: a package that lists os or cpu values installs only where they match. */
function fitsPlatform(pkg, { os, cpu }) {
  const allows = (list, value) =>
    !Array.isArray(list) ||
    list.length === 0 ||
    (list.includes(value) && !list.includes(`!${value}`)) ||
    list.every((entry) => entry.startsWith('!') && entry !== `!${value}`);
  return allows(pkg.os, os) && allows(pkg.cpu, cpu);
}

function resolvePackage(name, from) {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'node_modules', name);
    if (existsSync(path.join(candidate, 'package.json'))) return candidate;
    if (dir === root || dir === path.dirname(dir)) return undefined;
  }
}
