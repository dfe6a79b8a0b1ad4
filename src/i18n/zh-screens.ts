// 目录里原先缺的屏幕文字（screens/App.tsx 的参数表单、实时状态连接中的提示、磁盘状态）：
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
};
