/** How lab operations report progress: a phase name and an optional detail, in order. */
export type Progress = (phase: string, detail?: string) => void;
