// Security: commands in many shapes per class. Deny rules (the shipped defaults, several with "/")
// must catch every spelling of what they name — through wrappers, paths, quoting, escapes, option
// order and shell strings — and a line a deny rule only *may* catch is asked about without "Always".
// Allow rules must never let a command run a workspace file (`./ls`, `bin/npm`, a PATH entry in the
// workspace) nor an option that changes what runs (`npm test --prefix=..`), even with a rule for
// the program. 0 escapes, 0 dangerous allows.
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { judgeCommand, type CommandContext, type CommandRules } from '../../extension/agent/policy/commandPolicy';
import { WorkspacePaths } from '../../extension/agent/policy/paths';
import { AgentPolicy, type PolicySettings } from '../../extension/agent/policy/policy';

const packageJson = JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../../../package.json'), 'utf8')) as {
  contributes: { configuration: Array<{ properties: Record<string, { default?: unknown }> }> | { properties: Record<string, { default?: unknown }> } };
};
const configuration = [packageJson.contributes.configuration].flat();
const shippedDeny = configuration.flatMap((c) => Object.entries(c.properties)).find(([key]) => key === 'pylot.agent.denyCommands')![1].default as string[];

const context: CommandContext = { locate: () => ({ kind: 'outside', file: '/usr/bin/program' }), cwd: '/work/ws', home: '/home/user' };
/** Allow rules that would let every one of these programs run, so only deny stands in the way. */
const permissive: CommandRules = {
  allow: ['rm', 'rm -rf', 'chmod', 'chmod -R', 'git', 'git push', 'ls', 'echo', 'cat', 'mkfs', 'dd', 'shutdown', 'reboot', 'cargo', 'cargo run', 'make'],
  deny: shippedDeny,
};

const wrap = (inner: string): string[] => [
  inner,
  `nice ${inner}`,
  `nice -n 10 ${inner}`,
  `nohup ${inner}`,
  `timeout 5 ${inner}`,
  `timeout -s KILL 5 ${inner}`,
  `env ${inner}`,
  `env -i ${inner}`,
  `env X=1 ${inner}`,
  `env -u HOME ${inner}`,
  `command ${inner}`,
  `exec ${inner}`,
  `time ${inner}`,
  `time -p ${inner}`,
  `stdbuf -o0 ${inner}`,
  `ionice -c3 ${inner}`,
  `chrt -i 0 ${inner}`,
  `setsid ${inner}`,
  `taskset -c 0 ${inner}`,
  `flock /tmp/lock ${inner}`,
  `watch -n 1 ${inner}`,
  `strace -f ${inner}`,
  `nice nohup timeout 9 ${inner}`,
  `sh -c '${inner}'`,
  `bash -c "${inner}"`,
  `bash -lc '${inner}'`,
  `zsh -c '${inner}'`,
  `eval '${inner}'`,
  `eval ${inner}`,
  `echo '${inner}' | sh`,
  `echo "${inner}" | bash -s`,
  `ls && ${inner}`,
  `ls; ${inner}`,
  `ls || ${inner}`,
  `ls | ${inner}`,
  `X=1 ${inner}`,
  `sh -c 'sh -c "${inner}"'`,
  `busybox ${inner}`,
  `script -qc '${inner}'`,
];

const rmForms = [
  'rm -rf /',
  'rm -fr /',
  'rm -r -f /',
  'rm -f -r /',
  'rm -Rf /',
  'rm --recursive --force /',
  'rm -rf -- /',
  'rm / -rf',
  'rm -rfv /',
  'rm -r --force /',
  'rm -rf --no-preserve-root /',
  'rm -rf //',
  'rm -rf /.',
  'rm -rf /./',
  'rm -rf /..',
  'rm -rf /tmp/..',
  'rm -rf "/"',
  "rm -rf '/'",
  'rm -rf /*',
  'rm -rf ///',
  'rm -rf ../../../../../../../..',
  'rm -rf {/,x}',
  'rm -rf ~/../../..',
  '/bin/rm -rf /',
  '/usr/bin/rm -rf /',
  'r\\m -rf /',
  '"rm" -rf /',
  "'r'm -rf /",
  '\\rm -rf /',
  'RM -rf /',
  'rm.exe -rf /',
  '/bin/../bin/rm -rf /',
  'rm -rf build /',
  'rm -rf\t/',
  'rm -rf \\/',
];
const gitForms = [
  'git push --force',
  'git push -f',
  'git push origin main --force',
  'git push --force-with-lease',
  'git push --force-with-lease=main',
  'git push origin +main',
  'git push origin +HEAD:main',
  'git -C . push --force',
  'git --git-dir=.git push -f',
  '/usr/bin/git push -f',
  'git push -uf origin main',
  'git push --mirror',
  'GIT=x git push -f',
  'git --no-pager push --force',
  'git push --force-if-includes origin main',
  'Git push -f',
];
const chmodForms = [
  'chmod -R 777 /',
  'chmod 777 -R /',
  'chmod -R 0777 /',
  'chmod --recursive a+rwx /',
  'chmod -Rv ugo=rwx /',
  'chmod -R 777 //',
  '/bin/chmod -R 777 /',
  'chmod -R +rwx /',
  'chmod -R 777 /*',
  'chmod -R a=rwx /.',
];
const plainForms = [
  'sudo ls',
  '/usr/bin/sudo ls',
  's\\udo ls',
  'SUDO ls',
  '"sudo" ls',
  'sudo -u root ls',
  'su -c id',
  'su root',
  'doas id',
  'mkfs.ext4 /dev/sda1',
  '/sbin/mkfs -t ext4 /dev/sda',
  'dd if=/dev/zero of=/dev/sda',
  '/bin/dd if=/dev/zero of=x',
  'shutdown -h now',
  '/sbin/shutdown -r now',
  'reboot',
  '/sbin/reboot',
  'ls | sudo tee x',
  'find . -exec sudo rm {} \\;',
  'xargs sudo',
  'echo x | xargs -I{} sudo cp {} /etc',
];

