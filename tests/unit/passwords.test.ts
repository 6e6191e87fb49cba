// Every generated password is one its consumer accepts, and lands in redis.conf literally.
// The rules are the vendors': ElastiCache auth tokens are 16–128 characters of letters, digits
// and ! & # $ ^ < > - ; an RDS master password may not contain /, @, " or a space.
import fc from "fast-check";
import { PASSWORD_LENGTH, PASSWORD_SPECIALS } from "../../components/passwords";
import { renderRedisConf } from "../../components/redis/redis-conf";

const ALPHANUMERIC = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

function generated(specials: string) {
  return fc
    .array(fc.constantFrom(...ALPHANUMERIC, ...specials), {
      minLength: PASSWORD_LENGTH,
      maxLength: PASSWORD_LENGTH,
    })
    .map((chars) => chars.join(""));
}

test("every Redis password the generator can produce is a valid ElastiCache auth token", () => {
  fc.assert(
    fc.property(generated(PASSWORD_SPECIALS.redis), (password) => {
      expect(password).toMatch(/^[A-Za-z0-9!&#$^<>-]{16,128}$/);
      const conf = renderRedisConf({ nodeMemoryBytes: 1024 ** 3, password });
      expect(conf).toContain(`requirepass "${password}"\nmasterauth "${password}"\n`);
      expect(conf.split(password)).toHaveLength(3);
    }),
  );
});

test("MySQL passwords avoid what RDS refuses in a master password", () => {
  expect([...PASSWORD_SPECIALS.mysql].filter((c) => "/@\" '".includes(c))).toEqual([]);
});
