// `when="os=debian init=systemd mfs>=3.0.100"`: parsing conditions on host facts,
// testing them, and picking the command block variant for a host.
import { t } from '../i18n/index.ts';
import type { HostFacts } from './facts.ts';
import type { CommandBlock, FactCondition, Step } from './types.ts';

const FACTS = ['os', 'init', 'mfs'] as const;
// Longest operators first so `>=` is not read as `>` followed by `=...`.
const CONDITION = /^([a-z]+)(!=|>=|<=|=|>|<)(.*)$/;

/**
 * Parses space-separated conditions. On the first bad one returns the conditions read so
 * far and an error that names it.
 */
export function parseConditions(s: string): { conditions: FactCondition[]; error?: string } {
  const conditions: FactCondition[] = [];
  for (const word of s.split(/\s+/).filter(Boolean)) {
    const m = CONDITION.exec(word);
    if (!m) return { conditions, error: t('runbook.condition.bad', { word }) };
    const [, fact, op, value] = m as unknown as [string, string, FactCondition['op'], string];
    if (!(FACTS as readonly string[]).includes(fact)) return { conditions, error: t('runbook.condition.unknownFact', { fact, word, facts: FACTS.join(', ') }) };
    if (value === '') return { conditions, error: t('runbook.condition.noValue', { word }) };
    if (fact === 'mfs') {
      if (!/^\d+(\.\d+)*$/.test(value)) return { conditions, error: t('runbook.condition.badVersion', { value, word }) };
    } else {
      if (op !== '=' && op !== '!=') return { conditions, error: t('runbook.condition.equalityOnly', { word, fact }) };
      if (fact === 'init' && value !== 'systemd' && value !== 'none') return { conditions, error: t('runbook.condition.badInit', { value, word }) };
      if (fact === 'os' && !/^[a-z0-9][a-z0-9._-]*$/.test(value)) return { conditions, error: t('runbook.condition.badOs', { value, word }) };
    }
    conditions.push({ fact: fact as FactCondition['fact'], op, value });
  }
  return { conditions };
}

/** Compares dotted versions numerically part by part; missing parts count as 0; a `-1` suffix is ignored. */
export function compareVersions(a: string, b: string): number {
  const parts = (v: string) =>
    v
      .split('-')[0]!
      .split('.')
      .map((p) => Number.parseInt(p, 10) || 0);
  const pa = parts(a);
  const pb = parts(b);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}

function holds(c: FactCondition, facts: HostFacts): boolean {
  if (c.fact === 'mfs') {
    // No MooseFS found: no version condition holds, not even `!=`.
    if (facts.mfs === undefined) return false;
    const d = compareVersions(facts.mfs, c.value);
    switch (c.op) {
      case '=':
        return d === 0;
      case '!=':
        return d !== 0;
      case '>=':
        return d >= 0;
      case '<=':
        return d <= 0;
      case '>':
        return d > 0;
      case '<':
        return d < 0;
    }
  }
  // os matches the family (debian) or the exact os-release ID (ubuntu).
  const equal = c.fact === 'os' ? c.value === facts.os || c.value === facts.osId : c.value === facts.init;
  return c.op === '!=' ? !equal : equal;
}

/** True when every condition holds (an empty list always holds). */
export function matchesFacts(conds: FactCondition[], facts: HostFacts): boolean {
  return conds.every((c) => holds(c, facts));
}

/** The first command block whose `when` holds for this host, or undefined when none does. */
export function chooseBlock(step: Step, facts: HostFacts): CommandBlock | undefined {
  return step.commands.find((b) => matchesFacts(b.when, facts));
}
