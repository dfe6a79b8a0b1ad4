// What counts as English prose in a message meant for a Chinese operator
// (test/unit/i18n/no-english-prose.test.ts, test/support/triage-in-chinese.ts): three English words
// in a row, or two when one is a function word ("holds the VIP", "no answer"). Code in
// backticks, `{{placeholders}}`, names with digits, dots, slashes or dashes, and upper-case
// words (MASTER, VIP, SSH) are not prose; two technical words ("metalogger changelog") pass.
const WORD = "[A-Za-z][a-z']+";
const PHRASE = new RegExp(`(?:^|[^A-Za-z0-9_./:=-])(${WORD}(?: ${WORD}){2,})(?![A-Za-z0-9_./:=-])`);
const FUNCTION_WORDS = new Set(
  'a an the is are was were be been has have had do does did not no nor of to on at by for with from into and or but its it this that these those which who when if then than as any all yet so there here'.split(
    ' ',
  ),
);
const PAIR = new RegExp(`(?:^|[^A-Za-z0-9_./:=-])(${WORD}) (${WORD}|[A-Z]+)(?![A-Za-z0-9_./:=-])`, 'g');
/** Program output quoted as it is (MooseFS's own words). */
const QUOTED = ['Working master servers not found'];

export function englishPhrase(text: string): string | undefined {
  let s = text.replace(/`[^`]*`/g, ' ').replace(/\{\{[^}]*\}\}/g, ' ');
  for (const q of QUOTED) s = s.split(q).join(' ');
  const run = PHRASE.exec(s)?.[1];
  if (run) return run;
  for (const m of s.matchAll(PAIR)) if (FUNCTION_WORDS.has(m[1]!.toLowerCase()) || FUNCTION_WORDS.has(m[2]!.toLowerCase())) return `${m[1]} ${m[2]}`;
  return undefined;
}

// Single English words in Chinese text. A word an operator types or reads verbatim stays as it
// is; any other English word is untranslated (test/unit/i18n/no-english-words.test.ts).
const VERBATIM: Record<string, string> = {
  // Programs, daemons, commands and functions, as typed in a shell.
  programs: 'mooseFS mfscli mfsmaster mfschunkserver mfsmetalogger keepalived systemd sudo sshd ssh firewalld prometheus ansible chmod chown kill ps ip bash sh shell printf perl crypt pyenv conda',
  // MooseFS roles (inventory `roles:`, Ansible group names, mfscli's words) and MooseFS terms.
  mooseFS: 'master masters chunkserver chunkservers metalogger metaloggers client clients cgi chunk changelog goal',
  // keepalived states and its keepalived.conf keywords; the role script's FAILED.
  keepalived: 'MASTER BACKUP FAULT FAILED weight notify fall',
  // Protocols, formats, systems, kernel and file-descriptor names, acronyms, units.
  names:
    'VIP VRRP SSH HA IP NTP API CGI FUSE TTY PID uid JSON YAML INI markdown Debian Linux Windows GitHub README CRLF LF NUL DEL ESC SIGKILL EISDIR NOPASSWD cgroup veth stdin stdout LANG en zh ms GiB UP UTC',
  // mfs-tui's own files, as named on its command line (RUNBOOK, --inventory).
  files: 'runbook inventory',
  // Words written in a runbook, an inventory, an ssh_config or an Ansible inventory.
  keys: 'id title summary when risk roles role check decision confirm none yes typed parallel timeout goto key pattern choices prompt help local all vip cluster init os debian rhel mfs become hosts children vars vault runbookDirs textfile HostName Port ProxyJump null seq ts',
  // Values typed after a flag or a subcommand (--settle, `clusters`, `lab break`).
  values: 'rerun abort follow stop list add rename remove import partition',
  // Command-line placeholders the operator replaces.
  placeholders: 'FILE NAME HOST SCENARIO RUNBOOK RUN ID IFACE DIR ADDRESS PREFIX',
  // Practice-cluster host and account names.
  lab: 'ml cl mon spare root ops',
  // Keys the operator presses.
  keyboard: 'enter esc tab home end pgup pgdn',
};
/** The markdown term runbooks/README.md uses for a runbook's YAML header. */
const VERBATIM_PHRASES = ['front matter'];
const VERBATIM_WORDS = new Set(
  Object.values(VERBATIM)
    .flatMap((w) => w.split(' '))
    .map((w) => w.toLowerCase()),
);
// A word: not part of a name with digits, dots, slashes, dashes, `=`, `_`, `*alias`, `&anchor`.
const SINGLE = /(?<![A-Za-z0-9_./:=@$*&+-])[A-Za-z][A-Za-z']*(?![A-Za-z0-9_./:=+-])/g;

/** The English words of `text` an operator would read as untranslated (none when all is Chinese). */
export function englishWords(text: string): string[] {
  let s = text.replace(/`[^`]*`/g, ' ').replace(/\{\{[^}]*\}\}/g, ' ');
  for (const q of [...QUOTED, ...VERBATIM_PHRASES]) s = s.split(q).join(' ');
  s = s
    .replace(/\*\*/g, ' ')
    // A command line as typed: `mfs-tui clusters add NAME x.yaml`, a flag and its value.
    .replace(/mfs-tui(?:\s+(?:--?)?[A-Za-z0-9_.<>=$/{}…,-]+)*/g, ' ')
    .replace(/--[a-z][a-z-]*(?: [a-z0-9_.-]+(?=[^A-Za-z0-9_.-]|$))?/g, ' ')
    // The English term after its Chinese word: 隔离（fence）, 演练（dry run）.
    .replace(/(?<=\p{Script=Han})（[A-Za-z]+(?: [A-Za-z]+)?）/gu, ' ');
  // A single letter is a key (y, q) or a prefix (v1.2, U+000D).
  return [...s.matchAll(SINGLE)].map((m) => m[0]).filter((w) => w.length > 1 && !VERBATIM_WORDS.has(w.toLowerCase().replace(/'s$/, '')));
}
