// Values that must never be a password, token or key: the seeds' own examples ("password",
// "rootpassword", "secure-password") and the classics. Config validation refuses them even as
// encrypted secrets, and the policy pack refuses them wherever a resource input shows them.
export const WEAK_SECRETS: readonly string[] = [
  "password",
  "rootpassword",
  "secure-password",
  "changeme",
  "secret",
  "admin",
  "123456",
];
