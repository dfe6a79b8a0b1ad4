// The ops laptop install: `npm pack` makes a tarball with the built bundle, the runbooks and
// monitoring/ only (no sources, tests or dev tools); `npm install -g` of that tarball into a
// clean prefix brings production dependencies only; the installed `mfs-tui` then works from an
// unrelated folder with a fresh HOME: --help, validate (the shipped library and an operator's
// own runbook folder given with --runbooks) and a dry run on an inventory. Network: the npm
// registry only for dependencies missing from the local npm cache (--prefer-offline).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

const REPO = join(import.meta.dirname, '../../..');
const tmp = mkdtempSync(join(tmpdir(), 'mfs-tui-pack-'));
const prefix = join(tmp, 'prefix');
const elsewhere = join(tmp, 'elsewhere');
const home = join(tmp, 'home');

function sh(cmd: string, args: string[], opts: { cwd?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}) {
  const r = spawnSync(cmd, args, { cwd: opts.cwd ?? tmp, encoding: 'utf8', timeout: opts.timeoutMs ?? 120_000, env: opts.env ?? process.env });
  return { code: r.status, out: `${r.stdout ?? ''}${r.stderr ?? ''}`, stdout: r.stdout ?? '' };
}

/** The installed command, run as a new user would: another folder, an empty HOME, no repo in sight. */
function mfsTui(args: string[]) {
  const env: NodeJS.ProcessEnv = {
    PATH: `${join(prefix, 'bin')}:${process.env.PATH}`,
    HOME: home,
    XDG_CONFIG_HOME: join(home, '.config'),
    XDG_STATE_HOME: join(home, '.local/state'),
    NO_COLOR: '1',
    LANG: 'C.UTF-8',
  };
  return sh('mfs-tui', args, { cwd: elsewhere, env, timeoutMs: 60_000 });
}

describe('npm pack, global install into a clean prefix, mfs-tui from any folder', { timeout: 600_000 }, () => {
  let tarball = '';
  let files: string[] = [];

  before(() => {
    mkdirSync(elsewhere, { recursive: true });
    mkdirSync(home, { recursive: true });
    // prepare builds dist/ into the checkout first; the tarball lands in tmp.
    const pack = sh('npm', ['pack', '--pack-destination', tmp, '--silent'], { cwd: REPO, timeoutMs: 300_000 });
    assert.equal(pack.code, 0, pack.out);
    tarball = join(
      tmp,
      readdirSync(tmp).find((f) => /^mfs-tui-.*\.tgz$/.test(f))!,
    );
    files = sh('tar', ['tzf', tarball]).stdout.split('\n').filter(Boolean);
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  it('the tarball holds the bundle, the runbooks and monitoring/, and no sources, tests or maps', () => {
    for (const f of [
      'package/package.json',
      'package/bin/mfs-tui',
      'package/dist/mfs-tui.mjs',
      'package/runbooks/install-cluster.md',
      'package/runbooks/README.md',
      'package/monitoring/prometheus/moosefs-alerts.yml',
      'package/monitoring/grafana/moosefs-dashboard.json',
      'package/scripts/no-daemon-start.sh',
      'package/README.md',
    ]) {
      assert.ok(files.includes(f), `${f} missing from the tarball:\n${files.join('\n')}`);
    }
    const unwanted = files.filter((f) => /^package\/(app|src|test|screens|bench|node_modules)\/|\.map$|\.ts$|tsconfig/.test(f));
    assert.deepEqual(unwanted, []);
  });

  it('installs globally with production dependencies only, and runs from another folder', () => {
    const install = sh('npm', ['install', '-g', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', tarball], { timeoutMs: 480_000 });
    assert.equal(install.code, 0, install.out);
    const root = join(prefix, 'lib/node_modules/mfs-tui');
    assert.ok(existsSync(join(root, 'dist/mfs-tui.mjs')));
    for (const dev of ['typescript', 'esbuild', 'tsx', 'ink-testing-library', '@types/node']) {
      assert.ok(!existsSync(join(root, 'node_modules', dev)) && !existsSync(join(prefix, 'lib/node_modules', dev)), `dev dependency ${dev} installed`);
    }
    for (const dep of ['ink', 'ssh2', 'yaml']) assert.ok(existsSync(join(root, 'node_modules', dep)), `dependency ${dep} not installed`);

    const help = mfsTui(['--help']);
    assert.equal(help.code, 0, help.out);
    assert.match(help.out, /Usage: mfs-tui/);
    assert.match(help.out, /validate/);

    // The shipped library, found beside the installed bundle.
    const validate = mfsTui(['validate']);
    assert.equal(validate.code, 0, validate.out);
    // A translation (X.zh.md beside X.md) is checked with its original, not counted as a runbook.
    const shipped = readdirSync(join(REPO, 'runbooks')).filter((f) => f.endsWith('.md') && f !== 'README.md' && !/\.(en|zh)\.md$/.test(f)).length;
    assert.match(validate.out, new RegExp(`^${shipped} runbooks valid$`, 'm'));

    // An operator's own runbook folder: a good runbook validates, a broken one is named by file:line:col.
    const own = join(elsewhere, 'my-runbooks');
    mkdirSync(own);
    writeFileSync(
      join(own, 'say-hello.md'),
      '---\nid: say-hello\ntitle: Say hello\nsummary: Prints hello on every master candidate.\nwhen: Never in anger.\nrisk: low\nroles: [master-candidate]\n---\n\n# Say hello\n\n## Hello {#hello}\n\nPrints hello.\n\n```sh on=master-candidate\necho hello from {{host.name}}\n```\n',
    );
    const ownOk = mfsTui(['--runbooks', own, 'validate']);
    assert.equal(ownOk.code, 0, ownOk.out);
    writeFileSync(join(own, 'broken.md'), '---\nid: broken\ntitle: Broken\n---\n\n## A step\n\n```sh on=nosuchrole\necho x\n```\n');
    const ownBad = mfsTui(['--runbooks', own, 'validate']);
    assert.equal(ownBad.code, 1, ownBad.out);
    assert.match(ownBad.out, /broken\.md:\d+:\d+: /);

    // A dry run: every resolved command per host, nothing run, no SSH.
    const inv = join(elsewhere, 'cluster.yaml');
    writeFileSync(
      inv,
      'cluster: packtest\nvip: { address: 192.0.2.100, interface: eth0, prefix: 24 }\nhosts:\n  - { name: m1, address: 192.0.2.11, roles: [master-candidate] }\n  - { name: m2, address: 192.0.2.12, roles: [master-candidate] }\n  - { name: c1, address: 192.0.2.21, roles: [chunkserver] }\n',
    );
    const dry = mfsTui(['--inventory', inv, 'run', 'health-check', '--dry-run']);
    assert.equal(dry.code, 0, dry.out);
    assert.match(dry.out, /dry run on packtest \(nothing is run\)/);
    assert.match(dry.out, /\[m2\]/);
    const ownDry = mfsTui(['--inventory', inv, '--runbooks', own, 'run', 'say-hello', '--dry-run']);
    assert.equal(ownDry.code, 0, ownDry.out);
    assert.match(ownDry.out, /echo hello from m1/);
  });
});
