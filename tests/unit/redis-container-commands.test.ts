// The secret reaches redis.conf after rendering, literally; the generator's alphabet is one every
// Redis target accepts; the container commands take the password from the secret file only.
import fc from "fast-check";
import { PASSWORD_LENGTH, PASSWORD_SPECIALS } from "../../components/passwords";
import {
  clusterCreateCommand,
  PASSWORD_SLOT,
  redisHealthcheckTest,
  withPassword,
} from "../../components/redis/container-commands";
import { renderRedisConf, validateRedisPassword } from "../../components/redis/redis-conf";

const render = (password: string) => renderRedisConf({ nodeMemoryBytes: 1024 ** 3, password });

test("the slot itself passes the renderer's password check", () => {
  expect(() => validateRedisPassword(PASSWORD_SLOT)).not.toThrow();
});

test.each(["$&$'$`$$-password-0123", "A1^<>&#!-$1$2-xxxxxxxx"])(
  "%s lands in requirepass and masterauth literally, and nowhere else",
  (password) => {
    const conf = withPassword(render, password);
    expect(conf).toContain(`requirepass "${password}"`);
    expect(conf).toContain(`masterauth "${password}"`);
    expect(conf).not.toContain(PASSWORD_SLOT);
    expect(conf.split(password)).toHaveLength(3);
  },
);

test("every password the generator can produce for Redis is a valid ElastiCache auth token", () => {
  const alphabet = [
    ..."abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
    ...PASSWORD_SPECIALS.redis,
  ];
  const passwords = fc
    .array(fc.constantFrom(...alphabet), {
      minLength: PASSWORD_LENGTH,
      maxLength: PASSWORD_LENGTH,
    })
    .map((chars) => chars.join(""));
  fc.assert(
    fc.property(passwords, (password) => {
      validateRedisPassword(password);
      expect(withPassword(render, password)).toContain(`requirepass "${password}"`);
    }),
  );
});

test("MySQL passwords avoid what RDS refuses in a master password", () => {
  expect([...PASSWORD_SPECIALS.mysql].filter((c) => "/@\" '".includes(c))).toEqual([]);
});

test("the health check and the create job read the password file; no password in argv", () => {
  expect(redisHealthcheckTest("/run/secrets/redis-password")).toEqual([
    "CMD-SHELL",
    'REDISCLI_AUTH="$(cat /run/secrets/redis-password)" redis-cli -p 6379 ping | grep -q PONG',
  ]);
  expect(clusterCreateCommand()).toEqual([
    "sh",
    "-c",
    'REDISCLI_AUTH="$(cat /run/secrets/redis-password)" && export REDISCLI_AUTH && exec sh /usr/local/bin/create-cluster.sh',
  ]);
});
