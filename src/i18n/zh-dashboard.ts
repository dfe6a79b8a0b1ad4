// 大屏看板自己的文字（app/dashboard/dashboard.ts：各框标题、窗口标题、崩溃提示）：中文目录（zh.ts）的一部分。
import type { enDashboard } from './en-dashboard.ts';

export const zhDashboard: { readonly [K in keyof typeof enDashboard]: string } = {
  'dashboard.windowTitle': 'mfs-tui 看板',
  'dashboard.label.spaceUsed': ' 已用空间 ',
  'dashboard.label.spaceUsedOf': ' 已用空间：{{space}} ',
  'dashboard.label.vip': ' VIP ',
  'dashboard.label.alerts': ' 告警 ',
  'dashboard.label.chunksAtRisk': ' 有风险的 chunk ',
  'dashboard.label.spaceGiB': ' 已用空间（GiB） ',
  'dashboard.label.hosts': ' 主机 × 守护进程 ',
  'dashboard.label.chunkservers': ' chunkserver ',
  'dashboard.crashed': 'mfs-tui：看板异常退出：{{error}}',
  'dashboard.label.hostsShown': ' 主机 × 守护进程：显示 {{total}} 台中的 {{shown}} 台，有问题的在前 ',
  'dashboard.column.host': '主机',
  'dashboard.column.state': '状态',
  'dashboard.column.rtt': '延迟',
  'dashboard.column.chunkserver': 'chunkserver',
  'dashboard.column.chunks': 'chunk 数',
  'dashboard.column.used': '已用',
  'dashboard.column.load': '负载',
};