const denied = [...new Set([...rmForms, ...gitForms, ...chmodForms, ...plainForms].flatMap(wrap))];

/** Lines a deny rule may catch, depending on what only the running shell knows. */
const possiblyDenied = [
  'rm -rf $TARGET',
  'rm -rf "$TARGET"',
  'rm -rf ${HOME}/..',
  'rm -rf $(echo /)',
  'rm -rf `echo /`',
  'echo / | xargs rm -rf',
  'find / -exec rm -rf {} +',
  '$RM -rf /',
  'cd $X && rm -rf .',
  'caffeinate rm -rf /',
  'cargo run -- rm -rf /',
  'cargo run -- "rm -rf /"',
  'python3 -c "import os; os.system(\'sudo id\')"',
  'make SHELL="sudo sh"',
  'chmod -R 777 $DIR',
  'git push $FLAGS',
  "node -e \"require('child_process').execSync('reboot')\"",
  'unknown-tool dd if=/dev/zero',
  '$(which sudo) ls',
  'rm -rf ~$USER/../..',
];

describe('deny rules see through every spelling', () => {
  it(`denies ${denied.length} spellings of the shipped deny rules, even where an allow rule names the program`, () => {
    assert.ok(denied.length >= 100, `${denied.length} shapes`);
    const escaped = denied.filter((line) => judgeCommand(line, permissive, context).kind !== 'deny');
    assert.deepEqual(escaped, []);
  });

  it(`asks about ${possiblyDenied.length} lines a deny rule may catch, and never offers "Always" for them`, () => {
    const wrong = possiblyDenied.flatMap((line) => {
      const verdict = judgeCommand(line, permissive, context);
      if (verdict.kind === 'allow') return [`${line} → allow`];
      if (verdict.kind === 'ask' && verdict.suggestedRules) return [`${line} → offers ${verdict.suggestedRules.join(', ')}`];
      return [];
    });
    assert.deepEqual(wrong, []);
  });

  it('still offers "Always" where a denied word is only data', () => {
    for (const line of [
      'git commit -m "add dd support"',
      'git commit -m "su: fix login"',
      'npm test -- --grep sudo',
      'cargo test reboot_handler',
      'grep -r "sudo rm" docs',
      'make docs',
    ]) {
      const verdict = judgeCommand(line, { allow: [], deny: shippedDeny }, context);
      assert.ok(verdict.kind === 'ask' && verdict.suggestedRules, `${line}: ${JSON.stringify(verdict)}`);
    }
  });

  it('still lets through what only looks like a denied command', () => {
    for (const line of [
      'rm -rf build',
      'rm -rf ./dist',
      'ls /',
      'echo rm -rf /',
      'git push origin main',
      'git push',
      'chmod -R 755 src',
      'git log --grep force',
      'cat /sbin/reboot.md',
    ]) {
      assert.notEqual(judgeCommand(line, permissive, context).kind, 'deny', line);
    }
  });
});

const rules: CommandRules = {
  allow: ['npm test', 'npm run lint', 'ls', 'cat', 'grep', 'echo', 'git status', 'git diff', 'git log', 'make lint', 'cargo test', 'find'],
  deny: [],
};

