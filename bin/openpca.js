#!/usr/bin/env node
// Entry point of the `openpca` command; the TypeScript sources run directly on Node 24 (type stripping).
import '../src/cli/main.ts';
