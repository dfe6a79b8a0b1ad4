// 状态屏幕的磁盘面板和时钟偏差告警：中文目录（zh.ts）的一部分。
import type { enStatus } from './en-status.ts';

type OtherThanOther = `${string}_${'zero' | 'one' | 'two' | 'few' | 'many'}`;
export const zhStatus: { readonly [K in Exclude<keyof typeof enStatus, OtherThanOther>]: string } = {
  'alert.clockSkew': '{{host}} 的时钟与集群相差 {{skew}}（master 候选主机超过 {{limit}} 秒：切换时间和元数据时间都依赖它；请检查它的 NTP）',
  'status.disks.noMaster': '通过 VIP 没有 master 应答',
  'status.disks.noAnswer': 'mfscli 尚无应答',
  'status.disks.noAnswerError': 'mfscli 尚无应答：{{error}}',
  'status.disks.title': '磁盘',
  'status.disks.titleCount_other': '磁盘 {{disks}} 块，分布在 {{count}} 台 chunkserver 上',
  'status.disks.asking': '正在询问每台 chunkserver（mfscli -SHD）…',
  'status.disks.problemsFirst': '{{count}} 块有问题（排在前面）',
  'status.disks.allOk': '全部正常',
  'status.disks.key': ' · d：chunkserver',
  'status.disks.problemsFirstNote': ' · 有问题的在前',
  'status.disks.count': '磁盘 {{count}} 块',
  'status.disks.withProblem': '，{{count}} 块有问题',
};
