// Secret files by name: the one list, read by every side that keeps files from a model — the
// agent's path policy, the completion privacy filter (extension) and the workspace index (sidecar).
// Pure logic (no Node, no vscode) so both processes share it. A name is compared the way the
// strictest file system would open it: Windows and macOS ignore case, Windows drops trailing dots
// and spaces and reads `name:stream` as `name`, macOS stores names decomposed (NFD).

/** Glob patterns on a single file or folder name (`*` any run of characters, `?` one). */
export const secretFilePatterns: readonly string[] = [
  // Environment files: `.env`, `.env.local`, `app.env`, direnv's `.envrc`.
  '.env',
  '.env.*',
  '*.env',
  '.envrc',
  // Private keys and key stores.
  '*.pem',
  '*.key',
  '*.p8',
  '*.p12',
  '*.pfx',
  '*.pkcs12',
  '*.jks',
  '*.keystore',
  '*.der',
  '*.crt',
  '*.cer',
  'id_rsa*',
  'id_dsa*',
  'id_ecdsa*',
  'id_ed25519*',
  '*.ppk',
  '*.kdbx',
  '*.keychain',
  '*.keychain-db',
  '*.gpg',
  '*.pgp',
  '*.asc',
  'secring.*',
  'pubring.*',
  // Credentials of package managers, shells and services.
  '.npmrc',
  '.yarnrc',
  '.yarnrc.yml',
  '.pypirc',
  '.netrc',
  '_netrc',
  '.pgpass',
  '.git-credentials',
  '.htpasswd',
  '.dockercfg',
  'credentials',
  'credentials.json',
  '*.credentials',
  'secrets',
  'secrets.*',
  '*.secret',
  '*.secrets',
  'service-account*.json',
  '*-service-account.json',
  'client_secret*.json',
  '*.tfvars',
  '*.tfstate',
  '*.tfstate.*',
];

// One expression for the whole list: the agent's folder walks ask about every name they pass.
const matcher = new RegExp(`^(?:${secretFilePatterns.map(globBody).join('|')})$`, 's');

/**
 * The name as a case-insensitive, trailing-dot-and-space-blind file system would open it. Case is
 * folded a character at a time through upper case, as NTFS compares names: `ı` and `ſ` open `I`
 * and `S` there (`.gıt` is `.git`), while `ß` stays itself.
 */
export function canonicalName(name: string): string {
  return [...name.normalize('NFC')]
    .map((char) => {
      const upper = char.toUpperCase();
      return (upper.length === 1 ? upper : char).toLowerCase();
    })
    .join('')
    .replace(/[. ]+$/, '');
}

/** True when a file (or folder) of this name is a secret, on any operating system. */
export function isSecretName(name: string): boolean {
  const canonical = canonicalName(name);
  if (matcher.test(canonical)) return true;
  // Windows opens `.env:stream` and `.env::$DATA` as `.env`.
  const beforeStream = canonical.includes(':') ? canonicalName(canonical.split(':')[0]!) : '';
  return beforeStream !== '' && matcher.test(beforeStream);
}

/** True when any segment of a relative path (forward or back slashes) is a secret name: a secret folder hides what is in it. */
export function isSecretPath(relative: string): boolean {
  return relative.split(/[\\/]+/).some((segment) => segment !== '' && isSecretName(segment));
}

function globBody(glob: string): string {
  return [...glob.toLowerCase()].map((char) => (char === '*' ? '.*' : char === '?' ? '.' : char.replace(/[.+^${}()|[\]\\]/g, '\\$&'))).join('');
}
