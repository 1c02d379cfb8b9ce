import type { TestContext } from 'node:test';

/** Whether the test has passed so far (TestContext.passed, Node ≥ 20.18; unknown counts as failed). */
export function testPassed(t: TestContext): boolean {
  return (t as TestContext & { passed?: boolean }).passed === true;
}
