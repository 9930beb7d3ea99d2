// Packages Pylot as a platform-specific .vsix that works with no network: the production bundles
// plus the sidecar's runtime (node-llama-cpp, its dependencies, and the target platform's prebuilt
// llama.cpp binaries: CPU, plus Vulkan where there is a build — it runs on AMD, Intel and NVIDIA
// GPUs) staged under dist/node_modules, where the sidecar resolves it. CUDA's binaries (0.5 GB)
// are left out. Usage: node scripts/package.mjs [--target linux-x64] [--out file.vsix] [--cpu-only]
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);
const option = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const platform = { win32: 'win', darwin: 'mac' }[process.platform] ?? process.platform;
const target = option('--target', `${platform}-${process.arch}`);
const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const out = path.resolve(option('--out', path.join(root, `pylot-${target}-${manifest.version}.vsix`)));
const stage = path.join(root, 'out/package');

// The default binary of each platform (CPU on Linux and Windows, Metal on Apple silicon) and Vulkan.
const binaryPackage = `@node-llama-cpp/${target === 'mac-arm64' ? 'mac-arm64-metal' : target}`;
const gpuPackages = args.includes('--cpu-only') ? [] : [`@node-llama-cpp/${target}-vulkan`].filter((name) => existsSync(path.join(root, 'node_modules', name)));
const binaryPackages = new Set([binaryPackage, ...gpuPackages]);
if (!existsSync(path.join(root, 'node_modules', binaryPackage))) {
  console.error(`No prebuilt llama.cpp binaries for ${target} (${binaryPackage}); install them with npm first.`);
  process.exit(1);
}

execFileSync(process.execPath, ['esbuild.mjs', '--production'], { cwd: root, stdio: 'inherit' });
rmSync(stage, { recursive: true, force: true });
mkdirSync(stage, { recursive: true });

const { scripts, devDependencies, allowScripts, ...shipped } = manifest;
writeFileSync(path.join(stage, 'package.json'), `${JSON.stringify(shipped, null, 2)}\n`);
for (const file of ['README.md', 'LICENSE', 'CHANGELOG.md', 'media', 'grammars', 'dist/extension.js', 'dist/sidecar.mjs', 'dist/webview.js', 'dist/chat.js']) {
  if (existsSync(path.join(root, file))) cpSync(path.join(root, file), path.join(stage, file), { recursive: true });
}

// What node-llama-cpp needs at run time; build sources, the llama.cpp git bundle and typings stay behind.
const unneeded =
  /(\.map|\.d\.[cm]?ts|\.md)$|^node-llama-cpp\/(llama\/(gitRelease\.bundle|addon|cmake|toolchains|patches|xpack|profiles|CMakeLists\.txt)|templates)(\/|$)|^usearch\/(c|cpp|cmake|numkong|include|javascript\/dist\/esm)(\/|$)/;
// usearch ships its C++ sources (14 MB, left out above) and N-API prebuilds for every platform: keep the target's.
const usearchPrebuild = /^usearch\/prebuilds\/([^/]+)/;
const usearchTarget = { 'win-x64': 'win32-x64', 'mac-x64': 'darwin-arm64+x64', 'mac-arm64': 'darwin-arm64+x64' }[target] ?? target;
let files = 0;
for (const dir of [...runtimeClosure('node-llama-cpp'), ...runtimeClosure('web-tree-sitter'), ...runtimeClosure('usearch')]) {
  const relative = path.relative(path.join(root, 'node_modules'), dir);
  cpSync(dir, path.join(stage, 'dist/node_modules', relative), {
    recursive: true,
    filter: (source) => {
      const inner = path.relative(dir, source);
      if (inner.split(path.sep).includes('node_modules')) return false; // nested packages are copied on their own
      const shipped = path.join(relative, inner).split(path.sep).join('/');
      const prebuild = usearchPrebuild.exec(shipped)?.[1];
      const keep = inner === '' || (!unneeded.test(shipped) && (prebuild === undefined || prebuild === usearchTarget));
      if (keep) files++;
      return keep;
    },
  });
}

writeFileSync(path.join(stage, '.vscodeignore'), '**/*.map\n');
const vsce = path.join(root, 'node_modules/@vscode/vsce/vsce');
const vsceTarget = target.replace(/^mac-/, 'darwin-').replace(/^win-/, 'win32-');
execFileSync(process.execPath, [vsce, 'package', '--no-dependencies', '--target', vsceTarget, '--allow-missing-repository', '--skip-license', '--out', out], {
  cwd: stage,
  stdio: ['ignore', 'ignore', 'inherit'],
});
console.log(`${out} (${files} runtime files for ${target}: ${[...binaryPackages].join(', ')})`);

/** Directories of `name` and everything it needs at run time, resolved the way Node resolves them. */
function runtimeClosure(name) {
  const seen = new Set();
  const visit = (dependency, from) => {
    const dir = resolvePackage(dependency, from);
    if (!dir || seen.has(dir)) return;
    seen.add(dir);
    const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
    for (const child of Object.keys({ ...pkg.dependencies, ...pkg.optionalDependencies })) {
      // Prebuilt binaries only for the target platform.
      if (child.startsWith('@node-llama-cpp/') && !binaryPackages.has(child)) continue;
      visit(child, dir);
    }
  };
  visit(name, root);
  return [...seen];
}

function resolvePackage(name, from) {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'node_modules', name);
    if (existsSync(path.join(candidate, 'package.json'))) return candidate;
    if (dir === root || dir === path.dirname(dir)) return undefined;
  }
}
