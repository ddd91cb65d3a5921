// The `openpca` command: serve | credentials | help.
import { existsSync, readFileSync } from 'node:fs';
import { ConfigError, loadConfig, OPTIONS } from '../config/config.ts';
import { credentialsPath, type CredentialFile } from '../config/credentials.ts';
import { startServer } from '../main.ts';
import { createLogger } from '../protocol/log.ts';

const HELP = `openpca — a private certificate authority with the AWS Private CA (acm-pca) API

Usage:
  openpca serve [options]        start the server
  openpca credentials [options]  print shell exports for the generated access key (from --data-dir)
  openpca help                   this text

Options (flag / environment variable / default):
${OPTIONS.map(([f, e, d, h]) => `  ${(f || '').padEnd(17)}${e.padEnd(28)}${d.padEnd(16)}${h}`).join('\n')}
`;

async function main(argv: string[]): Promise<number> {
  const [cmd = 'help', ...rest] = argv;
  if (cmd === 'help' || cmd === '--help' || cmd === '-h') { process.stdout.write(HELP); return 0; }
  let config;
  try { config = loadConfig(rest, process.env); } catch (e) {
    if (e instanceof ConfigError) { process.stderr.write(`openpca: ${e.message}\n`); return 2; }
    throw e;
  }
  if (cmd === 'credentials') {
    const file = credentialsPath(config.dataDir);
    if (!existsSync(file)) { process.stderr.write(`openpca: no generated credentials in ${file} (start the server once, or set OPENPCA_ACCESS_KEY_ID)\n`); return 1; }
    const c = (JSON.parse(readFileSync(file, 'utf8')) as { credentials: CredentialFile[] }).credentials[0]!;
    process.stdout.write(exportsFor(c));
    return 0;
  }
  if (cmd !== 'serve') { process.stderr.write(`openpca: unknown command '${cmd}'\n\n${HELP}`); return 2; }

  const log = createLogger(config.logLevel);
  const server = await startServer(config, log);
  if (server.createdCredential) {
    // Shown once, on the terminal (stderr), never in the JSON log. Also kept in <data-dir>/credentials.json (0600).
    process.stderr.write(`\nOpenPCA generated an access key for account ${server.createdCredential.accountId}. It is shown only now\n`
      + `(it is kept in ${credentialsPath(config.dataDir)}, mode 0600; \`npm run credentials\` prints it again):\n\n`
      + exportsFor(server.createdCredential) + '\n');
  }
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      log.info('shutting down', { signal });
      void server.close().then(resolve);
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
  return 0;
}

function exportsFor(c: CredentialFile): string {
  return `export AWS_ACCESS_KEY_ID=${c.accessKeyId}\nexport AWS_SECRET_ACCESS_KEY=${c.secretAccessKey}\nexport AWS_DEFAULT_REGION=us-east-1\n`;
}

main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (e: unknown) => {
  process.stderr.write(`openpca: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
