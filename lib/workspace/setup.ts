// First run: when no user exists yet, create the first owner, their organization and a project.
import "server-only";
import { z } from "zod";
import { recordAudit, userActor } from "../audit/record";
import { hashPassword } from "../auth/password";
import { getPrisma } from "../db/client";
import { ApiError } from "../errors";
import { organizationInputSchema, projectInputSchema, userInputSchema } from "./schemas";

export const setupInputSchema = z.object({
  organization: organizationInputSchema,
  user: userInputSchema,
  project: projectInputSchema,
});

export type SetupInput = z.input<typeof setupInputSchema>;

const alreadySetUp = () => new ApiError("conflict", "Lumen is already set up: sign in instead");

export async function isSetupNeeded(): Promise<boolean> {
  return (await getPrisma().user.findFirst({ select: { id: true } })) === null;
}

/** Once set up, the setup endpoint answers at once: no body read, no password hashed, nothing written. */
export async function assertSetupNeeded(): Promise<void> {
  if (!(await isSetupNeeded())) throw alreadySetUp();
}

export async function runFirstSetup(input: z.infer<typeof setupInputSchema>) {
  const passwordHash = await hashPassword(input.user.password);
  return getPrisma().$transaction(async (tx) => {
    // Two people opening /setup at once: the lock makes the second see the first's user.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('lumen_first_setup'))`;
    if ((await tx.user.count()) > 0) throw alreadySetUp();
    const organization = await tx.organization.create({ data: input.organization });
    const user = await tx.user.create({
      data: { email: input.user.email, name: input.user.name ?? null, passwordHash },
    });
    await tx.membership.create({ data: { organizationId: organization.id, userId: user.id, role: "owner" } });
    // The first owner set it up: the log of the new organization starts with them.
    const actor = userActor(user.id);
    await recordAudit(tx, {
      organizationId: organization.id,
      actor,
      action: "organization.created",
      target: { type: "organization", id: organization.id },
      details: { name: organization.name, slug: organization.slug },
    });
    await recordAudit(tx, {
      organizationId: organization.id,
      actor,
      action: "member.added",
      target: { type: "user", id: user.id },
      details: { email: user.email, role: "owner" },
    });
    const project = await tx.project.create({
      data: {
        organizationId: organization.id,
        name: input.project.name,
        timezone: input.project.timezone,
        domain: input.project.domain ?? null,
      },
    });
    await recordAudit(tx, {
      organizationId: organization.id,
      projectId: project.id,
      actor,
      action: "project.created",
      target: { type: "project", id: project.id },
      details: { name: project.name, timezone: project.timezone },
    });
    return { organization_id: organization.id, project_id: project.id, user_id: user.id };
  });
}
