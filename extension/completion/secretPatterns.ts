// Secret files by name, shared by the completion privacy filter and the agent's path policy
// (a module without `vscode`, so the policy stays testable as plain logic).

/** Secrets a model should never see, whatever the settings say. */
export const secretPatterns = ['.env', '.env.*', '*.pem', '*.key', '*.p12', '*.pfx', 'id_rsa', 'id_ed25519', 'id_ecdsa', '.npmrc', '.pypirc', '.netrc', '*.kdbx', 'credentials', 'credentials.json', '.git-credentials', 'secrets.*'];
