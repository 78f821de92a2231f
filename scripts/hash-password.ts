/**
 * `npm run --silent hash-password -- <user>`: one line for the REST credentials file
 * (rest.basic.auth.credentials.file). The command lives in src so that the container image has it too
 * (`node dist/api/security/hash-password-cli.js <user>`); see its usage text.
 */
import { hashPasswordCli } from '../src/api/security/hash-password-cli.js';

process.exitCode = await hashPasswordCli(process.argv.slice(2), { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr });
