// Inputs for creating the things a workspace is made of; shared by the CLI and (later) the settings UI.
import { z } from "zod";

export function isValidTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export const roleSchema = z.enum(["owner", "admin", "analyst", "viewer"]);

export const organizationInputSchema = z.object({
  name: z.string().trim().min(1).max(200),
  slug: z
    .string()
    .regex(/^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/, "must be lowercase letters, digits and dashes (1-64 characters)"),
});

export const userInputSchema = z.object({
  email: z.email().transform((e) => e.toLowerCase()),
  password: z.string().min(8, "must be at least 8 characters").max(200),
  name: z.string().trim().min(1).max(200).optional(),
});

export const projectInputSchema = z.object({
  name: z.string().trim().min(1).max(200),
  timezone: z.string().refine(isValidTimeZone, "must be an IANA time zone such as Europe/Paris").default("UTC"),
  domain: z.string().trim().max(253).optional(),
});

export type OrganizationInput = z.infer<typeof organizationInputSchema>;
export type UserInput = z.infer<typeof userInputSchema>;
export type ProjectInput = z.input<typeof projectInputSchema>;
export type Role = z.infer<typeof roleSchema>;
