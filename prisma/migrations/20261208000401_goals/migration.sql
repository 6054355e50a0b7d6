-- Goals (issue 19): named conversions of a project, an event or a page path pattern, that the query
-- measures goal_conversion_rate, goal_visitors and goal_completions name by id.

-- CreateTable
CREATE TABLE "goals" (
    "id" UUID NOT NULL,
    "organization_id" UUID NOT NULL,
    "project_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "definition" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "goals_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "goals_organization_id_id_key" ON "goals"("organization_id", "id");

-- CreateIndex
CREATE UNIQUE INDEX "goals_organization_id_project_id_name_key" ON "goals"("organization_id", "project_id", "name");

-- AddForeignKey
ALTER TABLE "goals" ADD CONSTRAINT "goals_organization_id_project_id_fkey" FOREIGN KEY ("organization_id", "project_id") REFERENCES "projects"("organization_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;
