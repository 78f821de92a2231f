import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CommandLineError, parseCommandLine } from '../../../src/runtime/config/command-line.js';

test('connect-standalone style: the worker file, then connector files', () => {
  assert.deepEqual(parseCommandLine(['worker.properties', 'a.properties', 'b.json']), {
    command: 'run',
    workerConfigFile: 'worker.properties',
    connectorFiles: ['a.properties', 'b.json'],
  });
});

test('no arguments runs from the environment alone', () => {
  assert.deepEqual(parseCommandLine([]), { command: 'run', connectorFiles: [] });
});

test('a sole argument is the worker file', () => {
  assert.deepEqual(parseCommandLine(['w.properties']), { command: 'run', workerConfigFile: 'w.properties', connectorFiles: [] });
});

test('help and version', () => {
  assert.deepEqual(parseCommandLine(['--help']), { command: 'help' });
  assert.deepEqual(parseCommandLine(['-h', 'w.properties']), { command: 'help' });
  assert.deepEqual(parseCommandLine(['-v']), { command: 'version' });
});

test('an unknown option is an error that shows the usage', () => {
  assert.throws(
    () => parseCommandLine(['--daemon', 'w.properties']),
    (e: Error) => e instanceof CommandLineError && /--daemon/.test(e.message) && /Usage: milvus-connect/.test(e.message),
  );
});

test('an empty worker file name is refused rather than silently ignored', () => {
  assert.throws(() => parseCommandLine(['', 'c.json']), CommandLineError);
});
