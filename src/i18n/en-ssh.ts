// What SSH asks or refuses when nobody (or somebody) is at the keyboard (src/cluster/
// non-interactive-prompts.ts, prompt-broker.ts), the sudo password's file descriptor
// (sudo-password-fd.ts), the durable job wrapper (src/ssh/remote-command.ts) and the journal
// writer and record shapes (src/journal/writer.ts, schema.ts) in English: part of the English
// catalogue (en.ts).
export const enSsh = {
  'ssh.prompt.unknownKeyRefused':
    'mfs-tui: {{host}} ({{address}}:{{port}}) offers an unknown {{keyType}} host key {{fingerprint}}; refused without an operator. Check the fingerprint and add the key to known_hosts, or connect once interactively.',
  'ssh.prompt.passphraseRefused': 'mfs-tui: {{keyFile}} needs a passphrase; load it into ssh-agent for non-interactive runs',
  'ssh.prompt.sudoRefused': 'mfs-tui: sudo on {{host}} needs a password for {{user}}; allow NOPASSWD for non-interactive runs, or give it on a file descriptor: {{env}}=3 mfs-tui … 3<FILE',
  'ssh.prompt.passphraseTitle': 'Passphrase for {{keyFile}}',
  'ssh.prompt.passphraseDetail': 'to log in to {{host}}; kept in memory for this session only',
  'ssh.prompt.sudoTitle': 'sudo password for {{user}} on {{host}}',
  'ssh.prompt.sudoDetail': 'asked once per session, never written anywhere',
  'sudoFd.notNumber': '{{where}}: give a file descriptor number of 3 or more that the password can be read from (e.g. 3<FILE)',
  'sudoFd.notOpen': '{{where}}: descriptor {{fd}} is not open',
  'sudoFd.notPassed': '{{where}}: descriptor {{fd}} is not open (not passed to mfs-tui)',
  'sudoFd.notFileOrPipe': '{{where}}: descriptor {{fd}} is not a file or a pipe',
  'sudoFd.terminal': '{{where}}: descriptor {{fd}} is a terminal; give a pipe or a file (run without it to be asked)',
  'sudoFd.unreadable': '{{where}}: descriptor {{fd}} cannot be read',
  'sudoFd.unreadableClosed': '{{where}}: descriptor {{fd}} cannot be read (it is not open)',
  'sudoFd.unreadableCode': '{{where}}: descriptor {{fd}} cannot be read ({{code}})',
  'sudoFd.tooLong': '{{where}}: descriptor {{fd}} gave more than {{max}} bytes; it should hold the password alone',
  'sudoFd.empty': '{{where}}: descriptor {{fd}} gave an empty password',
  'sudoFd.lines': '{{where}}: descriptor {{fd}} gave more than one line; it should hold the password alone',
  'ssh.job.noExitCode': 'mfs-tui: the job ended without an exit code (its recorder was killed)',
  'ssh.job.badGroup': 'refusing to signal process group {{pgid}}',
  'ssh.job.badId': "refusing job id '{{id}}': not a job id",
  'journal.badRunId': "bad run id '{{runId}}'",
  'journal.noRunFile': "no run '{{runId}}' (no file {{file}})",
  'journal.cannotRead': 'cannot read {{file}}: {{error}}',
  'journal.damaged': 'cannot resume: the journal is damaged (nothing was repaired; `mfs-tui report` writes what is readable):\n{{problems}}',
  'journal.empty': '{{file}}: the journal is empty',
  'journal.closed': 'journal {{file}} is closed',
  'journal.badRecord': 'bad {{type}} record: {{where}}{{message}}',
  'journal.shape.jobId': 'a job id is letters, digits, _ - and dots',
  'journal.shape.pgid': 'a process group id above 1',
  'journal.shape.startTime': 'a start time in clock ticks',
  'journal.shape.bootId': 'a boot id',
  'journal.shape.absolute': 'an absolute path',
} as const;
