// The practice cluster's public API (the CLI, `npm start` and tests use these).
export { labUp, type LabUpOptions, type LabUpResult } from './up.ts';
export { labDown, type LabDownReport } from './down.ts';
export { labStatus, type LabStatusReport, type LabHostStatus } from './status.ts';
export { labBreak, BREAK_SCENARIOS, type BreakScenario, type BreakResult } from './break.ts';
export { labDeps, missingPackages, LAB_PACKAGES } from './deps.ts';
export { labDir, labInventoryPath } from './paths.ts';
export { LabError } from './proc.ts';
export type { Progress } from './progress.ts';
