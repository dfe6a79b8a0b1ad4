// Screen lines the catalogue lacked (screens/App.tsx's inputs form, the live status while it
// connects, a disk's state) in English: part of the English catalogue (en.ts).
export const enScreens = {
  'app.inputs.filledIn': 'Filled in by {{from}}: {{values}} (enter keeps each)',
  'app.inputs.fromTriage': 'triage',
  'app.inputs.handedOver': 'Handed over by {{runbook}}: its values are offered where this runbook takes them.',
  'app.inputs.handedOverRun': 'Handed over by {{runbook}} (run {{run}}): its values are offered where this runbook takes them.',
  'status.live.unavailable': 'Cluster status not available: {{error}}',
  'status.live.connecting': 'Connecting to the cluster…',
  'status.disks.scanning': 'scanning {{percent}}%',
  'status.disks.ioError': 'I/O error',
} as const;
