// Which Node starts the sidecar on each OS, and with what environment: desktop VS Code's Electron
// binary in Node mode (Code.exe, macOS's plugin helper, Linux's code), a remote host's Node, or the
// user's pylot.sidecar.nodePath — and on Windows, environment names that differ only in case.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sidecarSpawnOptions } from '../../extension/sidecar/spawnOptions';

const hosts = {
  win32: 'C:\\Users\\Me\\AppData\\Local\\Programs\\Microsoft VS Code\\Code.exe',
  darwin: '/Applications/Visual Studio Code.app/Contents/Frameworks/Code Helper (Plugin).app/Contents/MacOS/Code Helper (Plugin)',
  linux: '/usr/share/code/code',
} as const;

describe('starting the sidecar on each OS', () => {
  for (const [platform, execPath] of Object.entries(hosts) as Array<[NodeJS.Platform, string]>) {
    it(`${platform}: VS Code's own binary, as Node`, () => {
      const options = sidecarSpawnOptions({ platform, execPath, env: { HOME: '/home/me', NODE_ENV: 'production' } }, undefined);
      assert.equal(options.execPath, execPath);
      assert.equal(options.env!.ELECTRON_RUN_AS_NODE, '1');
      assert.equal(options.env!.HOME, '/home/me', 'the user environment is inherited');
      assert.deepEqual(options.execArgv, ['--expose-gc'], "not the extension host's own flags");
      assert.equal(options.windowsHide, true);
      assert.deepEqual(options.stdio, ['ignore', 'pipe', 'pipe', 'ipc']);
      // glibc's allocator tuning only where glibc is.
      assert.equal(options.env!.MALLOC_ARENA_MAX, platform === 'linux' ? '2' : undefined);
    });
  }

  it("uses the user's Node when pylot.sidecar.nodePath is set, paths with spaces as they are", () => {
    for (const [platform, nodePath] of [
      ['win32', 'C:\\Program Files\\nodejs\\node.exe'],
      ['darwin', '/opt/homebrew/bin/node'],
      ['linux', '/home/me/.nvm/versions/node/v22.1.0/bin/node'],
    ] as const) {
      const options = sidecarSpawnOptions({ platform, execPath: hosts[platform], env: {} }, nodePath);
      assert.equal(options.execPath, nodePath);
    }
    // An empty setting means VS Code's own.
    assert.equal(sidecarSpawnOptions({ platform: 'win32', execPath: hosts.win32, env: {} }, '').execPath, hosts.win32);
  });

  it('on Windows, an override replaces the inherited variable whatever its case; elsewhere case is part of the name', () => {
    const env = { Path: 'C:\\Windows', electron_run_as_node: '0', Temp: 'C:\\Temp' };
    const windows = sidecarSpawnOptions({ platform: 'win32', execPath: hosts.win32, env }, undefined, { PATH: 'D:\\tools' }).env!;
    assert.deepEqual(
      Object.keys(windows).filter((key) => key.toUpperCase() === 'PATH'),
      ['PATH'],
    );
    assert.equal(windows.PATH, 'D:\\tools');
    assert.deepEqual(
      Object.entries(windows).filter(([key]) => key.toUpperCase() === 'ELECTRON_RUN_AS_NODE'),
      [['ELECTRON_RUN_AS_NODE', '1']],
    );
    assert.equal(windows.Temp, 'C:\\Temp');
    const linux = sidecarSpawnOptions({ platform: 'linux', execPath: hosts.linux, env: { Path: 'x' } }, undefined, { PATH: '/usr/bin' }).env!;
    assert.equal(linux.Path, 'x');
    assert.equal(linux.PATH, '/usr/bin');
  });
});