/** Each runs a workspace file, or lets an option choose what runs; none may be allowed. */
const dangerous = [
  // A program named by a path runs that file, whatever its name.
  './ls',
  './ls -la',
  'bin/npm test',
  'node_modules/.bin/ls',
  './node_modules/.bin/npm test',
  '../ls',
  '/tmp/ls',
  '~/bin/ls',
  '.\\ls',
  'src/cat x',
  '"./ls"',
  'scripts/git status',
  './echo hi',
  'tools/make lint',
  'node_modules/.bin/cargo test',
  'sub/dir/grep x',
  './npm run lint',
  './/ls',
  'ls/../ls',
  'C:\\tools\\ls.exe',
  '\\ls',
  'bin\\ls',
  'ls; ./x',
  'cat x && ./x',
  'echo hi | ./x',
  'git status || bin/x',
  // npm options that change what runs, which config it loads, or where it works.
  'npm test --prefix=..',
  'npm test --prefix ..',
  'npm test --node-options=--require=./x.js',
  'npm test --node-options="--require ./x.js"',
  'npm test --script-shell=./x.sh',
  'npm test --userconfig=./x.npmrc',
  'npm test --globalconfig=./g',
  'npm test -C ..',
  'npm test --workspace=../x',
  'npm test -w ../x',
  'npm test --shell=./x.sh',
  'npm test --init-module=./x.js',
  'npm test --cache=./c',
  'npm test --registry=http://127.0.0.1:1',
  'npm run lint --script-shell ./x.sh',
  'npm test -g',
  'npm test --global',
  'npm test --call=./x.sh',
  'npm test -- --require ./x.js',
  'npm test -- -r ./x.js',
  'npm test key=value',
  'npm run lint -- --config ./evil.js',
  'npm test --onload-script=./x.js',
  'npm test --node-gyp=./x',
  'npm run lint --node-options=--inspect',
  'npm test --git=./x',
  'npm test --editor=./x',
  'npm run lint --prefix=/',
  'npm test --foreground-scripts --prefix=..',
  // git options that write files or run programs; global options before the subcommand.
  'git diff --output=/tmp/x',
  'git log --output=x',
  'git diff --ext-diff',
  'git log --show-signature',
  'git diff --textconv',
  'git -C .. status',
  'git -c core.fsmonitor=./x status',
  'git --exec-path=./x status',
  'git --git-dir=../other/.git log',
  'git --work-tree=/ status',
  'git -p status',
  'git log -O./order',
  // make: other makefiles, folders, variables and targets.
  'make lint -f evil.mk',
  'make -f evil.mk lint',
  'make lint SHELL=./x.sh',
  'make lint CC=./cc',
  'make lint -C ..',
  'make lint --eval=x',
  'make lint install',
  'make lint -I ./inc',
  // find and grep and friends: options that run or delete.
  'find . -exec ./x {} ;',
  'find . -delete',
  'find . -fprint /tmp/out',
  'find . -execdir sh {} +',
  'cat x | sh',
  'grep x . | xargs rm',
  // Unknown programs: only what the rule names, no options it does not name.
  'cargo test --config build.rustc-wrapper=./x',
  'cargo test -- --nocapture',
  'cargo test --target-dir ../x',
  'cargo test key=value',
  // Wrappers around allowed commands.
  'nice ls',
  'env ls',
  'timeout 5 npm test',
  'command ls',
  'exec ls',
  'sh -c ls',
  'nohup ls',
  'xargs ls',
  'time ls',
  'sudo ls',
  'bash ls',
  'watch ls',
  'env PATH=. ls',
  // Environment and expansions that pick the program.
  'PATH=.:$PATH ls',
  'PATH=./bin ls',
  'NODE_OPTIONS=--require=./x.js npm test',
  'npm_config_script_shell=./x.sh npm test',
  'LD_PRELOAD=./x.so ls',
  '$LS',
  'l$@s',
];

/** No "Always" may be offered for these: the rule it would save would not describe what runs. */
const neverRemembered = [
  ...dangerous.slice(0, 20),
  'npm test --prefix=..',
  'npm test --node-options=--require=./x.js',
  'npm test --script-shell=./x.sh',
  'npm test --userconfig=./x.npmrc',
  'git diff --output=/tmp/x',
  'make lint -f evil.mk',
  'find . -delete',
  'nice ls',
  'PATH=. ls',
  'npm test -C ..',
  'git log --show-signature',
];

