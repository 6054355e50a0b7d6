-- AlterTable
ALTER TABLE "embed_tokens" ADD COLUMN     "downloads" BOOLEAN NOT NULL DEFAULT false;
