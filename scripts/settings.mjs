// `npm run settings`: writes the settings that protocol/settings.ts declares into package.json —
// `contributes.configuration` (titled sections) and the settings an untrusted workspace may not set —
// and leaves the rest of the file as it was. `--check` changes nothing and fails when package.json
// is out of date (test/unit/settings.test.ts checks the same, setting by setting).
// Usage: node scripts/settings.mjs [--check]
import * as esbuild from 'esbuild';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const manifestFile = path.join(root, 'package.json');

// The declarations are TypeScript: bundle them in memory (no build needed) and import the result.
const bundle = await esbuild.build({
  entryPoints: [path.join(root, 'protocol/settingsManifest.ts')],
  bundle: true,
  format: 'esm',
  platform: 'neutral',
  write: false,
  logLevel: 'warning',
});
const { configurationSections, restrictedConfigurations } = await import(
  `data:text/javascript;base64,${Buffer.from(bundle.outputFiles[0].text).toString('base64')}`
);

const before = readFileSync(manifestFile, 'utf8');
const manifest = JSON.parse(before);
manifest.contributes.configuration = configurationSections();
manifest.capabilities.untrustedWorkspaces.restrictedConfigurations = restrictedConfigurations();
const after = `${JSON.stringify(manifest, null, 2)}\n`;

if (process.argv.includes('--check')) {
  if (after !== before) {
    console.error('package.json does not match protocol/settings.ts; run `npm run settings`.');
    process.exit(1);
  }
  console.log('package.json matches protocol/settings.ts.');
} else if (after === before) {
  console.log('package.json already matches protocol/settings.ts.');
} else {
  writeFileSync(manifestFile, after);
  const count = manifest.contributes.configuration.reduce((sum, section) => sum + Object.keys(section.properties).length, 0);
  console.log(`package.json: ${count} settings in ${manifest.contributes.configuration.length} sections.`);
}
