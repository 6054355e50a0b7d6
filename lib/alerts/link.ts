// Links from a notification back to the rule on the alerts page, at the app's public URL.
import "server-only";
import { getEnv } from "../env";

export function alertLink(projectId: string, ruleId: string): string {
  const env = getEnv();
  const base = env.NEXTAUTH_URL ?? `http://localhost:${env.PORT}`;
  return new URL(`/projects/${projectId}/alerts?rule=${ruleId}`, base).toString();
}
