-- AlterTable
ALTER TABLE "projects" ADD COLUMN     "embed_secret" TEXT NOT NULL DEFAULT encode(sha256((gen_random_uuid()::text || gen_random_uuid()::text)::bytea), 'hex');
