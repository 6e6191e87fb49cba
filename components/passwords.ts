// Every data-tier password and token: @pulumi/random, 32 characters, drawn from an alphabet each
// consumer accepts. RDS refuses '/', '@', '"' and spaces in a master password; ElastiCache auth
// tokens allow only ! & # $ ^ < > - besides letters and digits. Values are secrets in state.
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";

export const PASSWORD_LENGTH = 32;

/** Special characters per consumer. */
export const PASSWORD_SPECIALS = {
  mysql: "!#$%&*()-_=+[]{}<>:?",
  redis: "!&#$^<>-",
} as const;

/** A generated password; use `.result` (a secret) wherever it goes. */
export function generatedPassword(
  name: string,
  kind: keyof typeof PASSWORD_SPECIALS,
  opts: pulumi.CustomResourceOptions,
): random.RandomPassword {
  return new random.RandomPassword(
    name,
    {
      length: PASSWORD_LENGTH,
      special: true,
      overrideSpecial: PASSWORD_SPECIALS[kind],
      minLower: 1,
      minUpper: 1,
      minNumeric: 1,
    },
    opts,
  );
}
