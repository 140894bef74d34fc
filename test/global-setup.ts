import { loadConfig } from '../server/src/config/index.js';
import { errorMessage } from '../server/src/errors/index.js';
import { Lab } from '../server/src/lab/index.js';

/**
 * Once per test run: the engine must answer and every lab image must be current. Building is
 * printed as it happens; on a fresh machine this includes the base image (two to three minutes).
 * A failure here stops the run with its own cause: vitest would otherwise go on to report "No test
 * files found", which names the wrong problem.
 */
export default async function setup(): Promise<void> {
  process.env.NODE_ENV = 'test';
  try {
    const lab = new Lab(loadConfig());
    await lab.prepare((line) => process.stdout.write(`[images] ${line}\n`));
  } catch (err) {
    process.stderr.write(
      `\n[images] FAILED: the Docker engine or the lab images are not ready, so no test ran.\n[images] ${errorMessage(err)}\n`,
    );
    process.exit(1);
  }
}
