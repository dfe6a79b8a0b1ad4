// A step's or host's state in a word, in the operator's language (the journal keeps the English names).
import type { StepStatus } from '../../src/engine/types.ts';
import { t } from '../../src/i18n/index.ts';

/** A step's state in a word, in the operator's language. */
export function stepStatusWord(status: StepStatus): string {
  const words: Record<StepStatus, string> = {
    pending: t('runner.stepStatus.pending'),
    running: t('runner.stepStatus.running'),
    succeeded: t('runner.stepStatus.succeeded'),
    failed: t('runner.stepStatus.failed'),
    cancelled: t('runner.stepStatus.cancelled'),
    skipped: t('runner.stepStatus.skipped'),
    'in-doubt': t('runner.stepStatus.inDoubt'),
  };
  return words[status] ?? status;
}
