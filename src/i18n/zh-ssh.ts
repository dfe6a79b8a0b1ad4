// SSH 在无人值守（或有人值守）时问什么、拒绝什么（src/cluster/non-interactive-prompts.ts、
// prompt-broker.ts），从文件描述符读取 sudo 密码（sudo-password-fd.ts），持久作业的包装
// （src/ssh/remote-command.ts），以及日志的写入和记录格式（src/journal/writer.ts、schema.ts）：
// 中文目录（zh.ts）的一部分。
import type { enSsh } from './en-ssh.ts';

export const zhSsh: { readonly [K in keyof typeof enSsh]: string } = {
  'ssh.prompt.unknownKeyRefused':
    'mfs-tui: {{host}}（{{address}}:{{port}}）提供的 {{keyType}} 主机密钥 {{fingerprint}} 不在 known_hosts 里；无人值守时一律拒绝。请核对指纹后把密钥加进 known_hosts，或者先在终端里交互连接一次。',
  'ssh.prompt.passphraseRefused': 'mfs-tui: {{keyFile}} 需要口令；无人值守运行时请先把它加载到 ssh-agent 里',
  'ssh.prompt.sudoRefused': 'mfs-tui: 在 {{host}} 上以 {{user}} 执行 sudo 需要密码；无人值守运行请配置 NOPASSWD，或者通过文件描述符提供密码：{{env}}=3 mfs-tui … 3<FILE',
  'ssh.prompt.passphraseTitle': '{{keyFile}} 的口令',
  'ssh.prompt.passphraseDetail': '用于登录 {{host}}；只在本次会话的内存里保存',
  'ssh.prompt.sudoTitle': '{{host}} 上 {{user}} 的 sudo 密码',
  'ssh.prompt.sudoDetail': '每个会话只问一次，不会写到任何地方',
  'sudoFd.notNumber': '{{where}}：请给一个大于等于 3、能从中读出密码的文件描述符编号（例如 3<FILE）',
  'sudoFd.notOpen': '{{where}}：文件描述符 {{fd}} 没有打开',
  'sudoFd.notPassed': '{{where}}：文件描述符 {{fd}} 没有打开（没有传给 mfs-tui）',
  'sudoFd.notFileOrPipe': '{{where}}：文件描述符 {{fd}} 既不是文件也不是管道',
  'sudoFd.terminal': '{{where}}：文件描述符 {{fd}} 是终端；请给管道或文件（想被当场询问密码，就不要设这个变量）',
  'sudoFd.unreadable': '{{where}}：文件描述符 {{fd}} 读不出来',
  'sudoFd.unreadableClosed': '{{where}}：文件描述符 {{fd}} 读不出来（它没有打开）',
  'sudoFd.unreadableCode': '{{where}}：文件描述符 {{fd}} 读不出来（{{code}}）',
  'sudoFd.tooLong': '{{where}}：文件描述符 {{fd}} 给出的内容超过 {{max}} 字节；里面应该只有密码',
  'sudoFd.empty': '{{where}}：文件描述符 {{fd}} 给出的密码是空的',
  'sudoFd.lines': '{{where}}：文件描述符 {{fd}} 给出了不止一行；里面应该只有密码',
  'ssh.job.noExitCode': 'mfs-tui: 作业结束了，但没有留下退出码（记录它的进程被杀掉了）',
  'ssh.job.badGroup': '拒绝向进程组 {{pgid}} 发信号',
  'ssh.job.badId': "拒绝作业 id '{{id}}'：这不是作业 id",
  'journal.badRunId': "运行 id '{{runId}}' 无效",
  'journal.noRunFile': "没有运行 '{{runId}}'（没有文件 {{file}}）",
  'journal.cannotRead': '无法读取 {{file}}：{{error}}',
  'journal.damaged': '无法继续：运行日志已损坏（没有做任何修复；`mfs-tui report` 会写出能读的部分）：\n{{problems}}',
  'journal.empty': '{{file}}：运行日志是空的',
  'journal.closed': '运行日志 {{file}} 已关闭',
  'journal.badRecord': '{{type}} 记录格式不对：{{where}}{{message}}',
  'journal.shape.jobId': '作业 id 只能由字母、数字、_、- 和点组成',
  'journal.shape.pgid': '进程组 id 必须大于 1',
  'journal.shape.startTime': '启动时间必须是时钟滴答数',
  'journal.shape.bootId': '必须是 boot id',
  'journal.shape.absolute': '必须是绝对路径',
};
