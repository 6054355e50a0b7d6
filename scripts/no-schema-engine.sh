#!/bin/sh
# Stands in for Prisma's native schema engine so `prisma generate` does not try to download it.
exit 1
