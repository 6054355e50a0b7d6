-- AlterEnum
ALTER TYPE "ApiKeyKind" ADD VALUE 'admin';
