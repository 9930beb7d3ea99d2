// Reads the server profiles a role's setting names: `server:<profile>`, or a pool of servers serving
// the same model written `server:a,server:b`. Pure (no `vscode`), so unit tests read it directly.
import { ErrorCodes, PylotError } from '../../protocol/rpc';
import type { ServerProfile } from '../../protocol/settings';

/**
 * The profiles a `server:` spec names: one, or a pool written `server:a,server:b` (a profile whose
 * own name has a comma still works alone). Undefined for anything else.
 */
export function serverProfilesOf(spec: string, settings: { readonly servers: readonly ServerProfile[] }): string[] | undefined {
  if (!spec.startsWith('server:')) return undefined;
  const whole = spec.slice('server:'.length);
  if (!whole.includes(',') || settings.servers.some((server) => server.name === whole)) return [whole];
  const names = spec.split(',').map((part) => {
    const name = part.trim();
    if (!name.startsWith('server:') || name === 'server:') {
      throw new PylotError(ErrorCodes.ModelNotFound, `A pool lists server profiles, as in "server:a,server:b"; "${name}" in "${spec}" is not one.`);
    }
    return name.slice('server:'.length);
  });
  const twice = names.find((name, i) => names.indexOf(name) !== i);
  if (twice !== undefined) throw new PylotError(ErrorCodes.ModelNotFound, `The server profile "${twice}" is listed twice in "${spec}".`);
  return names;
}
