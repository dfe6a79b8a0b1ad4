// 目录里原先缺的屏幕文字（screens/App.tsx 的参数表单、实时状态连接中的提示、磁盘状态）和
// `mfs-tui status` 的纯文本输出（src/status/text.ts；列标题和 mfscli 的 chunk 类别保持原样）：
// 中文目录（zh.ts）的一部分。
import type { enScreens } from './en-screens.ts';

export const zhScreens: { readonly [K in keyof typeof enScreens]: string } = {
  'app.inputs.filledIn': '由{{from}}填入：{{values}}（按回车保留各项）',
  'app.inputs.fromTriage': '分诊（triage）',
  'app.inputs.handedOver': '由 {{runbook}} 转交：这本手册用得上的参数，会预先填上它给的值。',
  'app.inputs.handedOverRun': '由 {{runbook}}（运行 {{run}}）转交：这本手册用得上的参数，会预先填上它给的值。',
  'status.live.unavailable': '无法获取集群状态：{{error}}',
  'status.live.connecting': '正在连接集群…',
  'status.disks.scanning': '扫描中 {{percent}}%',
  'status.disks.ioError': 'I/O 错误',
  'status.text.title': '集群 {{cluster}}   VIP {{vip}} 由 {{holder}} 持有   时间 {{at}}',
  'status.text.noHolder': '无人持有',
  'status.text.failoverDone': '切换已完成：{{timeline}}',
  'status.text.failoverUnderWay': '正在切换：{{timeline}}',
  'status.text.noAlerts': '告警    无',
  'status.text.alerts': '告警',
  'status.text.critical': '严重',
  'status.text.warning': '警告',
  'status.text.stale': '  （已过时 {{age}}）',
  'status.text.chunks': '数据块   {{classes}}',
  'status.text.mfsNoAnswer': 'MOOSEFS  mfscli 尚无应答',
  'status.text.mfsNoAnswerError': 'MOOSEFS  mfscli 尚无应答：{{error}}',
  'status.text.mfsNoMaster': 'MOOSEFS  通过 VIP 没有 master 应答{{age}}',
  'status.text.masterDown': '已停止',
  'status.text.via': 'MOOSEFS  经由 {{via}}{{age}}   master：{{masters}}',
  'status.text.space': '空间     已用 {{used}}，共 {{total}}，可用 {{avail}}，回收站 {{trash}}',
  'status.text.connected': '已连接',
  'status.text.disconnected': '已断开',
  'status.text.metaloggers': 'METALOGGERS  已连接：{{ips}}',
  'status.text.none': '无',
  'status.text.lags': '   落后：{{lags}}',
  'status.text.lagBehind': '{{host}} {{behind}} 个版本',
};
