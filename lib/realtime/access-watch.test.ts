// Open streams authorised again when access changes: only the project's (and, for a jti, only that
// token's) streams, one check per key however many streams share it, a check at once for a stream
// authorised before a notice it could not hear, and late answers of older checks ignored.
import { expect, it } from "vitest";
import { type AccessNotices, type AccessOutcome, AccessWatch } from "./access-watch";

function notices() {
  let hear: (payload: string | null) => void = () => undefined;
  const source: AccessNotices = {
    watchAccess: (listener) => {
      hear = listener;
      return () => undefined;
    },
  };
  return { source, send: (payload: string | null) => hear(payload) };
}

const P1 = "00000000-0000-4000-8000-000000000001";
const P2 = "00000000-0000-4000-8000-000000000002";
const settle = () => new Promise((resolve) => setImmediate(resolve));

it("re-checks the changed project's streams once per key, and only the jti's when one is named", async () => {
  const { source, send } = notices();
  const watch = new AccessWatch(source);
  const checks: string[] = [];
  const outcomes: string[] = [];
  const register = (projectId: string, key: string, jti: string | null, name: string) =>
    watch.watch(
      {
        projectId,
        key,
        jti,
        check: async () => {
          checks.push(key);
          return key;
        },
      },
      watch.mark(),
      (o: AccessOutcome<string>) => outcomes.push(`${name}:${o.ok}`),
    );
  register(P1, "token-a", "jti-a", "a1");
  register(P1, "token-a", "jti-a", "a2");
  register(P1, "token-b", "jti-b", "b");
  const stopOther = register(P2, "token-c", null, "c");
  expect(checks).toEqual([]);

  send(JSON.stringify({ project_id: P1 }));
  await settle();
  expect(checks).toEqual(["token-a", "token-b"]);
  expect(outcomes.sort()).toEqual(["a1:true", "a2:true", "b:true"]);

  send(JSON.stringify({ project_id: P1, jti: "jti-b" }));
  await settle();
  expect(checks).toEqual(["token-a", "token-b", "token-b"]);

  // After a reconnect every stream is checked; one that stopped watching is not.
  stopOther();
  send(null);
  await settle();
  expect(checks.slice(3).sort()).toEqual(["token-a", "token-b"]);
  send("not json");
  expect(watch.size()).toBe(3);
});

it("checks at once a stream authorised before a notice, and ignores an older check that answers late", async () => {
  const { source, send } = notices();
  const watch = new AccessWatch(source);
  watch.watch({ projectId: P2, key: "x", jti: null, check: async () => "x" }, watch.mark(), () => undefined);
  const since = watch.mark();
  send(JSON.stringify({ project_id: P1 }));
  const answers: ((value: string) => void)[] = [];
  const seen: string[] = [];
  watch.watch(
    { projectId: P1, key: "k", jti: null, check: () => new Promise<string>((resolve) => answers.push(resolve)) },
    since,
    (o) => seen.push(o.ok ? o.value : "refused"),
  );
  expect(answers).toHaveLength(1);
  send(JSON.stringify({ project_id: P1 }));
  expect(answers).toHaveLength(2);
  answers[1]!("newer");
  await settle();
  answers[0]!("older");
  await settle();
  expect(seen).toEqual(["newer"]);
});
