/** One line of `workerd check`: skip means "not applicable here", never a failure. */
export interface CheckResult {
  readonly name: string;
  readonly status: 'ok' | 'fail' | 'skip';
  readonly detail: string;
}
