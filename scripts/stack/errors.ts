/**
 * An expected failure of the stack scripts (missing tool, unreachable registry, server that did not
 * start). The CLI prints its message alone, without a stack trace, because the message already says
 * what is wrong and what to do.
 */
export class StackError extends Error {
  override readonly name = 'StackError';
}
