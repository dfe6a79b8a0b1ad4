// The status screen's disk panel and the clock-skew alert in English: part of the English catalogue (en.ts).
export const enStatus = {
  'alert.clockSkew': "{{host}}'s clock is {{skew}} off the cluster's (over {{limit}} s on a master candidate: failover timings and metadata times depend on it; check its NTP)",
  'status.disks.noMaster': 'no master answers through the VIP',
  'status.disks.noAnswer': 'no mfscli answer yet',
  'status.disks.noAnswerError': 'no mfscli answer yet: {{error}}',
  'status.disks.title': 'disks',
  'status.disks.titleCount_one': 'disks {{disks}} on {{count}} chunkserver',
  'status.disks.titleCount_other': 'disks {{disks}} on {{count}} chunkservers',
  'status.disks.asking': 'asking every chunkserver (mfscli -SHD)…',
  'status.disks.problemsFirst': '{{count}} with a problem (first)',
  'status.disks.allOk': 'all ok',
  'status.disks.key': ' · d: chunkservers',
  'status.disks.problemsFirstNote': ' · problems first',
  'status.disks.count': 'disks {{count}}',
  'status.disks.withProblem': ', {{count}} with a problem',
} as const;
