#!/usr/bin/env node
// Entry point of the `openpca` command; the TypeScript sources run directly on Node 24 (type stripping).
const major = Number(process.versions.node.split('.')[0]);
if (major < 24) {
  process.stderr.write(`openpca needs Node.js 24 or newer (this is ${process.version}); run it through npm (npm start, npx openpca), which uses the Node 24 the project installs.\n`);
  process.exit(1);
}
await import('../src/cli/main.ts');
