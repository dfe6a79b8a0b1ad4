// The options every command takes (before or after its name); their own module so each
// command can name them without importing the command line that imports every command.
export interface GlobalOptions {
  inventory?: string;
  /** A cluster added with `mfs-tui clusters add` (or $MFS_TUI_CLUSTER). */
  cluster?: string;
  lab?: boolean;
  /** The operator's runbook folders, added to the built-in library (repeatable). */
  runbooks?: string[];
  practice?: boolean;
  /** Checked and applied before the commands are built (chooseCommandLanguage). */
  lang?: string;
}