describe('allow rules run only the named program with harmless options', () => {
  it(`allows none of ${dangerous.length} shapes that run workspace code or change what runs`, () => {
    assert.ok(dangerous.length >= 100, `${dangerous.length} shapes`);
    const allowed = dangerous.filter((line) => judgeCommand(line, rules, context).kind === 'allow');
    assert.deepEqual(allowed, []);
  });

  it(`offers no "Always" for ${neverRemembered.length} of them`, () => {
    const offered = neverRemembered.flatMap((line) => {
      const verdict = judgeCommand(line, rules, context);
      return verdict.kind === 'ask' && verdict.suggestedRules ? [`${line} → ${verdict.suggestedRules.join(', ')}`] : [];
    });
    assert.deepEqual(offered, []);
  });

  it('still allows the harmless spellings of allowed commands', () => {
    const fine = [
      'npm test',
      'npm test --silent',
      'npm test -s',
      'npm run lint --if-present',
      'npm test -- src/a.test.ts',
      'ls -la src',
      'ls --color=always',
      'cat -n a.ts',
      'grep -rn --include=*.ts x src',
      'git status --porcelain',
      'git status -sb',
      'git diff --stat HEAD~1',
      'git diff --cached -- src',
      'git log --oneline -n 5',
      'git log -5 --format=%H',
      'make lint',
      'make lint -j 4',
      'make lint -s',
      'cargo test',
      'cargo test parser',
      'find . -name *.ts -type f',
      'echo done',
      'ls && git status && npm test',
    ];
    const asked = fine.filter((line) => judgeCommand(line, rules, context).kind !== 'allow');
    assert.deepEqual(asked, []);
  });

  it('says why, in words a person can act on', () => {
    const path = judgeCommand('./ls', rules, context);
    assert.match(path.kind === 'ask' ? path.reasons.join() : '', /"\.\/ls" is a path, not a program found on PATH/);
    const option = judgeCommand('npm test --prefix=..', rules, context);
    assert.match(option.kind === 'ask' ? option.reasons.join() : '', /"--prefix=\.\." changes what npm runs or loads/);
    const shadowed = judgeCommand('ls', rules, { ...context, locate: () => ({ kind: 'workspace', file: '/work/ws/bin/ls' }) });
    assert.match(shadowed.kind === 'ask' ? shadowed.reasons.join() : '', /would run \/work\/ws\/bin\/ls, a file in the workspace/);
    assert.equal(shadowed.kind === 'ask' && shadowed.suggestedRules, undefined);
  });
});

describe('a bare name PATH would find in the workspace', { skip: process.platform === 'win32' && 'POSIX PATH layout' }, () => {
  const scratch = realpathSync(mkdtempSync(path.join(tmpdir(), 'pylot-path-')));
  const ws = path.join(scratch, 'ws');
  const settings: PolicySettings = { autoApproveReads: true, allowCommands: ['ls', 'npm test', 'mytool'], denyCommands: [], allowWrites: [] };
  const policy = (pathVariable: string) =>
    new AgentPolicy(
      new WorkspacePaths([{ name: 'ws', path: ws }]),
      () => settings,
      () => ({ env: { PATH: pathVariable }, platform: process.platform, home: scratch }),
    );
  const run = (command: string, cwd?: string) => ({ id: 'c', tool: 'run_command' as const, args: { command, ...(cwd ? { cwd } : {}) } });

  before(() => {
    for (const dir of ['bin', 'node_modules/.bin', 'sub']) mkdirSync(path.join(ws, dir), { recursive: true });
    for (const file of ['bin/ls', 'node_modules/.bin/npm', 'ls', 'sub/mytool']) {
      writeFileSync(path.join(ws, file), '#!/bin/sh\necho pwned\n');
      chmodSync(path.join(ws, file), 0o755);
    }
  });
  after(() => rmSync(scratch, { recursive: true, force: true }));

  it('asks when PATH leads a rule-named program into the workspace, and offers no "Always"', async () => {
    const shapes: Array<[string, string, string?]> = [
      [`${ws}/bin:/usr/bin:/bin`, 'ls'],
      [`${ws}/node_modules/.bin:/usr/bin:/bin`, 'npm test'],
      [`.:/usr/bin:/bin`, 'ls'],
      [`:/usr/bin:/bin`, 'ls'],
      [`/usr/bin:/bin:.`, 'mytool x', 'sub'],
      [`bin:/usr/bin:/bin`, 'ls'],
      [`./node_modules/.bin:/usr/bin`, 'npm test'],
      [`/usr/bin:/bin:.`, 'cd sub && mytool x'],
    ];
    for (const [pathVariable, command, cwd] of shapes) {
      const { verdict } = await policy(pathVariable).check(run(command, cwd));
      assert.equal(verdict.kind, 'ask', `${pathVariable} ${command}`);
      assert.equal(verdict.kind === 'ask' && verdict.rule, undefined, `${pathVariable} ${command}: no "Always"`);
    }
  });

  it('allows the same command when PATH finds the program outside', async () => {
    assert.equal((await policy('/usr/bin:/bin').check(run('ls'))).verdict.kind, 'allow');
  });
});
