// Where "Delete this person's data" goes on a person's page, for owners and admins: the action will
// call the privacy deletion API (POST /api/v1/privacy/deletions) once it exists; until then this
// place only says so, and calls nothing.
import type { PersonProfile } from "@/lib/people/schemas";

export function PersonDeletion({ person }: { person: PersonProfile["person"] }) {
  return (
    <section
      aria-labelledby="person-deletion-heading"
      data-testid="person-deletion"
      className="rounded-lg border border-dashed border-slate-300 p-4 text-sm dark:border-slate-700"
    >
      <h3 id="person-deletion-heading" className="font-semibold">
        Delete this person&apos;s data
      </h3>
      <p className="text-slate-600 dark:text-slate-400">
        Deleting every event of {person.user_id ? `user ${person.user_id}` : `anonymous visitor ${person.anonymous_id}`}{" "}
        will start here once privacy deletions are available.
      </p>
    </section>
  );
}
