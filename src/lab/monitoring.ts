// `lab up --monitoring`: the seeds' monitoring stack for real on the practice cluster. Debian's
// prometheus-node-exporter on the master candidates reads the textfile directory the
// monitoring runbook's schedule writes (run here by mfs-tui's engine, as an operator would);
// Debian's prometheus on the host `mon` scrapes them every 2 s and evaluates monitoring/'s
// alert rules every 2 s (the rules' own `for:` durations unchanged), so a test sees an alert
// fire within a minute of a fault. Everything runs inside the hosts' namespaces: `lab down`
// ends it with them.
import fs from 'node:fs';
import path from 'node:path';
import { builtinRunbookDir } from '../runbook/catalog.ts';
import { MONITOR_HOST, type LabHostPlan } from './layout.ts';
import { hostDir } from './paths.ts';
import { LabError, waitFor } from './proc.ts';
import { hostStep } from './host-exec.ts';
import { t } from '../i18n/index.ts';

/** node_exporter's textfile directory on the master candidates (their private /run). */
export const TEXTFILE_DIR = '/run/node-exporter-textfile';
export const NODE_EXPORTER_PORT = 9100;
export const PROMETHEUS_PORT = 9090;
/** Seconds between two runs of the monitoring runbook's collector on the lab. */
export const COLLECT_INTERVAL_S = 5;
/** Scrape and rule evaluation interval of the lab's Prometheus. */
export const PROMETHEUS_INTERVAL = '2s';

/** The Prometheus HTTP API of the lab's `mon` host, from the machine (through the bridge). */
export function prometheusUrl(hosts: readonly LabHostPlan[]): string | undefined {
  const mon = hosts.find((h) => h.name === MONITOR_HOST);
  return mon && `http://${mon.address}:${PROMETHEUS_PORT}`;
}

/** The alert rules shipped in monitoring/ (beside runbooks/ in the checkout and in the npm package). */
export function alertRulesFile(): string {
  return path.join(path.dirname(builtinRunbookDir()), 'monitoring', 'prometheus', 'moosefs-alerts.yml');
}

export function prometheusConfig(hosts: readonly LabHostPlan[]): string {
  const targets = hosts.filter((h) => h.roles.includes('master-candidate')).map((h) => `'${h.address}:${NODE_EXPORTER_PORT}'`);
  return [
    // english: a comment in the file written
    '# Written by mfs-tui lab up --monitoring: short intervals so alerts fire within seconds of their `for:`.',
    'global:',
    `  scrape_interval: ${PROMETHEUS_INTERVAL}`,
    `  evaluation_interval: ${PROMETHEUS_INTERVAL}`,
    'rule_files:',
    '  - /tmp/prometheus/moosefs-alerts.yml',
    'scrape_configs:',
    '  - job_name: node',
    '    static_configs:',
    `      - targets: [${targets.join(', ')}]`,
    '',
  ].join('\n');
}

const background = (log: string, cmd: string) => `setsid ${cmd} </dev/null >>${log} 2>&1 &\n`;

/** node_exporter on the candidates, Prometheus on mon; resolves once Prometheus is ready and has loaded the rules. */
export async function startMonitoringDaemons(hosts: readonly LabHostPlan[]): Promise<void> {
  const mon = hosts.find((h) => h.name === MONITOR_HOST);
  if (!mon) throw new LabError(t('lab.monitoring.noHost', { host: MONITOR_HOST }));
  const rules = alertRulesFile();
  if (!fs.existsSync(rules)) throw new LabError(t('lab.monitoring.noRules', { file: rules }));
  // mon's /tmp is its own folder in the lab dir.
  const dir = path.join(hostDir(MONITOR_HOST), 'tmp', 'prometheus');
  fs.mkdirSync(path.join(dir, 'data'), { recursive: true, mode: 0o755 });
  fs.writeFileSync(path.join(dir, 'prometheus.yml'), prometheusConfig(hosts), { mode: 0o644 });
  fs.copyFileSync(rules, path.join(dir, 'moosefs-alerts.yml'));
  const candidates = hosts.filter((h) => h.roles.includes('master-candidate'));
  await Promise.all([
    ...candidates.map((h) =>
      hostStep(
        h.name,
        t('lab.step.starting', { what: 'prometheus-node-exporter' }),
        `mkdir -p ${TEXTFILE_DIR}\n` + background('/var/log/node-exporter.log', `prometheus-node-exporter --web.listen-address=:${NODE_EXPORTER_PORT} --collector.textfile.directory=${TEXTFILE_DIR}`),
      ),
    ),
    hostStep(
      MONITOR_HOST,
      t('lab.step.starting', { what: 'prometheus' }),
      // english: shell
      'promtool check config /tmp/prometheus/prometheus.yml >/dev/null || exit 1\n' +
        background(
          '/var/log/prometheus.log',
          `prometheus --config.file=/tmp/prometheus/prometheus.yml --storage.tsdb.path=/tmp/prometheus/data --storage.tsdb.retention.time=2h --web.listen-address=:${PROMETHEUS_PORT}`,
        ),
    ),
  ]);
  const url = prometheusUrl(hosts)!;
  let last = '';
  const ready = await waitFor(
    async () => {
      try {
        const r = await fetch(`${url}/api/v1/rules`, { signal: AbortSignal.timeout(2000) });
        const groups = ((await r.json()) as { data?: { groups?: unknown[] } }).data?.groups ?? [];
        last = t('lab.monitoring.ruleGroups', { count: groups.length });
        return r.ok && groups.length > 0;
      } catch (e) {
        last = (e as Error).message;
        return false;
      }
    },
    60_000,
    250,
  );
  if (!ready) throw new LabError(t('lab.monitoring.notReady', { host: MONITOR_HOST, seconds: 60, last, log: path.join(hostDir(MONITOR_HOST), 'var/log/prometheus.log') }));
}
