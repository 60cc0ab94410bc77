/** A mistake in how the command was called: exit code 2 and the usage line. */
export class UsageError extends Error {}
