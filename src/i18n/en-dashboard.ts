// The wall dashboard's own words in English (app/dashboard/dashboard.ts: box labels, the
// window title, a crash): part of the English catalogue (en.ts).
export const enDashboard = {
  'dashboard.windowTitle': 'mfs-tui dashboard',
  'dashboard.label.spaceUsed': ' space used ',
  'dashboard.label.spaceUsedOf': ' space used: {{space}} ',
  'dashboard.label.vip': ' VIP ',
  'dashboard.label.alerts': ' alerts ',
  'dashboard.label.chunksAtRisk': ' chunks at risk ',
  'dashboard.label.spaceGiB': ' space used (GiB) ',
  'dashboard.label.hosts': ' hosts × daemons ',
  'dashboard.label.chunkservers': ' chunkservers ',
  'dashboard.crashed': 'mfs-tui: dashboard stopped: {{error}}',
  'dashboard.label.hostsShown': ' hosts × daemons: {{shown}} of {{total}}, problems first ',
  'dashboard.column.host': 'host',
  'dashboard.column.state': 'state',
  'dashboard.column.rtt': 'rtt',
  'dashboard.column.chunkserver': 'chunkserver',
  'dashboard.column.chunks': 'chunks',
  'dashboard.column.used': 'used',
  'dashboard.column.load': 'load',
} as const;
