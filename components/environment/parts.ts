// What each target's builder hands back to the Environment: the outputs its parts produced and
// the files they rendered. Parts not built yet contribute nothing; no output is ever invented.
import * as pulumi from "@pulumi/pulumi";
import type { StackOutputs } from "./outputs";

export interface BuiltParts {
  /** Outputs the parts produced (database, cache, certificate ...). */
  readonly outputs: Partial<StackOutputs>;
  /** Rendered files by path under out/<stack>/, e.g. "nginx/nginx.conf". */
  readonly files: Record<string, pulumi.Output<string>>;
}
