import { loadConfig } from '../server/src/config/index.js';
import { Lab } from '../server/src/lab/index.js';

/**
 * Once per test run: the engine must answer and every lab image must be current. Building is
 * printed as it happens; on a fresh machine this includes the base image (about two minutes).
 */
export default async function setup(): Promise<void> {
  process.env.NODE_ENV = 'test';
  const lab = new Lab(loadConfig());
  await lab.prepare((line) => process.stdout.write(`[images] ${line}\n`));
}
