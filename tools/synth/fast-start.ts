// Imported first by the synth entry point, before the SDK and the program load.
//
// The Pulumi SDK captures a stack trace for every resource and promise (source positions, leak
// reports) that synth never prints: it reports errors by message. Capturing them, and with
// source maps on (as tsx turns them on) mapping each back to TypeScript, was over a third of
// synth's time; reading every module's source map as it loads cost more. Set
// WEBSTACK_STACK_TRACES=1 for full TypeScript stack traces of a program bug.
if (process.env.WEBSTACK_STACK_TRACES !== "1") {
  process.setSourceMapsEnabled(false);
  Error.stackTraceLimit = 0;
}
